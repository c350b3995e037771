package dev.spice.remote;

import dev.spice.core.SamplingParams;
import dev.spice.core.internal.json.Json;
import dev.spice.core.internal.sampling.TokenSampler;
import dev.spice.core.sampling.Seeds;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The JSON bodies of {@code POST /v1/completions}, as the module README lists them. */
final class WireRequests {
  private WireRequests() {}

  /**
   * The seed sent for row {@code row} of a batch sampled with {@code seed}: the top 53 bits of
   * {@code Seeds.mix(seed, row)}, a non-negative integer below 2^53 that every JSON parser reads
   * exactly (parsers that read numbers as doubles, or as longs of at most 18 digits, included).
   */
  static long rowSeed(long seed, int row) {
    return Seeds.mix(seed, row) >>> 11;
  }

  /**
   * {@code n} sampled completions of {@code promptIds}, for rows {@code [firstRow, firstRow + n)}
   * of the batch: the request carries the first row's seed, {@link #rowSeed rowSeed(seed, firstRow)}
   * (with {@code n = 1} exactly the row's own seed).
   *
   * @param n samples of the prompt, {@code >= 1}
   * @param allowedIds the allowed token ids, or {@code null} when unconstrained
   * @param stopTokenIds extra end-of-sequence ids, possibly empty
   */
  static String generate(String model, int[] promptIds, SamplingParams p, int firstRow, int n, int[] allowedIds,
      int[] stopTokenIds) {
    return generateBody(model, promptIds, p, rowSeed(p.seed(), firstRow), n, allowedIds, stopTokenIds);
  }

  /**
   * The seed of a batched request for rows {@code [firstRow, ...)} of a batch sampled with {@code
   * seed}: {@link TokenSampler#seedForRowOffset}, a full signed 64-bit integer (vLLM accepts the
   * int64 range), under which row {@code j} of the request draws from the in-process stream of row
   * {@code firstRow + j} when the server runs the request as one batch in prompt-major order
   * ({@code spice serve} does).
   */
  static long batchSeed(long seed, int firstRow) {
    return TokenSampler.seedForRowOffset(seed, firstRow);
  }

  /**
   * One batched request: {@code prompt} is the list of the prompts' token ids, each sampled {@code
   * n} times, seeded {@link #batchSeed batchSeed(seed, firstRow)}.
   *
   * @param prompts the prompts' token ids, at least one
   * @param allowedIds the allowed token ids of every prompt, or {@code null} when unconstrained
   */
  static String generateBatch(String model, List<int[]> prompts, SamplingParams p, int firstRow, int n,
      int[] allowedIds, int[] stopTokenIds) {
    return generateBody(model, prompts, p, batchSeed(p.seed(), firstRow), n, allowedIds, stopTokenIds);
  }

  private static String generateBody(String model, Object prompt, SamplingParams p, long seed, int n,
      int[] allowedIds, int[] stopTokenIds) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("model", model);
    m.put("prompt", prompt);
    m.put("n", n);
    m.put("max_tokens", p.maxNewTokens());
    m.put("temperature", p.temperature());
    m.put("top_p", p.topP());
    if (p.topK() > 0) {
      m.put("top_k", p.topK());
    }
    m.put("seed", seed);
    if (!p.stop().isEmpty()) {
      m.put("stop", p.stop());
      // SamplingParams keeps the stop string in the text: vLLM's and SGLang's names for that
      m.put("include_stop_str_in_output", true);
      m.put("no_stop_trim", true);
    }
    if (stopTokenIds.length > 0) {
      m.put("stop_token_ids", stopTokenIds);
    }
    m.put("logprobs", 0);
    m.put("return_token_ids", true);
    if (allowedIds != null) {
      m.put("allowed_token_ids", allowedIds);
    }
    return Json.write(m);
  }

  /**
   * Scoring: the prompt and the continuation as one prompt, echoed back with its prompt log-probs
   * and nothing generated ({@code echo: true}, {@code max_tokens: 0}, {@code logprobs: 0}).
   */
  static String score(String model, int[] promptIds, int[] continuation) {
    int[] all = new int[promptIds.length + continuation.length];
    System.arraycopy(promptIds, 0, all, 0, promptIds.length);
    System.arraycopy(continuation, 0, all, promptIds.length, continuation.length);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("model", model);
    m.put("prompt", all);
    m.put("n", 1);
    m.put("max_tokens", 0);
    m.put("temperature", 1.0);
    m.put("echo", true);
    m.put("logprobs", 0);
    m.put("return_token_ids", true);
    return Json.write(m);
  }
}
