package dev.spice.core.text;

import dev.spice.core.SpiceException;

/**
 * Maps text to token ids and back: the one tokenizer abstraction of every policy backend (the DJL
 * and the ONNX backends' builders both take it), so one vocabulary object serves both.
 *
 * <p>Only {@link #encode} and {@link #decode} are required; a minimal codec answers the other
 * questions through the documented defaults ({@link #tokenId} from {@link #encode}, unknown
 * vocabulary size, no end-of-sequence or padding ids). Implementations that ship:
 *
 * <ul>
 *   <li>{@link WordTokenizer} (here, pure Java): whitespace-separated words from a fixed list, for
 *       models trained from scratch; it can write itself as a Hugging Face {@code tokenizer.json};
 *   <li>a Hugging Face {@code tokenizer.json} reader in each backend ({@code dev.spice.djl.HfTokenizer},
 *       {@code dev.spice.onnx.HfTokenizer}), both on DJL's tokenizers library, which this module
 *       does not depend on.
 * </ul>
 *
 * <p>A policy calls its tokenizer from one thread at a time; a tokenizer shared by several
 * policies must be thread-safe ({@link WordTokenizer} is immutable and thread-safe).
 */
public interface Tokenizer extends AutoCloseable {

  /**
   * Token ids of a text, without any special token added. Never null; may be empty.
   *
   *
   * @param text the text
   * @return the token ids; never null, may be empty
   * @throws SpiceException.BackendException if the text cannot be encoded (for example an unknown
   *     word and no {@code <unk>} token)
   */
  int[] encode(String text);

  /**
   * The text of token ids.
   *
   *
   * @param ids the ids
   * @return the text of token ids
   * @throws SpiceException.BackendException on an id the tokenizer does not know
   */
  String decode(int[] ids);

  /**
   * The id of a string that is exactly one token of the vocabulary, or {@code -1} if it encodes to
   * zero or several tokens.
   *
   * <p>Default: {@link #encode encode(token)} when that gives exactly one id; {@code -1} when it
   * gives zero or several ids or throws a {@link SpiceException}.
   *
   * @param token the token
   * @return the id of a string that is exactly one token of the vocabulary, or {@code -1} if it
   *     encodes to zero or several tokens
   */
  default int tokenId(String token) {
    int[] ids;
    try {
      ids = encode(token);
    } catch (SpiceException e) {
      return -1;
    }
    return ids.length == 1 ? ids[0] : -1;
  }

  /**
   * Number of ids this tokenizer can produce (ids are in {@code [0, vocabSize)}), or {@code -1}
   * when unknown.
   *
   * <p>Default: {@code -1} (unknown; backends then check ids against the model only).
   *
   * @return number of ids this tokenizer can produce (ids are in {@code [0, vocabSize)}), or {@code
   *     -1} when unknown
   */
  default int vocabSize() {
    return -1;
  }

  /**
   * End-of-sequence ids known to the tokenizer; may be empty. A new array on each call.
   *
   * <p>Default: none (the backends still stop at the model's own {@code eos_token_id}s).
   *
   * @return the end-of-sequence ids; a new array, may be empty
   */
  default int[] eosIds() {
    return new int[0];
  }

  /**
   * The id used to pad batches, or {@code -1} if the tokenizer has none (backends pad with 0 then;
   * padded positions are masked out).
   *
   * <p>Default: {@code -1}.
   *
   * @return the id used to pad batches, or {@code -1} if the tokenizer has none (backends pad with
   *     0 then; padded positions are masked out)
   */
  default int padId() {
    return -1;
  }

  /** Releases native resources, if any. Idempotent. Default: nothing to release. */
  @Override
  default void close() {}
}
