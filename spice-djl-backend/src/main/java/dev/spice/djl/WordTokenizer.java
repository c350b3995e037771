package dev.spice.djl;

import java.util.List;

/**
 * The DJL backend's former word-level tokenizer, now a thin subtype of the core one: same ids,
 * text, special tokens and {@code tokenizer.json} output.
 *
 * @deprecated use {@link dev.spice.core.text.WordTokenizer}, which both backends take. This alias
 *     will be removed in the next release.
 */
@Deprecated
public final class WordTokenizer extends dev.spice.core.text.WordTokenizer implements Tokenizer {

  private WordTokenizer(List<String> words) {
    super(words);
  }

  /**
   * A tokenizer whose vocabulary is exactly {@code vocabulary} (id = index).
   *
   * @param vocabulary the words, in id order
   * @return the tokenizer
   * @throws dev.spice.core.SpiceException.ConfigurationException on an empty list, a duplicate or
   *     a word with whitespace
   * @deprecated use {@link dev.spice.core.text.WordTokenizer#of(List)}
   */
  @Deprecated
  public static WordTokenizer of(List<String> vocabulary) {
    return new WordTokenizer(vocabulary);
  }

  /**
   * A tokenizer with ids 0-3 = {@value #PAD}, {@value #UNK}, {@value #BOS}, {@value #EOS},
   * followed by {@code words} in order.
   *
   * @param words the words after the special tokens
   * @return the tokenizer
   * @deprecated use {@link dev.spice.core.text.WordTokenizer#withSpecialTokens(List)}
   */
  @Deprecated
  public static WordTokenizer withSpecialTokens(List<String> words) {
    return new WordTokenizer(dev.spice.core.text.WordTokenizer.withSpecialTokens(words).vocabulary());
  }
}
