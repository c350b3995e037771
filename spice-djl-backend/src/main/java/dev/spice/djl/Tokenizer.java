package dev.spice.djl;

import java.nio.file.Path;

/**
 * The DJL backend's former tokenizer type, now an alias of the core one.
 *
 * @deprecated use {@link dev.spice.core.text.Tokenizer} (the one tokenizer type of every backend);
 *     load a Hugging Face {@code tokenizer.json} with {@link HfTokenizer#load(Path)} and use
 *     {@link dev.spice.core.text.WordTokenizer} for word vocabularies. This alias will be removed
 *     in the next release.
 */
@Deprecated
public interface Tokenizer extends dev.spice.core.text.Tokenizer {

  /**
   * Loads a Hugging Face {@code tokenizer.json} through DJL's tokenizers library, from a local path
   * only (never the hub).
   *
   * @param tokenizerJson the {@code tokenizer.json} file, or a directory containing it
   * @return the loaded tokenizer
   * @throws dev.spice.core.SpiceException.BackendException if the file is missing or invalid
   * @deprecated use {@link HfTokenizer#load(Path)}
   */
  @Deprecated
  static Tokenizer huggingFace(Path tokenizerJson) {
    return HfTokenizer.load(tokenizerJson);
  }
}
