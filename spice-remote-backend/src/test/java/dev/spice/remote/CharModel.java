package dev.spice.remote;

import dev.spice.core.internal.json.Json;
import dev.spice.core.sampling.Seeds;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.BiFunction;

/**
 * A deterministic stand-in for a served model, answering vLLM's request and reply shapes: tokens
 * are Unicode code points (so tokenization round-trips any text), and the "model" is a bigram rule
 * over the letters {@code a..e}: after token {@code prev}, letter {@code k} has weight
 * {@code 1 + (prev + k) mod 5} out of 15. Generation samples that rule from a {@link
 * SplittableRandom} seeded by the request's seed (or, with a script, returns the script's text at
 * log-prob {@code -ln 2} per token); scoring ({@code echo} with {@code max_tokens: 0}) returns the
 * same rule's log-probs, so scored continuations match their sampling log-probs. A request with
 * {@code n > 1} answers {@code n} choices (index {@code k}), sample {@code k} drawn as an
 * {@code n = 1} request with seed {@link #sampleSeed sampleSeed(seed, k)} would be. A batched request
 * ({@code prompt} a list of lists) samples each prompt so, with the request's one seed, as vLLM does.
 */
final class CharModel {
  static final String LETTERS = "abcde";
  static final double OTHER_LOG_PROB = -20.0;

  private final BiFunction<String, Long, String> script;

  /** @param script prompt text and seed to completion text, or null to sample the bigram rule */
  CharModel(BiFunction<String, Long, String> script) {
    this.script = script;
  }

  FakeServer install(FakeServer s) {
    s.handle("/tokenize", r -> {
      Map<String, Object> q = Json.parseObject(r.body());
      String text = (String) q.get("prompt");
      int[] ids = text.codePoints().toArray();
      return FakeServer.Reply.ok(Json.write(Map.of("count", ids.length, "max_model_len", 4096, "tokens", ids)));
    });
    s.handle("/detokenize", r -> {
      Map<String, Object> q = Json.parseObject(r.body());
      return FakeServer.Reply.ok(Json.write(Map.of("prompt", decode(ints(q.get("tokens"))))));
    });
    s.handle("/v1/completions", this::completions);
    return s;
  }

  /** What this model samples for an {@code n = 1} request of {@code text} with wire seed {@code seed}. */
  int[] sampleOnce(String text, long seed, int maxTokens) {
    String body = dev.spice.core.internal.json.Json.write(java.util.Map.of("model", FakeServer.MODEL, "prompt",
        text.codePoints().toArray(), "n", 1, "max_tokens", maxTokens, "seed", seed));
    java.util.Map<String, Object> reply = dev.spice.core.internal.json.Json.parseObject(completions(
        new FakeServer.Request("POST", "/v1/completions", body, null)).body());
    java.util.Map<?, ?> choice = (java.util.Map<?, ?>) ((java.util.List<?>) reply.get("choices")).get(0);
    return ints(choice.get("token_ids"));
  }

  /** The reply to a {@code POST /v1/completions}. */
  FakeServer.Reply completions(FakeServer.Request r) {
    return FakeServer.Reply.ok(complete(Json.parseObject(r.body())));
  }

  /** The seed sample {@code k} of a request with seed {@code seed} is drawn from: {@code seed} itself for sample 0. */
  static long sampleSeed(long seed, int k) {
    return k == 0 ? seed : Seeds.mix(seed, k);
  }

  static double logProb(int prev, int next) {
    int k = LETTERS.indexOf(next);
    if (k < 0) {
      return OTHER_LOG_PROB;
    }
    return Math.log((1 + Math.floorMod(prev + k, 5)) / 15.0);
  }

  private String complete(Map<String, Object> q) {
    if (!FakeServer.MODEL.equals(q.get("model"))) {
      throw new IllegalArgumentException("The model " + q.get("model") + " does not exist.");
    }
    if (!(q.get("prompt") instanceof List)) {
      throw new IllegalArgumentException("prompt must be token ids");
    }
    List<?> promptList = (List<?>) q.get("prompt");
    if (!promptList.isEmpty() && promptList.get(0) instanceof List) {
      return completeBatch(q, promptList);
    }
    int[] prompt = ints(q.get("prompt"));
    int maxTokens = ((Number) q.get("max_tokens")).intValue();
    boolean echo = Boolean.TRUE.equals(q.get("echo"));
    Map<String, Object> choice = new LinkedHashMap<>();
    choice.put("index", 0);
    if (echo && maxTokens == 0) {
      List<Object> lps = new ArrayList<>();
      lps.add(null);
      for (int j = 1; j < prompt.length; j++) {
        lps.add(logProb(prompt[j - 1], prompt[j]));
      }
      choice.put("text", decode(prompt));
      choice.put("logprobs", logprobs(prompt, lps));
      choice.put("finish_reason", "length");
      choice.put("prompt_token_ids", prompt);
      return reply(List.of(choice), prompt.length, 0);
    }
    long seed = ((Number) q.get("seed")).longValue();
    int n = q.get("n") == null ? 1 : ((Number) q.get("n")).intValue();
    @SuppressWarnings("unchecked")
    List<String> stop = q.get("stop") == null ? List.of() : (List<String>) q.get("stop");
    List<Object> choices = new ArrayList<>();
    int completionTokens = 0;
    for (int k = 0; k < n; k++) {
      Map<String, Object> c = sample(prompt, maxTokens, stop, sampleSeed(seed, k), allowed(q));
      c.put("index", k);
      completionTokens += ((int[]) c.get("token_ids")).length;
      choices.add(c);
    }
    return reply(choices, prompt.length, completionTokens);
  }

