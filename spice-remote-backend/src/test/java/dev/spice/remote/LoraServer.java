package dev.spice.remote;

import dev.spice.core.internal.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.LongFunction;

/**
 * vLLM's runtime LoRA endpoints on a {@link FakeServer}: {@code /v1/load_lora_adapter} reads the
 * adapter's {@code adapter_config.json} from {@code lora_path} (400 with vLLM's message when it is
 * missing, or when the name is already loaded), {@code /v1/unload_lora_adapter} (404 for an
 * unknown name), {@code /v1/models} lists the base model and every loaded adapter, and
 * {@code /v1/completions} answers with a {@link CharModel} whose script belongs to the version
 * written in the requested adapter's config ({@code spice_version}); the base model is version -1.
 * Records every adapter call and the model of every completion request.
 */
final class LoraServer {
  final FakeServer server = new FakeServer();
  /** Loaded adapter name to its version. */
  final Map<String, Long> loaded = Collections.synchronizedMap(new LinkedHashMap<>());
  /** "load NAME PATH" and "unload NAME", in order. */
  final List<String> calls = Collections.synchronizedList(new ArrayList<>());
  /** The model of every completion request, in arrival order. */
  final List<String> completionModels = Collections.synchronizedList(new ArrayList<>());

  /** @param scriptOf the served model's script (prompt text, seed to text) of each version */
  LoraServer(LongFunction<BiFunction<String, Long, String>> scriptOf) {
    new CharModel(null).install(server);
    server.handle("/v1/models", r -> {
      List<Object> data = new ArrayList<>();
      data.add(Map.of("id", FakeServer.MODEL, "object", "model", "root", FakeServer.MODEL));
      synchronized (loaded) {
        loaded.keySet().forEach(n -> data.add(Map.of("id", n, "object", "model", "root", "/adapters/" + n,
            "parent", FakeServer.MODEL)));
      }
      return FakeServer.Reply.ok(Json.write(Map.of("object", "list", "data", data)));
    });
    server.handle("/v1/load_lora_adapter", r -> {
      Map<String, Object> q = Json.parseObject(r.body());
      String name = (String) q.get("lora_name");
      String path = (String) q.get("lora_path");
      Path config = Path.of(path).resolve("adapter_config.json");
      if (loaded.containsKey(name)) {
        return error(400, "BadRequestError", "The lora adapter '" + name + "' has already been loaded.");
      }
      if (!Files.isRegularFile(config)) {
        return error(400, "BadRequestError", "Loading lora " + name + " failed: No adapter found for " + path);
      }
      long version;
      try {
        version = ((Number) Json.parseObject(Files.readString(config)).get("spice_version")).longValue();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      loaded.put(name, version);
      calls.add("load " + name + " " + path);
      return FakeServer.Reply.ok("Success: LoRA adapter '" + name + "' added successfully.");
    });
    server.handle("/v1/unload_lora_adapter", r -> {
      String name = (String) Json.parseObject(r.body()).get("lora_name");
      if (loaded.remove(name) == null) {
        return error(404, "NotFoundError", "The lora adapter '" + name + "' cannot be found.");
      }
      calls.add("unload " + name);
      return FakeServer.Reply.ok("Success: LoRA adapter '" + name + "' removed successfully.");
    });
    server.handle("/v1/completions", r -> {
      Map<String, Object> q = new LinkedHashMap<>(Json.parseObject(r.body()));
      String model = (String) q.get("model");
      completionModels.add(model);
      Long version = FakeServer.MODEL.equals(model) ? Long.valueOf(-1) : loaded.get(model);
      if (version == null) {
        return error(404, "NotFoundError", "The model `" + model + "` does not exist.");
      }
      q.put("model", FakeServer.MODEL);
      FakeServer.Request base = new FakeServer.Request(r.method(), r.path(), Json.write(q), r.authorization());
      return new CharModel(scriptOf.apply(version)).completions(base);
    });
  }

  static FakeServer.Reply error(int status, String type, String message) {
    return FakeServer.Reply.status(status, Json.write(Map.of("error", Map.of("message", message, "type", type,
        "code", status))));
  }
}
