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
  /**
   * Prefix of {@code challenger/invalid/<code>}: the share of all Challenger attempts of the
   * iteration (before subsampling, the denominator of {@link #CHALLENGER_VALID_RATE}) that were
   * invalid with that code. The code is the {@code [a-z_]+} slug before the first {@code ':'} of the
   * invalid reason ({@code too_long}, {@code format}, {@code no_question}, {@code no_answer},
   * {@code options}, {@code duplicate_options}, {@code answer_not_in_options},
   * {@code answer_in_question}, {@code not_grounded}), or {@code other} for any other reason. Only
   * codes that occur in the iteration are reported: an absent code means 0 (not NaN, which
   * {@link Metrics#get} returns for absent names). The shares sum to 1 minus
   * {@link #CHALLENGER_VALID_RATE}.
   */
  public static final String CHALLENGER_INVALID_PREFIX = "challenger/invalid/";
  /** Share of all Reasoner answers (to every kept valid task) that were correct. */
  public static final String REASONER_PASS_RATE = "reasoner/pass_rate";
  /**
   * Share of all Reasoner answers (to every kept valid task, the denominator of
   * {@link #REASONER_PASS_RATE}) from which no answer could be extracted
   * ({@link dev.spice.core.ReasonerAttempt#answer()} is null, including answers whose parsing
   * failed); NaN when the Reasoner answered nothing.
   */
  public static final String REASONER_NO_ANSWER_RATE = "reasoner/no_answer_rate";
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
  /**
   * Share of tokens whose ratio was clipped on either side (TRL's name):
   * {@link #CLIP_LOW} plus {@link #CLIP_HIGH}. The sum is exact, not an approximation: both are
   * shares of the same tokens (the update's completion tokens, {@link #NUM_TOKENS}), and no token
   * can be clipped on both sides, since clipping below needs a ratio under {@code 1 - eps_low}
   * and clipping above one over {@code 1 + eps_high}.
   */
  public static final String CLIP_REGION = "clip_ratio/region_mean";
  /**
   * The learning rate of this iteration's update: the policy's
   * {@link dev.spice.core.TrainablePolicy#learningRate()} read just before the update (so with a
   * warm-up it is the rate this step used, not the next one). Absent when the backend reports
   * none.
   */
  public static final String LEARNING_RATE = "learning_rate";
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
  /**
   * Seconds in the Challenger's generation calls (the backend's {@code generate}, every round of
   * the iteration). Like every {@code timing_s/*} metric it is wall time, not reproducible, and
   * part of {@link #STEP_TIME}.
   */
  public static final String TIMING_CHALLENGER_GEN = "timing_s/challenger_gen";
  /** Seconds in the Reasoner's generation call. */
  public static final String TIMING_REASONER_GEN = "timing_s/reasoner_gen";
  /**
   * Seconds extracting the Reasoner's answers ({@code Reasoner.parse}) and scoring them (the
   * Reasoner reward function, including waiting for an asynchronous one).
   */
  public static final String TIMING_VERIFY = "timing_s/verify";
  /**
   * Seconds in the Challenger reward function, the choice of the Reasoner's training tasks and the
   * advantage estimators of both roles.
   */
  public static final String TIMING_REWARD = "timing_s/reward";
  /** Seconds in the policy's {@code update} call (0 when there was nothing to train on). */
  public static final String TIMING_UPDATE = "timing_s/update";
  /**
   * Hybrid training only: seconds publishing the trainer's weights to the rollout backend
   * ({@link dev.spice.core.PolicySync#publish}); 0 in an iteration that did not publish.
   */
  public static final String TIMING_SYNC = "timing_s/sync";
  /**
   * Hybrid training only: seconds in the trainer's recomputation of the sampled tokens' log-probs
   * ({@code scoreContinuations}), and the prompt-token check before it (verl's name).
   */
  public static final String TIMING_OLD_LOG_PROB = "timing_s/old_log_prob";
  /**
   * Hybrid training only: the largest absolute difference, over every completion token of the
   * update batch, between the log-prob the rollout backend reported when sampling the token and the
   * one the trainer recomputes (which is used as {@code pi_old}); NaN without samples. It measures
   * how far the sampler is from the trainer: numerical differences of the two engines, and the
   * staleness of the rollouts. verl's peer is {@code training/rollout_probs_diff_max} (which
   * compares probabilities, not log-probs).
   */
  public static final String ROLLOUT_LOGPROB_DIFF_MAX = "rollout/logprob_diff_max";
  /**
   * Hybrid training only: the mean of the same absolute log-prob differences as
   * {@link #ROLLOUT_LOGPROB_DIFF_MAX}, over the update batch's completion tokens; NaN without
   * samples (verl: {@code training/rollout_probs_diff_mean}).
   */
  public static final String ROLLOUT_LOGPROB_DIFF_MEAN = "rollout/logprob_diff_mean";
  /**
   * Hybrid training only: the policy version the iteration's rollouts were generated under (the
   * number of applied updates of the weights the rollout backend served).
   */
  public static final String ROLLOUT_POLICY_VERSION = "rollout/policy_version";
  /**
   * Hybrid training only: how many versions the rollouts lag the trainer at the update, at most
   * the builder's {@code maxStaleness}.
   */
  public static final String ROLLOUT_STALENESS = "rollout/staleness";
  /**
   * {@link #STEP_TIME} minus the other {@code timing_s/*} parts: documents, prompts, parsing
   * the Challenger's attempts, subsampling, the update batch, listeners and other loop overhead.
   * Clamped at 0, so it is never negative.
   */
  public static final String TIMING_OTHER = "timing_s/other";
  /** The prefix every timing metric shares; tests that compare runs ignore keys that start with it. */
  public static final String TIMING_PREFIX = "timing_s/";

  /**
   * {@code challenger/invalid/{code}}; see {@link #CHALLENGER_INVALID_PREFIX}.
   *
   * @param code the code
   * @return the metric name
   */
  public static String challengerInvalid(String code) {
    return CHALLENGER_INVALID_PREFIX + code;
  }

  /**
   * {@code {role}/completions/mean_length}.
   *
   * @param rolePrefix the role prefix
   * @return the metric name
   */
  public static String meanLength(String rolePrefix) {
    return rolePrefix + "/completions/mean_length";
  }

  /**
   * {@code {role}/completions/clipped_ratio}: share of completions cut by the token budget.
   *
   * @param rolePrefix the role prefix
   * @return the metric name
   */
  public static String clippedRatio(String rolePrefix) {
    return rolePrefix + "/completions/clipped_ratio";
  }

  /**
   * {@code {role}/rewards/{name}/mean} for a named reward sub-score: its mean over every answer of
   * the iteration that was scored (for the Reasoner, the answers to every kept valid task, not only
   * the trained ones), NaN values left out.
   *
   * @param rolePrefix the role prefix
   * @param name the name
   * @return the metric name
   */
  public static String component(String rolePrefix, String name) {
    return rolePrefix + "/rewards/" + name + "/mean";
  }

  /**
   * {@code {role}/rewards/{name}/std}: the population standard deviation (divided by n, not
   * n - 1) of a named reward sub-score over the same values as {@link #component}'s mean; 0 for a
   * single value.
   *
   * @param rolePrefix the role prefix
   * @param name the name
   * @return the metric name
   */
  public static String componentStd(String rolePrefix, String name) {
    return rolePrefix + "/rewards/" + name + "/std";
  }
}
