package dev.spice.examples.report;

import dev.spice.report.MetricsLog;
import dev.spice.report.ReportException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a run folder holds, parsed and type-checked: the per-iteration metrics of
 * {@code metrics.jsonl} (read by the published {@link MetricsLog}) and the {@link QuickstartReport} of {@code report.json}
 * ({@link QuickstartReport#EMPTY} without one; absent values as that record describes). Present
 * values of the wrong type are errors naming file, line and field.
 */
record RunData(
    Path runDir,
    boolean hasMetrics,
    boolean hasReport,
    TreeMap<Long, Map<String, Double>> metrics,
    QuickstartReport report) {

  static final String METRICS_FILE = "metrics.jsonl";
  static final String REPORT_FILE = "report.json";

  static RunData read(Path runDir) {
    if (!Files.isDirectory(runDir)) {
      throw new ReportException("run folder " + runDir + " does not exist or is not a directory");
    }
    Path metricsFile = runDir.resolve(METRICS_FILE);
    Path reportFile = runDir.resolve(REPORT_FILE);
    boolean hasMetrics = Files.isRegularFile(metricsFile);
    boolean hasReport = Files.isRegularFile(reportFile);
    if (!hasMetrics && !hasReport) {
      throw new ReportException("run folder " + runDir + " holds neither " + METRICS_FILE + " nor "
          + REPORT_FILE + ": nothing to report");
    }
    TreeMap<Long, Map<String, Double>> metrics = hasMetrics
        ? new TreeMap<>(MetricsLog.read(metricsFile).byIteration()) : new TreeMap<>();
    QuickstartReport report = hasReport ? QuickstartReport.read(reportFile) : QuickstartReport.EMPTY;
    return new RunData(runDir, hasMetrics, hasReport, metrics, report);
  }

  /** The values of one metric in iteration order ({@code NaN} where absent). */
  double[][] series(String metric) {
    double[] x = new double[metrics.size()];
    double[] y = new double[metrics.size()];
    int i = 0;
    for (Map.Entry<Long, Map<String, Double>> e : metrics.entrySet()) {
      x[i] = e.getKey();
      Double v = e.getValue().get(metric);
      y[i++] = v == null ? Double.NaN : v;
    }
    return new double[][] {x, y};
  }

  /** All metric names seen in any line, sorted. */
  List<String> metricNames() {
    TreeMap<String, Boolean> names = new TreeMap<>();
    metrics.values().forEach(m -> m.keySet().forEach(k -> names.put(k, true)));
    return new ArrayList<>(names.keySet());
  }
}
