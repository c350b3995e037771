package dev.spice.corpus.tokenizer;

import dev.spice.core.SpiceException;
import dev.spice.core.internal.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * A tokenizer learnt by {@link TokenizerTrainer}: its vocabulary (special tokens first, with ids
 * {@code 0..k-1}), its merges (byte-level BPE), a pure-Java {@link #encode}/{@link #decode} that
 * give the ids and text Hugging Face's tokenizers library gives for the same {@code tokenizer.json}
 * (with {@code add_special_tokens=false, skip_special_tokens=false}), and that file itself ({@link
 * #toJson()}, {@link #save(Path)}).
 *
 * <p>Known differences from tokenizers 0.21 (as bundled with DJL 0.36): Java 17's regular
 * expressions classify characters by Unicode 13, Oniguruma by Unicode 16, so a character assigned
 * since Unicode 13 may be split differently; an unpaired surrogate (not valid Unicode) is read
 * here as one U+FFFD, while DJL's JNI string conversion turns it into three.
 *
 * <p>Immutable and safe for use from several threads.
 */
public final class TrainedTokenizer {

  /** Which model the tokenizer is. */
  public enum Kind {
    /** Byte-level BPE (GPT-2 / Qwen style): every text encodes, and decodes back exactly. */
    BYTE_LEVEL_BPE,
    /** Whole words and punctuation runs from a fixed vocabulary, other words as the unknown token. */
    WORD_LEVEL
  }

  /**
   * What training read.
   *
   * @param documents texts read
   * @param pretokens pre-tokens counted (words, punctuation and whitespace runs), special tokens excluded
   * @param distinctPretokens distinct pre-tokens, the entries the trainer held in memory
   */
  public record TrainingStats(long documents, long pretokens, int distinctPretokens) {}

  private final Kind kind;
  private final List<String> tokens;
  private final Map<String, Integer> ids;
  private final List<String> specials;
  private final int[] mergeLeft;
  private final int[] mergeRight;
  private final int[] mergeResult;
  private final Map<Long, Integer> mergeRank;
  private final boolean nfc;
  private final String unkToken;
  private final int unkId;
  private final Splitter splitter;
  private final TrainingStats stats;

  TrainedTokenizer(Kind kind, List<String> tokens, List<String> specials, List<int[]> merges, boolean nfc,
      String unkToken, TrainingStats stats) {
    this.kind = kind;
    this.tokens = List.copyOf(tokens);
    this.specials = List.copyOf(specials);
    this.ids = new HashMap<>();
    for (int i = 0; i < tokens.size(); i++) {
      ids.putIfAbsent(tokens.get(i), i);
    }
    int m = merges.size();
    this.mergeLeft = new int[m];
    this.mergeRight = new int[m];
    this.mergeResult = new int[m];
    this.mergeRank = new HashMap<>();
    for (int r = 0; r < m; r++) {
      mergeLeft[r] = merges.get(r)[0];
      mergeRight[r] = merges.get(r)[1];
      mergeResult[r] = ids.get(tokens.get(mergeLeft[r]) + tokens.get(mergeRight[r]));
      mergeRank.put(((long) mergeLeft[r] << 32) | mergeRight[r], r); // as Hugging Face: the last rank of a pair
    }
    this.nfc = nfc;
    this.unkToken = unkToken;
    this.unkId = unkToken == null ? -1 : ids.get(unkToken);
    this.splitter = new Splitter(specials, kind == Kind.BYTE_LEVEL_BPE ? Splitter.BYTE_LEVEL : Splitter.WORDS, nfc);
    this.stats = stats;
  }

  /**
   * The model kind.
   *
   * @return the model kind
   */
  public Kind kind() {
    return kind;
  }

  /**
   * Number of ids ({@code 0..vocabSize()-1}); can be below the trainer's limit for a small corpus.
   *
   * @return the number of ids
   */
  public int vocabSize() {
    return tokens.size();
  }

  /**
   * The special tokens, in id order (the id of each is its index).
   *
   * @return the special tokens
   */
  public List<String> specialTokens() {
    return specials;
  }

  /**
   * The id of a vocabulary entry (byte-level BPE: in its byte-character spelling, {@code Ġthe}), or -1.
   *
   * @param token the vocabulary entry
   * @return its id, or -1 if absent
   */
  public int tokenToId(String token) {
    Integer id = ids.get(token);
    return id == null ? -1 : id;
  }

  /**
   * The vocabulary entry of an id, as written in {@code tokenizer.json} (byte-level BPE: space is
   * {@code Ġ}, newline {@code Ċ}, other bytes likewise).
   *
   * @param id the token id
   * @return the vocabulary entry
   * @throws IllegalArgumentException if the id is outside {@code [0, vocabSize())}
   */
  public String idToToken(int id) {
    check(id);
    return tokens.get(id);
  }

  /**
   * The merges in rank order, each as {@code "left right"} (the {@code tokenizer.json} form); empty for word level.
   *
   * @return the merges, unmodifiable
   */
  public List<String> merges() {
    List<String> out = new ArrayList<>(mergeLeft.length);
    for (int r = 0; r < mergeLeft.length; r++) {
      out.add(tokens.get(mergeLeft[r]) + " " + tokens.get(mergeRight[r]));
    }
    return Collections.unmodifiableList(out);
  }

  /**
   * Whether texts are NFC-normalized (outside special tokens) before splitting.
   *
   * @return whether texts are NFC-normalized
   */
  public boolean nfc() {
    return nfc;
  }

  /**
   * The unknown-word token (word level), or {@code null} (byte-level BPE needs none).
   *
   * @return the unknown-word token, or {@code null}
   */
  public String unkToken() {
    return unkToken;
  }

  /**
   * What training read.
   *
   * @return the training statistics
   */
  public TrainingStats stats() {
    return stats;
  }

  /**
   * Token ids of a text, no special token added: special tokens written in the text become their
   * ids, the rest is split and encoded as Hugging Face's tokenizers library does with this
   * tokenizer's {@code tokenizer.json}. Unpaired surrogates are read as U+FFFD.
   *
   * @param text the text to encode
   * @return the token ids
   */
  public int[] encode(String text) {
    int[][] out = {new int[16]};
    int[] n = {0};
    splitter.split(text, s -> add(out, n, s), piece -> {
      if (kind == Kind.WORD_LEVEL) {
        Integer id = ids.get(piece);
        add(out, n, id == null ? unkId : id);
      } else {
        bpe(ByteLevel.encode(piece, 0, piece.length()), out, n);
      }
    });
    return Arrays.copyOf(out[0], n[0]);
  }

  private static void add(int[][] out, int[] n, int id) {
    if (n[0] == out[0].length) {
      out[0] = Arrays.copyOf(out[0], n[0] * 2);
    }
    out[0][n[0]++] = id;
  }

  private int rank(int left, int right) {
    Integer r = mergeRank.get(((long) left << 32) | right);
    return r == null ? -1 : r;
  }

  /** Hugging Face's BPE merge loop: the lowest-ranked adjacent pair first, leftmost among equals. */
  private void bpe(String word, int[][] out, int[] n) {
    int len = word.length();
    int base = specials.size();
    int[] sym = new int[len];
    int[] prev = new int[len];
    int[] next = new int[len];
    for (int i = 0; i < len; i++) {
      sym[i] = base + ByteLevel.byteOf(word.charAt(i));
      prev[i] = i - 1;
      next[i] = i + 1;
    }
    PriorityQueue<Long> queue = new PriorityQueue<>();
    for (int i = 0; i + 1 < len; i++) {
      int r = rank(sym[i], sym[i + 1]);
      if (r >= 0) {
        queue.add(((long) r << 32) | i);
      }
    }
    while (!queue.isEmpty()) {
      long e = queue.poll();
      int r = (int) (e >>> 32);
      int p = (int) e;
      int q = next[p];
      if (sym[p] < 0 || q >= len || rank(sym[p], sym[q]) != r) {
        continue; // stale: a neighbour changed since the pair was queued
      }
      sym[p] = mergeResult[r];
      sym[q] = -1;
      next[p] = next[q];
      if (next[p] < len) {
        prev[next[p]] = p;
      }
      if (prev[p] >= 0) {
        int r2 = rank(sym[prev[p]], sym[p]);
        if (r2 >= 0) {
          queue.add(((long) r2 << 32) | prev[p]);
        }
      }
      if (next[p] < len) {
        int r2 = rank(sym[p], sym[next[p]]);
        if (r2 >= 0) {
          queue.add(((long) r2 << 32) | p);
        }
      }
    }
    for (int i = 0; i < len; i = next[i]) {
      add(out, n, sym[i]);
    }
  }

  /**
   * The text of token ids, special tokens included: {@link #decode(int[], boolean) decode(ids, false)}.
   *
   * @param ids the token ids
   * @return the decoded text
   */
  public String decode(int[] ids) {
    return decode(ids, false);
  }

  /**
   * The text of token ids, as Hugging Face's tokenizers library decodes them with this
   * tokenizer's {@code tokenizer.json}: byte-level BPE joins the bytes of all tokens and reads them
   * as UTF-8 (each malformed sequence, as from a cut-off character, becomes U+FFFD), so {@code
   * decode(encode(x)) == x} for every text without unpaired surrogates (NFC: {@code == NFC(x)});
   * word level joins the tokens with single spaces.
   *
   * @param ids the token ids
   * @param skipSpecialTokens leave special tokens out
   * @return the decoded text
   * @throws IllegalArgumentException if an id is outside {@code [0, vocabSize())}
   */
  public String decode(int[] ids, boolean skipSpecialTokens) {
    if (kind == Kind.WORD_LEVEL) {
      StringBuilder sb = new StringBuilder();
      for (int id : ids) {
        check(id);
        if (skipSpecialTokens && id < specials.size()) {
          continue;
        }
        if (sb.length() > 0) {
          sb.append(' ');
        }
        sb.append(tokens.get(id));
      }
      return sb.toString();
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    for (int id : ids) {
      check(id);
      if (!(skipSpecialTokens && id < specials.size())) {
        ByteLevel.appendBytes(tokens.get(id), bytes);
      }
    }
    return ByteLevel.utf8Lossy(bytes.toByteArray());
  }

  private void check(int id) {
    if (id < 0 || id >= tokens.size()) {
      throw new IllegalArgumentException("token id " + id + " is outside the vocabulary [0, " + tokens.size() + ")");
    }
  }

  /**
   * The Hugging Face {@code tokenizer.json} text: version 1.0, the special tokens as special
   * {@code added_tokens} (not normalized), normalizer {@code null} or NFC, byte-level BPE with the
   * {@code ByteLevel} pre-tokenizer and decoder (no prefix space, GPT-2 regex) and merges as
   * {@code "left right"} strings, or {@code WordLevel} with the {@code Whitespace} pre-tokenizer
   * and no decoder; no post-processor, truncation or padding. The vocabulary and merges are
   * written in id and rank order, one per line, so equal tokenizers give byte-identical files.
   *
   * @return the {@code tokenizer.json} text
   */
  public String toJson() {
    StringBuilder sb = new StringBuilder(64 + tokens.size() * 24 + mergeLeft.length * 16);
    sb.append("{\n  \"version\": \"1.0\",\n  \"truncation\": null,\n  \"padding\": null,\n  \"added_tokens\": [");
    for (int i = 0; i < specials.size(); i++) {
      sb.append(i == 0 ? "\n    " : ",\n    ").append("{\"id\":").append(i).append(",\"content\":");
      Json.quote(specials.get(i), sb);
      sb.append(",\"single_word\":false,\"lstrip\":false,\"rstrip\":false,\"normalized\":false,\"special\":true}");
    }
    sb.append(specials.isEmpty() ? "],\n" : "\n  ],\n");
    sb.append("  \"normalizer\": ").append(nfc ? "{\"type\":\"NFC\"}" : "null").append(",\n");
    String byteLevel = "{\"type\":\"ByteLevel\",\"add_prefix_space\":false,\"trim_offsets\":true,\"use_regex\":true}";
    boolean bpe = kind == Kind.BYTE_LEVEL_BPE;
    sb.append("  \"pre_tokenizer\": ").append(bpe ? byteLevel : "{\"type\":\"Whitespace\"}").append(",\n");
    sb.append("  \"post_processor\": null,\n");
    sb.append("  \"decoder\": ").append(bpe ? byteLevel : "null").append(",\n");
    sb.append("  \"model\": {\n");
    if (bpe) {
      sb.append("    \"type\": \"BPE\",\n    \"dropout\": null,\n    \"unk_token\": null,\n")
          .append("    \"continuing_subword_prefix\": null,\n    \"end_of_word_suffix\": null,\n")
          .append("    \"fuse_unk\": false,\n    \"byte_fallback\": false,\n    \"ignore_merges\": false,\n");
    } else {
      sb.append("    \"type\": \"WordLevel\",\n");
    }
    sb.append("    \"vocab\": {");
    for (int i = 0; i < tokens.size(); i++) {
      sb.append(i == 0 ? "\n      " : ",\n      ");
      Json.quote(tokens.get(i), sb);
      sb.append(": ").append(i);
    }
    sb.append("\n    }");
    if (bpe) {
      sb.append(",\n    \"merges\": [");
      for (int r = 0; r < mergeLeft.length; r++) {
        sb.append(r == 0 ? "\n      " : ",\n      ");
        Json.quote(tokens.get(mergeLeft[r]) + " " + tokens.get(mergeRight[r]), sb);
      }
      sb.append(mergeLeft.length == 0 ? "]\n" : "\n    ]\n");
    } else {
      sb.append(",\n    \"unk_token\": ");
      Json.quote(unkToken, sb);
      sb.append('\n');
    }
    sb.append("  }\n}\n");
    return sb.toString();
  }

  /**
   * Writes {@link #toJson()} as UTF-8.
   *
   * @param path a {@code .json} file, or a directory (created if missing) to hold {@code tokenizer.json}
   * @return the file written
   * @throws SpiceException if the file cannot be written
   */
  public Path save(Path path) {
    Path file = path.getFileName() != null && path.getFileName().toString().endsWith(".json") && !Files.isDirectory(path)
        ? path : path.resolve("tokenizer.json");
    try {
      if (file.toAbsolutePath().getParent() != null) {
        Files.createDirectories(file.toAbsolutePath().getParent());
      }
      Files.write(file, toJson().getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new SpiceException("cannot write tokenizer file " + file + ": " + e, e);
    }
    return file;
  }

  @Override
  public String toString() {
    return "TrainedTokenizer[" + kind + ", " + tokens.size() + " tokens, " + specials.size() + " special, "
        + mergeLeft.length + " merges" + (nfc ? ", NFC" : "") + "]";
  }
}
