package dev.spice.onnx;

import dev.spice.core.SpiceException;
import dev.spice.core.text.Tokenizer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The ONNX backend's former tokenizer type, now an alias of the core one.
 *
 * @deprecated use {@link dev.spice.core.text.Tokenizer} (the one tokenizer type of every backend):
 *     {@link HfTokenizer#load(Path)} for a Hugging Face {@code tokenizer.json} (what
 *     {@link #huggingFace} returns) and {@link dev.spice.core.text.WordTokenizer} for a word
 *     vocabulary. This alias will be removed in the next release.
 */
@Deprecated
public interface TokenCodec extends Tokenizer {

  /**
   * Loads a Hugging Face {@code tokenizer.json} from a local file (never downloads). Encoding adds
   * no special tokens, pads nothing and truncates nothing; decoding keeps special tokens.
   *
   * @param tokenizerJson the {@code tokenizer.json} file
   * @return the loaded tokenizer
   * @throws SpiceException.ConfigurationException naming the file if it is missing, unreadable, not
   *     UTF-8, not JSON, or lacks {@code model.vocab}
   * @deprecated use {@link HfTokenizer#load(Path)}
   */
  @Deprecated
  static TokenCodec huggingFace(Path tokenizerJson) {
    return HfTokenizer.load(tokenizerJson);
  }

  /**
   * A word-level codec: text is split on runs of whitespace, each word must be in the vocabulary
   * (its id is its index); decoding joins words with single spaces.
   *
   * <p>Unlike {@link dev.spice.core.text.WordTokenizer}, an unknown word always fails (no
   * {@code <unk>} fallback), decoding keeps {@code <pad>} and {@code <eos>}, and bad vocabularies
   * raise {@link IllegalArgumentException}; kept so for one release.
   *
   * @param vocabulary distinct, non-empty words without whitespace
   * @return a codec over a copy of {@code vocabulary}
   * @throws IllegalArgumentException on a duplicate, empty or whitespace-containing word
   * @deprecated use {@link dev.spice.core.text.WordTokenizer#of(List)}
   */
  @Deprecated
  static TokenCodec wordLevel(List<String> vocabulary) {
    List<String> vocab = List.copyOf(vocabulary);
    Map<String, Integer> ids = new HashMap<>();
    for (int i = 0; i < vocab.size(); i++) {
      String w = vocab.get(i);
      if (w.isEmpty() || w.chars().anyMatch(Character::isWhitespace)) {
        throw new IllegalArgumentException("vocabulary word " + i + " '" + w + "' is empty or contains whitespace");
      }
      Integer first = ids.putIfAbsent(w, i);
      if (first != null) {
        throw new IllegalArgumentException("vocabulary word '" + w + "' appears twice (ids " + first + ", " + i + ")");
      }
    }
    return new TokenCodec() {
      @Override
      public int[] encode(String text) {
        String trimmed = text.strip();
        if (trimmed.isEmpty()) {
          return new int[0];
        }
        String[] words = trimmed.split("\\s+");
        int[] out = new int[words.length];
        for (int i = 0; i < words.length; i++) {
          Integer id = ids.get(words[i]);
          if (id == null) {
            throw new SpiceException.InvalidInputException("word '" + words[i] + "' is not in the " + vocab.size()
                + "-word vocabulary");
          }
          out[i] = id;
        }
        return out;
      }

      @Override
      public String decode(int[] tokens) {
        StringBuilder sb = new StringBuilder();
        for (int t : tokens) {
          if (t < 0 || t >= vocab.size()) {
            throw new SpiceException.InvalidInputException("token id " + t + " is outside the vocabulary [0, "
                + vocab.size() + ")");
          }
          if (sb.length() > 0) {
            sb.append(' ');
          }
          sb.append(vocab.get(t));
        }
        return sb.toString();
      }

      @Override
      public int vocabSize() {
        return vocab.size();
      }
    };
  }
}
