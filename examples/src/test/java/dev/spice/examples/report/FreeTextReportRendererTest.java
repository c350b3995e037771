package dev.spice.examples.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.internal.json.Json;
import dev.spice.report.ReportException;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FreeTextReportRendererTest {
  private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  private static final List<String> HEADINGS = List.of("<h2>Checks</h2>", "<h2>Side by side: warm start and arms</h2>",
      "<h2>Probe pass rate over iterations</h2>", "<h2>Challenger of the <code>spice</code> arm",
      "<h2>Iteration time split</h2>", "<h2>Co-evolution</h2>");
  private static final List<String> CHECKS = List.of("probe_gain_ok", "valid_rate_rising_ok", "coevolution_ok",
      "beats_baselines_ok");

  @TempDir Path dir;

  /** The real one-arm report of a free-text quickstart run, parsed. */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> sample() throws IOException {
    try (InputStream in = FreeTextReportRendererTest.class.getResourceAsStream("/free-text/report-1arm.json")) {
      assertNotNull(in, "test resource free-text/report-1arm.json");
      return (Map<String, Object>) Json.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  /** The sample with the two baseline arms added (the spice arm copied, renamed and scaled). */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> threeArms() throws IOException {
    Map<String, Object> r = sample();
    List<Object> arms = (List<Object>) r.get("arms");
    Map<String, Object> checks = (Map<String, Object>) r.get("checks");
    String[] names = {"frozen_challenger", "no_document"};
    double[] scale = {0.8, 0.9};
    for (int k = 0; k < names.length; k++) {
      Map<String, Object> arm = (Map<String, Object>) Json.parse(Json.write(arms.get(0)));
      arm.put("name", names[k]);
      arm.put("description", "baseline " + names[k]);
      for (String curve : List.of("probe_free", "probe_mcq", "probe_overall")) {
        List<Object> v = (List<Object>) arm.get(curve);
        for (int i = 1; i < v.size(); i++) {
          v.set(i, ((Number) v.get(i)).doubleValue() * scale[k]);
        }
      }
      for (Object w : (List<Object>) arm.get("window_metrics")) {
        Map<String, Object> m = (Map<String, Object>) w;
        m.put("step_time", ((Number) m.get("step_time")).doubleValue() * (1 + k));
      }
      arms.add(arm);
      checks.put("spice_minus_" + names[k] + "_points", 5.0 + k);
    }
    // a NaN written by Json is null: the last mcq probe value of no_document
    List<Object> mcq = (List<Object>) ((Map<String, Object>) arms.get(2)).get("probe_mcq");
    mcq.set(mcq.size() - 1, null);
    checks.put("beats_baselines_ok", true);
    Map<String, Object> settings = (Map<String, Object>) r.get("settings");
    settings.put("arms", "spice,frozen_challenger,no_document");
    return r;
  }

  private Path write(Map<String, Object> report) throws IOException {
    Files.writeString(dir.resolve("report.json"), Json.write(report) + "\n", StandardCharsets.UTF_8);
    return dir;
  }

  private static String row(String html, String firstCell) {
    Matcher m = Pattern.compile("<tr><td><code>" + Pattern.quote(firstCell) + "</code>.*?</tr>").matcher(html);
    assertTrue(m.find(), "row " + firstCell);
    return m.group();
  }

  private static void assertHeadingsInOrder(String html) {
    int last = -1;
    for (String h : HEADINGS) {
      int at = html.indexOf(h);
      assertTrue(at > last, h + " present and after the previous section");
      last = at;
    }
  }

  private static int assertPngImages(String html) throws IOException {
    Matcher m = Pattern.compile("src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\"").matcher(html);
    int n = 0;
    while (m.find()) {
      byte[] png = Base64.getDecoder().decode(m.group(1));
      assertArrayEquals(PNG_SIGNATURE, Arrays.copyOf(png, PNG_SIGNATURE.length), "PNG signature");
      BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
      assertNotNull(img, "image " + n + " decodes");
      assertTrue(img.getWidth() > 100 && img.getHeight() > 100);
      n++;
    }
    assertEquals(n, html.split("src=\"", -1).length - 1, "every image is embedded");
    return n;
  }

  @Test
  void rendersTheRealOneArmReport() throws IOException {
    Path html = FreeTextReportRenderer.render(write(sample()));
    assertEquals(dir.resolve("report.html"), html);
    assertFalse(Files.exists(dir.resolve("report.html.tmp")));
    String s = Files.readString(html);
    assertHeadingsInOrder(s);
    assertEquals(4, assertPngImages(s), "overall, by format, Challenger, co-evolution");
    assertTrue(s.contains("24 countries &times; 6 fields (capital, government_type"), "description");
    assertTrue(s.contains("116,032 parameters") && s.contains("800 steps") && s.contains("600 iterations per arm")
        && s.contains("B = 16") && s.contains("102.9 s"), "settings in the description");
    for (String c : List.of("probe_gain_ok", "valid_rate_rising_ok", "coevolution_ok")) {
      assertTrue(row(s, c).contains("PASS"), c);
    }
    assertTrue(row(s, "beats_baselines_ok").contains("FAIL"));
    assertTrue(row(s, "beats_baselines_ok").contains("warm_start</code>: +44.9 points"));
    assertTrue(row(s, "probe_gain_ok").contains("overall +44.9 points, free form +56.6 points"));
    assertTrue(row(s, "valid_rate_rising_ok").contains("36.9% &rarr; 95.9%"));
    assertTrue(row(s, "coevolution_ok").contains("drop +84.9 points"));
    String spice = row(s, "spice");
    assertTrue(spice.contains("84.5%") && spice.contains("+56.6 points") && spice.contains("67.4%"), spice);
    assertTrue(s.contains("<th>not_grounded</th>"), "invalid reasons in the window table");
    assertTrue(s.contains("<td>early Reasoner on late Challenger's tasks</td><td class=\"num\">13.5%</td>"));
    assertTrue(s.contains("<th>Challenger \\ Reasoner</th><th>90</th>"), "matrix table");
  }

  @Test
  void rendersThreeArmsAndNaN() throws IOException {
    String s = Files.readString(FreeTextReportRenderer.render(write(threeArms())));
    assertHeadingsInOrder(s);
    assertEquals(4, assertPngImages(s));
    for (String arm : List.of("spice", "frozen_challenger", "no_document")) {
      assertTrue(s.contains("<code>" + arm + "</code>"), arm);
    }
    for (String c : CHECKS) {
      String row = row(s, c);
      assertTrue(row.contains("PASS") ^ row.contains("FAIL"), c + " has one verdict");
    }
    assertTrue(row(s, "beats_baselines_ok").contains("PASS"));
    assertTrue(row(s, "beats_baselines_ok").contains("<code>frozen_challenger</code>: +5.0 points"));
    assertTrue(row(s, "beats_baselines_ok").contains("<code>no_document</code>: +6.0 points"));
    String noDoc = row(s, "no_document");
    assertTrue(noDoc.contains("<span class=\"na\">n/a</span>"), "NaN probe value shown as n/a: " + noDoc);
    String frozen = row(s, "frozen_challenger");
    assertTrue(frozen.contains(String.format(java.util.Locale.ROOT, "%.1f%%", 100 * 0.8 * 0.673769154033754)),
        frozen);
    // the time split has one row per arm; no_document's step time is 3x spice's
    assertEquals(3, Pattern.compile("<tr><td><code>(spice|frozen_challenger|no_document)</code></td><td class=\"num\">"
        + "[0-9.]+ ms<br>").matcher(s).results().count(), "time split rows");
  }

  @Test
  void nullFiguresShowNa() throws IOException {
    Map<String, Object> r = sample();
    @SuppressWarnings("unchecked")
    Map<String, Object> checks = (Map<String, Object>) r.get("checks");
    checks.put("valid_rate_start", null);
    checks.remove("coevolution_ok");
    String s = Files.readString(FreeTextReportRenderer.render(write(r)));
    assertTrue(row(s, "valid_rate_rising_ok").contains("<span class=\"na\">n/a</span> &rarr; 95.9%"));
    assertTrue(row(s, "coevolution_ok").contains("<td><span class=\"na\">n/a</span></td>"), "absent verdict");
  }

  @Test
  void missingArmsNamesFieldAndFile() throws IOException {
    Map<String, Object> r = sample();
    r.remove("arms");
    write(r);
    ReportException e = assertThrows(ReportException.class, () -> FreeTextReportRenderer.render(dir));
    assertTrue(e.getMessage().contains("report.json") && e.getMessage().contains("field arms"), e.getMessage());
    assertFalse(Files.exists(dir.resolve("report.html")), "nothing written on failure");
  }

  @Test
  @SuppressWarnings("unchecked")
  void wrongTypeNamesField() throws IOException {
    Map<String, Object> r = threeArms();
    Map<String, Object> arm = (Map<String, Object>) ((List<Object>) r.get("arms")).get(1);
    List<Object> free = new ArrayList<>((List<Object>) arm.get("probe_free"));
    free.set(2, "high");
    arm.put("probe_free", free);
    write(r);
    ReportException e = assertThrows(ReportException.class, () -> FreeTextReportRenderer.render(dir));
    assertTrue(e.getMessage().contains("report.json") && e.getMessage().contains("arms[1].probe_free[2]"),
        e.getMessage());
  }

  @Test
  @SuppressWarnings("unchecked")
  void missingArmNameNamesField() throws IOException {
    Map<String, Object> r = sample();
    ((Map<String, Object>) ((List<Object>) r.get("arms")).get(0)).remove("name");
    write(r);
    ReportException e = assertThrows(ReportException.class, () -> FreeTextReportRenderer.render(dir));
    assertTrue(e.getMessage().contains("arms[0].name"), e.getMessage());
  }

  @Test
  void missingReportJsonIsAnError() {
    ReportException e = assertThrows(ReportException.class, () -> FreeTextReportRenderer.render(dir));
    assertTrue(e.getMessage().contains("report.json"), e.getMessage());
  }

  /** A small completions log: two iterations, valid and invalid attempts, Reasoner answers, one bad line. */
  private void writeCompletions() throws IOException {
    Files.createDirectories(dir.resolve("spice"));
    Files.writeString(dir.resolve(FreeTextReportRenderer.COMPLETIONS_FILE), String.join("\n",
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

  @Test
  void challengerTasksSectionFromCompletionsLog() throws IOException {
    write(sample());
    writeCompletions();
    String s = Files.readString(FreeTextReportRenderer.render(dir));
    int at = s.indexOf("<h2>Challenger tasks (sample)</h2>");
    assertTrue(at > s.indexOf("<h2>Challenger of the <code>spice</code> arm") && at < s.indexOf(
        "<h2>Iteration time split</h2>"), "section after the Challenger section");
    assertTrue(s.contains("2 malformed lines skipped"), "malformed lines counted");
    assertTrue(s.contains("question : a&lt;b ?") && !s.contains("a<b"), "completion escaped");
    assertTrue(s.indexOf("<summary>Iteration 100: 2 attempts</summary>") < s.indexOf(
        "<summary>Iteration 0: 1 attempt</summary>"), "latest iteration first");
    assertTrue(s.contains("<span class=\"fail\" title=\"no answer line\">format</span>"), "invalid code");
    Matcher valid = Pattern.compile("<tr><td><code>France/0</code></td><td class=\"txt\">question : France capital"
        + ".*?</tr>").matcher(s);
    assertTrue(valid.find());
    assertTrue(valid.group().contains("50.0%") && valid.group().contains("+0.250") && valid.group().contains(
        "paris <span class=\"pass\">&#10003;</span>, lima <span class=\"fail\">&#10007;</span>"), valid.group());
    Matcher junk = Pattern.compile("<td class=\"txt\">junk</td>.*?</tr>").matcher(s);
    assertTrue(junk.find() && !junk.group().contains("paris"), "answers only on the trained task's row");
  }

  @Test
  void noCompletionsLogNoSection() throws IOException {
    String s = Files.readString(FreeTextReportRenderer.render(write(sample())));
    assertFalse(s.contains("Challenger tasks (sample)"));
  }

  /** Loads the page in headless Chromium where Debian's {@code chromium} is installed; skipped otherwise. */
  @Test
  void chromiumFindsTheTables() throws IOException, InterruptedException {
    Path chromium = onPath("chromium");
    Assumptions.assumeTrue(chromium != null, "chromium is not installed");
    write(threeArms());
    writeCompletions();
    Path html = FreeTextReportRenderer.render(dir);
    Path profile = Files.createDirectories(dir.resolve("chromium-profile"));
    Process p = new ProcessBuilder(chromium.toString(), "--headless", "--disable-gpu", "--no-sandbox",
        "--user-data-dir=" + profile, "--dump-dom", html.toUri().toString())
        .redirectError(dir.resolve("chromium.err").toFile()).start();
    byte[] out = p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "chromium finished");
    String dom = new String(out, StandardCharsets.UTF_8);
    Assumptions.assumeTrue(p.exitValue() == 0 && !dom.isBlank(), "chromium could not run here");
    long tables = Pattern.compile("<table>").matcher(dom).results().count();
    assertTrue(tables >= 6, "tables in the DOM: " + tables);
    for (String h : List.of("Checks", "Iteration time split", "Co-evolution")) {
      assertTrue(dom.contains("<h2>" + h + "</h2>"), h);
    }
    assertTrue(dom.contains("frozen_challenger") && dom.contains("PASS"));
    assertTrue(dom.contains("<h2>Challenger tasks (sample)</h2>") && dom.contains("<details open=\"\">")
        && dom.contains("a&lt;b"), "completions table parsed");
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
