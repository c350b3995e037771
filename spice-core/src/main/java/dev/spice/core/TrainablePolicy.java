package dev.spice.core;

import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * A policy that can also learn: one policy-gradient update from a batch of samples, optionally a
 * supervised (next-token) update for warm starts and the encoding of (prompt, completion)
 * demonstrations for it, and a full checkpoint of itself.
 *
 * <p>Atomicity: if {@link #update} or {@link #supervisedUpdate} throws, or the loss or gradient is
 * not finite, weights and optimizer state are exactly as before the call (a non-finite step is
 * reported in {@link UpdateStats#skipped()} rather than thrown).
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

  /**
   * One optimizer step of next-token cross-entropy on the target tokens of a batch (supervised
   * fine-tuning on (prompt, completion) pairs, or pretraining on documents, see
   * {@link SupervisedSample#document}), with the same optimizer and optimizer state as
   * {@link #update}: supervised and policy-gradient steps can be mixed, and both count as
   * optimizer steps and are saved by {@link #saveCheckpoint}.
   *
   * <p>The loss is the weighted token mean of the negative log-likelihood
   * {@code sum_i w_i sum_t -log p(target_i,t | prompt_i, target_i,<t) / sum_i w_i |target_i|}
   * (natural log, no sampling mask): its normaliser is fixed by the whole batch, so splitting the
   * batch into micro-batches cannot change it. With equal weights it is the mean NLL per target
   * token. The returned {@link UpdateStats} carry that loss, the gradient norm before clipping, the
   * mean per-token entropy (nats, unweighted), the sample and target token counts, and 0 for the
   * policy-gradient fields (clip fractions, KL). A batch whose weights are all 0, or a non-finite
   * loss or gradient, is skipped ({@link UpdateStats#skipped()}) and changes nothing.
   *
   * <p>Optional: the default implementation throws, naming the backend. Backends that implement it
   * return {@link UpdateStats#empty()} for an empty batch.
   *
   * @param samples the batch
   * @return what the update did
   * @throws SpiceException.BackendException when this backend cannot take supervised steps, or a
   *     sample does not fit the model (token id outside the vocabulary, too long)
   */
  default UpdateStats supervisedUpdate(List<SupervisedSample> samples) {
    throw new SpiceException.BackendException("the '" + name() + "' backend (" + getClass().getName()
        + ") does not support supervised updates (supervisedUpdate); use a backend that does, such as djl");
  }

  /**
   * The supervised sample that teaches this policy to answer {@code d.prompt()} with
   * {@code d.completion()} and then stop: its prompt tokens are exactly the tokens
   * {@link #generate} feeds for {@code d.prompt()} (template and beginning-of-sequence token
   * applied, the {@link Completion#promptTokens()} of a generation from that prompt), and its
   * targets are the completion's tokens (the completion tokenized on its own, so it should carry
   * any leading space it needs) followed by this policy's end-of-sequence token (the first of the
   * tokens generation stops at). Weight 1. It does not train: weights and optimizer state are
   * unchanged.
   *
   * <p>Optional: the default implementation throws, naming the backend. The DJL backend
   * implements it.
   *
   * @param d the demonstration
   * @return a sample for {@link #supervisedUpdate}
   * @throws SpiceException.BackendException when this backend cannot encode demonstrations, or the
   *     prompt or completion does not fit the model (no tokens, token ids outside the vocabulary,
   *     longer than the context)
   * @throws SpiceException.ConfigurationException when the policy has no end-of-sequence token
   */
  default SupervisedSample demonstrationSample(Demonstration d) {
    throw new SpiceException.BackendException("the '" + name() + "' backend (" + getClass().getName()
        + ") cannot encode demonstrations (demonstrationSample); use a backend that can, such as djl");
  }

  /**
   * The learning rate the next {@link #update} (or {@link #supervisedUpdate}) uses, if the backend
   * has one: with a schedule (warm-up, decay) the value for the coming optimizer step. The engine
   * reports it as the {@code learning_rate} metric. It must be cheap, must not change any state,
   * and should be finite and positive when present.
   *
   * <p>Optional: the default returns empty (no {@code learning_rate} metric).
   *
   * @return the learning rate of the next optimizer step, or empty
   */
  default OptionalDouble learningRate() {
    return OptionalDouble.empty();
  }

  /**
   * The token ids {@link #generate} feeds for {@code prompt} (template and beginning-of-sequence
   * token applied: the {@link Completion#promptTokens()} of a generation from it), if this policy
   * can tell without generating. Hybrid training uses it to check that a separate rollout backend
   * rendered and tokenized the prompt exactly as the trainer does, since the trainer recomputes the
   * sampled tokens' log-probs for the prompt it renders itself. It must not change any state.
   *
   * <p>Optional: the default returns empty (the check is skipped).
   *
   * @param prompt the prompt
   * @return the prompt's token ids, or empty when this policy cannot tell
   */
  default Optional<int[]> promptTokens(Prompt prompt) {
    return Optional.empty();
  }
}
