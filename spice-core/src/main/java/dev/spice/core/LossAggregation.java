package dev.spice.core;

/**
 * How per-token policy-gradient terms are summed into one loss: a pure function from the batch's
 * completion lengths to one weight per sample, applied to each of that sample's tokens:
 * {@code loss = - sum_i w_i * sum_t min(ratio_it * A_i, clip(ratio_it) * A_i)}.
 *
 * <p>The weights depend only on the whole update batch, never on how a backend splits it into
 * micro-batches, so gradient accumulation gives the same result as one large batch.
 * Implementations (Dr. GRPO's constant normaliser, per-sequence mean, global token mean) live in
 * {@code spice-rewards}. Implementations must be stateless and thread-safe.
 */
public interface LossAggregation {

  /**
   * A short stable name, for example {@code dr_grpo(3000)}.
   *
   * @return a short stable name, for example {@code dr_grpo(3000)}
   */
  String name();

  /**
   * Weights for a batch.
   *
   * @param completionLengths the number of generated tokens of each sample in the update batch
   * @return one finite, non-negative weight per sample
   */
  double[] sampleWeights(int[] completionLengths);
}
