package dev.spice.core;

import java.util.Arrays;
import java.util.Objects;

/**
 * One example of a supervised (next-token) update, see {@link TrainablePolicy#supervisedUpdate}:
 * the policy is trained to predict {@code targetTokens} after {@code promptTokens}. Supervised
 * fine-tuning uses a (prompt, completion) pair; pretraining on plain text uses a document as the
 * target after a one-token prompt ({@link #document(int, int[])}, e.g. after the
 * beginning-of-sequence id) or after its own first token ({@link #document(int[])}).
 *
 * <p>The prompt tokens are context only (no loss on them). Token ids are not checked against a
 * vocabulary here (the backend does that); they must be {@code >= 0}.
 *
 * <p>Immutable: the arrays are copied on construction and every array accessor returns a fresh
 * copy (use {@link #promptLength()} and {@link #targetLength()} for lengths). Equality is by
 * content, the weight compared as by {@link Double#compare}.
 *
 * @param promptTokens context token ids, at least one (the first target token is predicted from
 *     the last prompt token)
 * @param targetTokens token ids to learn, at least one
 * @param weight the sample's weight in the batch's weighted token mean; finite and {@code >= 0}
 *     (0 means the sample contributes nothing)
 */
public record SupervisedSample(int[] promptTokens, int[] targetTokens, double weight) {

  /**
   * Validates and copies.
   *
   * @param promptTokens context token ids, at least one (the first target token is predicted from
   *     the last prompt token)
   * @param targetTokens token ids to learn, at least one
   * @param weight the sample's weight in the batch's weighted token mean; finite and {@code >= 0}
   *     (0 means the sample contributes nothing)
   */
  public SupervisedSample {
    Objects.requireNonNull(promptTokens, "promptTokens");
    Objects.requireNonNull(targetTokens, "targetTokens");
    promptTokens = promptTokens.clone();
    targetTokens = targetTokens.clone();
    if (promptTokens.length == 0) {
      throw new IllegalArgumentException("promptTokens is empty; give at least one context token "
          + "(e.g. the beginning-of-sequence id, or a document's first token: see SupervisedSample.document)");
    }
    if (targetTokens.length == 0) {
      throw new IllegalArgumentException("targetTokens is empty; a supervised sample needs at least one token to learn");
    }
    checkIds(promptTokens, "promptTokens");
    checkIds(targetTokens, "targetTokens");
    if (!(weight >= 0) || Double.isInfinite(weight)) {
      throw new IllegalArgumentException("weight must be finite and >= 0, got " + weight);
    }
  }

  private static void checkIds(int[] ids, String what) {
    for (int i = 0; i < ids.length; i++) {
      if (ids[i] < 0) {
        throw new IllegalArgumentException(what + "[" + i + "] is " + ids[i] + "; token ids must be >= 0");
      }
    }
  }

  /**
   * A (prompt, completion) pair with weight 1.
   *
   * @param promptTokens the prompt tokens
   * @param targetTokens the target tokens
   * @return a (prompt, completion) pair with weight 1
   */
  public static SupervisedSample of(int[] promptTokens, int[] targetTokens) {
    return new SupervisedSample(promptTokens, targetTokens, 1.0);
  }

  /**
   * A plain document learned after a one-token prompt (typically the beginning-of-sequence id): every
   * token of {@code documentTokens} is a target.
   *
   *
   * @param startToken the one context token
   * @param documentTokens the document, at least one token
   * @return a plain document learned after a one-token prompt (typically the beginning-of-sequence
   *     id): every token of {@code documentTokens} is a target
   */
  public static SupervisedSample document(int startToken, int[] documentTokens) {
    return new SupervisedSample(new int[] {startToken}, documentTokens, 1.0);
  }

  /**
   * A plain document learned after its own first token (for tokenizers without a
   * beginning-of-sequence id): every token but the first is a target.
   *
   *
   * @param documentTokens the document, at least two tokens
   * @return a plain document learned after its own first token (for tokenizers without a
   *     beginning-of-sequence id): every token but the first is a target
   */
  public static SupervisedSample document(int[] documentTokens) {
    Objects.requireNonNull(documentTokens, "documentTokens");
    if (documentTokens.length < 2) {
      throw new IllegalArgumentException("a document learned after its first token needs at least 2 tokens, got "
          + documentTokens.length + "; use document(startToken, tokens) with a beginning-of-sequence id instead");
    }
    return new SupervisedSample(Arrays.copyOf(documentTokens, 1),
        Arrays.copyOfRange(documentTokens, 1, documentTokens.length), 1.0);
  }

  /**
   * The same tokens with another weight.
   *
   * @param newWeight the new weight
   * @return the same tokens with another weight
   */
  public SupervisedSample withWeight(double newWeight) {
    return new SupervisedSample(promptTokens, targetTokens, newWeight);
  }

  /**
   * A copy of the context token ids.
   *
   * @return a copy of the context token ids
   */
  @Override
  public int[] promptTokens() {
    return promptTokens.clone();
  }

  /**
   * A copy of the target token ids.
   *
   * @return a copy of the target token ids
   */
  @Override
  public int[] targetTokens() {
    return targetTokens.clone();
  }

  /**
   * Number of context tokens, without copying them.
   *
   * @return number of context tokens, without copying them
   */
  public int promptLength() {
    return promptTokens.length;
  }

  /**
   * Number of target tokens, without copying them.
   *
   * @return number of target tokens, without copying them
   */
  public int targetLength() {
    return targetTokens.length;
  }

  /** Content equality, see the class comment. */
  @Override
  public boolean equals(Object o) {
    return o instanceof SupervisedSample s
        && Arrays.equals(promptTokens, s.promptTokens)
        && Arrays.equals(targetTokens, s.targetTokens)
        && Double.compare(weight, s.weight) == 0;
  }

  @Override
  public int hashCode() {
    return Objects.hash(Arrays.hashCode(promptTokens), Arrays.hashCode(targetTokens), weight);
  }

  /** Weight and token counts (not the arrays). */
  @Override
  public String toString() {
    return "SupervisedSample[weight=" + weight + ", promptTokens=" + promptTokens.length
        + ", targetTokens=" + targetTokens.length + "]";
  }
}
