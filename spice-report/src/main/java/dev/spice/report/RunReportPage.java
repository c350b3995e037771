package dev.spice.report;

import static dev.spice.report.Html.cell;
import static dev.spice.report.Html.esc;
import static dev.spice.report.Html.na;
import static dev.spice.report.Html.num;
import static dev.spice.report.Html.pct;

import dev.spice.core.engine.MetricNames;
import dev.spice.core.engine.WarmStartMetricNames;
import dev.spice.report.RunReport.Section;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** The sections of a {@link RunReport}, from a metrics log and a completion log (either may be null). */
final class RunReportPage {
  /** The metrics of the overview and the training curves, in the order shown. */
  static final List<String> MAIN = List.of(MetricNames.REASONER_PASS_RATE, MetricNames.CHALLENGER_VALID_RATE,
      MetricNames.REASONER_REWARD, MetricNames.CHALLENGER_REWARD, MetricNames.LOSS, MetricNames.TOKENS_PER_SECOND,
      WarmStartMetricNames.LOSS, WarmStartMetricNames.TOKENS_PER_SECOND);
  /** Metrics shown as percentages. */
  private static final Set<String> RATES = Set.of(MetricNames.REASONER_PASS_RATE, MetricNames.CHALLENGER_VALID_RATE);

  private final Set<Section> sections;
  private final MetricsLog log;
  private final ChallengerTasks tasks;

  RunReportPage(Set<Section> sections, MetricsLog log, ChallengerTasks tasks) {
    this.sections = sections;
    this.log = log;
    this.tasks = tasks;
  }

  /** The HTML of the chosen sections that have data. */
  String body() {
    StringBuilder sb = new StringBuilder(32_768);
    for (Section s : sections) {
      switch (s) {
        case OVERVIEW -> overview(sb);
        case TRAINING_CURVES -> curves(sb);
        case CHALLENGER_INVALID -> invalid(sb);
        case TIMING -> timing(sb);
        case CHALLENGER_TASKS -> {
          if (tasks != null) {
            tasks.write(sb);
          }
        }
        case FINAL_METRICS -> finalMetrics(sb);
        default -> throw new IllegalStateException("unknown section " + s);
      }
    }
    return sb.toString();
  }

  /** The number of iterations in the first and the last tenth of the run: at least 1. */
  private int tenth() {
    return Math.max(1, log.size() / 10);
  }

  private void overview(StringBuilder sb) {
    if (log == null) {
      return;
    }
    sb.append("<h2>Overview</h2>\n<table>\n<tr><th></th><th>value</th></tr>\n");
    long[] it = log.iterations();
    row(sb, "iterations in " + log.file().getFileName(), it.length == 0 ? na()
        : it.length + " (" + it[0] + " to " + it[it.length - 1] + ")");
    String stepTime = !log.has(MetricNames.STEP_TIME) && log.has(WarmStartMetricNames.STEP_TIME)
        ? WarmStartMetricNames.STEP_TIME : MetricNames.STEP_TIME;
    double wall = sum(log.series(stepTime));
    row(sb, "wall time (sum of " + stepTime + ")", Double.isFinite(wall)
        ? String.format(Locale.ROOT, "%.1f s (%.1f min)", wall, wall / 60) : na());
    sb.append("</table>\n");
    List<String> shown = MAIN.stream().filter(log::has).toList();
    if (shown.isEmpty()) {
      return;
    }
    int k = tenth();
    sb.append("<p>Means over the first and the last ").append(k).append(k == 1 ? " iteration" : " iterations")
        .append(" (a tenth of the run; NaN skipped).</p>\n<table>\n<tr><th>metric</th><th>start</th><th>end</th>"
            + "<th>change</th></tr>\n");
    for (String m : shown) {
      double[] y = log.series(m);
      double a = mean(y, 0, k);
      double b = mean(y, y.length - k, y.length);
      boolean rate = RATES.contains(m);
      sb.append("<tr><td><code>").append(esc(m)).append("</code></td>").append(cell(rate ? pct(a) : num(a)))
          .append(cell(rate ? pct(b) : num(b))).append(cell(rate ? points(b - a) : signed(b - a))).append("</tr>\n");
    }
    sb.append("</table>\n");
  }

  private void curves(StringBuilder sb) {
    if (log == null) {
      return;
    }
    List<SvgCharts.Panel> panels = new ArrayList<>();
    for (String m : MAIN) {
      if (log.has(m)) {
        panels.add(SvgCharts.smoothed(m, log.series(m), SvgCharts.PALETTE[panels.size() % SvgCharts.PALETTE.length]));
      }
    }
    if (panels.isEmpty()) {
      return;
    }
    sb.append("<h2>Training curves</h2>\n<p>Per-iteration values (light) and their trailing moving average (dark). "
        + "<code>reasoner/pass_rate</code> is measured on the Challenger's current tasks, so it mixes the "
        + "Reasoner's skill and the tasks' difficulty.</p>\n")
        .append(SvgCharts.chart("Training curves", log.iterations(), panels, false));
  }

