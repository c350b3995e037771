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
   * Generates one completion per prompt from prompts given as token ids: exactly these ids are fed
   * to the model, with no template, beginning-of-sequence id or other special token added. This is
   * what a server needs when a client sends token ids (see the {@code spice-serve} module).
   *
   * <p>Contract: for a backend that supports it, {@code generateFromTokens(ids, null, params)}
   * returns exactly what {@link #generate} returns for prompts that the backend encodes to
   * {@code ids} with the same {@code params} (seed included): row {@code i} of the batch samples
   * from the stream derived from {@code (params.seed(), i)}, so two equal prompts at different
   * rows give different samples and the same call gives the same completions. Each returned
   * {@link Completion#promptTokens()} equals the given ids.
   *
   * <p>The default implementation throws {@link SpiceException.UnsupportedOperation}; the DJL and
   * ONNX backends implement it.
   *
   * @param promptTokens the prompts as token ids, each non-empty and inside the vocabulary; the
   *     arrays are not modified
   * @param allowedTokenIds constrained decoding for every row: if not null and not empty, every
   *     generated token is one of these ids (the backend's end-of-sequence ids stay allowed as for
   *     {@link Prompt#allowedTokens()}); null or empty means unconstrained
   * @param params sampling settings shared by the batch
   * @return completions in prompt order
   * @throws SpiceException.UnsupportedOperation if this backend cannot generate from token ids
   * @throws SpiceException.InvalidInputException (a {@code BackendException}) if an id is outside
   *     the vocabulary or a prompt is empty or too long for the model
   * @throws SpiceException.BackendException if generation fails
   */
  default List<Completion> generateFromTokens(List<int[]> promptTokens, int[] allowedTokenIds,
      SamplingParams params) {
    throw new SpiceException.UnsupportedOperation("backend '" + name()
        + "' does not implement generateFromTokens (generation from raw token ids)");
  }

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
   * Per-token log-probabilities (natural log, temperature 1, no constrained-decoding mask) of given
   * continuations after prompts given as token ids: exactly these ids are fed to the model, with no
   * template, beginning-of-sequence id or other special token added. This is what a server needs to
   * answer a request for the log-probs of a prompt's own tokens (OpenAI's {@code echo}, see the
   * {@code spice-serve} module).
   *
   * <p>Contract: for a backend that supports it, {@code scoreFromTokens(ids, continuations)} returns
   * exactly what {@link #scoreContinuations} returns for unconstrained prompts that the backend
   * encodes to {@code ids}.
   *
   * <p>The default implementation throws {@link SpiceException.UnsupportedOperation}; the DJL and
   * ONNX backends implement it.
   *
   * @param promptTokens the prompts as token ids, each non-empty and inside the vocabulary; the
   *     arrays are not modified
   * @param continuations token ids to score after each prompt, same size as {@code promptTokens},
   *     each inside the vocabulary and possibly empty; the arrays are not modified
   * @return one array per prompt, same length as its continuation
   * @throws SpiceException.UnsupportedOperation if this backend cannot score from token ids
   * @throws SpiceException.InvalidInputException (a {@code BackendException}) if the sizes differ,
   *     an id is outside the vocabulary, a prompt is empty, or a prompt and its continuation are too
   *     long for the model
   * @throws SpiceException.BackendException if scoring fails
   */
  default List<float[]> scoreFromTokens(List<int[]> promptTokens, List<int[]> continuations) {
    throw new SpiceException.UnsupportedOperation("backend '" + name()
        + "' does not implement scoreFromTokens (scoring from raw token ids)");
  }

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
