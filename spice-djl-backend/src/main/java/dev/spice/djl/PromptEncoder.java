package dev.spice.djl;

import dev.spice.core.Demonstration;
import dev.spice.core.Prompt;
import dev.spice.core.SpiceException;
import dev.spice.core.SupervisedSample;
import dev.spice.core.model.TransformerConfig;
import dev.spice.core.text.PromptTemplate;
import dev.spice.core.text.Tokenizer;
import dev.spice.core.text.WordTokenizer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Turns prompts into model input: the rendered and tokenized prompt (with the optional
 * beginning-of-sequence id), the constrained-decoding allowed set, the stop (end-of-sequence) ids
 * (sorted; the first ends demonstrations) and the padding id, and demonstrations into supervised
 * samples. Also validates token ids against the vocabulary. Not thread-safe (the
 * allowed-set cache), like the policy.
 */
final class PromptEncoder {
  private final TransformerConfig cfg;
  private final Tokenizer tokenizer;
  private final PromptTemplate template;
  private final boolean eosWhenConstrained;
  private final int[] stopIds;
  private final int padId;
  private final int bosId;
  private final Map<List<String>, int[]> allowedCache = new HashMap<>();

  /**
   * @param template the resolved template ({@code b.template} may still be null)
   * @throws SpiceException.ConfigurationException when {@code addBos} is set but no BOS id exists
   */
  PromptEncoder(TransformerConfig cfg, Tokenizer tokenizer, PromptTemplate template, DjlPolicy.Builder b) {
    this.cfg = cfg;
    this.tokenizer = tokenizer;
    this.template = template;
    this.eosWhenConstrained = b.eosWhenConstrained;
    TreeSet<Integer> stops = new TreeSet<>(cfg.eosTokenIds());
    for (int e : tokenizer.eosIds()) {
      stops.add(e);
    }
    if (template == PromptTemplate.CHATML || b.template != null && !isPlainText(b.template)) {
      int imEnd = tokenizer.tokenId("<|im_end|>");
      if (imEnd >= 0) {
        stops.add(imEnd);
      }
    }
    stops.removeIf(id -> id < 0 || id >= cfg.vocabSize());
    this.stopIds = stops.stream().mapToInt(Integer::intValue).toArray();
    this.padId = tokenizer.padId() >= 0 ? tokenizer.padId() : 0;
    int bos = cfg.bosTokenId() >= 0 ? cfg.bosTokenId() : tokenizer.tokenId(WordTokenizer.BOS);
    if (b.addBos && bos < 0) {
      throw new SpiceException.ConfigurationException(
          "addBos(true) but neither config.json bos_token_id nor the tokenizer defines a beginning-of-sequence token");
    }
    this.bosId = b.addBos ? bos : -1;
  }

  /**
   * Whether {@code t} is {@code RAW} or {@code PLAIN}, of the core type or of the deprecated
   * {@code dev.spice.djl.PromptTemplate} (whose constants are other objects that render the same).
   */
  @SuppressWarnings("deprecation")
  private static boolean isPlainText(PromptTemplate t) {
    return t == PromptTemplate.RAW || t == PromptTemplate.PLAIN || t == dev.spice.djl.PromptTemplate.RAW
        || t == dev.spice.djl.PromptTemplate.PLAIN;
  }

  /** The id fed at padded positions (masked out everywhere). */
  int padId() {
    return padId;
  }

  /** The rendered, tokenized prompt (BOS first when enabled); never empty, every id in the vocabulary. */
  int[] encode(Prompt p, int index) {
    return encode(p, "prompt " + index);
  }

  /** {@link #encode(Prompt, int)}, errors naming the prompt as {@code what}. */
  private int[] encode(Prompt p, String what) {
    int[] ids = tokenizer.encode(template.render(p));
    if (bosId >= 0) {
      int[] w = new int[ids.length + 1];
      w[0] = bosId;
      System.arraycopy(ids, 0, w, 1, ids.length);
      ids = w;
    }
    if (ids.length == 0) {
      throw new SpiceException.BackendException(what + " (" + p.role()
          + ") renders to zero tokens; give it text or enable addBos");
    }
    checkIds(ids, what);
    return ids;
  }

