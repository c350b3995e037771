package dev.spice.core;

/**
 * Turns rewards into advantages, for all groups of one role in one iteration at once (so that
 * batch-normalised estimators such as REINFORCE++ see the whole batch). Implementations (Dr. GRPO,
 * GRPO, RLOO, REINFORCE++) live in {@code spice-rewards}.
 *
 * <p>Contract: the output has the shape of the input; a {@code NaN} reward ("not applicable")
 * gives a {@code NaN} advantage and is ignored by the statistics of its group; every other
 * advantage is finite; the input is not modified; stateless and thread-safe.
 */
public interface AdvantageEstimator {

  /**
   * A short stable name, for example {@code dr_grpo}.
   *
   * @return a short stable name, for example {@code dr_grpo}
   */
  String name();

  /**
   * Advantages for a batch of groups.
   *
   * @param rewardsByGroup {@code rewardsByGroup[g][i]}: reward of item i in group g
   * @return advantages, same shape
   */
  double[][] estimate(double[][] rewardsByGroup);

  /**
   * The smallest group size this estimator is meaningful for (2 for group-relative ones).
   *
   * @return the smallest group size this estimator is meaningful for (2 for group-relative ones)
   */
  default int minGroupSize() {
    return 2;
  }
}
