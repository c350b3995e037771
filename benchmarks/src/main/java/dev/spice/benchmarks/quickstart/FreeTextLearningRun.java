package dev.spice.benchmarks.quickstart;

import dev.spice.core.SpiceException;
import dev.spice.examples.quickstart.FreeTextQuickstart;
import dev.spice.examples.quickstart.FreeTextSettings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs the free-text quickstart ({@link FreeTextQuickstart}) at several seeds and prints, per arm,
 * the mean and spread (sample standard deviation, and min..max) of the final probe pass rates on the
 * held-out countries (overall, free form, multiple choice), next to the warm-started model, plus the
 * co-evolution drop, the Challenger's valid rate and the iteration time split. The tables are the
 * ones in {@code benchmarks/README.md}.
 *
 * <p>Arguments: {@code --seeds 1,2,3} (default), {@code --out DIR} (default
 * {@code /tmp/spice-free-text}; seed {@code s} runs in {@code DIR/seed-s}), {@code --quiet}
 * (no per-run progress), {@code --reuse} (a seed whose {@code report.json} exists is read, not
 * run again: the settings must be the same), and any {@code --set KEY=VALUE} of {@link FreeTextSettings}, e.g.
 * {@code --set arms=spice,spice_threshold,spice_r_zero,spice_absolute_zero} for the
 * Challenger-reward ablation.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar
 * dev.spice.benchmarks.quickstart.FreeTextLearningRun --seeds 1,2,3 --out /tmp/ft}.
 */
public final class FreeTextLearningRun {
  private FreeTextLearningRun() {}

