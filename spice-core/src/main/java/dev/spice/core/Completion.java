package dev.spice.core;

import java.util.Arrays;
import java.util.Objects;

/**
 * One generated completion with what training needs.
 *
 * <p>Immutable: the arrays are copied on construction and every array accessor returns a fresh
 * copy, so read an array once into a local rather than calling the accessor in a loop (or use
 * {@link #tokenCount()} and {@link #promptTokenCount()} for lengths). Equality is by content:
 * two completions are equal when their texts, finish reasons and the contents of all three arrays
 * are equal (floats compared as by {@link Arrays#equals(float[], float[])}, so {@code NaN} equals
 * {@code NaN}).
 *
 * @param text the decoded completion (without the prompt)
 * @param promptTokens the token ids the backend fed as the prompt (after templating)
 * @param tokens the generated token ids
 * @param logProbs natural-log probability of each generated token under the sampling
 *     distribution the backend used at temperature 1 before top-p/top-k truncation (the
 *     policy's own probability, constrained-decoding mask applied), same length as {@code tokens}
 * @param finishReason why generation stopped
 */
public record Completion(
    String text, int[] promptTokens, int[] tokens, float[] logProbs, FinishReason finishReason) {

  /** Why a completion ended. */
  public enum FinishReason {
    /** End-of-sequence token or a stop string. */
    STOP,
    /** The {@code maxNewTokens} budget was reached. */
    LENGTH
  }

  /**
   * Validates and copies.
   *
   * @param text the decoded completion (without the prompt)
   * @param promptTokens the token ids the backend fed as the prompt (after templating)
   * @param tokens the generated token ids
   * @param logProbs natural-log probability of each generated token under the sampling
   *     distribution the backend used at temperature 1 before top-p/top-k truncation (the
   *     policy's own probability, constrained-decoding mask applied), same length as {@code tokens}
   * @param finishReason why generation stopped
   */
  public Completion {
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(finishReason, "finishReason");
    promptTokens = promptTokens.clone();
    tokens = tokens.clone();
    logProbs = logProbs.clone();
    if (tokens.length != logProbs.length) {
      throw new IllegalArgumentException(
          "tokens and logProbs differ in length: " + tokens.length + " vs " + logProbs.length);
    }
  }

  /**
   * A copy of the prompt token ids.
   *
   * @return a copy of the prompt token ids
   */
  @Override
  public int[] promptTokens() {
    return promptTokens.clone();
  }

  /**
   * A copy of the generated token ids.
   *
   * @return a copy of the generated token ids
   */
  @Override
  public int[] tokens() {
    return tokens.clone();
  }

  /**
   * A copy of the per-token log-probabilities.
   *
   * @return a copy of the per-token log-probabilities
   */
  @Override
  public float[] logProbs() {
    return logProbs.clone();
  }

  /**
   * Number of generated tokens, without copying them.
   *
   * @return number of generated tokens, without copying them
   */
  public int tokenCount() {
    return tokens.length;
  }

  /**
   * Number of prompt tokens, without copying them.
   *
   * @return number of prompt tokens, without copying them
   */
  public int promptTokenCount() {
    return promptTokens.length;
  }

  /**
   * Sum of the token log-probs: the completion's log-probability.
   *
   * @return sum of the token log-probs: the completion's log-probability
   */
  public double totalLogProb() {
    double s = 0;
    for (float f : logProbs) {
      s += f;
    }
    return s;
  }

  /** Content equality, see the class comment. */
  @Override
  public boolean equals(Object o) {
    return o instanceof Completion c
        && text.equals(c.text)
        && Arrays.equals(promptTokens, c.promptTokens)
        && Arrays.equals(tokens, c.tokens)
        && Arrays.equals(logProbs, c.logProbs)
        && finishReason == c.finishReason;
  }

  @Override
  public int hashCode() {
    return Objects.hash(text, Arrays.hashCode(promptTokens), Arrays.hashCode(tokens), Arrays.hashCode(logProbs),
        finishReason);
  }

  /** The text, token counts and finish reason (not the arrays). */
  @Override
  public String toString() {
    return "Completion[text=" + text + ", promptTokens=" + promptTokens.length + ", tokens=" + tokens.length
        + ", finish=" + finishReason + "]";
  }
}
