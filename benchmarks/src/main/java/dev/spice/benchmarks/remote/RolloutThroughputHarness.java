package dev.spice.benchmarks.remote;

import dev.spice.core.Completion;
import dev.spice.core.Prompt;
import dev.spice.core.SamplingParams;
import dev.spice.core.text.PromptTemplate;
import dev.spice.djl.DjlPolicy;
import dev.spice.remote.RemotePolicy;
import dev.spice.remote.RemotePolicyBuilder;
import dev.spice.serve.PolicyServer;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Rollout tokens/s through {@code PolicyServer} + {@code RemotePolicy} versus in-process
 * {@code DjlPolicy.generate}, and LoRA adapter sync time ({@link AdapterSyncTiming}). A plain main,
 * not JMH: each measurement is a whole batch of generations.
 *
 * <p>Per model, one {@code DjlPolicy} of a random-init folder is measured in-process and served
 * (the same instance, never both at once) by a {@code PolicyServer} on loopback. For each batch
 * size B, every round runs these variants on the same B prompts, seed and max new tokens:
 * {@code in-process 1/call} (B {@code generate} calls of one prompt), {@code HTTP cN} ({@code
 * RemotePolicy.generate} of the B prompts with {@code maxConcurrentRequests = N}: one request per
 * prompt, local tokenizer), {@code HTTP batched} (one {@code /v1/completions} request with {@code
 * prompt: [[ids], ...]}, sent by {@link RawHttp}) and {@code HTTP RemotePolicy batched} ({@code
 * RemotePolicy.generate} with {@code batchPrompts(true)}: the same one request, sent and checked by
 * the client), with the baseline {@code in-process batch} (one {@code generate} of B prompts)
 * before the first variant, between any two and after the last, the variants in reverse order on
 * every other round: each variant's baseline is the in-process batch just before and just after
 * it, so a drift of the machine's speed moves both alike. Warm-up rounds are not counted; the
 * table gives the median, min and max tokens/s of the timed rounds (the in-process batch row: all
 * its runs of a round together) and the median over rounds of each variant's time per token
 * relative to its two neighbouring in-process batches together (the HTTP cost, in %), the same for
 * the process's CPU time per token (see {@link #time}), and for the HTTP variants the share of
 * their wall time that the served policy spent generating ({@link TimedPolicy}).
 */
public final class RolloutThroughputHarness {
  static final String MODEL = "bench";

  private RolloutThroughputHarness() {}

