package dev.spice.examples.report;

import static dev.spice.examples.report.Html.esc;
import static dev.spice.examples.report.Html.na;
import static dev.spice.examples.report.FreeTextReportRenderer.num;
import static dev.spice.examples.report.Html.pct;
import static dev.spice.examples.report.Html.points;

import dev.spice.examples.report.FreeTextRunData.Arm;
import dev.spice.examples.report.QuickstartReport.Coevolution;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The text-heavy sections of the free-text report page: the one-line description of the run, the
 * checks, the iteration time split and the co-evolution matrix. Appends to the page's builder.
 */
final class FreeTextSections {
  private static final String MINUS_PREFIX = "spice_minus_";
  private static final String POINTS_SUFFIX = "_points";

  private final FreeTextRunData d;
  private final StringBuilder sb;

  FreeTextSections(FreeTextRunData d, StringBuilder sb) {
    this.d = d;
    this.sb = sb;
  }

  /** The run in one line of HTML: world, probe, model, warm start, self-play, wall time. */
  static String description(FreeTextRunData d) {
    JsonFields f = new JsonFields(d.file());
    Map<String, Object> s = d.settings();
    Long countries = f.integer(s, "countries", "settings");
    Long perCountry = f.integer(s, "documents_per_country", "settings");
    List<String> fields = fields(f, s);
    List<String> arms = new ArrayList<>();
    d.arms().forEach(a -> arms.add("<code>" + esc(a.name()) + "</code>"));
    StringBuilder o = new StringBuilder();
    o.append(n(countries)).append(" countries &times; ").append(fields == null ? na() : fields.size())
        .append(" fields").append(fields == null ? "" : " (" + esc(String.join(", ", fields)) + ")").append(", ")
        .append(countries == null || perCountry == null ? na() : Long.toString(countries * perCountry))
        .append(" documents (").append(n(perCountry)).append(" per country); probe ").append(n(d.freeTasks()))
        .append(" free-form + ").append(n(d.mcqTasks())).append(" multiple-choice tasks on held-out countries. ")
        .append("Model: ").append(d.parameters() == null ? na() : String.format(Locale.ROOT, "%,d", d.parameters()))
        .append(" parameters (hidden ").append(n(f.integer(s, "hidden_size", "settings"))).append(", ")
        .append(n(f.integer(s, "layers", "settings"))).append(" layers, ").append(n(f.integer(s, "heads", "settings")))
        .append(" heads). Warm start: ").append(n(f.integer(s, "warm_steps", "settings"))).append(" steps (")
        .append(FreeTextReportRenderer.seconds(d.warm().seconds())).append("). Self-play: ")
        .append(n(f.integer(s, "iterations", "settings"))).append(" iterations per arm, B = ")
        .append(n(f.integer(s, "batch_size", "settings"))).append(", G<sub>C</sub> = ")
        .append(n(f.integer(s, "challenger_group", "settings"))).append(", G<sub>R</sub> = ")
        .append(n(f.integer(s, "reasoner_group", "settings"))).append("; arms ").append(String.join(", ", arms))
        .append(". Wall time ").append(Double.isFinite(d.wallSeconds())
            ? String.format(Locale.ROOT, "%.1f s (%.1f min)", d.wallSeconds(), d.wallSeconds() / 60) : na())
        .append('.');
    return o.toString();
  }

  private static List<String> fields(JsonFields f, Map<String, Object> s) {
    Object v = s.get("fields");
    if (v == null) {
      return null;
    }
    if (v instanceof String t) {
      List<String> out = new ArrayList<>();
      for (String p : t.split(",")) {
        if (!p.isBlank()) {
          out.add(p.strip());
        }
      }
      return out;
    }
    return f.strings(s, "fields", "settings");
  }

  private static String n(Long v) {
    return v == null ? na() : Long.toString(v);
  }

  /** The checks table: verdict and the figures behind each check. */
  void checks() {
    sb.append("<h2>Checks</h2>\n<table>\n<tr><th>check</th><th>meaning</th><th>result</th><th>figures</th></tr>\n");
    Map<String, String[]> known = new LinkedHashMap<>();
    known.put("probe_gain_ok", new String[] {"SPICE's probe pass rate gains at least 20 points over the warm start "
        + "overall and at least 10 in each format", "overall " + points(d.figure("probe_gain_points"))
        + ", free form " + points(d.figure("probe_free_gain_points")) + ", multiple choice "
        + points(d.figure("probe_mcq_gain_points"))});
    known.put("valid_rate_rising_ok", new String[] {"SPICE Challenger's valid rate rises from its first iteration to "
        + "the last window", pct(d.figure("valid_rate_start")) + " &rarr; " + pct(d.figure("valid_rate_end"))});
    known.put("coevolution_ok", new String[] {"the early Reasoner's pass rate drops at least 10 points from the early "
        + "to the late Challenger's tasks", "drop " + points(d.figure("coevolution_drop_points"))});
    known.put("beats_baselines_ok", new String[] {"SPICE ends above every baseline arm and above the warm start",
        margins()});
    for (String k : d.checks().keySet()) {
      if (k.endsWith("_ok") && !known.containsKey(k)) {
        known.put(k, new String[] {"", ""});
      }
    }
    for (Map.Entry<String, String[]> e : known.entrySet()) {
      Boolean v = d.check(e.getKey());
      sb.append("<tr><td><code>").append(esc(e.getKey())).append("</code></td><td>").append(esc(e.getValue()[0]))
          .append("</td><td>")
          .append(v == null ? na() : v ? "<span class=\"pass\">PASS</span>" : "<span class=\"fail\">FAIL</span>")
          .append("</td><td>").append(e.getValue()[1]).append("</td></tr>\n");
    }
    sb.append("</table>\n");
  }

