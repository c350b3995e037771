package dev.spice.core.engine;

/** Names of the metrics a {@link WarmStart} step reports in {@link Metrics}. */
public final class WarmStartMetricNames {
  private WarmStartMetricNames() {}

  /**
   * Loss of the supervised update: mean negative log-likelihood per target token of the whole batch,
   * documents and demonstrations (nats). NaN (null in JSONL) when the step had no sample (every
   * document skipped and no demonstrations), as are {@link #GRAD_NORM} and {@link #ENTROPY}.
   */
  public static final String LOSS = "warmstart/loss";
  /** Gradient norm before clipping. */
  public static final String GRAD_NORM = "warmstart/grad_norm";
  /** Mean per-token entropy of the policy on the batch (nats). */
  public static final String ENTROPY = "warmstart/entropy";
  /**
   * Document samples in the update (documents read minus documents skipped); demonstrations are
   * counted in {@link #DEMONSTRATIONS}.
   */
  public static final String SAMPLES = "warmstart/samples";
  /**
   * Target tokens of the documents in the update; those of demonstrations are counted in
   * {@link #DEMONSTRATION_TOKENS} (the loss is computed on both).
   */
  public static final String TOKENS = "warmstart/tokens";
  /** Demonstrations in the update (picked with replacement, so one may count twice); 0 without them. */
  public static final String DEMONSTRATIONS = "warmstart/demonstrations";
  /** Target tokens of the demonstrations in the update (completions and their end-of-sequence tokens). */
  public static final String DEMONSTRATION_TOKENS = "warmstart/demonstration_tokens";
  /** Documents skipped because they had fewer than 2 tokens. */
  public static final String SKIPPED_DOCUMENTS = "warmstart/skipped_documents";
  /** Documents longer than one chunk, of which one window was trained. */
  public static final String CUT_DOCUMENTS = "warmstart/cut_documents";
  /** 1 if the update was skipped (non-finite loss or gradient, or nothing to train on). */
  public static final String UPDATE_SKIPPED = "warmstart/update_skipped";
  /** Wall time of the step (tokenization and update), seconds. */
  public static final String STEP_TIME = "warmstart/step_time";
  /** Target tokens (documents' and demonstrations') per second of step wall time. */
  public static final String TOKENS_PER_SECOND = "warmstart/tokens_per_second";
}
