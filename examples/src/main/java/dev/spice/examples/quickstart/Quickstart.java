package dev.spice.examples.quickstart;

import dev.spice.core.SpiceException;
import dev.spice.core.internal.json.Json;
import dev.spice.examples.cli.SpiceCli;
import dev.spice.examples.report.QuickstartReport;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The quickstart main job: SPICE self-play on a small world of Factbook facts with a ~120k
 * parameter transformer trained from scratch, in-process, on CPU. It writes to a run folder:
 * {@code metrics.jsonl} (one line per iteration), checkpoints ({@code checkpoint-NNNNNNNN}), and
 * {@code report.json} (a {@link QuickstartReport}: probe pass rates over time, the co-evolution
 * matrix, Challenger difficulty and entropy, checks), then renders {@code report.html} with the
 * examples' report renderer.
 *
 * <p>Learning is measured, not asserted: a fixed probe set of tasks is scored exactly (the
 * policy's probability of the gold answer) every {@code probeEvery} iterations, and the
 * co-evolution matrix scores early and late Reasoner checkpoints on tasks written by early and late
 * Challenger checkpoints. Same settings and seed give the same run; a resumed run continues
 * exactly as the uninterrupted one, also when it is resumed with another iteration count.
 *
 * <p>The job's parts: {@link QuickstartWorld} (world, policy, recipe, engine settings),
 * {@link QuickstartRunner} (the run loop), {@link ProbeSet}, {@link ChallengerStats},
 * {@link CoevolutionCheck}, {@link ReportBuilder}, {@link QuickstartState} (what checkpoints keep)
 * and {@link QuickstartSeeds}.
 */
public final class Quickstart {
  /** The report file name. */
  public static final String REPORT_FILE = "report.json";
  /** The metrics file name. */
  public static final String METRICS_FILE = "metrics.jsonl";
  /** The quickstart's own state, written into each checkpoint directory. */
  static final String STATE_FILE = "quickstart.json";
  /** Options of earlier versions of this main that the CLI sets with {@code --set KEY=VALUE}. */
  static final Set<String> SETTING_OPTIONS =
      Set.of("--batch-size", "--group-size", "--hidden-size", "--learning-rate", "--countries", "--probe-every",
          "--fields");

  private Quickstart() {}

  /**
   * Runs the quickstart through the {@code spice} command line ({@link SpiceCli}, without
   * {@code --model}), which parses and checks the arguments: {@code --out DIR}, {@code --iterations N},
   * {@code --seed S}, {@code --resume RUN_DIR}, {@code --config FILE}, {@code --set KEY=VALUE} (any
   * quickstart setting). The options {@code --batch-size B}, {@code --group-size G},
   * {@code --hidden-size H}, {@code --learning-rate LR}, {@code --countries N},
   * {@code --probe-every K} and {@code --fields a,b,c} are passed as {@code --set batch_size=B} and
   * so on. Each argument may
   * hold several words separated by spaces (Maven's {@code -Dquickstart.args}). Exits with the
   * command line's status when it is not 0.
   */
  public static void main(String[] args) {
    int code = SpiceCli.execute(cliArguments(args), new PrintWriter(System.out, true, StandardCharsets.UTF_8),
        new PrintWriter(System.err, true, StandardCharsets.UTF_8));
    if (code != 0) {
      System.exit(code);
    }
  }

  /**
   * The arguments for {@link SpiceCli}: split at spaces, empty ones dropped, setting options as
   * {@code --set}; for mains that delegate to the CLI (this one, the benchmarks' harness).
   */
  public static String[] cliArguments(String[] args) {
    String[] words = Arrays.stream(args).flatMap(a -> Arrays.stream(a.strip().split("\\s+")))
        .filter(a -> !a.isEmpty()).toArray(String[]::new);
    List<String> out = new ArrayList<>();
    for (int i = 0; i < words.length; i++) {
      if (SETTING_OPTIONS.contains(words[i]) && i + 1 < words.length) {
        out.add("--set");
        out.add(words[i].substring(2).replace('-', '_') + "=" + words[++i]);
      } else {
        out.add(words[i]);
      }
    }
    return out.toArray(String[]::new);
  }

  /**
   * Runs (or resumes) the quickstart to the end and writes the run folder.
   *
   * @param settings the settings; on resume they must equal the run's, except {@code iterations},
   *     which may be changed to continue the run to another length (not below the iterations done)
   * @param outDir the run folder (created if needed)
   * @param resumeFrom a run folder whose newest checkpoint to continue from, or empty
   * @return the report written to {@code report.json}
   * @throws SpiceException on failure (configuration, backend, checkpoint)
   */
  public static QuickstartReport runReport(QuickstartSettings settings, Path outDir, Optional<Path> resumeFrom) {
    return runReport(settings, outDir, resumeFrom, settings.iterations(), System.out).orElseThrow();
  }

  /**
   * Like {@link #runReport(QuickstartSettings, Path, Optional)} but stops after iteration
   * {@code stopAfter} (a checkpoint is written there) without a report when
   * {@code stopAfter < settings.iterations()}; for interrupted runs and tests. Progress goes to
   * {@code console}.
   *
   * @return the report, or empty if the run stopped early
   */
  public static Optional<QuickstartReport> runReport(QuickstartSettings settings, Path outDir,
      Optional<Path> resumeFrom, int stopAfter, PrintStream console) {
    return new QuickstartRunner(settings, console).run(outDir, resumeFrom, stopAfter);
  }

  /**
   * {@link #runReport(QuickstartSettings, Path, Optional)} with the report as the JSON values of
   * {@code report.json} (objects as maps, arrays as lists, {@code NaN} as {@code null}).
   */
  public static Map<String, Object> run(QuickstartSettings settings, Path outDir, Optional<Path> resumeFrom) {
    return jsonValues(runReport(settings, outDir, resumeFrom));
  }

  /**
   * {@link #runReport(QuickstartSettings, Path, Optional, int, PrintStream)} with the report as the
   * JSON values of {@code report.json} (objects as maps, arrays as lists, {@code NaN} as {@code null}).
   */
  public static Optional<Map<String, Object>> run(QuickstartSettings settings, Path outDir, Optional<Path> resumeFrom,
      int stopAfter, PrintStream console) {
    return runReport(settings, outDir, resumeFrom, stopAfter, console).map(Quickstart::jsonValues);
  }

  private static Map<String, Object> jsonValues(QuickstartReport report) {
    return Json.parseObject(report.toJson());
  }
}
