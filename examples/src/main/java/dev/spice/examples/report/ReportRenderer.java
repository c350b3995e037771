package dev.spice.examples.report;

import static dev.spice.examples.report.Html.esc;
import static dev.spice.examples.report.Html.na;
import static dev.spice.examples.report.Html.pct;
import static dev.spice.examples.report.Html.points;

import dev.spice.core.internal.json.Json;
import dev.spice.examples.report.QuickstartReport.Checks;
import dev.spice.examples.report.QuickstartReport.Coevolution;
import dev.spice.examples.report.QuickstartReport.Difficulty;
import dev.spice.examples.report.QuickstartReport.Entropy;
import dev.spice.examples.report.QuickstartReport.Probe;
import dev.spice.report.ReportException;
import dev.spice.report.RunReport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jfree.data.xy.XYSeries;

/**
 * Turns the pointer-game quickstart's run folder into {@code report.html} with PNG plots next to it:
 * the quickstart's own sections (probe, difficulty, co-evolution, Challenger entropy, checks) and,
 * from {@code metrics.jsonl}, the published {@link RunReport}'s training curves (inline SVG) and
 * final metrics.
 *
 * <p>Reads {@code metrics.jsonl} (one {@code {"iteration": n, "metrics": {...}}} per line, as
 * written by {@code SelfPlayListeners.jsonl}, NaN as null) and {@code report.json} (the
 * quickstart's summary: settings, probe pass rates, co-evolution matrix, difficulty histogram,
 * Challenger entropy, checks). Either file may be missing, and so may any section or field of
 * {@code report.json}: the report then shows "n/a" there. A file that is present but malformed, or
 * a value of the wrong type, is an error naming the file, the line and the field.
 *
 * <p>Writes, replacing earlier versions: {@code report.html}, and where the data exist
 * {@code probe.png}, {@code difficulty.png}, {@code coevolution.png},
 * {@code entropy.png}. The HTML links the images by relative path, so the folder can be moved or
 * zipped as a whole. Everything is drawn in memory first; nothing is written if reading or drawing
 * fails. Runs headless (sets {@code java.awt.headless=true} unless the property is already set).
 * Thread-safe: each call is independent (two concurrent calls on the same folder race on the files).
 */
public final class ReportRenderer {
  /** Name of the HTML file written into the run folder. */
  public static final String HTML_FILE = "report.html";

  private ReportRenderer() {}

  /**
   * Renders the report of a run folder.
   *
   * @param runDir the run folder holding {@code metrics.jsonl} and/or {@code report.json}
   * @return the written {@code report.html}
   * @throws ReportException if the folder holds neither file, a file is malformed (naming file,
   *     line and field), or a file cannot be written
   */
  public static Path render(Path runDir) {
    RunData data = RunData.read(runDir);
    Map<String, byte[]> images = new LinkedHashMap<>();
    String html = new Page(data, images).build();
    for (Map.Entry<String, byte[]> e : images.entrySet()) {
      write(runDir.resolve(e.getKey()), e.getValue());
    }
    Path out = runDir.resolve(HTML_FILE);
    write(out, html.getBytes(StandardCharsets.UTF_8));
    return out;
  }

