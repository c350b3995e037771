package dev.spice.core;

import java.util.Arrays;
import java.util.Objects;

/**
 * What a Challenger reward sees for one attempt: the attempt and, if it is valid, the pass
 * indicators of the Reasoner's G answers to its task.
 *
 * <p>Immutable: the pass indicators are copied on construction and {@link #reasonerCorrect()}
 * returns a fresh copy ({@link #answerCount()} and {@link #passRate()} copy nothing). Equality is
 * by content: equal attempts and equal pass indicators (as by
 * {@link Arrays#equals(double[], double[])}).
 *
 * @param attempt the Challenger attempt
 * @param reasonerCorrect pass indicators in {@code [0, 1]} (usually 0 or 1), one per Reasoner
 *     answer; empty for an invalid attempt
 */
public record ChallengerOutcome(ChallengerAttempt attempt, double[] reasonerCorrect) {
  /**
   * Validates and copies.
   *
   * @param attempt the Challenger attempt
   * @param reasonerCorrect pass indicators in {@code [0, 1]} (usually 0 or 1), one per Reasoner
   *     answer; empty for an invalid attempt
   */
  public ChallengerOutcome {
    Objects.requireNonNull(attempt, "attempt");
    reasonerCorrect = reasonerCorrect.clone();
    if (attempt.isValid() && reasonerCorrect.length == 0) {
      throw new IllegalArgumentException("a valid attempt needs at least one Reasoner result");
    }
  }

  /**
   * A copy of the pass indicators.
   *
   * @return a copy of the pass indicators
   */
  @Override
  public double[] reasonerCorrect() {
    return reasonerCorrect.clone();
  }

  /**
   * Number of Reasoner answers (0 for an invalid attempt).
   *
   * @return number of Reasoner answers (0 for an invalid attempt)
   */
  public int answerCount() {
    return reasonerCorrect.length;
  }

  /**
   * Whether the task was valid.
   *
   * @return whether the task was valid
   */
  public boolean isValid() {
    return attempt.isValid();
  }

  /**
   * Mean of the pass indicators, the p of the paper; NaN for an invalid attempt.
   *
   * @return mean of the pass indicators, the p of the paper; NaN for an invalid attempt
   */
  public double passRate() {
    if (reasonerCorrect.length == 0) {
      return Double.NaN;
    }
    double s = 0;
    for (double c : reasonerCorrect) {
      s += c;
    }
    return s / reasonerCorrect.length;
  }

  /** Content equality, see the class comment. */
  @Override
  public boolean equals(Object o) {
    return o instanceof ChallengerOutcome c && attempt.equals(c.attempt) && Arrays.equals(reasonerCorrect, c.reasonerCorrect);
  }

  @Override
  public int hashCode() {
    return 31 * attempt.hashCode() + Arrays.hashCode(reasonerCorrect);
  }

  @Override
  public String toString() {
    return "ChallengerOutcome[attempt=" + attempt + ", reasonerCorrect=" + Arrays.toString(reasonerCorrect) + "]";
  }
}
