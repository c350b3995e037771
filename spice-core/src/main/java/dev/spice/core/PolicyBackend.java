package dev.spice.core;

import java.util.List;

/**
 * A language-model policy that generates completions. Implementations: the DJL PyTorch backend
 * (trainable), the ONNX Runtime backend (inference only), the scripted backend of the core test
 * fixtures. Backends are found through {@link PolicyProvider} and {@link java.util.ServiceLoader}.
 *
 * <p>Threading: a backend is used by one thread at a time unless it documents otherwise.
 * Determinism: the same weights, prompts and {@link SamplingParams} (seed included) give the same
 * completions. Errors are raised as {@link SpiceException.BackendException}.
 */
public interface PolicyBackend extends AutoCloseable {

  /**
   * A short stable name recorded in provenance, for example {@code djl-pytorch}.
   *
   * @return a short stable name recorded in provenance, for example {@code djl-pytorch}
   */
  String name();

  /**
   * Generates one completion per prompt.
   *
   * @param prompts the batch; may be empty
   * @param params sampling settings shared by the batch
   * @return completions in prompt order
   */
  List<Completion> generate(List<Prompt> prompts, SamplingParams params);

  /**
   * Per-token log-probabilities (natural log, temperature 1, the prompt's constrained-decoding
   * mask applied) of given continuations, without sampling. Used by evaluations that need exact
   * probabilities instead of sampled pass rates.
   *
   * @param prompts the prompts
   * @param continuations token ids to score after each prompt, same size as {@code prompts}
   * @return one array per prompt, same length as its continuation
   */
  List<float[]> scoreContinuations(List<Prompt> prompts, List<int[]> continuations);

  /**
   * Token ids of a text, without template or special tokens added.
   *
   * @param text the text
   * @return the token ids
   */
  int[] tokenize(String text);

  /**
   * Text of token ids.
   *
   * @param tokens the tokens
   * @return the decoded text
   */
  String detokenize(int[] tokens);

  /** Releases native resources; the backend is unusable afterwards. Idempotent. */
  @Override
  default void close() {}
}
