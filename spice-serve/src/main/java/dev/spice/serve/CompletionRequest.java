package dev.spice.serve;

import dev.spice.core.SamplingParams;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A parsed and validated {@code POST /v1/completions} body (see the module README for the fields
 * and their defaults). Prompts are either texts ({@code String}) or token ids ({@code int[]}).
 *
 * @param sampling the sampling settings; its {@code maxNewTokens} is {@code max(1, maxTokens)}
 * @param seedGiven whether the request carried a seed ({@code seed} is drawn by the server otherwise)
 * @param maxTokens the request's {@code max_tokens}: 0 (only with {@code echo}) generates nothing
 * @param echo whether each choice starts with its prompt ({@code echo: true})
 */
record CompletionRequest(String model, List<Object> prompts, int n, SamplingParams sampling, boolean seedGiven,
    int[] stopTokenIds, int[] allowedTokenIds, boolean logprobs, boolean returnTokenIds, int maxTokens,
    boolean echo) {

  /** Most rows (prompts times {@code n}) one request may ask for. */
  static final int MAX_ROWS = 1024;

  static CompletionRequest parse(Map<String, Object> json, long randomSeed) {
    Fields f = new Fields(json);
    String model = f.requiredString("model");
    if (!f.has("prompt")) {
      throw ApiError.badRequest("prompt", "field 'prompt' is required: a string, a list of token ids, "
          + "a list of lists of token ids or a list of strings");
    }
    List<Object> prompts = prompts(f.raw("prompt"));
    int n = (int) f.integer("n", 1, 1, MAX_ROWS);
    if ((long) n * prompts.size() > MAX_ROWS) {
      throw ApiError.badRequest("n", prompts.size() + " prompts times n = " + n + " is more than the "
          + MAX_ROWS + " completions one request may ask for");
    }
    int maxTokens = (int) f.integer("max_tokens", 16, 0, Integer.MAX_VALUE);
    boolean echo = f.bool("echo", false);
    if (maxTokens == 0 && !echo) {
      throw ApiError.badRequest("max_tokens", "field 'max_tokens' = 0 generates nothing; it is only allowed with "
          + "echo = true (the prompt's own log-probs)");
    }
    double temperature = f.number("temperature", 1.0);
    double topP = f.number("top_p", 1.0);
    long topK = f.integer("top_k", -1, -1, Integer.MAX_VALUE);
    if (!(temperature >= 0) || Double.isInfinite(temperature)) {
      throw ApiError.badRequest("temperature", "field 'temperature' must be finite and >= 0, got " + temperature);
    }
    if (!(topP > 0 && topP <= 1)) {
      throw ApiError.badRequest("top_p", "field 'top_p' must be in (0, 1], got " + topP);
    }
    int k = topK <= 0 ? 0 : (int) topK;
    if (temperature == 0) {
      // greedy, as vLLM: the most likely token (log-probs stay the raw temperature-1 ones)
      temperature = 1.0;
      k = 1;
    }
    boolean seedGiven = f.has("seed");
    long seed = f.integer("seed", randomSeed, Long.MIN_VALUE, Long.MAX_VALUE);
    List<String> stop = f.stringOrList("stop");
    for (int i = 0; i < stop.size(); i++) {
      if (stop.get(i).isEmpty()) {
        throw ApiError.badRequest("stop", "field 'stop' entry " + i + " is empty");
      }
    }
    int[] stopIds = f.intList("stop_token_ids", 0, Integer.MAX_VALUE);
    int[] allowed = f.intList("allowed_token_ids", 0, Integer.MAX_VALUE);
    boolean logprobs = false;
    if (f.has("logprobs")) {
      long lp = f.integer("logprobs", 0, 0, Integer.MAX_VALUE);
      if (lp > 0) {
        throw ApiError.badRequest("logprobs", "field 'logprobs' = " + lp + " asks for the top " + lp
            + " alternatives per token, which this server does not compute; send 0 (the sampled token's log-prob)"
            + " or null");
      }
      logprobs = true;
    }
    if (f.bool("stream", false)) {
      throw ApiError.badRequest("stream", "field 'stream' = true is not supported by this server");
    }
    boolean returnIds = f.bool("return_token_ids", false);
    SamplingParams sp = new SamplingParams(temperature, topP, k, Math.max(1, maxTokens), stop, seed);
    return new CompletionRequest(model, prompts, n, sp, seedGiven, stopIds == null ? new int[0] : stopIds, allowed,
        logprobs, returnIds, maxTokens, echo);
  }

  private static List<Object> prompts(Object p) {
    if (p instanceof String s) {
      return List.of(s);
    }
    if (!(p instanceof List<?> l)) {
      throw Fields.wrongType("prompt", "a string, a list of token ids, a list of lists of token ids or a list of "
          + "strings", p);
    }
    if (l.isEmpty()) {
      throw ApiError.badRequest("prompt", "field 'prompt' is an empty list");
    }
    Object first = l.get(0);
    List<Object> out = new ArrayList<>();
    if (first instanceof Long) {
      out.add(Fields.ints("prompt", l, 0, Integer.MAX_VALUE));
      return out;
    }
    for (int i = 0; i < l.size(); i++) {
      Object e = l.get(i);
      if (first instanceof String) {
        if (!(e instanceof String s)) {
          throw Fields.wrongType("prompt[" + i + "]", "a string like prompt[0]", e);
        }
        out.add(s);
      } else if (first instanceof List) {
        if (!(e instanceof List<?> ids)) {
          throw Fields.wrongType("prompt[" + i + "]", "a list of token ids like prompt[0]", e);
        }
        out.add(Fields.ints("prompt[" + i + "]", ids, 0, Integer.MAX_VALUE));
      } else {
        throw Fields.wrongType("prompt[0]", "a token id, a list of token ids or a string", first);
      }
    }
    return out;
  }
}
