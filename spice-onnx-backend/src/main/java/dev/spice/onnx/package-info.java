/**
 * The ONNX Runtime policy backend of SPICE for Java.
 *
 * <ul>
 *   <li>{@link dev.spice.onnx.OnnxPolicy}: a {@link dev.spice.core.PolicyBackend} for decoder-only
 *       models in the Hugging Face Optimum layout, with a key-value cache, seeded batched sampling,
 *       continuation scoring and weight refresh;
 *   <li>{@link dev.spice.onnx.OnnxExporter}: writes a Hugging Face Llama / Qwen2 / Qwen3 checkpoint
 *       (for example one saved by the DJL backend) as such a graph;
 *   <li>{@link dev.spice.onnx.HfTokenizer}: a Hugging Face {@code tokenizer.json}; the builder takes
 *       any {@link dev.spice.core.text.Tokenizer} (for example the
 *       {@link dev.spice.core.text.WordTokenizer} a DJL policy was trained with) and any
 *       {@link dev.spice.core.text.PromptTemplate};
 *   <li>{@link dev.spice.onnx.OnnxPolicyProvider}: the {@code onnx} provider found by
 *       {@link dev.spice.core.Policies}.
 * </ul>
 *
 * <p>{@code TokenCodec} is the deprecated former tokenizer type, kept for one release.
 *
 * <p>Arguments and results are never {@code null} unless stated.
 */
package dev.spice.onnx;
