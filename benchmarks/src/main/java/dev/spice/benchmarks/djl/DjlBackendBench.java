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
import dev.spice.djl.DjlPolicy;
import dev.spice.djl.OptimizerSettings;
import dev.spice.djl.WordTokenizer;
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

  /** Entry point. */
  public static void main(String[] args) {
    String mode = args.length > 0 ? args[0] : "all";
    int threads = args.length > 1 ? Integer.parseInt(args[1]) : 0;
    if (mode.equals("quickstart") || mode.equals("all")) {
      quickstart();
    }
    if (mode.equals("sizes") || mode.equals("all")) {
      sizes(threads);
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

  /** The quickstart's iteration shape on a ~120k-parameter model. */
  static void quickstart() {
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
      System.out.printf(Locale.ROOT, "quickstart model: %d parameters, threads default%n", p.parameterCount());
      java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
      long cpu = 0;
      long tc = 0;
      long tr = 0;
      long tu = 0;
      int iters = 30;
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

  static double matmulGflops() {
    try (NDManager m = NDManager.newBaseManager()) {
      int n = 1536;
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

  static void sizes(int threads) {
    int[][] shapes = {
        // hidden, layers, heads, vocab
        {128, 4, 4, 2048}, {320, 6, 5, 4096}, {576, 10, 9, 8192}};
    String[] names = {"~1M", "~10M", "~50M"};
    for (int s = 0; s < shapes.length; s++) {
      int h = shapes[s][0];
      int layers = shapes[s][1];
      int heads = shapes[s][2];
      int v = shapes[s][3];
      TransformerConfig cfg = new TransformerConfig("qwen3", v, h, h * 3, layers, heads, heads, h / heads, 1e-6,
          10_000, 1024, true, false, true, -1, List.of());
      WordTokenizer tok = vocab(v);
      DjlPolicy.Builder b = DjlPolicy.builder().randomInit(cfg, 1).tokenizer(tok)
          .optimizer(OptimizerSettings.adamW(1e-4));
      if (threads > 0) {
        b.threads(threads);
      }
      try (DjlPolicy p = b.build()) {
        double gflops = matmulGflops();
        long nonEmb = p.parameterCount() - (long) v * h;
        Random r = new Random(2);
        // generation: 16 prompts of 64 tokens, 64 new tokens
        List<Prompt> gp = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
          gp.add(Prompt.of(Role.REASONER, words(r, 64, v)));
        }
        SamplingParams sp = new SamplingParams(1, 1, 0, 64, List.of(), 1);
        p.generate(gp, sp.withMaxNewTokens(4));
        long t0 = System.nanoTime();
        List<Completion> out = p.generate(gp, sp);
        double gs = (System.nanoTime() - t0) / 1e9;
        long genTokens = out.stream().mapToLong(c -> c.tokens().length).sum();
        // training: 16 samples of 64 prompt + 64 completion tokens
        List<TrainingSample> batch = new ArrayList<>();
        for (int i = 0; i < out.size(); i++) {
          batch.add(TrainingSample.of(Role.REASONER, gp.get(i), out.get(i), i % 2 == 0 ? 1 : -1, "g"));
        }
        p.update(batch, loss());
        int reps = 3;
        long t1 = System.nanoTime();
        for (int i = 0; i < reps; i++) {
          p.update(batch, loss());
        }
        double ts = (System.nanoTime() - t1) / 1e9 / reps;
        long trainTokens = batch.stream().mapToLong(x -> x.promptTokens().length + x.completionTokens().length).sum();
        long outTokens = batch.stream().mapToLong(x -> x.completionTokens().length).sum();
        double flops = 6.0 * nonEmb * trainTokens + 6.0 * v * h * outTokens;
        System.out.printf(Locale.ROOT,
            "%s: %d params (%d non-embedding), matmul %.1f GFLOP/s | generate %.0f tokens/s (16 rows x 64 new, "
                + "64-token prompts) | train %.0f tokens/s, %.1f GFLOP/s = %.0f%% of matmul rate%n",
            names[s], p.parameterCount(), nonEmb, gflops, genTokens / gs, trainTokens / ts, flops / ts / 1e9,
            100 * flops / ts / 1e9 / gflops);
      }
    }
  }
}
