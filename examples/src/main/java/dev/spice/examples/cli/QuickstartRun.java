package dev.spice.examples.cli;

import dev.spice.examples.quickstart.Quickstart;
import dev.spice.examples.quickstart.QuickstartSettings;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/** The run without {@code --model}: the embedded quickstart with the configured settings. */
final class QuickstartRun {
  private QuickstartRun() {}

  static int run(CliConfig c, Path out, Optional<Path> resumeFrom, PrintWriter log) {
    QuickstartSettings settings = QuickstartBridge.settings(c.values());
    log.flush();
    Map<String, Object> report = Quickstart.run(settings, out, resumeFrom, settings.iterations(),
        new PrintStream(System.out, true)).orElseThrow();
    log.println("quickstart finished: " + out.toAbsolutePath() + "; checks " + report.get("checks"));
    return 0;
  }
}
