package dev.spice.examples.report;

import static dev.spice.examples.report.Html.esc;
import static dev.spice.examples.report.Html.na;
import static dev.spice.examples.report.Html.pct;
import static dev.spice.examples.report.Html.points;

import dev.spice.core.internal.json.Json;
import dev.spice.examples.report.FreeTextRunData.Arm;
import dev.spice.examples.report.FreeTextRunData.Warm;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.jfree.data.xy.XYSeries;

/**
 * Turns the free-text quickstart's {@code report.json} into a self-contained {@code report.html}:
 * the run's settings in one line, the checks, the arms side by side with the warm-started model,
 * probe curves, the SPICE Challenger's valid rate and reasons for invalid tasks, the iteration time
 * split, and the co-evolution matrix. Plots are PNG images embedded as {@code data:} URIs, so the
 * page is one file. Values that are null in the JSON (how {@code Json} writes NaN) show as "n/a".
 *
 * <p>Runs headless (sets {@code java.awt.headless=true} unless the property is already set).
 * Thread-safe: each call is independent (two concurrent calls on the same folder race on the file).
 */
public final class FreeTextReportRenderer {
  /** Name of the JSON file read from the run folder. */
  public static final String REPORT_FILE = "report.json";
  /** Name of the HTML file written into the run folder. */
  public static final String HTML_FILE = "report.html";

  static final String SPICE = "spice";
  static final String VALID_RATE = "challenger/valid_rate";
  static final String MCQ_SHARE = "challenger/mcq_share";
  static final String INVALID_PREFIX = "challenger/invalid/";
  static final String STEP_TIME = "step_time";
  static final List<String> TIMING_PARTS = List.of("challenger_gen", "reasoner_gen", "verify", "reward", "update",
      "other");

  private FreeTextReportRenderer() {}

