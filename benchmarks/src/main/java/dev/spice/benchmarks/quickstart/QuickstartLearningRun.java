package dev.spice.benchmarks.quickstart;

import dev.spice.core.internal.json.Json;
import dev.spice.examples.cli.SpiceCli;
import dev.spice.examples.quickstart.Quickstart;
import dev.spice.examples.report.QuickstartReport;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Runs the quickstart through the {@code spice} command line ({@link SpiceCli}, which parses and
 * checks the arguments exactly as for {@link Quickstart#main}: {@code --seed S}, {@code --out DIR},
 * {@code --iterations N}, {@code --resume RUN_DIR}, {@code --config FILE}, {@code --set KEY=VALUE};
 * the older options {@code --group-size}, {@code --batch-size}, {@code --hidden-size},
 * {@code --learning-rate}, {@code --probe-every}, {@code --countries} and {@code --fields} are
 * passed as {@code --set group_size=...} and so on) and prints the numbers that go into the
 * README from the run's {@code report.json}: wall time, probe start/end, the co-evolution averages
 * and the three checks. Exit status 0 if every check holds, 1 otherwise (the CLI's status, 2 or 1,
 * if the command line is bad or the run fails).
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar
 * dev.spice.benchmarks.quickstart.QuickstartLearningRun --seed 2 --out /tmp/qs-seed2}.
 */
public final class QuickstartLearningRun {
  private QuickstartLearningRun() {}

  /** Entry point. */
  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the quickstart with these arguments, prints the {@code RESULT} lines, and returns the exit status. */
  static int run(String[] args) {
    PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
    PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
    String[] cli = Quickstart.cliArguments(args);
    // The CLI parses and checks everything; its effective configuration names the run folder.
    StringWriter config = new StringWriter();
    int code = SpiceCli.execute(Stream.concat(Arrays.stream(cli), Stream.of("--print-config")).toArray(String[]::new),
        new PrintWriter(config), err);
    String printed = config.toString().strip();
    if (code != 0 || !printed.startsWith("{")) { // a bad command line, or --help / --version
      out.println(printed);
      return code;
    }
    Path runDir = Path.of(String.valueOf(Json.parseObject(printed).get("out")));
    code = SpiceCli.execute(Stream.concat(Arrays.stream(cli), Stream.of("--set", "out=" + runDir))
        .toArray(String[]::new), out, err);
    if (code != 0) {
      return code;
    }
    QuickstartReport r = QuickstartReport.read(runDir.resolve(Quickstart.REPORT_FILE));
    QuickstartReport.Probe p = r.probe();
    QuickstartReport.Coevolution c = r.coevolution();
    out.printf(Locale.ROOT, "RESULT seed=%d iterations=%d wall_seconds=%.0f cores=%d%n", r.seed(),
        r.iterations(), r.wallSeconds(), Runtime.getRuntime().availableProcessors());
    out.printf(Locale.ROOT, "RESULT probe start=%.3f end=%.3f gain_points=%.1f%n", p.start(), p.end(),
        p.gainPoints());
    out.printf(Locale.ROOT, "RESULT coevolution early_on_early=%.3f early_on_late=%.3f late_on_early=%.3f "
        + "drop_points=%.1f late_gain_points=%.1f%n", c.earlyOnEarly(), c.earlyOnLate(), c.lateOnEarly(),
        c.dropPoints(), c.lateGainPoints());
    out.println("RESULT checks " + r.checks().toMap());
    return r.checks().allHold() ? 0 : 1;
  }
}