  private static void write(Path target, byte[] bytes) {
    Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
    try {
      Files.write(tmp, bytes);
      try {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new ReportException("cannot write " + target + ": " + e, e);
    }
  }

  /** Builds the HTML and collects the images it links. */
  private static final class Page {
    private final RunData d;
    private final QuickstartReport r;
    private final Map<String, byte[]> images;
    private final StringBuilder sb = new StringBuilder();

    Page(RunData d, Map<String, byte[]> images) {
      this.d = d;
      this.r = d.report();
      this.images = images;
    }

    String build() {
      String name = d.runDir().toAbsolutePath().normalize().getFileName() == null ? d.runDir().toString()
          : d.runDir().toAbsolutePath().normalize().getFileName().toString();
      sb.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>SPICE run report: ")
          .append(esc(name)).append("</title>\n<style>\n")
          .append(Html.STYLE)
          .append(".headline{display:flex;gap:1em;flex-wrap:wrap}.card{border:1px solid #ccc;border-radius:6px;"
              + "padding:.6em 1em;min-width:14em}.card b{font-size:1.5em;display:block}\n")
          .append("</style>\n</head>\n<body>\n<h1>SPICE run report: ").append(esc(name)).append("</h1>\n");
      summary();
      settings();
      probe();
      runReport(RunReport.Section.TRAINING_CURVES, "Training curves");
      difficulty();
      coevolution();
      entropy();
      runReport(RunReport.Section.FINAL_METRICS, "Final metrics");
      sb.append("<p class=\"na\">Generated by dev.spice.examples.report.ReportRenderer from ")
          .append(d.hasMetrics() ? RunData.METRICS_FILE : "")
          .append(d.hasMetrics() && d.hasReport() ? " and " : "")
          .append(d.hasReport() ? RunData.REPORT_FILE : "").append(".</p>\n</body>\n</html>\n");
      return sb.toString();
    }

    private void summary() {
      sb.append("<h2>Summary</h2>\n<div class=\"headline\">\n");
      Probe p = r.probe();
      card("Probe pass rate (start &rarr; end)", p == null ? null
          : pct(p.start()) + " &rarr; " + pct(p.end()), p == null ? null : "gain " + points(p.gainPoints()));
      Coevolution c = r.coevolution();
      card("Early Reasoner: early vs late Challenger's tasks", c == null ? null
          : pct(c.earlyOnEarly()) + " &rarr; " + pct(c.earlyOnLate()), c == null ? null : "drop " + points(c.dropPoints()));
      card("Late Reasoner on early Challenger's tasks", c == null ? null : pct(c.lateOnEarly()),
          c == null ? null : "gain over early Reasoner " + points(c.lateGainPoints()));
      sb.append("</div>\n");
      checks();
    }

    private void card(String title, String big, String small) {
      sb.append("<div class=\"card\">").append(title).append("<b>").append(big == null ? na() : big).append("</b>")
          .append(small == null ? "" : small).append("</div>\n");
    }

    private void checks() {
      sb.append("<h3>Checks</h3>\n");
      Map<String, String> known = new LinkedHashMap<>();
      known.put(Checks.PROBE_GAIN, "Probe pass rate gained at least 20 points");
      known.put(Checks.COEVOLUTION_DROP,
          "Early Reasoner's pass rate drops at least 10 points from early to late Challenger's tasks");
      known.put(Checks.LATE_BEATS_EARLY, "Late Reasoner beats the early one on the early Challenger's tasks");
      Map<String, Object> checks = r.checks() == null ? Map.of() : r.checks().toMap();
      sb.append("<table>\n<tr><th>check</th><th>meaning</th><th>result</th></tr>\n");
      for (Map.Entry<String, String> k : known.entrySet()) {
        Boolean v = (Boolean) checks.get(k.getKey());
        sb.append("<tr><td><code>").append(esc(k.getKey())).append("</code></td><td>")
            .append(esc(k.getValue())).append("</td><td>")
            .append(v == null ? na() : v ? "<span class=\"pass\">PASS</span>" : "<span class=\"fail\">FAIL</span>")
            .append("</td></tr>\n");
      }
      sb.append("</table>\n");
    }

    private void settings() {
      sb.append("<h2>Settings</h2>\n<table>\n<tr><th>setting</th><th>value</th></tr>\n");
      row("seed", r.seed() == null ? null : r.seed().toString());
      row("iterations", r.iterations() == null ? null : r.iterations().toString());
      row("wall time", Double.isFinite(r.wallSeconds())
          ? String.format(Locale.ROOT, "%.1f s (%.1f min)", r.wallSeconds(), r.wallSeconds() / 60) : null);
      row("iterations in metrics.jsonl", d.hasMetrics() ? Integer.toString(d.metrics().size()) : null);
      for (Map.Entry<String, Object> e : r.settings().entrySet()) {
        Object v = e.getValue();
        row(e.getKey(), v == null ? null : v instanceof String ? (String) v : Json.write(v));
      }
      sb.append("</table>\n");
      Map<String, Object> world = r.world() == null ? Map.of() : r.world().toMap();
      if (!world.isEmpty()) {
        sb.append("<h3>World</h3>\n<table>\n<tr><th>property</th><th>value</th></tr>\n");
        for (Map.Entry<String, Object> e : world.entrySet()) {
          Object v = e.getValue();
          row(e.getKey(), v == null ? null : v instanceof List<?> l ? join(l) : v instanceof String t ? t : Json.write(v));
        }
        sb.append("</table>\n");
      }
    }

    private static String join(List<?> l) {
      List<String> parts = new ArrayList<>();
      l.forEach(x -> parts.add(String.valueOf(x)));
      return l.size() + ": " + String.join(", ", parts);
    }

    private void row(String k, String v) {
      sb.append("<tr><td>").append(esc(k)).append("</td><td>").append(v == null ? na() : esc(v)).append("</td></tr>\n");
    }

    private void probe() {
      sb.append("<h2>(a) Reasoner: probe pass rate over time</h2>\n");
      Probe p = r.probe();
      if (p == null || p.iterations() == null || p.iterations().length == 0) {
        sb.append("<p>").append(na()).append(": report.json has no probe curve.</p>\n");
        return;
      }
      sb.append("<p>Expected pass rate of the Reasoner on the fixed probe set (computed exactly from the model's "
          + "probability of the gold answer), by task format.</p>\n");
      List<XYSeries> s = new ArrayList<>();
      if (p.mcq() != null) {
        s.add(Charts.series("multiple choice", doubles(p.iterations()), p.mcq()));
      }
      if (p.free() != null) {
        s.add(Charts.series("free form", doubles(p.iterations()), p.free()));
      }
      if (p.overall() != null) {
        s.add(Charts.series("overall", doubles(p.iterations()), p.overall()));
      }
      image("probe.png", "Probe pass rate", Charts.lines("Reasoner probe pass rate", "iteration", "pass rate",
          s.toArray(new XYSeries[0])));
      sb.append("<table>\n<tr><th></th><th>start</th><th>end</th><th>gain</th></tr>\n<tr><td>overall</td><td class=\"num\">")
          .append(pct(p.start())).append("</td><td class=\"num\">").append(pct(p.end()))
          .append("</td><td class=\"num\">").append(points(p.gainPoints())).append("</td></tr>\n");
      formatRow("multiple choice", p.mcq());
      formatRow("free form", p.free());
      sb.append("</table>\n");
    }

    private void formatRow(String label, double[] v) {
      if (v == null || v.length == 0) {
        return;
      }
      double a = v[0];
      double b = v[v.length - 1];
      sb.append("<tr><td>").append(label).append("</td><td class=\"num\">").append(pct(a))
          .append("</td><td class=\"num\">").append(pct(b)).append("</td><td class=\"num\">")
          .append(points(100 * (b - a))).append("</td></tr>\n");
    }

    /** A section of the published run report over this folder's metrics.jsonl, or an n/a note. */
    private void runReport(RunReport.Section section, String heading) {
      String body = d.metrics().isEmpty() ? ""
          : RunReport.builder().runFolder(d.runDir()).sections(section).build().bodyHtml();
      if (body.isEmpty()) {
        sb.append("<h2>").append(heading).append("</h2>\n<p>").append(na())
            .append(": no metrics.jsonl (or it is empty, or holds none of the main metrics).</p>\n");
      } else {
        sb.append(body);
      }
    }

    private void difficulty() {
      sb.append("<h2>(b) Difficulty: distribution of task pass rates, early vs late</h2>\n");
      Difficulty f = r.difficulty();
      long[] counts = f == null ? null : f.earlyCounts() != null ? f.earlyCounts() : f.lateCounts();
      if (counts == null || counts.length == 0) {
        sb.append("<p>").append(na()).append(": report.json has no difficulty histogram.</p>\n");
        return;
      }
      String[] bins = new String[counts.length];
      for (int i = 0; i < bins.length; i++) {
        bins[i] = f.binEdges() == null ? "bin " + i
            : edge(f.binEdges()[i]) + "-" + edge(f.binEdges()[i + 1]);
      }
      sb.append("<p>Share of the Challenger's valid tasks by the Reasoner's pass rate on them. Tasks near 0.5 are "
          + "at the frontier, where the variance reward peaks.</p>\n");
      image("difficulty.png", "Difficulty histogram",
          Charts.histogram("Task pass rate distribution", bins, doubles(f.earlyCounts()), doubles(f.lateCounts())));
      sb.append("<table>\n<tr><th>pass rate</th><th>early (tasks)</th><th>late (tasks)</th></tr>\n");
      for (int i = 0; i < bins.length; i++) {
        sb.append("<tr><td>").append(bins[i]).append("</td><td class=\"num\">").append(count(f.earlyCounts(), i))
            .append("</td><td class=\"num\">").append(count(f.lateCounts(), i)).append("</td></tr>\n");
      }
      sb.append("</table>\n");
    }

    private void coevolution() {
      sb.append("<h2>(c) Co-evolution: Reasoner checkpoints on Challenger checkpoints' tasks</h2>\n");
      Coevolution c = r.coevolution();
      if (c == null || c.matrix() == null || c.matrix().length == 0) {
        sb.append("<p>").append(na()).append(": report.json has no co-evolution matrix.</p>\n");
      } else {
        double[][] m = c.matrix();
        int cols = m[0].length;
        String[] rows = new String[m.length];
        String[] colLabels = new String[cols];
        for (int i = 0; i < rows.length; i++) {
          rows[i] = c.challengerCheckpoints() == null ? "C" + i : Long.toString(c.challengerCheckpoints()[i]);
        }
        for (int j = 0; j < cols; j++) {
          colLabels[j] = c.reasonerCheckpoints() == null ? "R" + j : Long.toString(c.reasonerCheckpoints()[j]);
        }
        sb.append("<p>Cell = pass rate of the Reasoner of a column's checkpoint on the tasks written by the "
            + "Challenger of a row's checkpoint. Reading down a column: a fixed Reasoner against ever later "
            + "Challengers (falls if the Challenger learns harder tasks). Reading along a row: ever later "
            + "Reasoners on fixed tasks (rises if the Reasoner improves).</p>\n");
        image("coevolution.png", "Co-evolution heat map",
            Charts.heatmap("Co-evolution pass rates", rows, colLabels, m));
        double[] valid = c.challengerValidRate();
        sb.append("<table>\n<tr><th>Challenger \\ Reasoner</th>");
        for (String l : colLabels) {
          sb.append("<th>").append(esc(l)).append("</th>");
        }
        sb.append(valid == null ? "" : "<th>Challenger valid rate</th>").append("</tr>\n");
        for (int i = 0; i < m.length; i++) {
          sb.append("<tr><th>").append(esc(rows[i])).append("</th>");
          for (int j = 0; j < m[i].length; j++) {
            sb.append("<td class=\"num\" style=\"background:").append(Charts.hex(Charts.passRateColor(m[i][j])))
                .append("\">").append(pct(m[i][j])).append("</td>");
          }
          if (valid != null) {
            sb.append("<td class=\"num\">").append(pct(valid[i])).append("</td>");
          }
          sb.append("</tr>\n");
        }
        sb.append("</table>\n");
      }
      sb.append("<table>\n<tr><th>headline</th><th>value</th><th>paper (Figure 3)</th></tr>\n");
      headline("early Reasoner on early Challenger's tasks", c == null ? Double.NaN : c.earlyOnEarly(), "55%", false);
      headline("early Reasoner on late Challenger's tasks", c == null ? Double.NaN : c.earlyOnLate(), "35%", false);
      headline("late Reasoner on early Challenger's tasks", c == null ? Double.NaN : c.lateOnEarly(), "85%", false);
      headline("drop (early Reasoner, early &rarr; late tasks)", c == null ? Double.NaN : c.dropPoints(),
          "20 points", true);
      headline("late gain (late vs early Reasoner on early tasks)", c == null ? Double.NaN : c.lateGainPoints(),
          "30 points", true);
      sb.append("</table>\n");
      checks();
    }

    private void headline(String label, double v, String paper, boolean isPoints) {
      sb.append("<tr><td>").append(label).append("</td><td class=\"num\">").append(isPoints ? points(v) : pct(v))
          .append("</td><td class=\"num\">").append(paper).append("</td></tr>\n");
    }

    private void entropy() {
      sb.append("<h2>(d) Challenger diversity: field and format entropy</h2>\n");
      Entropy e = r.entropy();
      if (e == null || (e.field() == null && e.format() == null)) {
        sb.append("<p>").append(na()).append(": report.json has no entropy curves.</p>\n");
        return;
      }
      sb.append("<p>Entropy (nats) of the fact field and of the task format the Challenger chose. A fall to 0 means "
          + "the Challenger collapsed onto one field or one format. Maximum (uniform choice): field ")
          .append(nats(e.fieldMax())).append(", format ").append(nats(e.formatMax())).append(".</p>\n");
      List<XYSeries> s = new ArrayList<>();
      if (e.field() != null) {
        s.add(Charts.series("field entropy", doubles(e.iterations()), e.field()));
      }
      if (e.format() != null) {
        s.add(Charts.series("format entropy", doubles(e.iterations()), e.format()));
      }
      image("entropy.png", "Challenger entropy",
          Charts.lines("Challenger entropy", e.iterations() == null ? "sample" : "iteration", "entropy (nats)",
              s.toArray(new XYSeries[0])));
    }

    private void image(String file, String alt, byte[] png) {
      images.put(file, png);
      sb.append("<p><img src=\"").append(file).append("\" alt=\"").append(esc(alt)).append("\"></p>\n");
    }

    private static String count(long[] c, int i) {
      return c == null ? na() : Long.toString(c[i]);
    }

    /** The values as doubles; {@code null} stays {@code null}. */
    private static double[] doubles(long[] v) {
      if (v == null) {
        return null;
      }
      double[] out = new double[v.length];
      for (int i = 0; i < v.length; i++) {
        out[i] = v[i];
      }
      return out;
    }

    /** A bin edge with at most three decimals and no trailing zeros: 0, 0.125, 0.5, 1. */
    private static String edge(double v) {
      String t = String.format(Locale.ROOT, "%.3f", v);
      t = t.replaceAll("0+$", "");
      return t.endsWith(".") ? t.substring(0, t.length() - 1) : t;
    }

    private static String nats(double v) {
      return Double.isFinite(v) ? String.format(Locale.ROOT, "%.2f", v) : na();
    }
  }
}
