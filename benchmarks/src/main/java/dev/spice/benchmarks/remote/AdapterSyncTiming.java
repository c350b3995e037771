package dev.spice.benchmarks.remote;

import dev.spice.core.Prompt;
import dev.spice.core.SamplingParams;
import dev.spice.core.internal.json.Json;
import dev.spice.core.text.PromptTemplate;
import dev.spice.djl.DjlPolicy;
import dev.spice.remote.RemoteAdapterSync;
import dev.spice.remote.RemotePolicy;
import dev.spice.serve.PolicyServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Adapter sync time for a LoRA trainer (rank 8, alpha 16, all seven projections) over a
 * {@link BenchModel}: first the raw steps, each timed (write = {@code DjlPolicy.saveAdapter},
 * load = {@code POST /v1/load_lora_adapter}, first token = a one-prompt, one-token
 * {@code /v1/completions} request on the new adapter, then a second such request for the
 * steady-state latency, unload = {@code POST /v1/unload_lora_adapter}); then
 * {@code RemoteAdapterSync.publish} as hybrid training calls it (write, list, load, switch, unload
 * the previous adapter, prune) followed by a one-token {@code RemotePolicy.generate}. The first
 * repeat of each is a warm-up.
 */
final class AdapterSyncTiming {
  private AdapterSyncTiming() {}

  static void run(BenchModel model, PolicyServer server, Path root, int repeats, boolean rebuild) {
    RawHttp raw = new RawHttp(server.uri());
    Prompt prompt = model.prompts(1, 16, 11).get(0);
    Map<String, List<Double>> ms = new LinkedHashMap<>();
    long bytes = 0;
    try (DjlPolicy trainer = model.loraTrainer()) {
      int[] ids = trainer.tokenize(prompt.text());
      // First, before any other adapter was loaded (freed native memory would be reused and hide the growth).
      double perAdapter = residentPerAdapter(raw, trainer, root.resolve("adapters-rss-" + model.name), 4);
      Path rawRoot = root.resolve("adapters-raw-" + model.name);
      for (int v = 0; v <= repeats; v++) {
        String name = "raw-v" + v;
        Path dir = rawRoot.resolve(name);
        long t0 = System.nanoTime();
        trainer.saveAdapter(dir);
        long t1 = System.nanoTime();
        raw.post("v1/load_lora_adapter", Json.write(Map.of("lora_name", name, "lora_path", dir.toString())));
        long t2 = System.nanoTime();
        long first = oneToken(raw, name, ids, v);
        long t3 = System.nanoTime();
        long second = oneToken(raw, name, ids, v + 1000);
        long t4 = System.nanoTime();
        raw.post("v1/unload_lora_adapter", Json.write(Map.of("lora_name", name)));
        long t5 = System.nanoTime();
        if (first != 1 || second != 1) {
          throw new IllegalStateException("a one-token request on '" + name + "' returned " + first + " / " + second
              + " tokens");
        }
        bytes = size(dir);
        if (v > 0) {
          add(ms, "write (saveAdapter)", t1 - t0);
          add(ms, "load (POST /v1/load_lora_adapter)", t2 - t1);
          add(ms, "first token on the new adapter (1-token request)", t3 - t2);
          add(ms, "write + load + first token", t3 - t0);
          add(ms, "next 1-token request (steady state)", t4 - t3);
          add(ms, "unload (POST /v1/unload_lora_adapter)", t5 - t4);
        }
      }
      try (RemotePolicy remote = RemotePolicy.builder().baseUrl(server.uri())
          .model(RolloutThroughputHarness.MODEL).template(PromptTemplate.RAW)
          .tokenizer(model.tokenizer::encode, model.tokenizer::decode).retries(1, Duration.ZERO, Duration.ZERO)
          .build()) {
        RemoteAdapterSync sync = RemoteAdapterSync.builder(remote).adapterRoot(root.resolve("adapters-sync-" + model.name))
            .prefix("sync").writer((t, d) -> ((DjlPolicy) t).saveAdapter(d)).build();
        for (int v = 0; v <= repeats; v++) {
          long t0 = System.nanoTime();
          sync.publish(trainer, v);
          long t1 = System.nanoTime();
          long n = RolloutThroughputHarness.tokens(remote.generate(List.of(prompt),
              new SamplingParams(1.0, 1.0, 0, 1, List.of(), v)));
          long t2 = System.nanoTime();
          if (n != 1 || !remote.model().equals(sync.adapterName(v))) {
            throw new IllegalStateException("after publish " + v + " the policy requests '" + remote.model()
                + "' and got " + n + " tokens");
          }
          if (v > 0) {
            add(ms, "RemoteAdapterSync.publish (write, list, load, unload previous)", t1 - t0);
            add(ms, "publish + first token (RemotePolicy.generate, 1 token)", t2 - t0);
          }
        }
      }
      System.out.printf(Locale.ROOT, "%n### Adapter sync, %s: %d adapter parameters (rank 8, 7 modules), adapter "
          + "folder %d bytes, %d timed repeats after 1 warm-up, adapters %s (load %s)%n%n", model.name,
          trainer.adapterParameterCount(), bytes, repeats, rebuild ? "rebuild the base (--adapter-load=rebuild)"
          : "share the served base (DjlPolicy.withAdapter)", RolloutThroughputHarness.load());
      System.out.printf(Locale.ROOT, "Resident memory per loaded adapter: %.1f MB (VmRSS growth over 4 adapters "
          + "loaded at once, divided by 4, measured before the timed loads)%n%n", perAdapter / 1e6);
    }
    System.out.println("| phase | median ms | min | max |");
    System.out.println("|---|---|---|---|");
    for (Map.Entry<String, List<Double>> e : ms.entrySet()) {
      double[] s = e.getValue().stream().mapToDouble(Double::doubleValue).sorted().toArray();
      System.out.printf(Locale.ROOT, "| %s | %.1f | %.1f | %.1f |%n", e.getKey(), RolloutThroughputHarness.median(s),
          s[0], s[s.length - 1]);
    }
  }

  /**
   * The growth of this process's resident memory ({@code VmRSS}) per adapter while {@code n}
   * adapters are loaded at once (each answers one request first), in bytes; they are unloaded after.
   */
  private static double residentPerAdapter(RawHttp raw, DjlPolicy trainer, Path root, int n) {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Path dir = root.resolve("rss-v" + i);
      trainer.saveAdapter(dir);
    }
    long before = residentBytes();
    for (int i = 0; i < n; i++) {
      String name = "rss-v" + i;
      raw.post("v1/load_lora_adapter", Json.write(Map.of("lora_name", name, "lora_path",
          root.resolve(name).toString())));
      names.add(name);
      oneToken(raw, name, new int[] {5, 6, 7}, i);
    }
    long after = residentBytes();
    for (String name : names) {
      raw.post("v1/unload_lora_adapter", Json.write(Map.of("lora_name", name)));
    }
    return (after - before) / (double) n;
  }

  /** {@code VmRSS} of {@code /proc/self/status}, in bytes. */
  private static long residentBytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    throw new IllegalStateException("no VmRSS in /proc/self/status");
  }

  /** One {@code /v1/completions} request of one prompt and one token; returns the token count. */
  private static long oneToken(RawHttp raw, String model, int[] ids, long seed) {
    return raw.batchedCompletion(model, List.of(ids), 1, seed);
  }

  private static void add(Map<String, List<Double>> ms, String phase, long nanos) {
    ms.computeIfAbsent(phase, k -> new ArrayList<>()).add(nanos / 1e6);
  }

  private static long size(Path dir) {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).mapToLong(p -> {
        try {
          return Files.size(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }).sum();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
