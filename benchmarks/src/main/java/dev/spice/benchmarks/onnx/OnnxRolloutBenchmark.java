package dev.spice.benchmarks.onnx;

import dev.spice.core.Completion;
import dev.spice.core.Policies;
import dev.spice.core.PolicyBackend;
import dev.spice.core.Prompt;
import dev.spice.core.Role;
import dev.spice.core.SamplingParams;
import dev.spice.core.internal.model.SafeTensors;
import dev.spice.core.model.TransformerConfig;
import dev.spice.core.text.WordTokenizer;
import dev.spice.onnx.OnnxExporter;
import dev.spice.onnx.OnnxPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

/**
 * Rollout tokens per second of the ONNX Runtime backend at several batch sizes, with and without
 * the key-value cache, plus the cost of a weight refresh; optionally the same workload on the DJL
 * backend through the {@code djl} {@link dev.spice.core.PolicyProvider} (same checkpoint).
 *
 * <p>Not a JMH benchmark: one rollout takes seconds, so each configuration runs one warm-up and
 * {@code --reps} timed generate calls and reports the median. Arguments (all optional):
 * {@code --batches 1,16,64 --new 32 --prompt 32 --reps 3 --hidden 256 --layers 4 --vocab 4096
 * --threads 2 --djl}. With {@code --djl} the DJL side is created by
 * {@code Policies.create("djl", {"model": checkpointDir})}; if that provider is missing or
 * refuses the options, the harness says so and continues with ONNX only.
 */
public final class OnnxRolloutBenchmark {
  private OnnxRolloutBenchmark() {}

  /** Runs the harness; prints a Markdown table on standard output. */
  public static void main(String[] args) throws IOException {
    Map<String, String> a = parse(args);
    int[] batches = Arrays.stream(a.getOrDefault("batches", "1,16,64").split(",")).mapToInt(Integer::parseInt).toArray();
    int newTokens = Integer.parseInt(a.getOrDefault("new", "32"));
    int promptLen = Integer.parseInt(a.getOrDefault("prompt", "32"));
    int reps = Integer.parseInt(a.getOrDefault("reps", "3"));
    int hidden = Integer.parseInt(a.getOrDefault("hidden", "256"));
    int layers = Integer.parseInt(a.getOrDefault("layers", "4"));
    int vocab = Integer.parseInt(a.getOrDefault("vocab", "4096"));
    int threads = Integer.parseInt(a.getOrDefault("threads", "2"));
    boolean djl = a.containsKey("djl");

    Path root = Files.createTempDirectory("spice-onnx-bench");
    TransformerConfig config = new TransformerConfig("qwen3", vocab, hidden, hidden * 3, layers, 8, 4, hidden / 8,
        1e-6, 10_000, 4096, true, false, true, -1, List.of());
    Path ckptA = writeCheckpoint(root.resolve("ckpt-a"), config, 1);
    Path ckptB = writeCheckpoint(root.resolve("ckpt-b"), config, 2);
    List<String> words = new ArrayList<>();
    StringBuilder vocabJson = new StringBuilder();
    for (int i = 0; i < vocab; i++) {
      words.add("t" + i);
      vocabJson.append(i == 0 ? "" : ",").append("\"t").append(i).append("\":").append(i);
    }
    // the same word-level vocabulary as a Hugging Face tokenizer.json, for backends that load one
    Files.writeString(ckptA.resolve("tokenizer.json"), "{\"version\":\"1.0\",\"truncation\":null,\"padding\":null,"
        + "\"added_tokens\":[],\"normalizer\":null,\"pre_tokenizer\":{\"type\":\"WhitespaceSplit\"},"
        + "\"post_processor\":null,\"decoder\":null,\"model\":{\"type\":\"WordLevel\",\"vocab\":{" + vocabJson
        + "},\"unk_token\":\"t0\"}}");
    OnnxExporter.Result cache = OnnxExporter.export(ckptA, root.resolve("onnx-cache"), true);
    OnnxExporter.Result plain = OnnxExporter.export(ckptA, root.resolve("onnx-plain"), false);
    System.out.printf(Locale.ROOT, "model: qwen3-style, %d params, hidden %d, %d layers, 8 heads / 4 kv heads, vocab %d;"
        + " prompt %d tokens, %d new tokens, median of %d reps, intra-op threads %d%n",
        config.parameterCount(), hidden, layers, vocab, promptLen, newTokens, reps, threads);
    System.out.printf(Locale.ROOT, "export with cache: %d ms (%.1f MB weights)%n%n", cache.elapsed().toMillis(),
        cache.weightBytes() / 1e6);

    Supplier<PolicyBackend> onnxCache = () -> OnnxPolicy.builder().model(cache.model())
        .tokenizer(WordTokenizer.of(words)).eosTokenIds(List.of()).threads(threads).build();
    Supplier<PolicyBackend> onnxPlain = () -> OnnxPolicy.builder().model(plain.model())
        .tokenizer(WordTokenizer.of(words)).eosTokenIds(List.of()).threads(threads).build();

    System.out.println("| backend | batch | tokens/s | ms per rollout batch |");
    System.out.println("|---|---|---|---|");
    for (int batch : batches) {
      List<Prompt> prompts = prompts(batch, promptLen, vocab);
      SamplingParams params = new SamplingParams(1.0, 1.0, 0, newTokens, List.of(), 7);
      row("onnx, KV cache", onnxCache, prompts, params, reps);
      row("onnx, no cache", onnxPlain, prompts, params, reps);
      if (djl) {
        row("djl", () -> Policies.create("djl", Map.of("model", ckptA.toString())), prompts, params, reps);
      }
    }

    try (OnnxPolicy p = (OnnxPolicy) onnxCache.get()) {
      System.out.println();
      System.out.println("| weight refresh | tensors | MB | read+convert ms | new session ms | total ms |");
      System.out.println("|---|---|---|---|---|---|");
      for (int i = 0; i < 4; i++) {
        OnnxPolicy.RefreshStats s = p.refreshWeights(i % 2 == 0 ? ckptB : ckptA);
        System.out.printf(Locale.ROOT, "| refresh %d | %d | %.1f | %d | %d | %d |%n", i + 1, s.tensors(), s.bytes() / 1e6,
            s.read().toMillis(), s.session().toMillis(), s.total().toMillis());
      }
    }
  }

