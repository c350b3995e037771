package dev.spice.core;

import java.util.Objects;

/**
 * What a Challenger reward sees for one attempt: the attempt and, if it is valid, the pass
 * indicators of the Reasoner's G answers to its task.
 *
 * @param attempt the Challenger attempt
 * @param reasonerCorrect pass indicators in {@code [0, 1]} (usually 0 or 1), one per Reasoner
 *     answer; empty for an invalid attempt
 */
public record ChallengerOutcome(ChallengerAttempt attempt, double[] reasonerCorrect) {
  /** Validates and copies. */
  public ChallengerOutcome {
    Objects.requireNonNull(attempt, "attempt");
    reasonerCorrect = reasonerCorrect.clone();
    if (attempt.isValid() && reasonerCorrect.length == 0) {
      throw new IllegalArgumentException("a valid attempt needs at least one Reasoner result");
    }
  }

  /** Whether the task was valid. */
  public boolean isValid() {
    return attempt.isValid();
  }

  /** Mean of the pass indicators, the p of the paper; NaN for an invalid attempt. */
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
}
