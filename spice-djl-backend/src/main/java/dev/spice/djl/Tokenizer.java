package dev.spice.djl;

import java.nio.file.Path;

/**
 * Maps text to token ids and back for a {@link DjlPolicy}. Two implementations ship: {@link
 * WordTokenizer} (whitespace-separated words from a fixed list, for models trained from scratch)
 * and a Hugging Face {@code tokenizer.json} reader ({@link #huggingFace(Path)}).
 *
 * <p>Implementations are immutable after construction and safe for use from several threads.
 */
public interface Tokenizer extends AutoCloseable {

  /**
   * Token ids of a text, without any special token added.
   *
   * @throws dev.spice.core.SpiceException.BackendException if the text cannot be encoded (for
   *     example an unknown word and no {@code <unk>} token)
   */
  int[] encode(String text);

  /** The text of token ids; end-of-sequence and padding tokens are dropped. */
  String decode(int[] ids);

  /**
   * The id of a string that is exactly one token of the vocabulary, or {@code -1} if it encodes
   * to zero or several tokens.
   */
  int tokenId(String token);

  /** Number of ids this tokenizer can produce (ids are in {@code [0, vocabSize)}). */
  int vocabSize();

  /** End-of-sequence ids known to the tokenizer; may be empty. */
  int[] eosIds();

  /** The id used to pad batches, or {@code -1} if the tokenizer has none (0 is used then). */
  int padId();

  /** Releases native resources, if any. Idempotent. */
  @Override
  default void close() {}

  /**
   * Loads a Hugging Face {@code tokenizer.json} through DJL's tokenizers library, from a local path
   * only (never the hub).
   *
   * @param tokenizerJson the {@code tokenizer.json} file, or a directory containing it
   * @throws dev.spice.core.SpiceException.BackendException if the file is missing or invalid
   */
  static Tokenizer huggingFace(Path tokenizerJson) {
    return HfTokenizer.load(tokenizerJson);
  }
}
