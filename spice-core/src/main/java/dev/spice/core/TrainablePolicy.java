package dev.spice.core;

import java.util.List;

/**
 * A policy that can also learn: one policy-gradient update from a batch of samples, and a full
 * checkpoint of itself.
 *
 * <p>Atomicity: if {@link #update} throws, or the loss or gradient is not finite, weights and
 * optimizer state are exactly as before the call (a non-finite step is reported in
 * {@link UpdateStats#skipped()} rather than thrown).
 */
public interface TrainablePolicy extends PolicyBackend, Checkpointable {

  /**
   * One optimizer step on the whole batch (backends may split it into micro-batches; the result
   * must not depend on the split, see {@link LossAggregation}).
   *
   * @param samples the update batch; may be empty (returns {@link UpdateStats#empty()})
   * @param loss loss settings
   * @return what the update did
   */
  UpdateStats update(List<TrainingSample> samples, LossSettings loss);
}
