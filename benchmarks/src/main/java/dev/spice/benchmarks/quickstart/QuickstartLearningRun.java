package dev.spice.benchmarks.quickstart;

import dev.spice.examples.quickstart.Quickstart;
import dev.spice.examples.quickstart.QuickstartSettings;
import dev.spice.examples.report.QuickstartReport;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * Runs the quickstart at its default settings (or with {@code --seed S}, {@code --out DIR}, and
 * overrides for experiments: {@code --iterations}, {@code --group-size}, {@code --batch-size},
 * {@code --hidden-size}, {@code --learning-rate}, {@code --probe-every}, {@code --countries},
 * {@code --fields}) and
 * prints the numbers that go into the README: wall time, probe start/end, the co-evolution
 * averages and the three checks. Exit status 0 if every check holds, 1 otherwise.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar
 * dev.spice.benchmarks.quickstart.QuickstartLearningRun}.
 */
public final class QuickstartLearningRun {
  private QuickstartLearningRun() {}

  /** Entry point. */
  public static void main(String[] args) {
    QuickstartSettings.Builder b = QuickstartSettings.builder();
    Path out = Path.of("runs", "quickstart-learning-" + System.currentTimeMillis());
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--seed" -> b.seed(Long.parseLong(args[i + 1]));
        case "--out" -> out = Path.of(args[i + 1]);
        case "--iterations" -> b.iterations(Integer.parseInt(args[i + 1]));
        case "--group-size" -> b.groupSize(Integer.parseInt(args[i + 1]));
        case "--batch-size" -> b.batchSize(Integer.parseInt(args[i + 1]));
        case "--hidden-size" -> b.hiddenSize(Integer.parseInt(args[i + 1]));
        case "--learning-rate" -> b.learningRate(Double.parseDouble(args[i + 1]));
        case "--probe-every" -> b.probeEvery(Integer.parseInt(args[i + 1]));
        case "--countries" -> b.countries(Integer.parseInt(args[i + 1]));
        case "--fields" -> b.fields(java.util.List.of(args[i + 1].split(",")));
        default -> throw new IllegalArgumentException("unknown option " + args[i] + "; valid: --seed S, --out DIR, "
            + "--iterations N, --group-size G, --batch-size B, --hidden-size H, --learning-rate LR, --probe-every K, "
            + "--countries N, --fields a,b,c");
      }
    }
    QuickstartSettings s = b.build();
    QuickstartReport r = Quickstart.runReport(s, out, Optional.empty());
    QuickstartReport.Probe p = r.probe();
    QuickstartReport.Coevolution c = r.coevolution();
    System.out.printf(Locale.ROOT, "RESULT seed=%d iterations=%d wall_seconds=%.0f cores=%d%n", s.seed(), s.iterations(),
        r.wallSeconds(), Runtime.getRuntime().availableProcessors());
    System.out.printf(Locale.ROOT, "RESULT probe start=%.3f end=%.3f gain_points=%.1f%n", p.start(), p.end(),
        p.gainPoints());
    System.out.printf(Locale.ROOT, "RESULT coevolution early_on_early=%.3f early_on_late=%.3f late_on_early=%.3f "
        + "drop_points=%.1f late_gain_points=%.1f%n", c.earlyOnEarly(), c.earlyOnLate(), c.lateOnEarly(),
        c.dropPoints(), c.lateGainPoints());
    System.out.println("RESULT checks " + r.checks().toMap());
    boolean all = r.checks().allHold();
    System.exit(all ? 0 : 1);
  }
}
