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
 * <p>Arguments: {@code --out DIR} (default {@code runs/free-text-<date>-<time>}), any number of
 * {@code --set key=value} ({@link FreeTextSettings#toMap()} keys), and {@code --corpus} to run the
 * same pipeline on another corpus ({@code elements}, {@code factbook-facts}, a JSONL file or a
 * folder of text files; see {@link FreeTextCorpus}). Writes {@code report.json} into the run folder
 * and exits with status 0 whatever the checks say (they are reported, not asserted).
 */
public final class FreeTextQuickstart {
  /** The report file name. */
  public static final String REPORT_FILE = "report.json";

  private FreeTextQuickstart() {}

  /**
   * Runs the free-text quickstart; see the class comment for the arguments. Exit status 2 for a bad
   * argument or setting (the message names it), 1 when the run fails, 0 otherwise.
   */
  public static void main(String[] args) {
    try {
      start(args);
    } catch (SpiceException.ConfigurationException e) {
      System.err.println("error: " + e.getMessage());
      System.exit(2);
    } catch (SpiceException e) {
      System.err.println("the run failed: " + e.getMessage());
      System.exit(1);
    }
  }

  /**
   * The default run folder, {@code runs/free-text-<date>-<time>} (local time, now).
   *
   * @return the folder
   */
  public static Path defaultOutDir() {
    return Path.of("runs", "free-text-" + java.time.LocalDateTime.now()
        .format(java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT)));
  }

  /**
   * Runs the free-text quickstart as its main does, with parsed arguments (the {@code spice
   * quickstart} command).
   *
   * @param settings the settings
   * @param outDir the run folder
   * @param corpus {@code null} for the Factbook world of {@code settings}, else a corpus as
   *     {@code --corpus} takes it (see {@link FreeTextCorpus})
   * @param maxDocuments cap on the documents read from {@code corpus}, >= 1
   * @param maxDocumentWords cap on a document's words (longer ones are skipped and counted), >= 1
   * @param out where progress and the summary go
   * @return the report written to {@code report.json}
   * @throws SpiceException.ConfigurationException for a bad corpus or cap
   */
  public static Map<String, Object> run(FreeTextSettings settings, Path outDir, String corpus, int maxDocuments,
      int maxDocumentWords, PrintStream out) {
    if (maxDocuments < 1 || maxDocumentWords < 1) {
      throw new SpiceException.ConfigurationException("--max-documents and --max-document-words must be >= 1, got "
          + maxDocuments + " and " + maxDocumentWords);
    }
    FreeTextWorld world = corpus == null ? new FreeTextWorld(settings)
        : FreeTextCorpus.world(settings, corpus, maxDocuments, maxDocumentWords, out);
    return run(world, outDir, out);
  }

  private static void start(String[] args) {
    Path outDir = defaultOutDir();
    FreeTextSettings.Builder b = FreeTextSettings.builder();
    String corpus = null;
    int maxDocuments = DEFAULT_MAX_DOCUMENTS;
    int maxWords = DEFAULT_MAX_DOCUMENT_WORDS;
    for (String[] p : OptionWords.pairs(args, USAGE)) {
      String w = p[0];
      String v = p[1];
      switch (w) {
        case "--out" -> outDir = Path.of(v);
        case "--corpus" -> corpus = v;
        case "--max-documents" -> maxDocuments = positive(w, v);
        case "--max-document-words" -> maxWords = positive(w, v);
        case "--set" -> {
          String[] kv = OptionWords.keyValue(w, v);
          b.set(kv[0], kv[1]);
        }
        default -> throw new SpiceException.ConfigurationException("unknown option '" + w + "'; " + USAGE);
      }
    }
    run(b.build(), outDir, corpus, maxDocuments, maxWords, System.out);
  }

  /** Default cap on the documents read from a user's corpus. */
  public static final int DEFAULT_MAX_DOCUMENTS = 400;
  /** Default cap on a document's words (longer ones are skipped and counted). */
  public static final int DEFAULT_MAX_DOCUMENT_WORDS = 120;
  private static final String USAGE = "usage: [--out DIR] [--corpus elements|factbook-facts|FILE.jsonl|DIR] "
      + "[--max-documents N] [--max-document-words N] [--set KEY=VALUE]...";

  private static int positive(String option, String v) {
    try {
      int n = Integer.parseInt(v);
      if (n >= 1) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new SpiceException.ConfigurationException(option + " must be a positive integer, got '" + v + "'");
  }

  /** Runs everything on the Factbook world of {@code settings}; see {@link #run(FreeTextWorld, Path, PrintStream)}. */
  public static Map<String, Object> run(FreeTextSettings settings, Path outDir, PrintStream out) {
    return run(new FreeTextWorld(settings), outDir, out);
  }

  /** Runs everything on {@code world}, writes {@code report.json} and returns the report. */
  public static Map<String, Object> run(FreeTextWorld world, Path outDir, PrintStream out) {
    FreeTextSettings settings = world.settings;
    long t0 = System.nanoTime();
    FreeTextRunner r = new FreeTextRunner(world, out);
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
