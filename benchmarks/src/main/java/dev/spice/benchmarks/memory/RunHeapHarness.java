package dev.spice.benchmarks.memory;

import dev.spice.core.engine.IterationResult;
import dev.spice.core.engine.RunSummary;
import dev.spice.core.engine.SelfPlay;
import dev.spice.core.engine.SelfPlayListener;
import dev.spice.djl.DjlPolicy;
import dev.spice.examples.quickstart.QuickstartSettings;
import dev.spice.examples.quickstart.QuickstartWorld;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Java heap used after a full GC while {@link SelfPlay} runs many iterations of the quickstart's
 * small DJL model: with {@code --retain}, every {@link IterationResult} is kept in a list, as
 * {@code run(n)} did before it returned a {@link RunSummary}; without it, {@code run(n)} is called
 * once and returns the summary. A listener calls {@link System#gc()} every {@code --every}
 * iterations (and before the first) and reads the heap in use from the {@link MemoryMXBean}; the
 * harness prints a table of iteration and MiB, and the least-squares slope in MiB per 100
 * iterations. Run each mode in its own JVM with the same flags:
 *
 * <pre>{@code
 * java -Xmx2g -cp benchmarks/target/benchmarks.jar dev.spice.benchmarks.memory.RunHeapHarness [--retain]
 *     [--iterations 640] [--every 20] [--batch-size 32] [--group-size 4] [--hidden-size 64] [--seed 1]
 * }</pre>
 *
 * <p>The model, world and recipe are the quickstart's ({@link QuickstartWorld}; defaults: 24
 * countries, B = 32, G = 4, hidden size 64, 2 layers, one-token completions); no probe runs.
 */
public final class RunHeapHarness {
  private static final double MIB = 1024.0 * 1024.0;

  private RunHeapHarness() {}

  /** One heap sample: after {@code iteration} completed iterations, {@code mib} MiB used after GC. */
  record Sample(long iteration, double mib) {}

  /**
   * Entry point.
   *
   * @param args see the class comment
   */
  public static void main(String[] args) {
    boolean retain = false;
    int iterations = 640;
    int every = 20;
    QuickstartSettings.Builder s = QuickstartSettings.builder();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--retain")) {
        retain = true;
        continue;
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException("option " + a + " needs a value (or is unknown)");
      }
      String v = args[++i];
      switch (a) {
        case "--iterations" -> iterations = Integer.parseInt(v);
        case "--every" -> every = Integer.parseInt(v);
        case "--batch-size" -> s.batchSize(Integer.parseInt(v));
        case "--group-size" -> s.groupSize(Integer.parseInt(v));
        case "--hidden-size" -> s.hiddenSize(Integer.parseInt(v));
        case "--seed" -> s.seed(Long.parseLong(v));
        default -> throw new IllegalArgumentException("unknown option " + a + "; valid: --retain, --iterations, "
            + "--every, --batch-size, --group-size, --hidden-size, --seed");
      }
    }
    if (iterations < 1 || every < 1) {
      throw new IllegalArgumentException("--iterations and --every must be >= 1, got " + iterations + ", " + every);
    }
    QuickstartSettings settings = s.iterations(iterations).build();
    System.out.printf(Locale.ROOT, "mode=%s iterations=%d every=%d batch=%d group=%d hidden=%d layers=%d seed=%d%n",
        retain ? "retain" : "summary", iterations, every, settings.batchSize(), settings.groupSize(),
        settings.hiddenSize(), settings.layers(), settings.seed());
    System.out.printf(Locale.ROOT, "jdk=%s %s max_heap_mib=%.0f gc=%s cores=%d load=%s%n",
        System.getProperty("java.version"), System.getProperty("java.vm.name"),
        Runtime.getRuntime().maxMemory() / MIB, ManagementFactory.getGarbageCollectorMXBeans().stream()
            .map(GarbageCollectorMXBean::getName).collect(Collectors.joining("+")),
        Runtime.getRuntime().availableProcessors(), loadAverage());

    List<Sample> samples = new ArrayList<>();
    int period = every;
    SelfPlayListener sampler = new SelfPlayListener() {
      @Override
      public void onIterationEnd(IterationResult r) {
        long done = r.iteration() + 1;
        if (done % period == 0 || done == settings.iterations()) {
          samples.add(new Sample(done, usedAfterGc()));
        }
      }
    };
    QuickstartWorld qw = new QuickstartWorld(settings);
    long t0 = System.nanoTime();
    double after;
    try (DjlPolicy policy = qw.newPolicy();
        SelfPlay engine = qw.engine(policy, qw.corpus(), qw.challenger(settings.seed()),
            qw.recipe()).listener(sampler).build()) {
      samples.add(new Sample(0, usedAfterGc()));
      if (retain) {
        List<IterationResult> all = new ArrayList<>(iterations); // what run(n) returned before RunSummary
        for (int i = 0; i < iterations; i++) {
          all.add(engine.step());
        }
        after = usedAfterGc();
        Reference.reachabilityFence(all);
      } else {
        RunSummary summary = engine.run(iterations);
        after = usedAfterGc();
        System.out.printf(Locale.ROOT, "summary: iterations=%d mean reasoner/pass_rate=%.3f wall=%.1fs%n",
            summary.iterations(), summary.mean("reasoner/pass_rate"), summary.wallTime().toMillis() / 1e3);
        Reference.reachabilityFence(summary);
      }
    }
    double wall = (System.nanoTime() - t0) / 1e9;
    System.out.println("| iteration | heap used after GC (MiB) |");
    System.out.println("|---:|---:|");
    for (Sample p : samples) {
      System.out.printf(Locale.ROOT, "| %d | %.1f |%n", p.iteration(), p.mib());
    }
    System.out.printf(Locale.ROOT, "RESULT mode=%s iterations=%d start_mib=%.1f end_mib=%.1f after_return_mib=%.1f "
        + "slope_mib_per_100_iterations=%.2f wall_seconds=%.0f load=%s%n", retain ? "retain" : "summary",
        iterations, samples.get(0).mib(), samples.get(samples.size() - 1).mib(), after, slope(samples) * 100, wall,
        loadAverage());
  }

  /** Heap in use after a full collection, in MiB. */
  static double usedAfterGc() {
    MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
    System.gc();
    System.gc();
    return mem.getHeapMemoryUsage().getUsed() / MIB;
  }

  /** Least-squares slope of MiB over iterations, leaving out the sample before the first iteration (warm-up). */
  static double slope(List<Sample> samples) {
    List<Sample> fit = samples.size() > 2 ? samples.subList(1, samples.size()) : samples;
    double n = fit.size();
    double mx = fit.stream().mapToDouble(Sample::iteration).sum() / n;
    double my = fit.stream().mapToDouble(Sample::mib).sum() / n;
    double sxy = 0;
    double sxx = 0;
    for (Sample p : fit) {
      sxy += (p.iteration() - mx) * (p.mib() - my);
      sxx += (p.iteration() - mx) * (p.iteration() - mx);
    }
    return sxx == 0 ? Double.NaN : sxy / sxx;
  }

  private static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + "," + f[1] + "," + f[2];
    } catch (IOException | RuntimeException e) {
      return "n/a";
    }
  }
}
