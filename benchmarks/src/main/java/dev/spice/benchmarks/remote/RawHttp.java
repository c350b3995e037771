package dev.spice.benchmarks.remote;

import dev.spice.core.internal.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Direct requests to the server, for what {@code RemotePolicy} does not send (a batched prompt). */
final class RawHttp {
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final URI base;

  RawHttp(URI base) {
    this.base = base;
  }

  /** POSTs {@code body} to {@code path}; a non-200 reply fails naming the path, status and body. */
  String post(String path, String body) {
    return send(path, HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofMinutes(10))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build());
  }

  /** GETs {@code path}; a non-200 reply fails naming the path, status and body. */
  String get(String path) {
    return send(path, HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofMinutes(1)).GET().build());
  }

  /**
   * Median milliseconds of {@code count} round trips of {@code GET /health} (empty reply body) and
   * of {@code POST /detokenize} (a small JSON reply), after as many warm-up ones.
   */
  double[] roundTripMillis(String model, int count) {
    String body = "{\"model\":\"" + model + "\",\"tokens\":[5,6]}";
    double[] health = new double[count];
    double[] detok = new double[count];
    for (int i = 0; i < 2 * count; i++) {
      long t0 = System.nanoTime();
      get("health");
      long t1 = System.nanoTime();
      post("detokenize", body);
      long t2 = System.nanoTime();
      if (i >= count) {
        health[i - count] = (t1 - t0) / 1e6;
        detok[i - count] = (t2 - t1) / 1e6;
      }
    }
    java.util.Arrays.sort(health);
    java.util.Arrays.sort(detok);
    return new double[] {RolloutThroughputHarness.median(health), RolloutThroughputHarness.median(detok)};
  }

  private String send(String path, HttpRequest req) {
    HttpResponse<String> r;
    try {
      r = client.send(req, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException(req.method() + " " + path + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted during " + req.method() + " " + path, e);
    }
    if (r.statusCode() != 200) {
      throw new IllegalStateException(req.method() + " " + path + " answered " + r.statusCode() + ": " + r.body());
    }
    return r.body();
  }

  /**
   * One {@code /v1/completions} request for all {@code prompts} (vLLM's batched
   * {@code prompt: [[int], ...]}), with log-probs and token ids as {@code RemotePolicy} asks.
   *
   * @return the reply's {@code usage.completion_tokens}, checked against the choices
   */
  long batchedCompletion(String model, List<int[]> prompts, int maxTokens, long seed) {
    List<List<Integer>> ids = new ArrayList<>();
    for (int[] p : prompts) {
      List<Integer> row = new ArrayList<>();
      for (int t : p) {
        row.add(t);
      }
      ids.add(row);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("model", model);
    body.put("prompt", ids);
    body.put("max_tokens", maxTokens);
    body.put("temperature", 1.0);
    body.put("seed", seed);
    body.put("logprobs", 0);
    body.put("return_token_ids", true);
    Map<String, Object> reply = Json.parseObject(post("v1/completions", Json.write(body)));
    List<?> choices = (List<?>) reply.get("choices");
    if (choices == null || choices.size() != prompts.size()) {
      throw new IllegalStateException("expected " + prompts.size() + " choices, got "
          + (choices == null ? "none" : choices.size()));
    }
    long tokens = 0;
    for (Object c : choices) {
      tokens += ((List<?>) ((Map<?, ?>) c).get("token_ids")).size();
    }
    long usage = ((Number) ((Map<?, ?>) reply.get("usage")).get("completion_tokens")).longValue();
    if (usage != tokens) {
      throw new IllegalStateException("usage.completion_tokens " + usage + " != " + tokens + " token ids in the choices");
    }
    return tokens;
  }
}
