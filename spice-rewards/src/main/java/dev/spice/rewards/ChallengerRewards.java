package dev.spice.rewards;

import dev.spice.core.ChallengerOutcome;
import dev.spice.core.RewardFunction;
import dev.spice.core.SpiceException.ConfigurationException;
import dev.spice.core.SpiceException.RewardException;
import java.util.function.DoubleUnaryOperator;

/**
 * Challenger rewards: a function of the Reasoner's pass rate {@code p} on a valid task, and a
 * constant penalty for an invalid one.
 *
 * <p>Every function returned here emits, besides its values, the sub-scores {@code valid} (1 or 0)
 * and {@code pass_rate} ({@code p}, {@code NaN} for an invalid attempt). Pass indicators must lie
 * in {@code [0, 1]}; anything else raises a
 * {@link dev.spice.core.SpiceException.RewardException} naming the item. All are stateless,
 * deterministic and thread-safe.
 *
 * <p>Ranges for valid tasks: {@link #variance()} {@code [exp(-3.125), 1] = [0.0439, 1]};
 * {@link #rZero(double)} {@code [0, 1]}; {@link #absoluteZero(double)} {@code [0, 1)};
 * {@link #threshold(double)} {@code {0, 1}}. Invalid tasks get the penalty.
 */
public final class ChallengerRewards {
  /** SPICE's invalid-task penalty (rho). */
  public static final double SPICE_PENALTY = -0.1;
  /** SPICE's variance of the Gaussian (sigma^2). */
  public static final double SPICE_SIGMA_SQUARED = 0.01;
  /** The variance {@code p(1-p)} the Gaussian is centred on (its value at p = 0.5). */
  public static final double TARGET_VARIANCE = 0.25;
  /** R-Zero's invalid-task penalty. */
  public static final double R_ZERO_PENALTY = -1.0;
  /** Absolute Zero's penalty for a well-formatted but wrong task. */
  public static final double ABSOLUTE_ZERO_PENALTY = -0.5;

  private ChallengerRewards() {}

  /**
   * SPICE's reward: {@code exp(-(p(1-p) - 0.25)^2 / (2 * 0.01))}, invalid penalty -0.1; name
   * {@code variance}. For G = 8: 0/8 gives 0.044, 1/8 0.372, 2/8 0.823, 3/8 0.988, 4/8 1.0.
   *
   * @return the SPICE variance reward
   */
  public static RewardFunction<ChallengerOutcome> variance() {
    return variance(SPICE_SIGMA_SQUARED, SPICE_PENALTY);
  }

  /**
   * The Gaussian-of-variance reward with chosen constants:
   * {@code exp(-(p(1-p) - 0.25)^2 / (2 * sigmaSquared))}.
   *
   * @param sigmaSquared finite and {@code > 0}
   * @param invalidPenalty reward of an invalid task, finite
   * @return the variance reward with these constants
   * @throws ConfigurationException for a non-positive or non-finite constant
   */
  public static RewardFunction<ChallengerOutcome> variance(double sigmaSquared, double invalidPenalty) {
    if (!(sigmaSquared > 0) || Double.isInfinite(sigmaSquared)) {
      throw new ConfigurationException("sigmaSquared must be finite and > 0, got " + sigmaSquared);
    }
    double twoS2 = 2 * sigmaSquared;
    return new PassRateReward("variance", p -> {
      double d = p * (1 - p) - TARGET_VARIANCE;
      return Math.exp(-(d * d) / twoS2);
    }, invalidPenalty);
  }

  /**
   * R-Zero's reward {@code 1 - 2|p - 0.5|} with penalty -1; name {@code r_zero}.
   *
   * @return the R-Zero reward
   */
  public static RewardFunction<ChallengerOutcome> rZero() {
    return rZero(R_ZERO_PENALTY);
  }

  /**
   * R-Zero's reward {@code 1 - 2|p - 0.5|} with the given invalid penalty (finite).
   *
   * @param invalidPenalty reward of an invalid task
   * @return the R-Zero reward with that penalty
   */
  public static RewardFunction<ChallengerOutcome> rZero(double invalidPenalty) {
    return new PassRateReward("r_zero", ChallengerRewards::rZeroUncertainty, invalidPenalty);
  }

  /**
   * R-Zero's uncertainty reward {@code 1 - 2|p - 0.5|}: 1 at {@code p = 0.5}, falling linearly to
   * 0 at {@code p = 0} and {@code p = 1}. The one implementation of the formula: {@link #rZero()}
   * and the R-Zero building blocks ({@code dev.spice.rewards.rzero}) both call it. Pure and
   * thread-safe.
   *
   * @param p a pass rate or majority agreement in {@code [0, 1]}
   * @return a value in {@code [0, 1]}
   * @throws RewardException if {@code p} is {@code NaN} or outside {@code [0, 1]}
   */
  public static double rZeroUncertainty(double p) {
    if (!(p >= 0 && p <= 1)) {
      throw new RewardException("R-Zero uncertainty needs p in [0, 1], got " + p);
    }
    return 1 - 2 * Math.abs(p - 0.5);
  }

  /**
   * Absolute Zero's learnability reward {@code 1 - p} if {@code p > 0} else 0, penalty -0.5; name {@code absolute_zero}.
   *
   * @return the Absolute Zero reward
   */
  public static RewardFunction<ChallengerOutcome> absoluteZero() {
    return absoluteZero(ABSOLUTE_ZERO_PENALTY);
  }

  /**
   * Absolute Zero's reward with the given invalid penalty (finite).
   *
   * @param invalidPenalty reward of an invalid task
   * @return the Absolute Zero reward with that penalty
   */
  public static RewardFunction<ChallengerOutcome> absoluteZero(double invalidPenalty) {
    return new PassRateReward("absolute_zero", p -> p > 0 ? 1 - p : 0, invalidPenalty);
  }

  /**
   * Threshold reward: 0 if all answers are wrong or all right, else 1; penalty -0.1; name {@code threshold}.
   *
   * @return the threshold reward
   */
  public static RewardFunction<ChallengerOutcome> threshold() {
    return threshold(SPICE_PENALTY);
  }

  /**
   * Threshold reward with the given invalid penalty (finite).
   *
   * @param invalidPenalty reward of an invalid task
   * @return the threshold reward with that penalty
   */
  public static RewardFunction<ChallengerOutcome> threshold(double invalidPenalty) {
    return new PassRateReward("threshold", p -> (p > 0 && p < 1) ? 1 : 0, invalidPenalty);
  }

  /**
   * No Challenger reward: every value is {@code NaN} ("not applicable"), so no Challenger sample
   * is trained (the fixed-Challenger baseline); name {@code none}.
   *
   * @return the all-NaN reward
   */
  public static RewardFunction<ChallengerOutcome> none() {
    return new PassRateReward("none", p -> Double.NaN, Double.NaN);
  }

  /**
   * A custom pass-rate reward.
   *
   * @param name stable name used in metric names, not blank
   * @param ofPassRate maps {@code p} in {@code [0, 1]} to a finite reward; must be thread-safe
   * @param invalidPenalty reward of an invalid task, finite
   * @return the custom reward
   * @throws ConfigurationException for a blank name or a non-finite penalty
   */
  public static RewardFunction<ChallengerOutcome> of(
      String name, DoubleUnaryOperator ofPassRate, double invalidPenalty) {
    if (name == null || name.isBlank()) {
      throw new ConfigurationException("Challenger reward name must not be blank");
    }
    java.util.Objects.requireNonNull(ofPassRate, "ofPassRate");
    return new PassRateReward(name, ofPassRate, invalidPenalty);
  }
}
