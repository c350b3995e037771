package dev.spice.core.text;

import dev.spice.core.SpiceException;
import dev.spice.core.internal.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A word-level tokenizer: text is split on whitespace and each word must be an entry of a fixed
 * vocabulary; the id of a word is its index in the list. Meant for small models trained from
 * scratch (the quickstart), where every answer value is one word.
 *
 * <p>Special tokens are recognised by name when present in the list: {@value #PAD}, {@value #UNK},
 * {@value #BOS}, {@value #EOS}. A word missing from the vocabulary encodes as {@value #UNK} when the
 * list has it, otherwise encoding fails naming the word. Decoding joins words with single spaces
 * and drops {@value #PAD} and {@value #EOS}.
 *
 * <p>Pure Java (no ML library), so both backends take the same instance: a vocabulary trained with
 * the DJL backend is the one ONNX rollouts decode with. {@link #writeHuggingFaceJson} writes it as
 * a Hugging Face {@code tokenizer.json} that the backends' Hugging Face readers load with the same
 * ids.
 *
 * <p>Immutable and thread-safe. Not meant for subclassing: the class is not final only so that the
 * deprecated {@code dev.spice.djl.WordTokenizer} can extend it for one release.
 */
public class WordTokenizer implements Tokenizer {
  /** Padding token. */
  public static final String PAD = "<pad>";
  /** Unknown-word token. */
  public static final String UNK = "<unk>";
  /** Beginning-of-sequence token. */
  public static final String BOS = "<bos>";
  /** End-of-sequence token. */
  public static final String EOS = "<eos>";

  private final List<String> words;
  private final Map<String, Integer> ids;
  private final int pad;
  private final int unk;
  private final int eos;

  /**
   * A tokenizer whose vocabulary is exactly {@code words} (id = index); use {@link #of} or {@link
   * #withSpecialTokens}.
   *
   *
   * @param words the words
   * @throws SpiceException.ConfigurationException on an empty list, a duplicate or a word with
   *     whitespace
   */
  protected WordTokenizer(List<String> words) {
    this.words = List.copyOf(words);
    Map<String, Integer> m = new HashMap<>();
    for (int i = 0; i < this.words.size(); i++) {
      String w = this.words.get(i);
      if (w.isEmpty() || w.chars().anyMatch(Character::isWhitespace)) {
        throw new SpiceException.ConfigurationException(
            "vocabulary entry " + i + " ('" + w + "') is empty or contains whitespace");
      }
      Integer first = m.putIfAbsent(w, i);
      if (first != null) {
        throw new SpiceException.ConfigurationException(
            "vocabulary entry " + i + " ('" + w + "') is a duplicate of entry " + first);
      }
    }
    if (m.isEmpty()) {
      throw new SpiceException.ConfigurationException("vocabulary is empty");
    }
    this.ids = m;
    this.pad = m.getOrDefault(PAD, -1);
    this.unk = m.getOrDefault(UNK, -1);
    this.eos = m.getOrDefault(EOS, -1);
  }

  /**
   * A tokenizer whose vocabulary is exactly {@code vocabulary} (id = index).
   *
   *
   * @param vocabulary the vocabulary
   * @return a tokenizer whose vocabulary is exactly {@code vocabulary} (id = index)
   * @throws SpiceException.ConfigurationException on an empty list, a duplicate or a word with
   *     whitespace
   */
  public static WordTokenizer of(List<String> vocabulary) {
    return new WordTokenizer(vocabulary);
  }

  /**
   * A tokenizer with ids 0-3 = {@value #PAD}, {@value #UNK}, {@value #BOS}, {@value #EOS},
   * followed by {@code words} in order (duplicates of the special tokens are not allowed).
   *
   * @param words the words
   * @return a tokenizer with ids 0-3 = {@value #PAD}, {@value #UNK}, {@value #BOS}, {@value #EOS},
   *     followed by {@code words} in order (duplicates of the special tokens are not allowed)
   */
  public static WordTokenizer withSpecialTokens(List<String> words) {
    return new WordTokenizer(withSpecials(words));
  }

  /** {@value #PAD}, {@value #UNK}, {@value #BOS}, {@value #EOS}, then {@code words}. */
  static List<String> withSpecials(List<String> words) {
    List<String> all = new ArrayList<>(List.of(PAD, UNK, BOS, EOS));
    all.addAll(words);
    return all;
  }

  /**
   * The vocabulary, id = index; unmodifiable.
   *
   * @return the vocabulary, id = index; unmodifiable
   */
  public final List<String> vocabulary() {
    return words;
  }

  @Override
  public final int[] encode(String text) {
    String t = text.strip();
    if (t.isEmpty()) {
      return new int[0];
    }
    String[] parts = t.split("\\s+");
    int[] out = new int[parts.length];
    for (int i = 0; i < parts.length; i++) {
      Integer id = ids.get(parts[i]);
      if (id == null) {
        if (unk < 0) {
          throw new SpiceException.BackendException("word '" + parts[i] + "' (word " + i
              + " of the text) is not in the vocabulary of " + words.size()
              + " words, and the vocabulary has no " + UNK + " token");
        }
        id = unk;
      }
      out[i] = id;
    }
    return out;
  }

  @Override
  public final String decode(int[] tokenIds) {
    StringBuilder sb = new StringBuilder();
    for (int id : tokenIds) {
      // range first: without <pad> or <eos> their ids are -1, which must not make -1 "droppable"
      if (id < 0 || id >= words.size()) {
        throw new SpiceException.BackendException(
            "token id " + id + " is outside the vocabulary [0, " + words.size() + ")");
      }
      if (id == pad || id == eos) {
        continue;
      }
      if (sb.length() > 0) {
        sb.append(' ');
      }
      sb.append(words.get(id));
    }
    return sb.toString();
  }

  @Override
  public final int tokenId(String token) {
    return ids.getOrDefault(token.strip(), -1);
  }

  @Override
  public final int vocabSize() {
    return words.size();
  }

  @Override
  public final int[] eosIds() {
    return eos < 0 ? new int[0] : new int[] {eos};
  }

  @Override
  public final int padId() {
    return pad;
  }

  /**
   * Writes the vocabulary as a Hugging Face {@code tokenizer.json} (a WordLevel model with
   * whitespace pre-tokenisation), so that Hugging Face tools and the backends' Hugging Face
   * tokenizers ({@code dev.spice.djl.HfTokenizer}, {@code dev.spice.onnx.HfTokenizer}) load the
   * same ids.
   *
   *
   * @param file the file
   * @throws SpiceException.CheckpointException naming the file if it cannot be written
   */
  public final void writeHuggingFaceJson(Path file) {
    Map<String, Object> vocab = new LinkedHashMap<>();
    for (int i = 0; i < words.size(); i++) {
      vocab.put(words.get(i), (long) i);
    }
    List<Object> added = new ArrayList<>();
    for (String s : List.of(PAD, UNK, BOS, EOS)) {
      if (ids.containsKey(s)) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("id", (long) ids.get(s));
        a.put("content", s);
        a.put("single_word", false);
        a.put("lstrip", false);
        a.put("rstrip", false);
        a.put("normalized", false);
        a.put("special", true);
        added.add(a);
      }
    }
    Map<String, Object> model = new LinkedHashMap<>();
    model.put("type", "WordLevel");
    model.put("vocab", vocab);
    model.put("unk_token", unk >= 0 ? UNK : words.get(0));
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("version", "1.0");
    root.put("truncation", null);
    root.put("padding", null);
    root.put("added_tokens", added);
    root.put("normalizer", null);
    root.put("pre_tokenizer", Map.of("type", "WhitespaceSplit"));
    root.put("post_processor", null);
    root.put("decoder", null);
    root.put("model", model);
    try {
      Files.writeString(file, Json.write(root), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new SpiceException.CheckpointException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public final String toString() {
    return "WordTokenizer[" + words.size() + " words]";
  }
}
