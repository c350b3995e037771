package dev.spice.core.internal.model;

import dev.spice.core.SpiceException;
import dev.spice.core.internal.json.Json;
import dev.spice.core.text.SpecialTokens;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.ToIntFunction;

/**
 * Checks a Hugging Face {@code tokenizer.json} before a tokenizer library parses it, so a wrong or
 * damaged file gets an error that names the file and what is wrong (not UTF-8, not JSON, no
 * {@code model.vocab}, a token id that is not an integer) instead of the library's terse one.
 * Both backends call it before handing the file to the tokenizers binding, and take the
 * end-of-sequence and padding ids from {@link Info#specialIds}.
 */
public final class TokenizerJson {
  /** Largest tokenizer file accepted (bytes). */
  public static final long MAX_BYTES = 1L << 30;

  private TokenizerJson() {}

  /**
   * What the file declares.
   *
   * @param file the file read
   * @param vocabSize one more than the largest id of {@code model.vocab} and {@code added_tokens}
   * @param addedTokens the {@code content} of each {@code added_tokens} entry, in file order
   */
  public record Info(Path file, int vocabSize, List<String> addedTokens) {
    /** Copies the list. */
    public Info {
      addedTokens = List.copyOf(addedTokens);
    }

    /**
     * The ids of the added tokens named in {@link SpecialTokens}: each added token whose
     * {@code tokenId} is {@code >= 0} (one id; -1 when the tokenizer does not encode it as one
     * token) counts as end-of-sequence if {@link SpecialTokens#isEndOfSequence} and as padding if
     * {@link SpecialTokens#isPadding}.
     *
     * @param tokenId the tokenizer's id of a token text, or -1
     * @return the end-of-sequence ids in file order, and the last padding id (-1 if none)
     */
    public SpecialIds specialIds(ToIntFunction<String> tokenId) {
      List<Integer> eos = new ArrayList<>();
      int pad = -1;
      for (String s : addedTokens) {
        int id = tokenId.applyAsInt(s);
        if (id < 0) {
          continue;
        }
        if (SpecialTokens.isEndOfSequence(s)) {
          eos.add(id);
        }
        if (SpecialTokens.isPadding(s)) {
          pad = id;
        }
      }
      return new SpecialIds(eos.stream().mapToInt(Integer::intValue).toArray(), pad);
    }
  }

  /**
   * The special ids {@link Info#specialIds} found.
   *
   * @param eosIds the end-of-sequence ids, in file order (the array is not copied)
   * @param padId the padding id, or -1
   */
  public record SpecialIds(int[] eosIds, int padId) {}

  /**
   * Reads and checks a {@code tokenizer.json}.
   *
   * @param file the file
   * @param error makes the exception to throw from a message (which names the file)
   * @return the vocabulary size and added tokens
   */
  public static Info read(Path file, Function<String, ? extends SpiceException> error) {
    String where = "tokenizer file " + file;
    if (!Files.isRegularFile(file)) {
      throw error.apply(where + " does not exist");
    }
    byte[] raw;
    try {
      long size = Files.size(file);
      if (size > MAX_BYTES) {
        throw error.apply(where + " is " + size + " bytes, more than the " + MAX_BYTES + " a tokenizer.json may have");
      }
      raw = Files.readAllBytes(file);
    } catch (IOException e) {
      throw error.apply("cannot read " + where + ": " + SafeTensors.reason(e));
    }
    long[] badAt = new long[1];
    String text = SafeTensors.strictUtf8(raw, badAt);
    if (text == null) {
      throw error.apply(where + " is not UTF-8 text (invalid byte at offset " + badAt[0]
          + "); a Hugging Face tokenizer.json is a UTF-8 JSON file");
    }
    Map<String, Object> json;
    try {
      json = Json.parseObject(text);
    } catch (Json.JsonException e) {
      throw error.apply(where + " is not a JSON object: " + e.getMessage());
    }
    if (!(json.get("model") instanceof Map<?, ?> model)) {
      throw error.apply(where + " has no 'model' object (a Hugging Face tokenizer.json has 'model' with 'type' and "
          + "'vocab'), got " + describe(json.get("model")));
    }
    if (model.get("type") != null && !(model.get("type") instanceof String)) {
      throw error.apply(where + ": 'model.type' must be a string, got " + describe(model.get("type")));
    }
    long maxId = -1;
    Object vocab = model.get("vocab");
    if (vocab instanceof Map<?, ?> v) {
      for (Map.Entry<?, ?> e : v.entrySet()) {
        maxId = Math.max(maxId, id(e.getValue(), where + ": 'model.vocab' entry \"" + e.getKey() + "\"", error));
      }
    } else if (vocab instanceof List<?> l) {
      for (int i = 0; i < l.size(); i++) {
        if (!(l.get(i) instanceof List<?> pair) || pair.size() != 2 || !(pair.get(0) instanceof String)
            || !(pair.get(1) instanceof Number)) {
          throw error.apply(where + ": 'model.vocab' entry " + i + " must be a [piece, score] pair, got "
              + describe(l.get(i)));
        }
      }
      maxId = l.size() - 1; // Unigram: the id is the position
    } else {
      throw error.apply(where + " has no 'model.vocab' (an object of token -> id, or a list of [piece, score]), got "
          + describe(vocab));
    }
    List<String> added = new ArrayList<>();
    Object at = json.get("added_tokens");
    if (at != null) {
      if (!(at instanceof List<?> list)) {
        throw error.apply(where + ": 'added_tokens' must be a list, got " + describe(at));
      }
      for (int i = 0; i < list.size(); i++) {
        String entry = where + ": 'added_tokens' entry " + i;
        if (!(list.get(i) instanceof Map<?, ?> a)) {
          throw error.apply(entry + " must be an object, got " + describe(list.get(i)));
        }
        maxId = Math.max(maxId, id(a.get("id"), entry + " field 'id'", error));
        if (!(a.get("content") instanceof String s)) {
          throw error.apply(entry + " field 'content' must be a string, got " + describe(a.get("content")));
        }
        added.add(s);
      }
    }
    if (maxId < 0) {
      throw error.apply(where + " has an empty vocabulary");
    }
    if (maxId >= Integer.MAX_VALUE) {
      throw error.apply(where + " uses token id " + maxId + ", more than the largest supported id");
    }
    return new Info(file, (int) maxId + 1, added);
  }

  private static long id(Object v, String what, Function<String, ? extends SpiceException> error) {
    if (!(v instanceof Long l) || l < 0) {
      throw error.apply(what + " must be a token id (an integer >= 0), got " + describe(v));
    }
    return l;
  }

  private static String describe(Object v) {
    if (v == null) {
      return "nothing";
    }
    if (v instanceof String s) {
      return "the string \"" + (s.length() > 40 ? s.substring(0, 40) + "..." : s) + "\"";
    }
    if (v instanceof Map<?, ?>) {
      return "an object";
    }
    if (v instanceof List<?>) {
      return "a list";
    }
    return String.valueOf(v);
  }
}
