/**
 * Text in and out of a model, shared by every policy backend: {@link dev.spice.core.text.Tokenizer}
 * (text to token ids and back), {@link dev.spice.core.text.WordTokenizer} (a pure-Java word-level
 * vocabulary that also writes a Hugging Face {@code tokenizer.json}),
 * {@link dev.spice.core.text.PromptTemplate} (prompt to text: RAW, PLAIN, CHATML or any lambda) and
 * {@link dev.spice.core.text.SpecialTokens} (end-of-sequence and padding names). Hugging Face
 * {@code tokenizer.json} readers live in the backends ({@code dev.spice.djl.HfTokenizer},
 * {@code dev.spice.onnx.HfTokenizer}), since they need DJL's tokenizers library.
 *
 * <p>Arguments and results are never {@code null} unless stated.
 */
package dev.spice.core.text;
