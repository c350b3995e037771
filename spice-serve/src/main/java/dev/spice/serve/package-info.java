/**
 * An OpenAI-compatible HTTP server over any {@link dev.spice.core.PolicyBackend}: the subset of
 * vLLM's API that the remote backend uses ({@code /v1/completions} with log-probs and token ids,
 * {@code /tokenize}, {@code /detokenize}, {@code /v1/models}, {@code /health}, and the LoRA
 * adapter endpoints through an {@link dev.spice.serve.AdapterHost}). Entry point:
 * {@link dev.spice.serve.PolicyServer#builder()}. The module's README describes the endpoints,
 * limits and error responses.
 */
package dev.spice.serve;
