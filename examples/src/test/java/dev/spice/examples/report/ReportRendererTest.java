package dev.spice.examples.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.internal.json.Json;
import dev.spice.report.ReportException;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportRendererTest {
  @TempDir Path dir;

  private void writeMetrics(int n, long seed) throws IOException {
    Random rnd = new Random(seed);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      Map<String, Object> m = new LinkedHashMap<>();
      double t = i / (double) n;
      m.put("reasoner/pass_rate", 0.2 + 0.6 * t + 0.05 * rnd.nextGaussian());
      m.put("challenger/valid_rate", i % 7 == 3 ? Double.NaN : Math.min(1, 0.6 + 0.4 * t + 0.02 * rnd.nextGaussian()));
      m.put("challenger/reward", 0.5 + 0.3 * Math.sin(6 * t) + 0.05 * rnd.nextGaussian());
      m.put("loss", rnd.nextDouble());
      Map<String, Object> line = new LinkedHashMap<>();
      line.put("iteration", (long) i);
      line.put("metrics", m);
      sb.append(Json.write(line)).append('\n');
    }
    Files.writeString(dir.resolve("metrics.jsonl"), sb.toString());
  }

  private static List<Object> list(double... v) {
    List<Object> l = new ArrayList<>();
    for (double x : v) {
      l.add(x);
    }
    return l;
  }

  private static Map<String, Object> fullReport() {
    Map<String, Object> r = new LinkedHashMap<>();
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("countries", 24L);
    settings.put("learning_rate", 3e-4);
    settings.put("challenger_reward", "variance");
    settings.put("nested", Map.of("a", 1L));
    r.put("settings", settings);
    r.put("seed", 7L);
    r.put("iterations", 300L);
    r.put("wall_seconds", 123.4);
    Map<String, Object> probe = new LinkedHashMap<>();
    probe.put("iterations", List.of(0L, 100L, 200L, 300L));
    probe.put("mcq", list(0.25, 0.3, 0.4, 0.5));
    probe.put("free", list(0.1, 0.3, 0.5, 0.7));
    probe.put("overall", list(0.175, 0.3, 0.45, 0.6));
    probe.put("start", 0.175);
    probe.put("end", 0.6);
    probe.put("gain_points", 42.5);
    r.put("probe", probe);
    Map<String, Object> co = new LinkedHashMap<>();
    co.put("challenger_checkpoints", List.of(60L, 300L));
    co.put("reasoner_checkpoints", List.of(60L, 300L));
    co.put("matrix", List.of(list(0.64, 0.95), list(0.42, 0.81)));
    co.put("early_reasoner_on_early_tasks", 0.64);
    co.put("early_reasoner_on_late_tasks", 0.42);
    co.put("late_reasoner_on_early_tasks", 0.95);
    co.put("drop_points", 22.0);
    co.put("late_gain_points", 31.0);
    co.put("challenger_valid_rate", list(0.3, 0.9));
    r.put("coevolution", co);
    Map<String, Object> diff = new LinkedHashMap<>();
    diff.put("bin_edges", list(0, 0.25, 0.5, 0.75, 1.0));
    diff.put("early_counts", List.of(50L, 10L, 5L, 3L));
    diff.put("late_counts", List.of(10L, 20L, 20L, 18L));
    r.put("difficulty", diff);
    Map<String, Object> ent = new LinkedHashMap<>();
    ent.put("iterations", List.of(0L, 150L, 300L));
    ent.put("field", list(1.79, 1.7, 1.65));
    ent.put("format", list(0.69, 0.6, 0.5));
    ent.put("field_max", 1.791759);
    ent.put("format_max", 0.693147);
    r.put("world", Map.of("countries", List.of("Sweden", "Qatar"), "facts", 144L));
    r.put("entropy", ent);
    Map<String, Object> checks = new LinkedHashMap<>();
    checks.put("probe_gain_ge_20_points", true);
    checks.put("coevolution_drop_ge_10_points", true);
    checks.put("late_reasoner_beats_early", false);
    r.put("checks", checks);
    return r;
  }

  private static void assertPng(Path p) throws IOException {
    assertTrue(Files.isRegularFile(p), p + " missing");
    BufferedImage img = ImageIO.read(p.toFile());
    assertNotNull(img, p + " is not a readable image");
    assertTrue(img.getWidth() > 100 && img.getHeight() > 100);
  }

  @Test
  void rendersAFullRunFolder() throws IOException {
    writeMetrics(300, 1);
    Files.writeString(dir.resolve("report.json"), Json.write(fullReport()));
    Path html = ReportRenderer.render(dir);
    assertEquals(dir.resolve("report.html"), html);
    String s = Files.readString(html);
    for (String png : List.of("probe.png", "difficulty.png", "coevolution.png", "entropy.png")) {
      assertPng(dir.resolve(png));
      assertTrue(s.contains("src=\"" + png + "\""), "html links " + png);
    }
    assertTrue(s.contains("(a) Reasoner: probe pass rate"));
    assertTrue(s.contains("<h2>Training curves</h2>") && s.contains("<svg "), "the published report's curves");
    assertTrue(s.contains("<h2>Final metrics</h2>") && s.contains("<code>challenger/valid_rate</code>"));
    assertFalse(Files.exists(dir.resolve("training.png")));
    assertTrue(s.contains("17.5% &rarr; 60.0%"), "probe headline");
    assertTrue(s.contains("+42.5 points"));
    assertTrue(s.contains("64.0% &rarr; 42.0%"), "co-evolution headline");
    assertTrue(s.contains("<span class=\"fail\">FAIL</span>"), "failed check shown");
    assertTrue(s.contains("learning_rate") && s.contains("3.0E-4") || s.contains("0.0003"), "settings table");
    assertTrue(s.contains("<td>seed</td><td>7</td>"));
    assertTrue(s.contains("<th>Challenger \\ Reasoner</th><th>60</th><th>300</th>"), "matrix table");
    assertTrue(s.contains("<td>0.5-0.75</td>") && s.contains("<td>0-0.25</td>"), "histogram bins");
    assertFalse(Files.exists(dir.resolve("report.html.tmp")));
    assertTrue(s.contains("<th>Challenger valid rate</th>") && s.contains("<td class=\"num\">90.0%</td></tr>"), "valid rates");
    assertTrue(s.contains("field 1.79, format 0.69"), "entropy maxima");
    assertTrue(s.contains("2: Sweden, Qatar"), "world table");
  }

  @Test
  void missingOptionalFieldsShowNa() throws IOException {
    Files.writeString(dir.resolve("report.json"), "{\"settings\": {\"countries\": 24}, \"probe\": {\"start\": 0.2}}");
    String s = Files.readString(ReportRenderer.render(dir));
    assertTrue(s.contains("n/a"));
    assertTrue(s.contains("no co-evolution matrix"));
    assertTrue(s.contains("no probe curve"));
    assertTrue(s.contains("no metrics.jsonl"));
    assertTrue(s.contains("20.0% &rarr; <span class=\"na\">n/a</span>"));
    assertFalse(Files.exists(dir.resolve("probe.png")));
  }

  @Test
  void metricsAloneAreEnough() throws IOException {
    writeMetrics(40, 2);
    String s = Files.readString(ReportRenderer.render(dir));
    assertTrue(s.contains("<h2>Training curves</h2>") && s.contains("<title>Training curves</title>"), "SVG chart");
    assertTrue(s.contains("reasoner/pass_rate"));
    assertTrue(s.contains("no probe curve"));
  }

  @Test
  void malformedMetricsLineNamesFileAndLine() throws IOException {
    Files.writeString(dir.resolve("metrics.jsonl"),
        "{\"iteration\": 0, \"metrics\": {\"loss\": 1.0}}\n\n{\"iteration\": 1, \"metrics\": {\"loss\": }\n");
    ReportException e = assertThrows(ReportException.class, () -> ReportRenderer.render(dir));
    assertTrue(e.getMessage().contains("metrics.jsonl line 3"), e.getMessage());
    assertFalse(Files.exists(dir.resolve("report.html")), "nothing written on failure");
  }

  @Test
  void wrongTypeInMetricsNamesField() throws IOException {
    Files.writeString(dir.resolve("metrics.jsonl"), "{\"iteration\": 0, \"metrics\": {\"loss\": \"high\"}}\n");
    ReportException e = assertThrows(ReportException.class, () -> ReportRenderer.render(dir));
    assertTrue(e.getMessage().contains("line 1") && e.getMessage().contains("metrics.loss"), e.getMessage());
  }

  @Test
  void wrongTypeInReportNamesField() throws IOException {
    Map<String, Object> r = fullReport();
    @SuppressWarnings("unchecked")
    Map<String, Object> probe = (Map<String, Object>) r.get("probe");
    probe.put("mcq", List.of(0.1, "x", 0.3, 0.4));
    Files.writeString(dir.resolve("report.json"), Json.write(r));
    ReportException e = assertThrows(ReportException.class, () -> ReportRenderer.render(dir));
    assertTrue(e.getMessage().contains("report.json") && e.getMessage().contains("probe.mcq[1]"), e.getMessage());
  }

  @Test
  void mismatchedMatrixNamesField() throws IOException {
    Map<String, Object> r = fullReport();
    @SuppressWarnings("unchecked")
    Map<String, Object> co = (Map<String, Object>) r.get("coevolution");
    co.put("matrix", List.of(list(0.5, 0.6), list(0.4)));
    Files.writeString(dir.resolve("report.json"), Json.write(r));
    ReportException e = assertThrows(ReportException.class, () -> ReportRenderer.render(dir));
    assertTrue(e.getMessage().contains("coevolution.matrix[1]"), e.getMessage());
  }

  @Test
  void malformedReportJsonNamesLine() throws IOException {
    Files.writeString(dir.resolve("report.json"), "{\n  \"seed\": 1,\n  \"iterations\": ,\n}", StandardCharsets.UTF_8);
    ReportException e = assertThrows(ReportException.class, () -> ReportRenderer.render(dir));
    assertTrue(e.getMessage().contains("report.json") && e.getMessage().contains("line 3"), e.getMessage());
  }

  @Test
  void emptyFolderIsAnError() {
    ReportException e = assertThrows(ReportException.class, () -> ReportRenderer.render(dir));
    assertTrue(e.getMessage().contains("metrics.jsonl") && e.getMessage().contains("report.json"));
  }
}
