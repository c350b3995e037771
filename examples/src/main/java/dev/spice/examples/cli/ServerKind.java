package dev.spice.examples.cli;

import dev.spice.core.internal.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What kind of server a URL is, for {@code rollout_batch_prompts=auto}: {@code spice serve} lists
 * its models with {@code owned_by "spice"} in {@code GET /v1/models} (vLLM says {@code "vllm"},
 * SGLang {@code "sglang"}).
 */
final class ServerKind {
  private ServerKind() {}

  /**
   * Whether {@code base}'s {@code /v1/models} lists {@code model} as owned by {@code spice}. Any
   * failure (server down, not JSON, no such model) answers false: the remote backend's own
   * connection check then reports what is wrong.
   */
  static boolean isSpiceServe(URI base, String model) {
    try {
      HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
      String root = base.toString().replaceAll("/+$", "");
      HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(root + "/v1/models"))
          .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 && ownedBySpice(r.body(), model);
    } catch (IOException | RuntimeException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Whether a {@code /v1/models} body lists {@code model} with {@code owned_by "spice"}. */
  static boolean ownedBySpice(String body, String model) {
    Object data;
    try {
      data = Json.parseObject(body).get("data");
    } catch (RuntimeException e) {
      return false;
    }
    if (data instanceof List<?> models) {
      for (Object m : models) {
        if (m instanceof Map<?, ?> entry && model.equals(entry.get("id"))) {
          return "spice".equals(entry.get("owned_by"));
        }
      }
    }
    return false;
  }
}
