package dev.spice.core;

import java.util.Objects;

/**
 * One generated completion with what training needs.
 *
 * <p>The arrays are copied on construction; callers must not modify the arrays returned by the
 * accessors.
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

  /** Validates and copies. */
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

  /** Sum of the token log-probs: the completion's log-probability. */
  public double totalLogProb() {
    double s = 0;
    for (float f : logProbs) {
      s += f;
    }
    return s;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Completion c
        && text.equals(c.text)
        && java.util.Arrays.equals(promptTokens, c.promptTokens)
        && java.util.Arrays.equals(tokens, c.tokens)
        && java.util.Arrays.equals(logProbs, c.logProbs)
        && finishReason == c.finishReason;
  }

  @Override
  public int hashCode() {
    return Objects.hash(text, java.util.Arrays.hashCode(tokens), finishReason);
  }

  @Override
  public String toString() {
    return "Completion[text=" + text + ", tokens=" + tokens.length + ", finish=" + finishReason + "]";
  }
}
