package dev.spice.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.SpiceException;
import dev.spice.core.internal.json.Json;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

/** The run-folder report: sections, figures, SVG well-formedness, errors that name file, line and field. */
class RunReportTest {
  @TempDir Path dir;

  /** {@code n} iterations with the main metrics, invalid codes (some absent), timings and a NaN. */
  static void writeMetrics(Path file, int n, long seed) throws IOException {
    Random rnd = new Random(seed);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      Map<String, Object> m = new LinkedHashMap<>();
      double t = i / (double) n;
      m.put("reasoner/pass_rate", 0.2 + 0.6 * t + 0.05 * rnd.nextGaussian());
      m.put("challenger/valid_rate", i % 7 == 3 ? Double.NaN : Math.min(1, 0.6 + 0.4 * t));
      m.put("challenger/reward", 0.5 + 0.3 * Math.sin(6 * t));
      m.put("reasoner/reward", 0.3);
      m.put("loss", rnd.nextDouble());
      m.put("tokens_per_second", 1000.0 + i);
      m.put("step_time", 2.0);
      m.put("timing_s/reasoner_gen", 1.5);
      m.put("timing_s/update", 0.5);
      m.put("challenger/invalid/format", 0.25);
      if (i % 2 == 0) {
        m.put("challenger/invalid/not_grounded", 0.5);
      }
      m.put("odd<name>", 1.0);
      sb.append(Json.write(Map.of("iteration", (long) i, "metrics", m))).append('\n');
    }
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.writeString(file, sb.toString());
  }

  /** A small completion log: two iterations, valid and invalid attempts, Reasoner answers, two bad lines. */
  static void writeCompletions(Path file) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.writeString(file, String.join("\n",
        "{\"iteration\":0,\"role\":\"challenger\",\"document\":\"France/0\",\"completion\":\"question : a<b ?\","
            + "\"valid\":false,\"invalid_code\":\"format\",\"invalid_detail\":\"no answer line\",\"task\":null,"
            + "\"pass_rate\":null,\"reward\":-0.1}",
        "{\"iteration\":100,\"role\":\"challenger\",\"document\":\"France/0\",\"completion\":\"question : "
            + "France capital ___ ? answer : paris\",\"valid\":true,\"invalid_code\":null,\"task\":{\"question\":"
            + "\"France capital ___ ?\",\"format\":\"FREE_FORM\",\"options\":[],\"gold\":\"paris\"},"
            + "\"pass_rate\":0.5,\"reward\":0.25}",
        "{\"iteration\":100,\"role\":\"challenger\",\"document\":\"France/0\",\"completion\":\"junk\","
            + "\"valid\":false,\"invalid_code\":\"not_grounded\",\"pass_rate\":null,\"reward\":-0.1}",
        "{\"iteration\":100,\"role\":\"reasoner\",\"document\":\"France/0\",\"question\":\"France capital ___ ?\","
            + "\"answer\":\"paris\",\"correct\":1.0}",
        "{\"iteration\":100,\"role\":\"reasoner\",\"document\":\"France/0\",\"question\":\"France capital ___ ?\","
            + "\"answer\":\"lima\",\"correct\":0.0}",
        "{not json", "[1,2]", ""), StandardCharsets.UTF_8);
  }

  /** Every inline {@code <svg>} element of a page, each parsed as XML (throws if one is not well formed). */
  static List<Document> svgs(String html) throws Exception {
    List<Document> out = new ArrayList<>();
    Matcher m = Pattern.compile("<svg .*?</svg>", Pattern.DOTALL).matcher(html);
    while (m.find()) {
      out.add(DocumentBuilderFactory.newInstance().newDocumentBuilder()
          .parse(new ByteArrayInputStream(m.group().getBytes(StandardCharsets.UTF_8))));
    }
    return out;
  }

  private static void assertInOrder(String html, String... parts) {
    int at = -1;
    for (String p : parts) {
      int next = html.indexOf(p);
      assertTrue(next > at, p + " missing or out of order");
      at = next;
    }
  }

  @Test
  void rendersEverySectionOfAFullRunFolder() throws Exception {
    writeMetrics(dir.resolve("metrics.jsonl"), 300, 1);
    writeCompletions(dir.resolve("completions.jsonl"));
    Path html = RunReport.render(dir);
    assertEquals(dir.resolve("report.html"), html);
    assertFalse(Files.exists(dir.resolve("report.html.tmp")));
    String s = Files.readString(html);
    assertTrue(s.startsWith("<!DOCTYPE html>") && s.endsWith("</html>\n"));
    assertTrue(s.contains("<title>SPICE run report: " + dir.getFileName() + "</title>"), "default title");
    assertInOrder(s, "<h2>Overview</h2>", "<h2>Training curves</h2>", "<h2>Invalid Challenger tasks</h2>",
        "<h2>Iteration time</h2>", "<h2>Challenger tasks (sample)</h2>", "<h2>Final metrics</h2>");
    assertTrue(s.contains("<td>iterations in metrics.jsonl</td><td>300 (0 to 299)</td>"), "iteration count");
    assertTrue(s.contains("<td>wall time (sum of step_time)</td><td>600.0 s (10.0 min)</td>"), "wall time");
    assertTrue(s.contains("<tr><td><code>reasoner/reward</code></td><td class=\"num\">0.3000</td>"
        + "<td class=\"num\">0.3000</td><td class=\"num\">+0.000</td></tr>"), "start, end, change");
    assertTrue(s.contains("<tr><td><code>tokens_per_second</code></td><td class=\"num\">1015</td>"
        + "<td class=\"num\">1285</td><td class=\"num\">+270.0</td></tr>"), "means of the first and last 30");
    assertTrue(s.contains("<tr><td><code>not_grounded</code></td><td class=\"num\">25.0%</td>"
        + "<td class=\"num\">25.0%</td></tr>"), "an absent invalid code counts as 0");
    assertTrue(s.contains("<tr><td><code>reasoner_gen</code></td><td class=\"num\">1.500</td>"
        + "<td class=\"num\">75.0%</td>"), "timing share");
    assertTrue(s.contains("<code>odd&lt;name&gt;</code>") && !s.contains("odd<name>"), "names escaped");
    assertTrue(s.contains("2 malformed lines skipped") && s.contains("question : a&lt;b ?"), "completions");
    assertTrue(s.contains("from <code>completions.jsonl</code>"), "log named relative to the run folder");
    assertFalse(s.contains("<script"), "no scripts");
    assertFalse(s.contains("src=\"http"), "nothing loaded from elsewhere");

    List<Document> charts = svgs(s);
    assertEquals(2, charts.size(), "training curves and invalid reasons");
    Document curves = charts.get(0);
    assertEquals("Training curves", curves.getElementsByTagName("title").item(0).getTextContent());
    // six main metrics present, two lines (raw, average) each
    assertEquals(12, curves.getElementsByTagName("path").getLength());
    assertEquals(2, charts.get(1).getElementsByTagName("path").getLength(), "one line per reason");
    assertEquals(RunReport.builder().runFolder(dir).build().html(), s, "the same files give the same page");
  }

  @Test
  void aWarmStartLogShowsItsLossCurve() throws Exception {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 20; i++) {
      sb.append("{\"iteration\":").append(i).append(",\"metrics\":{\"warmstart/loss\":").append(5.0 - 0.1 * i)
          .append(",\"warmstart/step_time\":0.5,\"warmstart/tokens_per_second\":800}}\n");
    }
    Files.writeString(dir.resolve("metrics.jsonl"), sb.toString());
    String s = RunReport.builder().runFolder(dir).title("warm <start>").build().html();
    assertTrue(s.contains("<h1>warm &lt;start&gt;</h1>"), "title escaped");
    assertTrue(s.contains("<td>wall time (sum of warmstart/step_time)</td><td>10.0 s (0.2 min)</td>"), s);
    assertTrue(s.contains("<tr><td><code>warmstart/loss</code></td><td class=\"num\">4.950</td>"
        + "<td class=\"num\">3.150</td><td class=\"num\">-1.800</td></tr>"), "means of the first and last 2 steps");
    assertEquals(4, svgs(s).get(0).getElementsByTagName("path").getLength(), "loss and tokens per second");
    assertFalse(s.contains("Invalid Challenger tasks") || s.contains("Iteration time") || s.contains("Challenger tasks"),
        "sections without data are left out");
  }

  @Test
  void sectionsAndFilesCanBeChosen() throws Exception {
    writeMetrics(dir.resolve("logs/m.jsonl"), 10, 2);
    writeCompletions(dir.resolve("spice/completions.jsonl"));
    RunReport tasks = RunReport.builder().runFolder(dir).completionsFile(Path.of("spice/completions.jsonl"))
        .sections(RunReport.Section.CHALLENGER_TASKS).build();
    String body = tasks.bodyHtml();
    assertTrue(body.startsWith("<h2>Challenger tasks (sample)</h2>"), body);
    assertEquals(1, Pattern.compile("<h2>").matcher(body).results().count());
    assertTrue(body.contains("from <code>spice/completions.jsonl</code>"));

    String s = RunReport.builder().runFolder(dir).metricsFile(dir.resolve("logs/m.jsonl"))
        .sections(RunReport.Section.FINAL_METRICS, RunReport.Section.OVERVIEW).build().bodyHtml();
    assertInOrder(s, "<h2>Overview</h2>", "<h2>Final metrics</h2>");
    assertTrue(s.contains("<td>iterations in m.jsonl</td><td>10 (0 to 9)</td>"));
    assertFalse(s.contains("Challenger tasks"));
  }

  @Test
  void nullMetricsShowNa() throws IOException {
    Files.writeString(dir.resolve("metrics.jsonl"), "{\"iteration\":0,\"metrics\":{\"kl\":null,\"loss\":1.5}}\n");
    String s = RunReport.builder().runFolder(dir).build().html();
    assertTrue(s.contains("<tr><td><code>kl</code></td><td class=\"num\"><span class=\"na\">n/a</span></td></tr>"), s);
    assertTrue(s.contains("<td>wall time (sum of step_time)</td><td><span class=\"na\">n/a</span></td>"));
  }

  @Test
  void completionsAloneAreEnough() throws IOException {
    writeCompletions(dir.resolve("completions.jsonl"));
    String s = Files.readString(RunReport.render(dir));
    assertTrue(s.contains("<h2>Challenger tasks (sample)</h2>"));
    assertFalse(s.contains("<h2>Overview</h2>"));
  }

  @Test
  void malformedMetricsNameFileLineAndFieldAndWriteNothing() throws IOException {
    Files.writeString(dir.resolve("metrics.jsonl"),
        "{\"iteration\": 0, \"metrics\": {\"loss\": 1.0}}\n\n{\"iteration\": 1, \"metrics\": {\"loss\": }\n");
    ReportException e = assertThrows(ReportException.class, () -> RunReport.render(dir));
    assertTrue(e.getMessage().contains("metrics.jsonl line 3: malformed JSON"), e.getMessage());
    assertFalse(Files.exists(dir.resolve("report.html")), "nothing written on failure");

    Files.writeString(dir.resolve("metrics.jsonl"), "{\"iteration\": 0, \"metrics\": {\"loss\": \"high\"}}\n");
    e = assertThrows(ReportException.class, () -> RunReport.render(dir));
    assertTrue(e.getMessage().endsWith("metrics.jsonl line 1: field metrics.loss must be a number or null, got "
        + "a string \"high\""), e.getMessage());
  }

  @Test
  void aFolderWithNothingToReportIsAnError() throws IOException {
    ReportException e = assertThrows(ReportException.class, () -> RunReport.render(dir));
    assertTrue(e.getMessage().contains("holds neither") && e.getMessage().contains("metrics.jsonl")
        && e.getMessage().contains("completions.jsonl") && e.getMessage().endsWith("nothing to report"), e.getMessage());
    e = assertThrows(ReportException.class, () -> RunReport.builder().runFolder(dir)
        .sections(RunReport.Section.TIMING).build());
    assertTrue(e.getMessage().contains("holds no " + dir.resolve("metrics.jsonl")), e.getMessage());
    Path file = Files.writeString(dir.resolve("f.txt"), "x");
    e = assertThrows(ReportException.class, () -> RunReport.render(file));
    assertTrue(e.getMessage().contains("does not exist or is not a directory"), e.getMessage());
  }

  @Test
  void badSettingsAreNamed() {
    var e = assertThrows(SpiceException.ConfigurationException.class, () -> RunReport.builder().build());
    assertTrue(e.getMessage().contains("runFolder(...) is required"));
    e = assertThrows(SpiceException.ConfigurationException.class,
        () -> RunReport.builder().runFolder(dir).title(" ").build());
    assertTrue(e.getMessage().contains("title must not be blank"));
    assertThrows(NullPointerException.class, () -> RunReport.builder().runFolder(null));
  }

  @Test
  void anUnwritableTargetIsAReportException() throws IOException {
    Files.writeString(dir.resolve("metrics.jsonl"), "{\"iteration\":0,\"metrics\":{\"loss\":1.5}}\n");
    Path blocker = Files.writeString(dir.resolve("blocker"), "a file, not a folder");
    RunReport r = RunReport.builder().runFolder(dir).build();
    ReportException e = assertThrows(ReportException.class, () -> r.writeHtml(blocker.resolve("report.html")));
    assertTrue(e.getMessage().startsWith("cannot write " + blocker.resolve("report.html")), e.getMessage());
    Path nested = r.writeHtml(dir.resolve("out/deeper/page.html"));
    assertTrue(Files.readString(nested).contains("<h2>Final metrics</h2>"), "parent folders created");
    assertNotNull(r.title());
  }
}