  /**
   * Renders {@code runDir/report.json} into {@code runDir/report.html}, replacing an earlier one.
   *
   * @param runDir the free-text quickstart's run folder
   * @return the written {@code report.html}
   * @throws ReportException if {@code report.json} is missing or malformed, a needed field is
   *     missing, a field has the wrong type (the message names the file and the field), or the page
   *     cannot be written; nothing is written then
   */
  public static Path render(Path runDir) {
    Path in = runDir.resolve(REPORT_FILE);
    if (!Files.isRegularFile(in)) {
      throw new ReportException("cannot read " + in + ": no such file (is " + runDir
          + " a free-text quickstart run folder?)");
    }
    FreeTextRunData data = FreeTextRunData.read(in);
    String name = runDir.toAbsolutePath().normalize().getFileName() == null ? runDir.toString()
        : runDir.toAbsolutePath().normalize().getFileName().toString();
    String html = new Page(data, name).build();
    Path out = runDir.resolve(HTML_FILE);
    Path tmp = runDir.resolve(HTML_FILE + ".tmp");
    try {
      Files.writeString(tmp, html, StandardCharsets.UTF_8);
      try {
        Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new ReportException("cannot write " + out + ": " + e, e);
    }
    return out;
  }

  /** Builds the HTML. */
  private static final class Page {
    private final FreeTextRunData d;
    private final String name;
    private final StringBuilder sb = new StringBuilder();

    Page(FreeTextRunData d, String name) {
      this.d = d;
      this.name = name;
    }

    String build() {
      String title = "SPICE free-text quickstart: " + esc(name);
      sb.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>").append(title)
          .append("</title>\n<style>\n")
          .append("body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;max-width:1000px;margin:2em auto;"
              + "padding:0 1em;color:#222}\n")
          .append("h1{border-bottom:2px solid #444}h2{margin-top:2em;border-bottom:1px solid #bbb}\n")
          .append("table{border-collapse:collapse;margin:.6em 0}td,th{border:1px solid #ccc;padding:.25em .6em;"
              + "text-align:left;font-variant-numeric:tabular-nums}th{background:#f2f2f2}\n")
          .append("td.num{text-align:right}.na{color:#888;font-style:italic}.pass{color:#137a13;font-weight:bold}"
              + ".fail{color:#b01515;font-weight:bold}\nimg{max-width:100%;border:1px solid #ddd}\n")
          .append(".lead{font-size:1.05em;line-height:1.5}small{color:#555}\n")
          .append("</style>\n</head>\n<body>\n<h1>").append(title).append("</h1>\n");
      sb.append("<p class=\"lead\">").append(FreeTextSections.description(d)).append("</p>\n");
      settings();
      FreeTextSections s = new FreeTextSections(d, sb);
      s.checks();
      sideBySide();
      probe();
      challenger();
      s.timing();
      s.coevolution();
      sb.append("<p class=\"na\">Generated by dev.spice.examples.report.FreeTextReportRenderer from ")
          .append(REPORT_FILE).append(".</p>\n</body>\n</html>\n");
      return sb.toString();
    }

    private void settings() {
      if (d.settings().isEmpty()) {
        return;
      }
      sb.append("<details><summary>All settings</summary>\n<table>\n<tr><th>setting</th><th>value</th></tr>\n");
      for (Map.Entry<String, Object> e : d.settings().entrySet()) {
        Object v = e.getValue();
        sb.append("<tr><td><code>").append(esc(e.getKey())).append("</code></td><td>")
            .append(v == null ? na() : esc(v instanceof String t ? t : Json.write(v)))
            .append("</td></tr>\n");
      }
      sb.append("</table>\n</details>\n");
    }

    private void sideBySide() {
      sb.append("<h2>Side by side: warm start and arms</h2>\n<p>Probe pass rate on the held-out countries at the "
          + "end of each arm, and its difference from the warm-started model every arm starts from.</p>\n");
      Warm w = d.warm();
      sb.append("<table>\n<tr><th>model</th><th>free form</th><th>&Delta;</th><th>multiple choice</th>"
          + "<th>&Delta;</th><th>overall</th><th>&Delta;</th><th>training time</th></tr>\n");
      sb.append("<tr><td>warm start</td>");
      for (double v : new double[] {w.free(), w.mcq(), w.overall()}) {
        sb.append(num(pct(v))).append("<td></td>");
      }
      sb.append(num(seconds(w.seconds()))).append("</tr>\n");
      for (Arm a : d.arms()) {
        sb.append("<tr><td><code>").append(esc(a.name())).append("</code>")
            .append(a.description() == null ? "" : "<br><small>" + esc(a.description()) + "</small>").append("</td>");
        double[][] pairs = {{Arm.last(a.free()), w.free()}, {Arm.last(a.mcq()), w.mcq()},
            {Arm.last(a.overall()), w.overall()}};
        for (double[] p : pairs) {
          sb.append(num(pct(p[0]))).append(num(points(100 * (p[0] - p[1]))));
        }
        sb.append(num(seconds(a.seconds()))).append("</tr>\n");
      }
      sb.append("</table>\n");
    }

    private void probe() {
      sb.append("<h2>Probe pass rate over iterations</h2>\n<p>Expected pass rate of each arm's Reasoner on the "
          + "fixed probe of held-out countries")
          .append(d.freeTasks() == null ? "" : " (" + d.freeTasks() + " free-form and " + d.mcqTasks()
              + " multiple-choice tasks)")
          .append("; the dashed line is the warm-started model.</p>\n");
      Warm w = d.warm();
      image("Probe overall pass rate per arm", Charts.panels("Probe pass rate (overall)", "iteration",
          new String[] {"overall pass rate"}, new XYSeries[][] {series(Arm::overall)}, new double[] {w.overall()},
          new String[] {"warm start " + plainPct(w.overall())}));
      image("Probe free-form and multiple-choice pass rates per arm", Charts.panels(
          "Probe pass rate by format", "iteration", new String[] {"free form", "multiple choice"},
          new XYSeries[][] {series(Arm::free), series(Arm::mcq)}, new double[] {w.free(), w.mcq()},
          new String[] {"warm start " + plainPct(w.free()), "warm start " + plainPct(w.mcq())}));
    }

    private XYSeries[] series(Function<Arm, double[]> curve) {
      List<XYSeries> out = new ArrayList<>();
      for (Arm a : d.arms()) {
        double[] y = curve.apply(a);
        if (y != null) {
          out.add(Charts.series(a.name(), doubles(a.probeIterations()), y));
        }
      }
      return out.toArray(new XYSeries[0]);
    }

    private void challenger() {
      Arm a = spiceArm(d);
      sb.append("<h2>Challenger of the <code>").append(esc(a.name()))
          .append("</code> arm: valid rate, multiple-choice share, invalid tasks</h2>\n");
      if (a.windows().length == 0) {
        sb.append("<p>").append(na()).append(": the arm has no windows.</p>\n");
        return;
      }
      sb.append("<p>Means over each window of iterations between two probes (x = the window's last iteration). "
          + "Valid rate in the arm's first iteration: ").append(pct(a.firstValidRate()))
          .append(". Each reason's share is the fraction of the Challenger's attempts rejected for it (absent in a "
              + "window: 0).</p>\n");
      double[] x = doubles(a.windows());
      List<String> reasons = a.keys(INVALID_PREFIX);
      List<String> labels = new ArrayList<>(List.of("rate"));
      List<XYSeries[]> panels = new ArrayList<>();
      panels.add(new XYSeries[] {Charts.series("valid rate", x, a.history(VALID_RATE, Double.NaN)),
          Charts.series("multiple-choice share", x, a.history(MCQ_SHARE, Double.NaN))});
      if (!reasons.isEmpty()) {
        labels.add("share of attempts");
        List<XYSeries> s = new ArrayList<>();
        for (String k : reasons) {
          s.add(Charts.series("invalid: " + k.substring(INVALID_PREFIX.length()), x, a.history(k, 0.0)));
        }
        panels.add(s.toArray(new XYSeries[0]));
      }
      image("Challenger valid rate, multiple-choice share and invalid reasons", Charts.panels(
          "Challenger of " + a.name(), "iteration", labels.toArray(new String[0]),
          panels.toArray(new XYSeries[0][]), null, null));
      sb.append("<table>\n<tr><th>window end</th><th>valid rate</th><th>multiple-choice share</th>");
      for (String k : reasons) {
        sb.append("<th>").append(esc(k.substring(INVALID_PREFIX.length()))).append("</th>");
      }
      sb.append("</tr>\n");
      for (int i = 0; i < a.windows().length; i++) {
        Map<String, Double> m = a.windowMetrics().get(i);
        sb.append("<tr><td>").append(a.windows()[i]).append("</td>")
            .append(num(pct(m.getOrDefault(VALID_RATE, Double.NaN))))
            .append(num(pct(m.getOrDefault(MCQ_SHARE, Double.NaN))));
        for (String k : reasons) {
          double v = m.getOrDefault(k, 0.0);
          sb.append(num(Double.isFinite(v) ? String.format(Locale.ROOT, "%.2f%%", 100 * v) : na()));
        }
        sb.append("</tr>\n");
      }
      sb.append("</table>\n");
    }

    private void image(String alt, byte[] png) {
      sb.append("<p><img src=\"data:image/png;base64,").append(Base64.getEncoder().encodeToString(png))
          .append("\" alt=\"").append(esc(alt)).append("\"></p>\n");
    }
  }

  /** The arm named {@value #SPICE}, else the first. */
  static Arm spiceArm(FreeTextRunData d) {
    return d.arms().stream().filter(a -> a.name().equals(SPICE)).findFirst().orElse(d.arms().get(0));
  }

  static double[] doubles(long[] v) {
    if (v == null) {
      return null;
    }
    double[] out = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = v[i];
    }
    return out;
  }

  static String num(String cell) {
    return "<td class=\"num\">" + cell + "</td>";
  }


  static String plainPct(double v) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%.1f%%", 100 * v) : "n/a";
  }


  static String seconds(double v) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%.1f s", v) : na();
  }
}