  private static void row(String name, Supplier<PolicyBackend> factory, List<Prompt> prompts, SamplingParams params,
      int reps) {
    PolicyBackend b;
    try {
      b = factory.get();
    } catch (RuntimeException | java.util.ServiceConfigurationError e) {
      System.out.printf(Locale.ROOT, "| %s | %d | unavailable: %s | |%n", name, prompts.size(),
          String.valueOf(e.getMessage()).replace('|', '/'));
      return;
    }
    try (b) {
      b.generate(prompts, params.withSeed(99)); // warm-up
      double[] ms = new double[reps];
      long tokens = 0;
      for (int r = 0; r < reps; r++) {
        long t0 = System.nanoTime();
        List<Completion> out = b.generate(prompts, params.withSeed(r));
        ms[r] = (System.nanoTime() - t0) / 1e6;
        tokens = out.stream().mapToLong(Completion::tokenCount).sum();
      }
      Arrays.sort(ms);
      double median = ms[reps / 2];
      System.out.printf(Locale.ROOT, "| %s | %d | %.0f | %.0f |%n", name, prompts.size(), tokens / (median / 1000),
          median);
    }
  }

  private static List<Prompt> prompts(int batch, int len, int vocab) {
    Random r = new Random(batch);
    List<Prompt> out = new ArrayList<>();
    for (int b = 0; b < batch; b++) {
      StringBuilder sb = new StringBuilder();
      int n = len - r.nextInt(Math.max(1, len / 4)); // ragged, so the batch is left-padded
      for (int t = 0; t < n; t++) {
        sb.append('t').append(r.nextInt(vocab)).append(' ');
      }
      out.add(Prompt.of(Role.REASONER, sb.toString()));
    }
    return out;
  }

  private static Path writeCheckpoint(Path dir, TransformerConfig config, long seed) throws IOException {
    Files.createDirectories(dir);
    Random r = new Random(seed);
    List<SafeTensors.Tensor> tensors = new ArrayList<>();
    for (Map.Entry<String, long[]> e : config.tensorShapes().entrySet()) {
      long n = 1;
      for (long d : e.getValue()) {
        n *= d;
      }
      float[] data = new float[(int) n];
      boolean norm = e.getKey().endsWith("norm.weight");
      for (int i = 0; i < data.length; i++) {
        data[i] = norm ? 1f : (float) (0.05 * r.nextGaussian());
      }
      tensors.add(new SafeTensors.Tensor(e.getKey(), e.getValue(), data));
    }
    config.write(dir.resolve("config.json"));
    SafeTensors.write(dir.resolve("model.safetensors"), tensors, Map.of());
    return dir;
  }

  private static Map<String, String> parse(String[] args) {
    Map<String, String> m = new java.util.HashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument " + args[i]);
      }
      String k = args[i].substring(2);
      if (k.equals("djl")) {
        m.put(k, "true");
      } else {
        m.put(k, args[++i]);
      }
    }
    return m;
  }
}
