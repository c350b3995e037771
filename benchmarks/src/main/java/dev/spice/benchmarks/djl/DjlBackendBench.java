package dev.spice.benchmarks.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.spice.core.Completion;
import dev.spice.core.LossAggregation;
import dev.spice.core.LossSettings;
import dev.spice.core.Prompt;
import dev.spice.core.Role;
import dev.spice.core.SamplingParams;
import dev.spice.core.TrainingSample;
import dev.spice.core.model.TransformerConfig;
import dev.spice.core.text.WordTokenizer;
import dev.spice.djl.DjlPolicy;
import dev.spice.djl.OptimizerSettings;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Throughput harness of the DJL backend (not JMH: each measurement is seconds long).
 *
 * <p>Usage: {@code java -cp benchmarks/target/benchmarks.jar dev.spice.benchmarks.djl.DjlBackendBench
 * [quickstart|sizes|all] [threads]}. Prints the machine's fp32 matmul rate (a large DJL matmul in
 * the same process), generation and training tokens/s, and training utilisation = achieved
 * training FLOP/s (6 x non-embedding parameters x tokens, plus the output projection) / matmul
 * rate.
 */
public final class DjlBackendBench {
  private DjlBackendBench() {}

  /**
   * Entry point: {@code [quickstart|sizes|all] [options]}. Options ({@code --key=value}):
   * {@code --sizes=1M,10M,50M} (any of those), {@code --threads=N} (PyTorch intra-op threads, 0 =
   * the backend's default), {@code --train-steps=3} timed updates after one warm-up,
   * {@code --train-batch=8} samples per update, {@code --seq=128} tokens per training sample
   * (half prompt, half completion), {@code --gen-rows=8}, {@code --gen-prompt=64},
   * {@code --gen-new=32}, {@code --matmul=1536} (size of the square matmul that measures the
   * fp32 rate, best of six, before and after each size's runs; utilisation uses the higher),
   * {@code --qs-iters=30}.
   */
  public static void main(String[] args) {
    String mode = "all";
    java.util.Map<String, String> opt = new java.util.HashMap<>();
    for (String a : args) {
      if (a.startsWith("--") && a.contains("=")) {
        opt.put(a.substring(2, a.indexOf('=')), a.substring(a.indexOf('=') + 1));
      } else if (a.matches("\\d+")) {
        opt.put("threads", a); // the old positional form
      } else {
        mode = a;
      }
    }
    if (!List.of("quickstart", "sizes", "all").contains(mode)) {
      throw new IllegalArgumentException("mode must be quickstart, sizes or all, got " + mode);
    }
    if (mode.equals("quickstart") || mode.equals("all")) {
      quickstart(Integer.parseInt(opt.getOrDefault("qs-iters", "30")));
    }
    if (mode.equals("sizes") || mode.equals("all")) {
      sizes(List.of(opt.getOrDefault("sizes", "1M,10M,50M").split(",")), Integer.parseInt(opt.getOrDefault("threads", "0")),
          Integer.parseInt(opt.getOrDefault("train-steps", "3")), Integer.parseInt(opt.getOrDefault("train-batch", "8")),
          Integer.parseInt(opt.getOrDefault("seq", "128")), Integer.parseInt(opt.getOrDefault("gen-rows", "8")),
          Integer.parseInt(opt.getOrDefault("gen-prompt", "64")), Integer.parseInt(opt.getOrDefault("gen-new", "32")),
          Integer.parseInt(opt.getOrDefault("matmul", "1536")));
    }
  }

