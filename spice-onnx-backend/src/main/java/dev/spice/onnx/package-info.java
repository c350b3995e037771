/**
 * The ONNX Runtime policy backend of SPICE for Java.
 *
 * <ul>
 *   <li>{@link dev.spice.onnx.OnnxPolicy}: a {@link dev.spice.core.PolicyBackend} for decoder-only
 *       models in the Hugging Face Optimum layout, with a key-value cache, seeded batched sampling,
 *       continuation scoring and weight refresh;
 *   <li>{@link dev.spice.onnx.OnnxExporter}: writes a Hugging Face Llama / Qwen2 / Qwen3 checkpoint
 *       (for example one saved by the DJL backend) as such a graph;
 *   <li>{@link dev.spice.onnx.TokenCodec}: the tokenizer seam (Hugging Face {@code tokenizer.json}
 *       or a word-level vocabulary);
 *   <li>{@link dev.spice.onnx.OnnxPolicyProvider}: the {@code onnx} provider found by
 *       {@link dev.spice.core.Policies}.
 * </ul>
 *
 * <p>Arguments and results are never {@code null} unless stated.
 */
package dev.spice.onnx;