  /**
   * Entry point. Options ({@code --key=value}): {@code --models=quickstart,10M},
   * {@code --batches=16,64}, {@code --concurrency=1,4,16}, {@code --new=32} max new tokens,
   * {@code --prompt-words=16}, {@code --warmup=1} (0 for none) and {@code --repeats=3} rounds,
   * {@code --threads=1} PyTorch intra-op threads, {@code --sync-repeats=5},
   * {@code --parts=throughput,sync}, {@code --adapter-load=shared} (adapters share the served
   * base, {@code DjlPolicy.withAdapter}; {@code rebuild}: each adapter rebuilds the base from its
   * folder), {@code --dir=} a work folder, kept (default a temporary one, deleted at the end).
   *
   * @param args the options
   * @throws IOException if the work folder cannot be created
   */
  public static void main(String[] args) throws IOException {
    Map<String, String> opt = new HashMap<>();
    for (String a : args) {
      if (!a.startsWith("--") || !a.contains("=")) {
        throw new IllegalArgumentException("options are --key=value, got '" + a + "'");
      }
      opt.put(a.substring(2, a.indexOf('=')), a.substring(a.indexOf('=') + 1));
    }
    List<String> known = List.of("models", "batches", "concurrency", "new", "prompt-words", "warmup", "repeats",
        "threads", "sync-repeats", "parts", "adapter-load", "dir");
    for (String k : opt.keySet()) {
      if (!known.contains(k)) {
        throw new IllegalArgumentException("unknown option --" + k + "; known: " + known);
      }
    }
    List<String> models = List.of(opt.getOrDefault("models", "quickstart,10M").split(","));
    int[] batches = ints(opt.getOrDefault("batches", "16,64"), "batches");
    int[] conc = ints(opt.getOrDefault("concurrency", "1,4,16"), "concurrency");
    int maxNew = ints(opt.getOrDefault("new", "32"), "new")[0];
    int words = ints(opt.getOrDefault("prompt-words", "16"), "prompt-words")[0];
    int warmup = ints(opt.getOrDefault("warmup", "1"), "warmup", 0)[0];
    int repeats = ints(opt.getOrDefault("repeats", "3"), "repeats")[0];
    int threads = ints(opt.getOrDefault("threads", "1"), "threads")[0];
    int syncRepeats = ints(opt.getOrDefault("sync-repeats", "5"), "sync-repeats")[0];
    List<String> parts = List.of(opt.getOrDefault("parts", "throughput,sync").split(","));
    for (String p : parts) {
      if (!List.of("throughput", "sync").contains(p)) {
        throw new IllegalArgumentException("--parts takes throughput and/or sync, got '" + p + "'");
      }
    }
    String adapterLoad = opt.getOrDefault("adapter-load", "shared");
    if (!List.of("shared", "rebuild").contains(adapterLoad)) {
      throw new IllegalArgumentException("--adapter-load takes shared or rebuild, got '" + adapterLoad + "'");
    }
    for (String m : models) {
      if (!List.of("quickstart", "10M").contains(m)) {
        throw new IllegalArgumentException("--models takes quickstart and/or 10M, got '" + m + "'");
      }
    }
    Path root = opt.containsKey("dir") ? Files.createDirectories(Path.of(opt.get("dir")))
        : Files.createTempDirectory("spice-rollout-http");
    System.out.printf(Locale.ROOT, "java %s (%s), %d cores, load average %s; work folder %s%n",
        System.getProperty("java.version"), System.getProperty("java.vm.name"),
        Runtime.getRuntime().availableProcessors(), load(), root);
    for (String size : models) {
      BenchModel model = BenchModel.create(size, root, threads);
      int maxConc = Arrays.stream(conc).max().orElse(1);
      try (DjlPolicy policy = model.load()) {
        TimedPolicy served = new TimedPolicy(policy);
        serve(model, policy, served, maxConc, parts, batches, conc, maxNew, words, warmup, repeats, syncRepeats, root,
            adapterLoad.equals("rebuild"));
      }
    }
    System.out.printf(Locale.ROOT, "%nload average at the end %s%n", load());
    if (!opt.containsKey("dir")) {
      deleteTree(root);
    }
  }

  private static void serve(BenchModel model, DjlPolicy policy, TimedPolicy served, int maxConc, List<String> parts,
      int[] batches, int[] conc, int maxNew, int words, int warmup, int repeats, int syncRepeats, Path root,
      boolean rebuild) {
    try (PolicyServer server = PolicyServer.builder().policy(served).modelName(MODEL).threads(Math.max(4, maxConc))
        .maxQueued(Math.max(64, maxConc)).requestTimeout(Duration.ofMinutes(10))
        .adapters(model.adapterHost(policy, rebuild)).build()) {
      server.start();
      System.out.printf(Locale.ROOT, "%n## %s: %d parameters, %d intra-op thread(s), server %s%n", model.name,
          policy.parameterCount(), model.threads, server.uri());
      double[] rtt = new RawHttp(server.uri()).roundTripMillis(MODEL, 20);
      System.out.printf(Locale.ROOT, "HTTP round trip (median of 20, java.net.http client, keep-alive): GET /health "
          + "%.1f ms, POST /detokenize %.1f ms; sun.net.httpserver.nodelay=%s%n", rtt[0], rtt[1],
          System.getProperty("sun.net.httpserver.nodelay", "unset (false)"));
      if (parts.contains("throughput")) {
        for (int b : batches) {
          throughput(model, policy, served, server, b, conc, maxNew, words, warmup, repeats);
        }
      }
      if (parts.contains("sync")) {
        AdapterSyncTiming.run(model, server, root, syncRepeats, rebuild);
      }
    }
  }

