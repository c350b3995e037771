package dev.spice.examples.quickstart;

import dev.spice.core.SpiceException;
import dev.spice.core.internal.json.Json;
import dev.spice.examples.report.FreeTextReportRenderer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * The free-text quickstart: the paper's pipeline on a small model trained from scratch on CPU. The
 * Challenger writes each task as text ({@code question : ... answer : ...}, with four options for
 * multiple choice) from a Factbook document, parsed by the SDK's {@code TextTaskCodec}; the Reasoner
 * writes {@code answer : ...}, extracted by {@code AnswerExtractors} and verified by
 * {@code Verifiers}. Before self-play the model is warm-started with the SDK's {@code WarmStart} on
 * the documents and on cloze demonstrations made by {@code ClozeTasks} from the demonstration
 * countries only; the probe asks about the held-out countries, so any probe gain comes from
 * self-play. See {@link FreeTextRunner} for the arms and {@link FreeTextReport} for the checks.
 *
 * <p>Arguments: {@code --out DIR} (default {@code runs/free-text}) and any number of
 * {@code --set key=value} ({@link FreeTextSettings#toMap()} keys). Writes {@code report.json} into
 * the run folder and exits with status 0 whatever the checks say (they are reported, not asserted).
 */
public final class FreeTextQuickstart {
  /** The report file name. */
  public static final String REPORT_FILE = "report.json";

  private FreeTextQuickstart() {}

  /** Runs the free-text quickstart; see the class comment for the arguments. */
  public static void main(String[] args) {
    Path outDir = Path.of("runs", "free-text");
    FreeTextSettings.Builder b = FreeTextSettings.builder();
    String[] words = String.join(" ", args).strip().split("\\s+");
    for (int i = 0; i < words.length; i++) {
      String w = words[i];
      if (w.isEmpty()) {
        continue;
      }
      if (w.equals("--out") && i + 1 < words.length) {
        outDir = Path.of(words[++i]);
      } else if (w.equals("--set") && i + 1 < words.length) {
        String kv = words[++i];
        int eq = kv.indexOf('=');
        if (eq <= 0) {
          throw new SpiceException.ConfigurationException("--set needs KEY=VALUE, got '" + kv + "'");
        }
        b.set(kv.substring(0, eq), kv.substring(eq + 1));
      } else {
        throw new SpiceException.ConfigurationException("unknown argument '" + w + "'; use --out DIR and --set KEY=VALUE");
      }
    }
    run(b.build(), outDir, System.out);
  }

  /** Runs everything, writes {@code report.json} and returns the report. */
  public static Map<String, Object> run(FreeTextSettings settings, Path outDir, PrintStream out) {
    long t0 = System.nanoTime();
    FreeTextRunner r = new FreeTextRunner(settings, out);
    r.run(outDir);
    Map<String, Object> report = FreeTextReport.build(r, settings, (System.nanoTime() - t0) / 1e9);
    Path file = outDir.resolve(REPORT_FILE);
    try {
      Files.writeString(file, Json.write(report) + "\n", StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new SpiceException.CheckpointException("cannot write " + file + ": " + e, e);
    }
    printSummary(r, report, out);
    try {
      out.println("Report: " + FreeTextReportRenderer.render(outDir).toAbsolutePath());
    } catch (RuntimeException e) {
      out.println("Report rendering failed (report.json is complete): " + e);
    }
    return report;
  }

  @SuppressWarnings("unchecked")
  private static void printSummary(FreeTextRunner r, Map<String, Object> report, PrintStream out) {
    FreeTextProbe w = r.warmProbe;
    out.printf(Locale.ROOT, "%-20s %8s %8s %8s%n", "probe (held-out)", "free", "mcq", "overall");
    out.printf(Locale.ROOT, "%-20s %8.3f %8.3f %8.3f%n", "warm start", w.lastFree(), w.lastMcq(), w.lastOverall());
    for (FreeTextArm a : r.arms) {
      out.printf(Locale.ROOT, "%-20s %8.3f %8.3f %8.3f%n", a.name, a.probe.lastFree(), a.probe.lastMcq(),
          a.probe.lastOverall());
    }
    var c = r.coevolution;
    out.printf(Locale.ROOT, "Co-evolution: early Reasoner on early tasks %.3f, on late tasks %.3f (drop %.1f points); "
        + "late Reasoner on early tasks %.3f (%+.1f points)%n", c.earlyOnEarly(), c.earlyOnLate(), c.dropPoints(),
        c.lateOnEarly(), c.lateGainPoints());
    Map<String, Object> checks = (Map<String, Object>) report.get("checks");
    out.println("Checks: " + checks);
    out.printf(Locale.ROOT, "Wall time %.0f s%n", (Double) report.get("wall_seconds"));
  }
}