  /**
   * A batched request ({@code prompt} a list of token-id lists), answered as vLLM does: every
   * prompt is sampled as a request of its own with the request's seed, choices prompt-major.
   */
  private String completeBatch(Map<String, Object> q, List<?> promptList) {
    long seed = ((Number) q.get("seed")).longValue();
    int n = q.get("n") == null ? 1 : ((Number) q.get("n")).intValue();
    int maxTokens = ((Number) q.get("max_tokens")).intValue();
    @SuppressWarnings("unchecked")
    List<String> stop = q.get("stop") == null ? List.of() : (List<String>) q.get("stop");
    List<Object> choices = new ArrayList<>();
    int promptTokens = 0;
    int completionTokens = 0;
    for (int p = 0; p < promptList.size(); p++) {
      int[] prompt = ints(promptList.get(p));
      promptTokens += prompt.length;
      for (int k = 0; k < n; k++) {
        Map<String, Object> c = sample(prompt, maxTokens, stop, sampleSeed(seed, k), allowed(q));
        c.put("index", p * n + k);
        completionTokens += ((int[]) c.get("token_ids")).length;
        choices.add(c);
      }
    }
    return reply(choices, promptTokens, completionTokens);
  }

  /** The request's {@code allowed_token_ids} as letters, or all letters. */
  private static String allowed(Map<String, Object> q) {
    if (q.get("allowed_token_ids") == null) {
      return LETTERS;
    }
    StringBuilder sb = new StringBuilder();
    for (int id : ints(q.get("allowed_token_ids"))) {
      if (LETTERS.indexOf(id) >= 0) {
        sb.appendCodePoint(id);
      }
    }
    return sb.toString();
  }

  private Map<String, Object> sample(int[] prompt, int maxTokens, List<String> stop, long seed, String letters) {
    Map<String, Object> choice = new LinkedHashMap<>();
    choice.put("index", 0);
    List<Integer> out = new ArrayList<>();
    List<Object> lps = new ArrayList<>();
    String finish = "length";
    StringBuilder text = new StringBuilder();
    if (script != null) {
      int[] cps = script.apply(decode(prompt), seed).codePoints().toArray();
      for (int cp : cps) {
        if (out.size() == maxTokens) {
          break;
        }
        out.add(cp);
        lps.add(-Math.log(2));
        text.appendCodePoint(cp);
        if (endsWithStop(text, stop)) {
          break;
        }
      }
      finish = out.size() < maxTokens || out.size() == cps.length ? "stop" : "length";
    } else {
      SplittableRandom rnd = new SplittableRandom(seed);
      int prev = prompt[prompt.length - 1];
      while (out.size() < maxTokens) {
        double mass = 0;
        for (int k = 0; k < letters.length(); k++) {
          mass += Math.exp(logProb(prev, letters.charAt(k)));
        }
        if (letters.equals(LETTERS)) {
          mass = 1; // all letters: the rule itself, unscaled
        }
        double u = rnd.nextDouble() * mass;
        double acc = 0;
        int next = letters.charAt(letters.length() - 1);
        for (int k = 0; k < letters.length(); k++) {
          acc += Math.exp(logProb(prev, letters.charAt(k)));
          if (u < acc) {
            next = letters.charAt(k);
            break;
          }
        }
        out.add(next);
        lps.add(logProb(prev, next));
        text.appendCodePoint(next);
        prev = next;
        if (endsWithStop(text, stop)) {
          finish = "stop";
          break;
        }
      }
    }
    int[] ids = out.stream().mapToInt(Integer::intValue).toArray();
    choice.put("text", text.toString());
    choice.put("logprobs", logprobs(ids, lps));
    choice.put("finish_reason", finish);
    choice.put("token_ids", ids);
    choice.put("prompt_token_ids", prompt);
    return choice;
  }

  private static boolean endsWithStop(StringBuilder text, List<String> stop) {
    for (String s : stop) {
      if (text.toString().endsWith(s)) {
        return true;
      }
    }
    return false;
  }

  private static Map<String, Object> logprobs(int[] ids, List<Object> lps) {
    Map<String, Object> m = new LinkedHashMap<>();
    List<String> tokens = new ArrayList<>();
    List<Integer> offsets = new ArrayList<>();
    int off = 0;
    for (int id : ids) {
      tokens.add(Character.toString(id));
      offsets.add(off);
      off += Character.charCount(id);
    }
    m.put("tokens", tokens);
    m.put("token_logprobs", lps);
    m.put("top_logprobs", null);
    m.put("text_offset", offsets);
    return m;
  }

  private static String reply(List<Object> choices, int promptTokens, int completionTokens) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", "cmpl-0123abcd");
    m.put("object", "text_completion");
    m.put("created", 1764201600);
    m.put("model", FakeServer.MODEL);
    m.put("choices", choices);
    m.put("usage", Map.of("prompt_tokens", promptTokens, "completion_tokens", completionTokens,
        "total_tokens", promptTokens + completionTokens));
    return Json.write(m);
  }

  static int[] ints(Object list) {
    return ((List<?>) list).stream().mapToInt(o -> ((Number) o).intValue()).toArray();
  }

  static String decode(int[] ids) {
    StringBuilder sb = new StringBuilder();
    for (int id : ids) {
      sb.appendCodePoint(id);
    }
    return sb.toString();
  }
}