  private static void deleteTree(Path root) throws IOException {
    try (java.util.stream.Stream<Path> s = Files.walk(root)) {
      for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private static void throughput(BenchModel model, DjlPolicy policy, TimedPolicy served, PolicyServer server,
      int batch, int[] conc,
      int maxNew, int words, int warmup, int repeats) {
    List<Prompt> prompts = model.prompts(batch, words, 7);
    List<int[]> ids = new ArrayList<>();
    for (Prompt p : prompts) {
      ids.add(policy.tokenize(p.text()));
    }
    Map<String, RemotePolicy> remotes = new LinkedHashMap<>();
    RawHttp raw = new RawHttp(server.uri());
    Map<String, List<double[]>> runs = new LinkedHashMap<>(); // variant -> time() of each timed round
    Map<String, List<double[]>> bases = new HashMap<>(); // variant -> its in-process neighbours, per round
    String loadBefore = load();
    try {
      for (int c : conc) {
        remotes.put("HTTP c" + c, remote(model, server).maxConcurrentRequests(c).build());
      }
      // every run of one request: all B prompts (each a run of one) in one batched request
      remotes.put(BATCHED_REMOTE, remote(model, server).maxConcurrentRequests(1).batchPrompts(true)
          .maxPromptsPerRequest(batch).maxSamplesPerRequest(batch).build());
      for (int round = 0; round < warmup + repeats; round++) {
        SamplingParams sp = new SamplingParams(1.0, 1.0, 0, maxNew, List.of(), 100 + round);
        Map<String, Run> variants = new LinkedHashMap<>();
        variants.put("in-process 1/call", () -> {
          long n = 0;
          for (int i = 0; i < prompts.size(); i++) {
            n += tokens(policy.generate(List.of(prompts.get(i)), sp.withSeed(sp.seed() * 1000 + i)));
          }
          return n;
        });
        for (Map.Entry<String, RemotePolicy> e : remotes.entrySet()) {
          if (!e.getKey().equals(BATCHED_REMOTE)) {
            variants.put(e.getKey(), () -> tokens(e.getValue().generate(prompts, sp)));
          }
        }
        variants.put("HTTP batched", () -> raw.batchedCompletion(MODEL, ids, maxNew, sp.seed()));
        variants.put(BATCHED_REMOTE, () -> tokens(remotes.get(BATCHED_REMOTE).generate(prompts, sp)));
        List<String> order = new ArrayList<>(variants.keySet());
        if (round % 2 == 1) {
          Collections.reverse(order); // drift within a round then biases no variant the same way twice
        }
        // A V1 A V2 ... Vk A: the in-process batch between any two variants, each variant's baseline
        // is the in-process batch just before it and just after it
        Run inProcess = () -> tokens(policy.generate(prompts, sp));
        Map<String, double[]> r = new LinkedHashMap<>();
        Map<String, double[]> base = new HashMap<>();
        double[] before = time(inProcess);
        double[] all = before.clone();
        for (String v : order) {
          double[] t = v.startsWith("HTTP") ? timeServed(served, variants.get(v)) : time(variants.get(v));
          double[] after = time(inProcess);
          r.put(v, t);
          base.put(v, sum(before, after));
          all = sum(all, after);
          before = after;
        }
        Map<String, double[]> shown = new LinkedHashMap<>();
        shown.put(IN_PROCESS, all);
        base.put(IN_PROCESS, all);
        for (String v : variants.keySet()) {
          shown.put(v, r.get(v));
        }
        boolean timed = round >= warmup;
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  B=%d %s round %d (order %s):", batch,
            timed ? "timed" : "warm-up", round, round % 2 == 1 ? "reversed" : "forward"));
        for (Map.Entry<String, double[]> e : shown.entrySet()) {
          line.append(String.format(Locale.ROOT, " %s %.0f tok/s %.0f tok/CPU-s (%.0f tokens);", e.getKey(),
              e.getValue()[1] / e.getValue()[0], e.getValue()[1] / e.getValue()[2], e.getValue()[1]));
          if (timed) {
            runs.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue());
            bases.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(base.get(e.getKey()));
          }
        }
        System.out.println(line);
      }
    } finally {
      remotes.values().forEach(RemotePolicy::close);
    }
    System.out.printf(Locale.ROOT, "%n### %s, B = %d prompts of %d words, %d new tokens max, %d timed rounds "
        + "(load %s -> %s)%n%n", model.name, batch, words, maxNew, repeats, loadBefore, load());
    System.out.println("| variant | tokens/s median | min | max | wall time per token vs in-process batch "
        + "| tokens per process CPU-second, median | CPU per token vs in-process batch "
        + "| server generation time / wall time, median |");
    System.out.println("|---|---|---|---|---|---|---|---|");
    for (Map.Entry<String, List<double[]>> e : runs.entrySet()) {
      int n = e.getValue().size();
      double[] tps = new double[n];
      double[] cps = new double[n];
      double[] rel = new double[n];
      double[] relCpu = new double[n];
      double[] gen = new double[n];
      for (int i = 0; i < n; i++) {
        double[] v = e.getValue().get(i);
        double[] b = bases.get(e.getKey()).get(i);
        tps[i] = v[1] / v[0];
        cps[i] = v[1] / v[2];
        gen[i] = v.length > 3 ? v[3] / v[0] : Double.NaN;
        // the variant's baseline: the in-process batches just before and just after it, together
        rel[i] = (b[1] / b[0]) / tps[i] - 1;
        relCpu[i] = (b[1] / b[2]) / cps[i] - 1;
      }
      Arrays.sort(rel);
      Arrays.sort(relCpu);
      Arrays.sort(cps);
      Arrays.sort(tps);
      Arrays.sort(gen);
      System.out.printf(Locale.ROOT, "| %s | %.0f | %.0f | %.0f | %+.0f%% | %.0f | %+.0f%% | %s |%n", e.getKey(),
          median(tps), tps[0], tps[n - 1], 100 * median(rel), median(cps), 100 * median(relCpu),
          Double.isNaN(gen[0]) ? "-" : String.format(Locale.ROOT, "%.0f%%", 100 * median(gen)));
    }
  }

  private static final String IN_PROCESS = "in-process batch";
  private static final String BATCHED_REMOTE = "HTTP RemotePolicy batched";

  /** A RemotePolicy builder for the served bench model: local tokenizer, no retries. */
  private static RemotePolicyBuilder remote(BenchModel model, PolicyServer server) {
    return RemotePolicy.builder().baseUrl(server.uri()).model(MODEL).template(PromptTemplate.RAW)
        .tokenizer(model.tokenizer::encode, model.tokenizer::decode).vocabularySize(model.config.vocabSize())
        .retries(1, Duration.ZERO, Duration.ZERO).requestTimeout(Duration.ofMinutes(10));
  }

  /** Element-wise sum of two {@link #time} results (wall, tokens, CPU; a fourth entry is dropped). */
  private static double[] sum(double[] a, double[] b) {
    return new double[] {a[0] + b[0], a[1] + b[1], a[2] + b[2]};
  }

  interface Run {
    long tokens();
  }

  /**
   * Runs {@code r}: {wall seconds, tokens, CPU seconds of the whole process}. The process CPU time
   * (client, server and policy threads, JIT and GC included) is steadier than wall time on a shared
   * machine: other processes' load delays this one but does not add to its CPU time.
   */
  static double[] time(Run r) {
    long c0 = processCpuNanos();
    long t0 = System.nanoTime();
    long n = r.tokens();
    long t1 = System.nanoTime();
    return new double[] {(t1 - t0) / 1e9, n, (processCpuNanos() - c0) / 1e9};
  }

  /** {@link #time} plus a fourth entry: seconds the server's policy spent generating meanwhile. */
  static double[] timeServed(TimedPolicy served, Run r) {
    long g0 = served.generationNanos();
    double[] t = time(r);
    return new double[] {t[0], t[1], t[2], (served.generationNanos() - g0) / 1e9};
  }

  private static long processCpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return -1;
  }

  static long tokens(List<Completion> cs) {
    return cs.stream().mapToLong(Completion::tokenCount).sum();
  }

  static double median(double[] sorted) {
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  static String load() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException | RuntimeException e) {
      return "n/a";
    }
  }

  private static int[] ints(String csv, String option) {
    return ints(csv, option, 1);
  }

  private static int[] ints(String csv, String option, int min) {
    try {
      int[] v = Arrays.stream(csv.split(",")).mapToInt(s -> Integer.parseInt(s.trim())).toArray();
      for (int x : v) {
        if (x < min) {
          throw new NumberFormatException("must be >= " + min);
        }
      }
      return v;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + option + " must be integers >= " + min + " separated by commas, got '" + csv
          + "' (" + e.getMessage() + ")");
    }
  }
}