  private String margins() {
    List<String> out = new ArrayList<>();
    for (String k : d.checks().keySet()) {
      if (k.startsWith(MINUS_PREFIX) && k.endsWith(POINTS_SUFFIX) && k.length() > MINUS_PREFIX.length()
          + POINTS_SUFFIX.length()) {
        String other = k.substring(MINUS_PREFIX.length(), k.length() - POINTS_SUFFIX.length());
        out.add("<code>spice</code> &minus; <code>" + esc(other) + "</code>: " + points(d.figure(k)));
      }
    }
    return out.isEmpty() ? na() : String.join("<br>", out);
  }

  /** The iteration time split table: mean over windows, in ms and % of the step time. */
  void timing() {
    sb.append("<h2>Iteration time split</h2>\n<p>Mean over the windows of each part of an iteration, in "
        + "milliseconds and as a share of the whole step time.</p>\n<table>\n<tr><th>arm</th>");
    for (String p : FreeTextReportRenderer.TIMING_PARTS) {
      sb.append("<th>").append(esc(p)).append("</th>");
    }
    sb.append("<th>step_time</th></tr>\n");
    for (Arm a : d.arms()) {
      double step = a.meanOverWindows(FreeTextReportRenderer.STEP_TIME);
      sb.append("<tr><td><code>").append(esc(a.name())).append("</code></td>");
      for (String p : FreeTextReportRenderer.TIMING_PARTS) {
        double v = a.meanOverWindows("timing_s/" + p);
        sb.append(num(ms(v) + (Double.isFinite(v) && Double.isFinite(step) && step > 0
            ? String.format(Locale.ROOT, "<br><small>%.1f%%</small>", 100 * v / step) : "")));
      }
      sb.append(num(ms(step))).append("</tr>\n");
    }
    sb.append("</table>\n");
  }

  private static String ms(double seconds) {
    return Double.isFinite(seconds) ? String.format(Locale.ROOT, "%.2f ms", 1000 * seconds) : na();
  }

  /** The co-evolution heat map, its table and the headline numbers. */
  void coevolution() {
    sb.append("<h2>Co-evolution</h2>\n");
    Coevolution c = d.coevolution();
    if (c == null || c.matrix() == null || c.matrix().length == 0) {
      sb.append("<p>").append(na()).append(": report.json has no co-evolution matrix.</p>\n");
    } else {
      double[][] m = c.matrix();
      String[] rows = labels(c.challengerCheckpoints(), m.length, "C");
      String[] cols = labels(c.reasonerCheckpoints(), m[0].length, "R");
      sb.append("<p>Checkpoints of the <code>").append(esc(FreeTextReportRenderer.spiceArm(d).name()))
          .append("</code> arm. Cell = pass rate of the Reasoner of a column's checkpoint on the tasks written by "
              + "the Challenger of a row's checkpoint. Down a column: one Reasoner against ever later Challengers "
              + "(falls if the Challenger learns harder tasks). Along a row: ever later Reasoners on the same tasks "
              + "(rises if the Reasoner improves). Early checkpoints ").append(list(c.earlyCheckpoints()))
          .append(", late checkpoints ").append(list(c.lateCheckpoints())).append(".</p>\n");
      sb.append("<p><img src=\"data:image/png;base64,").append(Base64.getEncoder().encodeToString(
          Charts.heatmap("Co-evolution pass rates", rows, cols, m))).append("\" alt=\"Co-evolution heat map\"></p>\n");
      double[] valid = c.challengerValidRate();
      sb.append("<table>\n<tr><th>Challenger \\ Reasoner</th>");
      for (String l : cols) {
        sb.append("<th>").append(esc(l)).append("</th>");
      }
      sb.append(valid == null ? "" : "<th>Challenger valid rate</th>").append("</tr>\n");
      for (int i = 0; i < m.length; i++) {
        sb.append("<tr><th>").append(esc(rows[i])).append("</th>");
        for (int j = 0; j < m[i].length; j++) {
          sb.append("<td class=\"num\" style=\"background:").append(Charts.hex(Charts.passRateColor(m[i][j])))
              .append("\">").append(pct(m[i][j])).append("</td>");
        }
        sb.append(valid == null ? "" : num(pct(valid[i]))).append("</tr>\n");
      }
      sb.append("</table>\n");
    }
    boolean none = c == null;
    sb.append("<table>\n<tr><th>headline</th><th>value</th></tr>\n");
    headline("early Reasoner on early Challenger's tasks", pct(none ? Double.NaN : c.earlyOnEarly()));
    headline("early Reasoner on late Challenger's tasks", pct(none ? Double.NaN : c.earlyOnLate()));
    headline("late Reasoner on early Challenger's tasks", pct(none ? Double.NaN : c.lateOnEarly()));
    headline("drop (early Reasoner, early &rarr; late tasks)", points(none ? Double.NaN : c.dropPoints()));
    headline("late gain (late vs early Reasoner on early tasks)", points(none ? Double.NaN : c.lateGainPoints()));
    sb.append("</table>\n");
  }

  private void headline(String label, String value) {
    sb.append("<tr><td>").append(label).append("</td>").append(num(value)).append("</tr>\n");
  }

  private static String[] labels(long[] checkpoints, int n, String prefix) {
    String[] out = new String[n];
    for (int i = 0; i < n; i++) {
      out[i] = checkpoints == null ? prefix + i : Long.toString(checkpoints[i]);
    }
    return out;
  }

  private static String list(long[] v) {
    if (v == null) {
      return na();
    }
    List<String> parts = new ArrayList<>();
    for (long x : v) {
      parts.add(Long.toString(x));
    }
    return String.join(", ", parts);
  }
}
