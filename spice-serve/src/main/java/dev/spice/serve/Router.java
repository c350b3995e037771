package dev.spice.serve;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.spice.core.PolicyBackend;
import dev.spice.core.SpiceException;
import dev.spice.core.internal.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentSkipListMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one {@link HttpHandler} of a {@link PolicyServer}: bounded body reading, JSON parsing, routing
 * by path and method, model lookup, and the error responses. Every call into a policy or the
 * adapter host goes through the {@link PolicyGate}.
 */
final class Router implements HttpHandler {
  private static final Logger LOG = LoggerFactory.getLogger(Router.class);

  private final PolicyServer.Builder cfg;
  private final PolicyGate gate;
  private final long created = System.currentTimeMillis() / 1000;
  private final SecureRandom seeds = new SecureRandom();
  /**
   * Loaded adapters by name (sorted), with their paths. Changed on the policy thread only; read by
   * the workers for early 404s and by the policy thread again for the call itself.
   */
  private final Map<String, Adapter> adapters = new ConcurrentSkipListMap<>();

  private record Adapter(PolicyBackend policy, Path path, long created) {}

  Router(PolicyServer.Builder cfg, PolicyGate gate) {
    this.cfg = cfg;
    this.gate = gate;
  }

  @Override
  public void handle(HttpExchange ex) throws IOException {
    try (ex) {
      try {
        route(ex);
      } catch (ApiError e) {
        sendError(ex, e);
      } catch (SpiceException.UnsupportedOperation e) {
        sendError(ex, new ApiError(501, "NotImplementedError", null, e.getMessage(), -1));
      } catch (SpiceException.InvalidInputException | SpiceException.ConfigurationException
          | IllegalArgumentException e) {
        sendError(ex, ApiError.badRequest(null, e.getMessage()));
      } catch (RuntimeException | Error e) {
        // The policy's (or the server's) own failure, not the client's: a native error, out of memory.
        LOG.error("request {} {} failed", ex.getRequestMethod(), ex.getRequestURI(), e);
        sendError(ex, new ApiError(500, "InternalServerError", null, internal(e), -1));
      }
    }
  }

  /** Longest failure message a 500 response repeats; the server log has the whole of it. */
  static final int MAX_INTERNAL_MESSAGE = 200;

  /** The message of a 500: the failure's first line, cut short, without a stack trace. */
  static String internal(Throwable e) {
    String m = e.getMessage();
    if (m == null || m.isBlank()) {
      m = "unexpected " + e.getClass().getSimpleName();
    }
    int nl = m.indexOf('\n');
    if (nl >= 0) {
      m = m.substring(0, nl) + " ...";
    }
    if (m.length() > MAX_INTERNAL_MESSAGE) {
      m = m.substring(0, MAX_INTERNAL_MESSAGE) + " ...";
    }
    return "the server failed to answer the request: " + m + " (details in the server log)";
  }

  private void route(HttpExchange ex) throws IOException {
    String path = ex.getRequestURI().getPath();
    String method = ex.getRequestMethod();
    switch (path) {
      case "/health" -> {
        expect(method, "GET");
        ex.sendResponseHeaders(200, -1);
      }
      case "/v1/models" -> {
        expect(method, "GET");
        sendJson(ex, 200, models());
      }
      case "/v1/completions" -> {
        expect(method, "POST");
        Map<String, Object> json = readJson(ex);
        CompletionRequest r = CompletionRequest.parse(json, seeds.nextLong());
        policy(r.model());
        String id = "cmpl-" + UUID.randomUUID().toString().replace("-", "");
        sendJson(ex, 200, gate.call(() -> Completions.run(r, policy(r.model()), r.model(), cfg.maxPromptTokens, id,
            System.currentTimeMillis() / 1000)));
      }
      case "/tokenize" -> {
        expect(method, "POST");
        Fields f = new Fields(readJson(ex));
        String model = f.requiredString("model");
        policy(model);
        String prompt = f.requiredString("prompt");
        f.bool("add_special_tokens", true);
        int[] ids = gate.call(() -> policy(model).tokenize(prompt));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("count", ids.length);
        body.put("max_model_len", cfg.maxModelLen);
        body.put("tokens", Completions.boxed(ids));
        sendJson(ex, 200, body);
      }
      case "/detokenize" -> {
        expect(method, "POST");
        Fields f = new Fields(readJson(ex));
        String model = f.requiredString("model");
        policy(model);
        int[] ids = f.intList("tokens", 0, Integer.MAX_VALUE);
        if (ids == null) {
          throw ApiError.badRequest("tokens", "field 'tokens' is required (a list of token ids)");
        }
        String text = gate.call(() -> policy(model).detokenize(ids));
        sendJson(ex, 200, Map.of("prompt", text));
      }
      case "/v1/load_lora_adapter" -> {
        expect(method, "POST");
        load(ex, new Fields(readJson(ex)));
      }
      case "/v1/unload_lora_adapter" -> {
        expect(method, "POST");
        unload(ex, new Fields(readJson(ex)));
      }
      default -> throw ApiError.notFound(null, "no endpoint " + path + "; this server has /v1/completions, "
          + "/v1/models, /tokenize, /detokenize, /v1/load_lora_adapter, /v1/unload_lora_adapter and /health");
    }
  }

