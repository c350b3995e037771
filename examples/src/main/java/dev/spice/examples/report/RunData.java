package dev.spice.examples.report;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a run folder holds, parsed and type-checked: the per-iteration metrics of
 * {@code metrics.jsonl} and the {@link QuickstartReport} of {@code report.json}
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
    TreeMap<Long, Map<String, Double>> metrics = hasMetrics ? readMetrics(metricsFile) : new TreeMap<>();
    QuickstartReport report = hasReport ? QuickstartReport.read(reportFile) : QuickstartReport.EMPTY;
    return new RunData(runDir, hasMetrics, hasReport, metrics, report);
  }

  /**
   * Reads {@code metrics.jsonl}; blank lines are skipped; when an iteration appears twice (a
   * resumed run re-did it) the later line wins.
   */
  static TreeMap<Long, Map<String, Double>> readMetrics(Path file) {
    TreeMap<Long, Map<String, Double>> out = new TreeMap<>();
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      int lineNo = 0;
      while ((line = in.readLine()) != null) {
        lineNo++;
        if (line.isBlank()) {
          continue;
        }
        String where = file + " line " + lineNo;
        Object v = JsonFields.parse(line, where);
        if (!(v instanceof Map)) {
          throw new ReportException(where + ": expected an object {\"iteration\": n, \"metrics\": {...}}, got "
              + JsonFields.kind(v));
        }
        Map<?, ?> obj = (Map<?, ?>) v;
        Object it = obj.get("iteration");
        if (!(it instanceof Long)) {
          throw new ReportException(where + ": field iteration must be an integer, got "
              + (it == null ? "nothing" : JsonFields.kind(it)));
        }
        Object ms = obj.get("metrics");
        if (!(ms instanceof Map)) {
          throw new ReportException(where + ": field metrics must be an object of numbers, got "
              + (ms == null ? "nothing" : JsonFields.kind(ms)));
        }
        Map<String, Double> values = new TreeMap<>();
        for (Map.Entry<?, ?> m : ((Map<?, ?>) ms).entrySet()) {
          Object x = m.getValue();
          if (x == null) {
            values.put((String) m.getKey(), Double.NaN);
          } else if (x instanceof Number) {
            values.put((String) m.getKey(), ((Number) x).doubleValue());
          } else {
            throw new ReportException(where + ": field metrics." + m.getKey() + " must be a number or null, got "
                + JsonFields.kind(x));
          }
        }
        out.put((Long) it, Collections.unmodifiableMap(values));
      }
    } catch (IOException e) {
      throw new ReportException("cannot read " + file + ": " + e, e);
    }
    return out;
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
