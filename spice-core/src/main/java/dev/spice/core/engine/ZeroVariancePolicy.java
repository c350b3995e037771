package dev.spice.core.engine;

/**
 * What the engine does with a group whose rewards all equal each other (zero standard deviation):
 * such a group has zero advantages under group-relative estimators and teaches nothing. Its share
 * is reported as {@code {role}/frac_reward_zero_std} whatever the policy.
 */
public enum ZeroVariancePolicy {
  /** Keep the group in the update (the paper's behaviour; its advantages are zero). */
  KEEP,
  /** Leave the group out of the update. */
  DROP,
  /**
   * For the Reasoner: instead of a uniformly random valid task, pick uniformly among the
   * document's valid tasks whose answers have non-zero variance, if any (tasks were already
   * rolled out, so this costs no generation); otherwise fall back to a random valid task.
   * Challenger groups are kept as with {@link #KEEP}.
   */
  RESAMPLE
}