  private void load(HttpExchange ex, Fields f) throws IOException {
    String name = f.requiredString("lora_name");
    String pathText = f.requiredString("lora_path");
    AdapterHost host = adapterHost();
    if (name.isBlank()) {
      throw ApiError.badRequest("lora_name", "field 'lora_name' is blank");
    }
    if (name.equals(cfg.modelName) || adapters.containsKey(name)) {
      throw ApiError.badRequest("lora_name", "the name '" + name + "' is already served (models: " + names()
          + "); unload it first or pick another name");
    }
    Path path = Path.of(pathText);
    if (!Files.exists(path)) {
      throw ApiError.badRequest("lora_path", "lora_path '" + pathText + "' does not exist on the server");
    }
    gate.call(() -> {
      if (adapters.containsKey(name)) {
        throw ApiError.badRequest("lora_name", "the adapter '" + name + "' is already loaded");
      }
      PolicyBackend p;
      try {
        p = host.load(name, path);
      } catch (SpiceException e) {
        throw ApiError.badRequest("lora_path", "loading adapter '" + name + "' from " + pathText + " failed: "
            + e.getMessage());
      }
      if (p == null) {
        throw new IllegalStateException("the adapter host returned no policy for '" + name + "'");
      }
      adapters.put(name, new Adapter(p, path, System.currentTimeMillis() / 1000));
      return null;
    });
    sendText(ex, 200, "Success: LoRA adapter '" + name + "' added successfully.");
  }

  private void unload(HttpExchange ex, Fields f) throws IOException {
    String name = f.requiredString("lora_name");
    AdapterHost host = adapterHost();
    gate.call(() -> {
      if (adapters.remove(name) == null) {
        throw ApiError.notFound("lora_name", "no adapter named '" + name + "' is loaded; loaded adapters: "
            + new ArrayList<>(adapters.keySet()));
      }
      host.unload(name);
      return null;
    });
    sendText(ex, 200, "Success: LoRA adapter '" + name + "' removed successfully.");
  }

  private AdapterHost adapterHost() {
    if (cfg.adapters == null) {
      throw ApiError.badRequest(null, "this server has no adapter support: it was started without an AdapterHost");
    }
    return cfg.adapters;
  }

  /** The policy served as {@code model}; a 404 naming the served models when there is none. */
  private PolicyBackend policy(String model) {
    if (model.equals(cfg.modelName)) {
      return cfg.policy;
    }
    Adapter a = adapters.get(model);
    if (a == null) {
      throw ApiError.notFound("model", "The model `" + model + "` does not exist. Served models: " + names());
    }
    return a.policy();
  }

  private List<String> names() {
    List<String> n = new ArrayList<>();
    n.add(cfg.modelName);
    n.addAll(adapters.keySet());
    return n;
  }

  private Map<String, Object> models() {
    List<Object> data = new ArrayList<>();
    data.add(model(cfg.modelName, created, cfg.modelName, null));
    adapters.forEach((name, a) -> data.add(model(name, a.created(), a.path().toString(), cfg.modelName)));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("object", "list");
    body.put("data", data);
    return body;
  }

  private Map<String, Object> model(String id, long when, String root, String parent) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", id);
    m.put("object", "model");
    m.put("created", when);
    m.put("owned_by", "spice");
    m.put("root", root);
    m.put("parent", parent);
    m.put("max_model_len", cfg.maxModelLen);
    return m;
  }

  private static void expect(String method, String allowed) {
    if (!method.equals(allowed)) {
      throw new ApiError(405, "MethodNotAllowedError", null, "method " + method + " is not allowed here; use "
          + allowed, -1);
    }
  }

  /** The body as a JSON object; 413 past {@code maxRequestBytes}, 400 when it is not a JSON object. */
  private Map<String, Object> readJson(HttpExchange ex) throws IOException {
    long max = cfg.maxRequestBytes;
    String declared = ex.getRequestHeaders().getFirst("Content-Length");
    if (declared != null) {
      long n;
      try {
        n = Long.parseLong(declared.trim());
      } catch (NumberFormatException e) {
        throw ApiError.badRequest(null, "Content-Length '" + declared + "' is not a number");
      }
      if (n > max) {
        throw tooLarge(n + " bytes");
      }
    }
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    byte[] chunk = new byte[8192];
    try (InputStream in = ex.getRequestBody()) {
      for (int r; (r = in.read(chunk)) >= 0; ) {
        buf.write(chunk, 0, r);
        if (buf.size() > max) {
          throw tooLarge("more than " + max + " bytes");
        }
      }
    }
    String text = buf.toString(StandardCharsets.UTF_8);
    Object v;
    try {
      v = Json.parse(text);
    } catch (Json.JsonException e) {
      throw ApiError.badRequest(null, "the request body is not valid JSON: " + e.getMessage());
    }
    if (!(v instanceof Map)) {
      throw ApiError.badRequest(null, "the request body must be a JSON object");
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> m = (Map<String, Object>) v;
    return m;
  }

  private ApiError tooLarge(String size) {
    return new ApiError(413, "RequestTooLargeError", null, "the request body has " + size + ", more than this "
        + "server's limit of " + cfg.maxRequestBytes + " bytes", -1);
  }

  private static void sendError(HttpExchange ex, ApiError e) throws IOException {
    if (e.retryAfter >= 0) {
      ex.getResponseHeaders().set("Retry-After", Integer.toString(e.retryAfter));
    }
    if (e.status == 413) {
      ex.getResponseHeaders().set("Connection", "close");
    }
    sendJson(ex, e.status, e.body());
  }

  private static void sendJson(HttpExchange ex, int status, Object body) throws IOException {
    send(ex, status, "application/json", Json.write(body));
  }

  private static void sendText(HttpExchange ex, int status, String text) throws IOException {
    send(ex, status, "text/plain; charset=utf-8", text);
  }

  private static void send(HttpExchange ex, int status, String type, String text) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", type);
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }
}
