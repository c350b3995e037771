package dev.spice.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The page as a browser sees it. */
class RunReportBrowserTest {
  @TempDir Path dir;

  /** Loads the page in headless Chromium where Debian's {@code chromium} is installed; skipped otherwise. */
  @Test
  void chromiumDrawsTheChartsAndTables() throws IOException, InterruptedException {
    Path chromium = onPath("chromium");
    Assumptions.assumeTrue(chromium != null, "chromium is not installed");
    RunReportTest.writeMetrics(dir.resolve("metrics.jsonl"), 120, 3);
    RunReportTest.writeCompletions(dir.resolve("completions.jsonl"));
    Path html = RunReport.render(dir);
    Path profile = Files.createDirectories(dir.resolve("chromium-profile"));
    Process p = new ProcessBuilder(chromium.toString(), "--headless", "--disable-gpu", "--no-sandbox",
        "--user-data-dir=" + profile, "--dump-dom", html.toUri().toString())
        .redirectError(dir.resolve("chromium.err").toFile()).start();
    byte[] out = p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "chromium finished");
    String dom = new String(out, StandardCharsets.UTF_8);
    Assumptions.assumeTrue(p.exitValue() == 0 && !dom.isBlank(), "chromium could not run here");
    assertEquals(2, Pattern.compile("<svg ").matcher(dom).results().count(), "both charts in the DOM");
    assertTrue(Pattern.compile("<table>").matcher(dom).results().count() >= 5, "tables in the DOM");
    for (String h : List.of("Overview", "Training curves", "Invalid Challenger tasks", "Iteration time",
        "Challenger tasks (sample)", "Final metrics")) {
      assertTrue(dom.contains("<h2>" + h + "</h2>"), h);
    }
    assertTrue(dom.contains("<details open=\"\">") && dom.contains("a&lt;b"), "completions table parsed");
  }

  private static Path onPath(String name) {
    String path = System.getenv("PATH");
    if (path == null) {
      return null;
    }
    for (String d : path.split(File.pathSeparator)) {
      Path p = Path.of(d, name);
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    return null;
  }
}