  private static String load() {
    try {
      String[] f = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (java.io.IOException | RuntimeException e) {
      return "n/a";
    }
  }

  private static WordTokenizer vocab(int n) {
    List<String> w = new ArrayList<>();
    for (int i = 0; i < n - 4; i++) {
      w.add("t" + i);
    }
    return WordTokenizer.withSpecialTokens(w);
  }

  private static String words(Random r, int n, int v) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      sb.append(i == 0 ? "" : " ").append("t").append(r.nextInt(v - 4));
    }
    return sb.toString();
  }

  private static LossSettings loss() {
    return new LossSettings(0.2, 0.28, 0, new LossAggregation() {
      @Override
      public String name() {
        return "constant(8)";
      }

      @Override
      public double[] sampleWeights(int[] lengths) {
        double[] w = new double[lengths.length];
        Arrays.fill(w, 1.0 / 8);
        return w;
      }
    });
  }

  /** The quickstart's iteration shape on a ~75k-parameter model. */
  static void quickstart(int iters) {
    int v = 300;
    WordTokenizer tok = vocab(v);
    TransformerConfig cfg = new TransformerConfig("qwen3", v, 48, 144, 2, 4, 4, 12, 1e-6, 10_000, 256, true, false,
        true, -1, List.of());
    Random r = new Random(1);
    List<Prompt> chall = new ArrayList<>();
    for (int d = 0; d < 32; d++) {
      String doc = words(r, 40, v);
      for (int g = 0; g < 8; g++) {
        chall.add(new Prompt(Role.CHALLENGER, doc, List.of("t1", "t2", "t3", "t4", "t5", "t6", "t7", "t8")));
      }
    }
    List<Prompt> reas = new ArrayList<>();
    for (int task = 0; task < 32; task++) {
      String q = words(r, 8, v);
      for (int g = 0; g < 8; g++) {
        reas.add(new Prompt(Role.REASONER, q, List.of("t10", "t11", "t12", "t13", "t14", "t15", "t16",
            "t17", "t18", "t19", "t20", "t21")));
      }
    }
    try (DjlPolicy p = DjlPolicy.builder().randomInit(cfg, 1).tokenizer(tok).eosWhenConstrained(false)
        .optimizer(OptimizerSettings.adamW(3e-4)).build()) {
      System.out.printf(Locale.ROOT, "quickstart model: %d parameters, threads default; load average %s%n",
          p.parameterCount(), load());
      java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
      long cpu = 0;
      long tc = 0;
      long tr = 0;
      long tu = 0;
      int warm = 5;
      for (int it = 0; it < iters + warm; it++) {
        long c0 = mx.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        List<Completion> cc = p.generate(chall, new SamplingParams(1, 1, 0, 2, List.of(), it));
        long t1 = System.nanoTime();
        List<Completion> rc = p.generate(reas, new SamplingParams(1, 1, 0, 1, List.of(), it));
        long t2 = System.nanoTime();
        List<TrainingSample> batch = new ArrayList<>();
        for (int i = 0; i < 256; i++) {
          batch.add(TrainingSample.of(Role.CHALLENGER, chall.get(i), cc.get(i), (i % 3) - 1, "c"));
          batch.add(TrainingSample.of(Role.REASONER, reas.get(i), rc.get(i), (i % 2) - 0.5, "r"));
        }
        p.update(batch, loss());
        long t3 = System.nanoTime();
        if (it >= warm) {
          cpu += mx.getCurrentThreadCpuTime() - c0;
          tc += t1 - t0;
          tr += t2 - t1;
          tu += t3 - t2;
        }
      }
      System.out.printf(Locale.ROOT,
          "quickstart per iteration: challenger generate (32 docs x 8, 40-token prompts, 2 new) %.1f ms, "
              + "reasoner generate (32 tasks x 8, 8-token prompts, 1 new) %.1f ms, update (512 samples) %.1f ms, "
              + "total %.1f ms wall, %.1f ms CPU of the calling thread%n",
          tc / 1e6 / iters, tr / 1e6 / iters, tu / 1e6 / iters, (tc + tr + tu) / 1e6 / iters, cpu / 1e6 / iters);
    }
  }

  static double matmulGflops(int n) {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray a = m.randomNormal(new Shape(n, n));
      NDArray b = m.randomNormal(new Shape(n, n));
      double best = 0;
      for (int i = 0; i < 6; i++) {
        long t0 = System.nanoTime();
        NDArray c = a.matMul(b);
        c.toFloatArray();
        double s = (System.nanoTime() - t0) / 1e9;
        c.close();
        best = Math.max(best, 2.0 * n * n * n / s / 1e9);
      }
      return best;
    }
  }

  /** Matmul FLOPs of one training step as executed by the backend (forward x 3). */
  static double executedTrainFlops(TransformerConfig c, int batch, int prompt, int completion) {
    long h = c.hiddenSize();
    long d = c.headDim();
    long qd = (long) c.numHeads() * d;
    long cDim = qd + 2L * c.numKvHeads() * d;
    long inter = c.intermediateSize();
    double qkv = h * cDim;
    double rest = qd * h + 2.0 * h * inter + inter * h;
    int layers = c.numLayers();
    int suffix = completion - 1;
    double macs = 0;
    for (int l = 0; l < layers; l++) {
      boolean last = l == layers - 1;
      // prompt pass: all positions up to the last layer, which runs its queries for the last one
      macs += batch * (prompt * qkv + (last ? 1 : prompt) * rest);
      macs += batch * (last ? 1 : prompt) * (double) prompt * qd * 2; // scores and values
      // completion pass
      macs += batch * suffix * (qkv + rest);
      macs += batch * suffix * (double) (prompt + suffix) * qd * 2;
    }
    macs += (double) batch * completion * h * c.vocabSize(); // output projection
    return 3 * 2 * macs;
  }

  static void sizes(List<String> which, int threads, int steps, int batchSize, int seq, int genRows, int genPrompt,
      int genNew, int matmulN) {
    String[] names = {"1M", "10M", "50M"};
    int[][] shapes = {
        // hidden, layers, heads, vocab
        {128, 4, 4, 2048}, {320, 6, 5, 4096}, {576, 10, 9, 8192}};
    for (int s = 0; s < shapes.length; s++) {
      if (!which.contains(names[s])) {
        continue;
      }
      int h = shapes[s][0];
      int layers = shapes[s][1];
      int heads = shapes[s][2];
      int v = shapes[s][3];
      TransformerConfig cfg = new TransformerConfig("qwen3", v, h, h * 3, layers, heads, heads, h / heads, 1e-6,
          10_000, Math.max(1024, Math.max(seq, genPrompt + genNew) + 1), true, false, true, -1, List.of());
      WordTokenizer tok = vocab(v);
      DjlPolicy.Builder b = DjlPolicy.builder().randomInit(cfg, 1).tokenizer(tok)
          .optimizer(OptimizerSettings.adamW(1e-4));
      if (threads > 0) {
        b.threads(threads);
      }
      String loadBefore = load();
      try (DjlPolicy p = b.build()) {
        double gflops = matmulGflops(matmulN);
        long nonEmb = p.parameterCount() - (long) v * h;
        Random r = new Random(2);
        // generation: genRows distinct prompts of genPrompt tokens, genNew new tokens each
        List<Prompt> gp = new ArrayList<>();
        for (int i = 0; i < genRows; i++) {
          gp.add(Prompt.of(Role.REASONER, words(r, genPrompt, v)));
        }
        SamplingParams sp = new SamplingParams(1, 1, 0, genNew, List.of(), 1);
        p.generate(gp, sp.withMaxNewTokens(2));
        long t0 = System.nanoTime();
        List<Completion> out = p.generate(gp, sp);
        double gs = (System.nanoTime() - t0) / 1e9;
        long genTokens = out.stream().mapToLong(Completion::tokenCount).sum();
        // training: batchSize distinct samples of seq tokens (seq/2 prompt + seq/2 completion)
        int prompt = seq / 2;
        int completion = seq - prompt;
        List<Prompt> tp = new ArrayList<>();
        List<int[]> conts = new ArrayList<>();
        for (int i = 0; i < batchSize; i++) {
          tp.add(Prompt.of(Role.REASONER, words(r, prompt, v)));
          int[] c = new int[completion];
          for (int j = 0; j < completion; j++) {
            c[j] = 4 + r.nextInt(v - 4);
          }
          conts.add(c);
        }
        long ts0 = System.nanoTime();
        List<float[]> old = p.scoreContinuations(tp, conts);
        double scoreS = (System.nanoTime() - ts0) / 1e9;
        List<TrainingSample> batch = new ArrayList<>();
        for (int i = 0; i < batchSize; i++) {
          batch.add(new TrainingSample(Role.REASONER, tp.get(i), p.tokenize(tp.get(i).text()), conts.get(i),
              old.get(i), i % 2 == 0 ? 1 : -1, "g" + i));
        }
        p.update(batch, loss());
        long t1 = System.nanoTime();
        for (int i = 0; i < steps; i++) {
          p.update(batch, loss());
        }
        double ts = (System.nanoTime() - t1) / 1e9 / steps;
        // The rate is measured before and after (other processes come and go); the higher one is
        // the machine's capability, so the utilisation below is the conservative one.
        double gflopsAfter = matmulGflops(matmulN);
        double gflopsBefore = gflops;
        gflops = Math.max(gflops, gflopsAfter);
        long trainTokens = (long) batchSize * seq;
        double std = 6.0 * nonEmb * trainTokens + 6.0 * v * h * (long) batchSize * completion;
        double exec = executedTrainFlops(cfg, batchSize, prompt, completion);
        System.out.printf(Locale.ROOT,
            "%s: %d params (%d non-embedding), %s threads, load %s -> %s | matmul %d^3 %.1f GFLOP/s (before %.1f, after %.1f) | generate %.1f "
                + "tokens/s (%d rows x %d new, %d-token prompts) | score %.0f tokens/s | train %.0f tokens/s "
                + "(%d x %d tokens, %.2f s/step, %d steps): 6NT %.1f GFLOP/s = %.0f%% of matmul, executed %.1f "
                + "GFLOP/s = %.0f%%%n",
            names[s], p.parameterCount(), nonEmb, threads > 0 ? String.valueOf(threads) : "default", loadBefore, load(),
            matmulN, gflops, gflopsBefore, gflopsAfter, genTokens / gs, genRows, genNew, genPrompt, trainTokens / scoreS, trainTokens / ts,
            batchSize, seq, ts, steps, std / ts / 1e9, 100 * std / ts / 1e9 / gflops, exec / ts / 1e9,
            100 * exec / ts / 1e9 / gflops);
      }
    }
  }
}
