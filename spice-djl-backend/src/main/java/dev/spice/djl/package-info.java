/**
 * The trainable SPICE policy on DJL's PyTorch engine.
 *
 * <p>Entry points: {@link dev.spice.djl.DjlPolicy#builder()} (a Llama / Qwen-family model from a
 * Hugging Face directory or random initialisation), {@link dev.spice.djl.HfTokenizer} (a Hugging
 * Face {@code tokenizer.json}) and {@link dev.spice.djl.OptimizerSettings} (AdamW). Tokenizers and
 * prompt templates are the core types shared with the ONNX backend:
 * {@link dev.spice.core.text.Tokenizer}, {@link dev.spice.core.text.WordTokenizer} and
 * {@link dev.spice.core.text.PromptTemplate} (RAW, PLAIN, CHATML). The backend is also found by
 * name {@code djl} through {@link dev.spice.core.Policies} ({@link
 * dev.spice.djl.DjlPolicyProvider} lists the option keys). Everything else is package-private,
 * apart from the deprecated aliases {@code Tokenizer}, {@code WordTokenizer} and
 * {@code PromptTemplate} of this package, kept for one release.
 */
package dev.spice.djl;