  /**
   * The sample of {@link DjlPolicy#demonstrationSample}: the prompt exactly as {@link #encode} gives
   * it to generation, the completion's tokens and the first stop id as targets.
   *
   * @throws SpiceException.ConfigurationException when the model and tokenizer define no stop id
   * @throws SpiceException.BackendException when the completion has no tokens, an id is outside the
   *     vocabulary, or the sample is longer than max_position_embeddings
   */
  SupervisedSample demonstration(Demonstration d) {
    if (stopIds.length == 0) {
      throw new SpiceException.ConfigurationException("this policy has no end-of-sequence token to end a "
          + "demonstration with: neither config.json eos_token_id nor the tokenizer defines one inside the vocabulary "
          + "[0, " + cfg.vocabSize() + "); use a tokenizer with an end-of-sequence token, e.g. "
          + "WordTokenizer.withSpecialTokens(words)");
    }
    int[] prompt = encode(d.prompt(), "demonstration prompt");
    int[] completion = tokenizer.encode(d.completion());
    if (completion.length == 0) {
      throw new SpiceException.BackendException("demonstration completion '" + d.completion()
          + "' tokenizes to zero tokens; give it text the tokenizer keeps");
    }
    checkIds(completion, "demonstration completion '" + d.completion() + "'");
    int[] target = Arrays.copyOf(completion, completion.length + 1);
    target[completion.length] = stopIds[0];
    int total = prompt.length + target.length;
    if (total > cfg.maxPositionEmbeddings()) {
      throw new SpiceException.BackendException("demonstration has " + total + " tokens (prompt " + prompt.length
          + ", completion and end-of-sequence " + target.length + "), more than max_position_embeddings "
          + cfg.maxPositionEmbeddings());
    }
    return SupervisedSample.of(prompt, target);
  }

  /** @throws SpiceException.InvalidInputException naming {@code what} when an id is outside the vocabulary */
  void checkIds(int[] ids, String what) {
    for (int i = 0; i < ids.length; i++) {
      if (ids[i] < 0 || ids[i] >= cfg.vocabSize()) {
        throw new SpiceException.InvalidInputException(what + ": token " + i + " has id " + ids[i]
            + ", outside the model vocabulary [0, " + cfg.vocabSize() + ")");
      }
    }
  }

  /** Sorted allowed ids of a constrained prompt, or null. */
  int[] allowed(Prompt p, int index) {
    if (p.allowedTokens().isEmpty()) {
      return null;
    }
    int[] cached = allowedCache.get(p.allowedTokens());
    if (cached != null) {
      return cached;
    }
    TreeSet<Integer> set = new TreeSet<>();
    for (String s : p.allowedTokens()) {
      int id = tokenizer.tokenId(s);
      if (id < 0 || id >= cfg.vocabSize()) {
        throw new SpiceException.BackendException("prompt " + index + ": allowed token '" + s
            + "' is not exactly one token of the vocabulary");
      }
      set.add(id);
    }
    if (eosWhenConstrained) {
      for (int e : stopIds) {
        set.add(e);
      }
    }
    int[] a = set.stream().mapToInt(Integer::intValue).toArray();
    if (allowedCache.size() > 4096) {
      allowedCache.clear();
    }
    allowedCache.put(p.allowedTokens(), a);
    return a;
  }

  /**
   * Sorted, validated allowed ids given as ids (null when {@code ids} is null or empty), the stop
   * ids added under the same rule as {@link #allowed(Prompt, int)}.
   */
  int[] allowedIds(int[] ids) {
    if (ids == null || ids.length == 0) {
      return null;
    }
    checkIds(ids, "allowed token ids");
    TreeSet<Integer> set = new TreeSet<>();
    for (int id : ids) {
      set.add(id);
    }
    if (eosWhenConstrained) {
      for (int e : stopIds) {
        set.add(e);
      }
    }
    return set.stream().mapToInt(Integer::intValue).toArray();
  }

  /** Whether {@code token} ends a generated row (an end-of-sequence id). */
  boolean isStop(int token) {
    for (int s : stopIds) {
      if (s == token) {
        return true;
      }
    }
    return false;
  }
}
