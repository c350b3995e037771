/**
 * Tokenizers learnt from a corpus and saved as Hugging Face {@code tokenizer.json} files: a
 * byte-level BPE (GPT-2 / Qwen style) and a word-level vocabulary, both trained in pure Java by
 * {@link dev.spice.corpus.tokenizer.TokenizerTrainer} and usable without any ML library through
 * {@link dev.spice.corpus.tokenizer.TrainedTokenizer}.
 */
package dev.spice.corpus.tokenizer;
