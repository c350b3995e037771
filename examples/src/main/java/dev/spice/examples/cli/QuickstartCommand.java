package dev.spice.examples.cli;

import dev.spice.core.SpiceException;
import dev.spice.examples.quickstart.FreeTextQuickstart;
import dev.spice.examples.quickstart.FreeTextSettings;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code spice quickstart}: the free-text quickstart, the main job ({@link FreeTextQuickstart}),
 * with the options of its main: {@code --out}, {@code --corpus}, {@code --max-documents},
 * {@code --max-document-words} and {@code --set KEY=VALUE} for any {@link FreeTextSettings} key.
 */
@Command(name = "quickstart", mixinStandardHelpOptions = true, version = "SPICE for Java 0.1.0", sortOptions = false,
    usageHelpWidth = 110,
    description = {"The free-text quickstart (the main job): free-text SPICE on a small model trained from scratch on "
        + "CPU (tokenizer learnt from the text, warm start, self-play arms, held-out probe, co-evolution), 4 to 5 "
        + "minutes on 2 cores at the defaults. Writes report.json and report.html into the run folder."})
final class QuickstartCommand implements Callable<Integer> {
  @Option(names = "--out", paramLabel = "DIR", description = "run folder (default runs/free-text-<date>-<time>)")
  Path out;

  @Option(names = "--corpus", paramLabel = "CORPUS",
      description = "elements (bundled chemical elements), factbook-facts, a JSONL file (id, text) or a folder of "
          + "text files (default: the Factbook world of the settings)")
  String corpus;

  @Option(names = "--max-documents", paramLabel = "N",
      defaultValue = "" + FreeTextQuickstart.DEFAULT_MAX_DOCUMENTS,
      description = "documents read from --corpus, >= 1; default ${DEFAULT-VALUE}")
  int maxDocuments;

  @Option(names = "--max-document-words", paramLabel = "N",
      defaultValue = "" + FreeTextQuickstart.DEFAULT_MAX_DOCUMENT_WORDS,
      description = "longer --corpus documents are skipped and counted, >= 1; default ${DEFAULT-VALUE}")
  int maxDocumentWords;

  @Option(names = {"-s", "--set"}, paramLabel = "KEY=VALUE",
      description = "set a free-text setting (repeatable; keys and defaults below)")
  List<String> sets = new ArrayList<>();

  private final PrintWriter stdout;

  private QuickstartCommand(PrintWriter stdout) {
    this.stdout = stdout;
  }

  /** The command with the settings' keys and defaults in its help footer. */
  static CommandLine commandLine(PrintWriter stdout) {
    CommandLine cl = new CommandLine(new QuickstartCommand(stdout));
    StringBuilder f = new StringBuilder("%nSettings for --set KEY=VALUE (ranges are checked before anything runs; "
        + "arms from " + String.join(", ", FreeTextSettings.ARMS) + ", the first spice; grounding none, "
        + "answer_in_document or same_sentence):");
    for (Map.Entry<String, Object> e : FreeTextSettings.defaults().toMap().entrySet()) {
      f.append("%n  ").append(e.getKey()).append(" (default ")
          .append(String.valueOf(e.getValue()).replace("%", "%%")).append(')');
    }
    f.append("%n%nExamples:")
        .append("%n  spice quickstart                                         # report in runs/free-text-<date>-<time>/")
        .append("%n  spice quickstart --corpus elements --set iterations=300 --out runs/elements")
        .append("%n  spice quickstart --corpus my-facts.jsonl --max-documents 200%n");
    cl.getCommandSpec().usageMessage().footer(f.toString());
    return cl;
  }

  @Override
  public Integer call() {
    FreeTextSettings.Builder b = FreeTextSettings.builder();
    for (String s : sets) {
      int eq = s.indexOf('=');
      if (eq <= 0) {
        throw new SpiceException.ConfigurationException("--set '" + s + "' is not of the form key=value");
      }
      b.set(s.substring(0, eq).trim(), s.substring(eq + 1));
    }
    FreeTextSettings settings = b.build(); // checks every range before anything runs
    if (maxDocuments < 1) {
      throw new SpiceException.ConfigurationException("--max-documents must be >= 1, got " + maxDocuments);
    }
    if (maxDocumentWords < 1) {
      throw new SpiceException.ConfigurationException("--max-document-words must be >= 1, got " + maxDocumentWords);
    }
    Path dir = out != null ? out : FreeTextQuickstart.defaultOutDir();
    stdout.println("SPICE free-text quickstart, run folder " + dir);
    stdout.flush();
    Map<String, Object> report = FreeTextQuickstart.run(settings, dir, corpus, maxDocuments, maxDocumentWords,
        console(stdout));
    stdout.println("quickstart finished: " + dir.toAbsolutePath() + "; checks " + report.get("checks"));
    return 0;
  }

  /** A console stream that writes into {@code w}, line by line (and on every flush). */
  static PrintStream console(PrintWriter w) {
    return new PrintStream(new OutputStream() {
      private final ByteArrayOutputStream line = new ByteArrayOutputStream();

      @Override
      public void write(int b) {
        line.write(b);
        if (b == '\n') {
          flush();
        }
      }

      @Override
      public void flush() {
        w.write(line.toString(StandardCharsets.UTF_8));
        w.flush();
        line.reset();
      }
    }, true, StandardCharsets.UTF_8);
  }
}
