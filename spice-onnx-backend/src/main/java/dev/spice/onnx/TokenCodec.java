package dev.spice.onnx;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.spice.core.SpiceException;
import dev.spice.core.model.TokenizerJson;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Text to token ids and back, as {@link OnnxPolicy} needs it. Two ready implementations: a
 * Hugging Face {@code tokenizer.json} through DJL's tokenizers binding, and a word-level
 * vocabulary (handy for tests and toy models); callers may supply their own.
 *
 * <p>Implementations need not be thread-safe; {@link OnnxPolicy} calls them from one thread.
 */
public interface TokenCodec extends AutoCloseable {

  /** Token ids of a text, without special tokens added. Never null; may be empty. */
  int[] encode(String text);

  /** Text of token ids; ids the codec does not know raise an exception. */
  String decode(int[] tokens);

  /** Releases native resources, if any. Idempotent. */
  @Override
  default void close() {}

  /**
   * Loads a Hugging Face {@code tokenizer.json} from a local file (never downloads). Encoding adds
   * no special tokens, pads nothing and truncates nothing; decoding keeps special tokens.
   *
   * @throws SpiceException.ConfigurationException naming the file if it is missing, unreadable, not
   *     UTF-8, not JSON, or lacks {@code model.vocab}
   */
  static TokenCodec huggingFace(Path tokenizerJson) {
    // Checked here first: the tokenizers binding reports a non-UTF-8 file as "Input length = 1"
    // and a JSON without model.vocab with a terse serde message.
    TokenizerJson.read(tokenizerJson, SpiceException.ConfigurationException::new);
    HuggingFaceTokenizer tok;
    try {
      tok = HuggingFaceTokenizer.builder()
          .optTokenizerPath(tokenizerJson)
          .optAddSpecialTokens(false)
          .optTruncation(false)
          .optPadding(false)
          .build();
    } catch (IOException | RuntimeException e) {
      throw new SpiceException.ConfigurationException("cannot load tokenizer " + tokenizerJson + ": " + e.getMessage());
    }
    return new TokenCodec() {
      @Override
      public int[] encode(String text) {
        Encoding enc = tok.encode(text);
        long[] ids = enc.getIds();
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
          out[i] = Math.toIntExact(ids[i]);
        }
        return out;
      }

      @Override
      public String decode(int[] tokens) {
        long[] ids = new long[tokens.length];
        for (int i = 0; i < ids.length; i++) {
          ids[i] = tokens[i];
        }
        return tok.decode(ids, false);
      }

      @Override
      public void close() {
        tok.close();
      }
    };
  }

  /**
   * A word-level codec: text is split on runs of whitespace, each word must be in the vocabulary
   * (its id is its index); decoding joins words with single spaces.
   *
   * @param vocabulary distinct, non-empty words without whitespace
   * @throws IllegalArgumentException on a duplicate, empty or whitespace-containing word
   */
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
            throw new SpiceException.BackendException("word '" + words[i] + "' is not in the " + vocab.size()
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
            throw new SpiceException.BackendException("token id " + t + " is outside the vocabulary [0, "
                + vocab.size() + ")");
          }
          if (sb.length() > 0) {
            sb.append(' ');
          }
          sb.append(vocab.get(t));
        }
        return sb.toString();
      }
    };
  }
}