  /** Entry point. */
  public static void main(String[] args) {
    List<Long> seeds = List.of(1L, 2L, 3L);
    Path out = Path.of("/tmp/spice-free-text");
    boolean quiet = false;
    boolean reuse = false;
    FreeTextSettings.Builder b = FreeTextSettings.builder();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--seeds" -> seeds = java.util.Arrays.stream(args[++i].split(",")).map(String::strip)
            .map(Long::parseLong).toList();
        case "--out" -> out = Path.of(args[++i]);
        case "--quiet" -> quiet = true;
        case "--reuse" -> reuse = true;
        case "--set" -> {
          String kv = args[++i];
          int eq = kv.indexOf('=');
          if (eq <= 0) {
            throw new SpiceException.ConfigurationException("--set needs KEY=VALUE, got '" + kv + "'");
          }
          b.set(kv.substring(0, eq), kv.substring(eq + 1));
        }
        default -> throw new SpiceException.ConfigurationException("unknown argument '" + args[i]
            + "'; use --seeds a,b,c --out DIR --quiet --set KEY=VALUE");
      }
    }
    List<Map<String, Object>> reports = new ArrayList<>();
    for (long seed : seeds) {
      FreeTextSettings s = b.seed(seed).build();
      PrintStream console = quiet ? new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)
          : System.out;
      System.out.printf(Locale.ROOT, "== seed %d%n", seed);
      Path dir = out.resolve("seed-" + seed);
      Path done = dir.resolve(FreeTextQuickstart.REPORT_FILE);
      Map<String, Object> r;
      if (reuse && java.nio.file.Files.isRegularFile(done)) {
        try {
          r = dev.spice.core.internal.json.Json.parseObject(java.nio.file.Files.readString(done));
        } catch (java.io.IOException e) {
          throw new SpiceException.CheckpointException("cannot read " + done + ": " + e, e);
        }
      } else {
        r = FreeTextQuickstart.run(s, dir, console);
      }
      reports.add(r);
      System.out.println("RESULT seed " + seed + " " + r.get("checks"));
    }
    System.out.println(table(seeds, reports));
  }

  /** The markdown tables of {@code reports} (one per seed, in {@code seeds} order). */
  @SuppressWarnings("unchecked")
  static String table(List<Long> seeds, List<Map<String, Object>> reports) {
    Map<String, List<double[]>> rows = new LinkedHashMap<>();
    Map<String, List<Double>> valid = new LinkedHashMap<>();
    Map<String, List<double[]>> timing = new LinkedHashMap<>();
    List<Double> drops = new ArrayList<>();
    for (Map<String, Object> r : reports) {
      Map<String, Object> w = (Map<String, Object>) r.get("warm_start");
      rows.computeIfAbsent("warm start", k -> new ArrayList<>()).add(new double[] {
          num(w.get("probe_overall")), num(w.get("probe_free")), num(w.get("probe_mcq"))});
      for (Object o : (List<Object>) r.get("arms")) {
        Map<String, Object> a = (Map<String, Object>) o;
        String name = (String) a.get("name");
        rows.computeIfAbsent(name, k -> new ArrayList<>()).add(new double[] {last(a.get("probe_overall")),
            last(a.get("probe_free")), last(a.get("probe_mcq"))});
        List<Object> wm = (List<Object>) a.get("window_metrics");
        Map<String, Object> lastWindow = (Map<String, Object>) wm.get(wm.size() - 1);
        valid.computeIfAbsent(name, k -> new ArrayList<>()).add(num(lastWindow.get("challenger/valid_rate")));
        double[] t = new double[7];
        String[] keys = {"timing_s/challenger_gen", "timing_s/reasoner_gen", "timing_s/verify", "timing_s/reward",
            "timing_s/update", "timing_s/other", "step_time"};
        for (Object x : wm) {
          Map<String, Object> m = (Map<String, Object>) x;
          for (int i = 0; i < keys.length; i++) {
            t[i] += num(m.get(keys[i])) / wm.size();
          }
        }
        timing.computeIfAbsent(name, k -> new ArrayList<>()).add(t);
      }
      Map<String, Object> c = (Map<String, Object>) r.get("coevolution");
      drops.add(num(c.get("drop_points")));
    }
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "Probe pass rate on held-out countries, seeds %s: mean ± sd (min..max)%n%n",
        seeds));
    sb.append("| model | overall | free form | multiple choice | Challenger valid rate (last window) |\n");
    sb.append("|---|---|---|---|---|\n");
    for (Map.Entry<String, List<double[]>> e : rows.entrySet()) {
      sb.append("| ").append(e.getKey());
      for (int col = 0; col < 3; col++) {
        final int c = col;
        sb.append(" | ").append(stat(e.getValue().stream().mapToDouble(v -> v[c]).toArray()));
      }
      List<Double> v = valid.get(e.getKey());
      sb.append(" | ").append(v == null ? "-" : stat(v.stream().mapToDouble(Double::doubleValue).toArray()))
          .append(" |\n");
    }
    sb.append(String.format(Locale.ROOT, "%nCo-evolution drop (points, SPICE arm): %s%n%n",
        stat(drops.stream().mapToDouble(Double::doubleValue).toArray())));
    sb.append("Iteration time split, mean over windows and seeds (ms):\n\n");
    sb.append("| arm | Challenger decoding | Reasoner decoding | verification | rewards | update | other | step |\n");
    sb.append("|---|---|---|---|---|---|---|---|\n");
    for (Map.Entry<String, List<double[]>> e : timing.entrySet()) {
      sb.append("| ").append(e.getKey());
      for (int i = 0; i < 7; i++) {
        final int k = i;
        double ms = 1000 * e.getValue().stream().mapToDouble(v -> v[k]).average().orElse(Double.NaN);
        sb.append(String.format(Locale.ROOT, " | %.1f", ms));
      }
      sb.append(" |\n");
    }
    return sb.toString();
  }

  private static String stat(double[] v) {
    double mean = 0;
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (double x : v) {
      mean += x / v.length;
      min = Math.min(min, x);
      max = Math.max(max, x);
    }
    double ss = 0;
    for (double x : v) {
      ss += (x - mean) * (x - mean);
    }
    double sd = v.length > 1 ? Math.sqrt(ss / (v.length - 1)) : 0;
    return String.format(Locale.ROOT, "%.3f ± %.3f (%.3f..%.3f)", mean, sd, min, max);
  }

  private static double num(Object o) {
    return o instanceof Number n ? n.doubleValue() : Double.NaN;
  }

  @SuppressWarnings("unchecked")
  private static double last(Object list) {
    List<Object> l = (List<Object>) list;
    return num(l.get(l.size() - 1));
  }
}
