package dev.spice.core.engine;

/** Names of the metrics the engine reports in {@link Metrics}. */
public final class MetricNames {
  private MetricNames() {}

  /** Share of all Challenger attempts (before subsampling) that parsed into a valid task. */
  public static final String CHALLENGER_VALID_RATE = "challenger/valid_rate";
  /** Mean Challenger reward over kept attempts. */
  public static final String CHALLENGER_REWARD = "challenger/reward";
  /** Standard deviation of Challenger rewards over kept attempts. */
  public static final String CHALLENGER_REWARD_STD = "challenger/reward_std";
  /** Share of Challenger groups whose rewards have zero variance. */
  public static final String CHALLENGER_FRAC_ZERO_STD = "challenger/frac_reward_zero_std";
  /** Mean Reasoner pass rate over the valid kept tasks (the p of each task, averaged). */
  public static final String CHALLENGER_TASK_PASS_RATE = "challenger/task_pass_rate";
  /** Mean number of Challenger attempts generated per document. */
  public static final String CHALLENGER_ATTEMPTS = "challenger/attempts_per_document";
  /** Share of kept tasks in multiple-choice format. */
  public static final String CHALLENGER_MCQ_SHARE = "challenger/mcq_share";
  /** Share of all Reasoner answers (to every kept valid task) that were correct. */
  public static final String REASONER_PASS_RATE = "reasoner/pass_rate";
  /** Mean Reasoner reward over the training groups. */
  public static final String REASONER_REWARD = "reasoner/reward";
  /** Standard deviation of Reasoner rewards over the training groups. */
  public static final String REASONER_REWARD_STD = "reasoner/reward_std";
  /** Share of Reasoner training groups whose rewards have zero variance. */
  public static final String REASONER_FRAC_ZERO_STD = "reasoner/frac_reward_zero_std";
  /** Policy loss of the update. */
  public static final String LOSS = "loss";
  /** Gradient norm before clipping. */
  public static final String GRAD_NORM = "grad_norm";
  /** k3 KL estimate to the reference. */
  public static final String KL = "kl";
  /** Mean token entropy. */
  public static final String ENTROPY = "entropy";
  /** Share of tokens clipped below. */
  public static final String CLIP_LOW = "clip_ratio/low_mean";
  /** Share of tokens clipped above. */
  public static final String CLIP_HIGH = "clip_ratio/high_mean";
  /** Samples in the update. */
  public static final String NUM_SAMPLES = "num_samples";
  /** Completion tokens in the update. */
  public static final String NUM_TOKENS = "num_tokens";
  /** 1 if the update was skipped (non-finite loss or gradient, or nothing to train on). */
  public static final String UPDATE_SKIPPED = "update_skipped";
  /** Wall time of the iteration, seconds. */
  public static final String STEP_TIME = "step_time";
  /** Generated tokens (both roles) per second of iteration wall time. */
  public static final String TOKENS_PER_SECOND = "tokens_per_second";

  /** {@code {role}/completions/mean_length}. */
  public static String meanLength(String rolePrefix) {
    return rolePrefix + "/completions/mean_length";
  }

  /** {@code {role}/completions/clipped_ratio}: share of completions cut by the token budget. */
  public static String clippedRatio(String rolePrefix) {
    return rolePrefix + "/completions/clipped_ratio";
  }

  /** {@code {role}/rewards/{name}/mean} for a named reward sub-score. */
  public static String component(String rolePrefix, String name) {
    return rolePrefix + "/rewards/" + name + "/mean";
  }
}
