/**
 * The trainable SPICE policy on DJL's PyTorch engine.
 *
 * <p>Entry points: {@link dev.spice.djl.DjlPolicy#builder()} (a Llama / Qwen-family model from a
 * Hugging Face directory or random initialisation), {@link dev.spice.djl.WordTokenizer} and
 * {@link dev.spice.djl.Tokenizer#huggingFace} (tokenizers), {@link dev.spice.djl.PromptTemplate}
 * (RAW, PLAIN, CHATML) and {@link dev.spice.djl.OptimizerSettings} (AdamW). The backend is also
 * found by name {@code djl} through {@link dev.spice.core.Policies} ({@link
 * dev.spice.djl.DjlPolicyProvider} lists the option keys). Everything else is package-private.
 */
package dev.spice.djl;