  private void invalid(StringBuilder sb) {
    if (log == null) {
      return;
    }
    List<String> codes = log.namesStartingWith(MetricNames.CHALLENGER_INVALID_PREFIX);
    if (codes.isEmpty()) {
      return;
    }
    int prefix = MetricNames.CHALLENGER_INVALID_PREFIX.length();
    sb.append("<h2>Invalid Challenger tasks</h2>\n<p>Share of the Challenger's attempts rejected for each reason "
        + "(<code>challenger/invalid/&lt;code&gt;</code>; absent in an iteration: 0), as a moving average.</p>\n");
    List<SvgCharts.Line> lines = new ArrayList<>();
    int w = SvgCharts.window(log.size());
    for (String c : codes) {
      lines.add(new SvgCharts.Line(c.substring(prefix), SvgCharts.movingAverage(zeroIfAbsent(c), w),
          SvgCharts.PALETTE[lines.size() % SvgCharts.PALETTE.length], 1, 2));
    }
    sb.append(SvgCharts.chart("Invalid Challenger tasks by reason", log.iterations(),
        List.of(new SvgCharts.Panel("share of attempts (moving average over " + w + ")", lines)), true));
    int k = tenth();
    sb.append("<table>\n<tr><th>reason</th><th>whole run</th><th>last ").append(k).append("</th></tr>\n");
    for (String c : codes) {
      double[] y = zeroIfAbsent(c);
      sb.append("<tr><td><code>").append(esc(c.substring(prefix))).append("</code></td>")
          .append(cell(pct(mean(y, 0, y.length)))).append(cell(pct(mean(y, y.length - k, y.length))))
          .append("</tr>\n");
    }
    sb.append("</table>\n");
  }

  /** A metric's values with 0 for an iteration that lacks it (a count-like share absent means none). */
  private double[] zeroIfAbsent(String name) {
    double[] y = new double[log.size()];
    int i = 0;
    for (Map<String, Double> m : log.byIteration().values()) {
      y[i++] = m.getOrDefault(name, 0.0);
    }
    return y;
  }

  private void timing(StringBuilder sb) {
    if (log == null) {
      return;
    }
    List<String> parts = log.namesStartingWith(MetricNames.TIMING_PREFIX).stream().filter(log::has).toList();
    if (parts.isEmpty()) {
      return;
    }
    double step = mean(log.series(MetricNames.STEP_TIME), 0, log.size());
    sb.append("<h2>Iteration time</h2>\n<p>Mean seconds per iteration of each part (<code>timing_s/*</code>) and its "
        + "share of the mean <code>step_time</code> (").append(num(step)).append(" s).</p>\n<table>\n"
        + "<tr><th>part</th><th>mean seconds</th><th>share</th><th></th></tr>\n");
    for (String p : parts) {
      double s = mean(log.series(p), 0, log.size());
      double share = step > 0 ? s / step : Double.NaN;
      sb.append("<tr><td><code>").append(esc(p.substring(MetricNames.TIMING_PREFIX.length()))).append("</code></td>")
          .append(cell(num(s))).append(cell(pct(share))).append("<td>");
      if (Double.isFinite(share)) {
        sb.append("<span class=\"share\" style=\"width:")
            .append(String.format(Locale.ROOT, "%.1f", 12 * Math.max(0, Math.min(1, share)))).append("em\"></span>");
      }
      sb.append("</td></tr>\n");
    }
    sb.append("</table>\n");
  }

  private void finalMetrics(StringBuilder sb) {
    if (log == null || log.isEmpty()) {
      return;
    }
    int k = tenth();
    sb.append("<h2>Final metrics</h2>\n<p>Mean over the last ").append(k).append(" of ").append(log.size())
        .append(" iterations (NaN values skipped).</p>\n<table>\n<tr><th>metric</th><th>mean</th></tr>\n");
    for (String name : log.names()) {
      double[] y = log.series(name);
      sb.append("<tr><td><code>").append(esc(name)).append("</code></td>")
          .append(cell(num(mean(y, y.length - k, y.length)))).append("</tr>\n");
    }
    sb.append("</table>\n");
  }

  private static void row(StringBuilder sb, String key, String valueHtml) {
    sb.append("<tr><td>").append(esc(key)).append("</td><td>").append(valueHtml).append("</td></tr>\n");
  }

  /** The mean of the finite values in {@code [from, to)}, or NaN when there is none. */
  static double mean(double[] y, int from, int to) {
    double sum = 0;
    int n = 0;
    for (int i = Math.max(0, from); i < Math.min(y.length, to); i++) {
      if (Double.isFinite(y[i])) {
        sum += y[i];
        n++;
      }
    }
    return n == 0 ? Double.NaN : sum / n;
  }

  /** The sum of the finite values, or NaN when there is none. */
  static double sum(double[] y) {
    double m = mean(y, 0, y.length);
    if (!Double.isFinite(m)) {
      return Double.NaN;
    }
    double s = 0;
    for (double v : y) {
      s += Double.isFinite(v) ? v : 0;
    }
    return s;
  }

  private static String points(double v) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%+.1f points", 100 * v) : na();
  }

  private static String signed(double v) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%+.4g", v) : na();
  }
}
