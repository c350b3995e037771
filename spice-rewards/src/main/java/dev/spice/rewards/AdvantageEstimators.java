package dev.spice.rewards;

import dev.spice.core.AdvantageEstimator;
import dev.spice.core.SpiceException.ConfigurationException;

/**
 * The advantage estimators of the paper and its baselines, as {@link AdvantageEstimator}s.
 *
 * <p>All of them take a batch of groups ({@code rewards[g][i]}), leave the input unmodified,
 * return a new array of the same shape, give {@code NaN} for a {@code NaN} ("not applicable")
 * reward and leave such items out of every mean and standard deviation. A non-finite reward other
 * than {@code NaN} is rejected with an {@link IllegalArgumentException} naming the group and item;
 * so are finite rewards whose sum over a group (for REINFORCE++'s batch baseline: over the batch)
 * overflows a {@code double}.
 * All estimators are stateless and thread-safe.
 *
 * <p>Each also implements the flat form {@link AdvantageEstimator#estimateInto(double[], int[],
 * double[])} without allocating (no array per group or per call): it runs the same loops in the
 * same order as {@code estimate}, so both give the same bits, and rejects the same rewards with
 * the same messages.
 *
 * <ul>
 *   <li>{@link #drGrpo()}: {@code A_i = r_i - mean(group)}, no std normalisation (SPICE).
 *   <li>{@link #grpo()}: {@code A_i = (r_i - mean) / max(std, floor)} with the sample standard
 *       deviation (n - 1), floor {@value #DEFAULT_STD_FLOOR} (R-Zero).
 *   <li>{@link #rloo()}: {@code A_i = r_i - mean of the other items of the group}.
 *   <li>{@link #reinforcePlusPlus()}: a baseline then batch-wide normalisation (Absolute Zero).
 * </ul>
 *
 * <p>A group with one applicable item gets advantage 0 from the group-relative estimators.
 */
public final class AdvantageEstimators {
  /** Default floor of GRPO's and REINFORCE++'s standard deviation. */
  public static final double DEFAULT_STD_FLOOR = 1e-4;

  private AdvantageEstimators() {}

  /**
   * Dr. GRPO: the group mean is subtracted and nothing else; name {@code dr_grpo}.
   *
   * @return the shared Dr. GRPO estimator
   */
  public static AdvantageEstimator drGrpo() {
    return GroupAdvantages.DR_GRPO;
  }

  /**
   * GRPO with the default std floor {@value #DEFAULT_STD_FLOOR}; name {@code grpo}.
   *
   * @return a GRPO estimator
   */
  public static AdvantageEstimator grpo() {
    return grpo(DEFAULT_STD_FLOOR);
  }

  /**
   * GRPO: {@code (r - mean) / max(std, stdFloor)}, std being the sample standard deviation (n - 1)
   * of the group's applicable rewards. A zero-variance group gets zeros.
   *
   * @param stdFloor the smallest divisor, finite and {@code > 0}
   * @return a GRPO estimator with that floor
   * @throws ConfigurationException if {@code stdFloor} is not finite and positive
   */
  public static AdvantageEstimator grpo(double stdFloor) {
    checkFloor(stdFloor);
    return new GroupAdvantages.Grpo(stdFloor);
  }

  /**
   * RLOO: each reward minus the mean of the other applicable rewards of its group; name {@code rloo}.
   *
   * @return the shared RLOO estimator
   */
  public static AdvantageEstimator rloo() {
    return GroupAdvantages.RLOO;
  }

  /**
   * REINFORCE++ as Absolute Zero uses it: the baseline is the mean over the whole batch of one role
   * (Absolute Zero's "task-relative" baseline, one per task type and role; SPICE has one task type
   * per role), then advantages are divided by the batch standard deviation (floored at {@value
   * #DEFAULT_STD_FLOOR}). Works with groups of one; name {@code reinforce_pp}.
   *
   * @return a REINFORCE++ estimator with the batch baseline
   */
  public static AdvantageEstimator reinforcePlusPlus() {
    return new ReinforcePlusPlus(false, DEFAULT_STD_FLOOR);
  }

  /**
   * REINFORCE++ with a chosen baseline.
   *
   * @param perGroupBaseline {@code true}: subtract each group's own mean first (a per-task
   *     baseline, for groups of several answers to one task); {@code false}: subtract the batch mean
   * @param stdFloor floor of the batch standard deviation, finite and {@code > 0}
   * @return a REINFORCE++ estimator with that baseline and floor
   * @throws ConfigurationException if {@code stdFloor} is not finite and positive
   */
  public static AdvantageEstimator reinforcePlusPlus(boolean perGroupBaseline, double stdFloor) {
    checkFloor(stdFloor);
    return new ReinforcePlusPlus(perGroupBaseline, stdFloor);
  }

  /**
   * The estimator with this name: {@code dr_grpo}, {@code grpo}, {@code rloo} or
   * {@code reinforce_pp} (defaults).
   *
   * @param name the estimator's name
   * @return the estimator of that name
   * @throws ConfigurationException for any other name, listing the valid ones
   */
  public static AdvantageEstimator byName(String name) {
    switch (name == null ? "" : name) {
      case "dr_grpo":
        return drGrpo();
      case "grpo":
        return grpo();
      case "rloo":
        return rloo();
      case "reinforce_pp":
        return reinforcePlusPlus();
      default:
        throw new ConfigurationException(
            "unknown advantage estimator '" + name + "'; valid: dr_grpo, grpo, rloo, reinforce_pp");
    }
  }

  private static void checkFloor(double stdFloor) {
    if (!(stdFloor > 0) || Double.isInfinite(stdFloor)) {
      throw new ConfigurationException("stdFloor must be finite and > 0, got " + stdFloor);
    }
  }
}
