package dev.spice.examples.report;

import dev.spice.core.json.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a run folder holds, parsed and type-checked: the per-iteration metrics of
 * {@code metrics.jsonl} and the sections of {@code report.json}. Absent optional values are
 * {@code null} (sections, arrays) or {@code NaN} (numbers); present values of the wrong type are
 * errors naming file, line and field.
 */
record RunData(
    Path runDir,
    boolean hasMetrics,
    boolean hasReport,
    TreeMap<Long, Map<String, Double>> metrics,
    Map<String, Object> settings,
    Long seed,
    Long iterations,
    double wallSeconds,
    Probe probe,
    Coevolution coevolution,
    Difficulty difficulty,
    Entropy entropy,
    Map<String, Boolean> checks,
    Map<String, Object> world) {

  static final String METRICS_FILE = "metrics.jsonl";
  static final String REPORT_FILE = "report.json";

  /** The fixed probe set's pass rates over time. */
  record Probe(double[] iterations, double[] mcq, double[] free, double[] overall, double start, double end,
      double gainPoints) {}

  /** Pass rates of each Reasoner checkpoint on each Challenger checkpoint's tasks. */
  record Coevolution(long[] challengerCheckpoints, long[] reasonerCheckpoints, double[][] matrix,
      double earlyOnEarly, double earlyOnLate, double lateOnEarly, double dropPoints, double lateGainPoints,
      double[] challengerValidRate) {}

  /** Histogram of task pass rates, early and late in the run. */
  record Difficulty(double[] binEdges, double[] earlyCounts, double[] lateCounts) {}

  /** Challenger field and format entropy (nats) over time. */
  record Entropy(double[] iterations, double[] field, double[] format, double fieldMax, double formatMax) {}

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
    if (!hasReport) {
      return new RunData(runDir, hasMetrics, false, metrics, Map.of(), null, null, Double.NaN, null, null, null,
          null, Map.of(), Map.of());
    }
    String text;
    try {
      text = Files.readString(reportFile, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ReportException("cannot read " + reportFile + ": " + e, e);
    }
    Object root;
    try {
      root = Json.parse(text);
    } catch (Json.JsonException e) {
      throw new ReportException(reportFile + ": malformed JSON: " + e.getMessage(), e);
    }
    Fields f = new Fields(reportFile.toString());
    if (!(root instanceof Map)) {
      throw new ReportException(reportFile + ": the top level must be a JSON object, got " + Fields.kind(root));
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> r = (Map<String, Object>) root;
    Map<String, Object> settings = f.object(r, "settings", "settings");
    Map<String, Object> p = f.object(r, "probe", "probe");
    Probe probe = null;
    if (p != null) {
      double[] its = f.numbers(p, "iterations", "probe");
      double[] mcq = f.numbers(p, "mcq", "probe");
      double[] free = f.numbers(p, "free", "probe");
      double[] overall = f.numbers(p, "overall", "probe");
      f.sameLength("probe", its, "iterations", mcq, "mcq", free, "free", overall, "overall");
      probe = new Probe(its, mcq, free, overall, f.number(p, "start", "probe"), f.number(p, "end", "probe"),
          f.number(p, "gain_points", "probe"));
    }
    Map<String, Object> c = f.object(r, "coevolution", "coevolution");
    Coevolution coev = null;
    if (c != null) {
      long[] cc = f.integers(c, "challenger_checkpoints", "coevolution");
      long[] rc = f.integers(c, "reasoner_checkpoints", "coevolution");
      double[][] m = f.matrix(c, "matrix", "coevolution");
      if (m != null && cc != null && m.length != cc.length) {
        throw new ReportException(reportFile + ": field coevolution.matrix has " + m.length
            + " rows but coevolution.challenger_checkpoints has " + cc.length + " entries (one row per Challenger)");
      }
      if (m != null && rc != null) {
        for (int i = 0; i < m.length; i++) {
          if (m[i].length != rc.length) {
            throw new ReportException(reportFile + ": field coevolution.matrix[" + i + "] has " + m[i].length
                + " columns but coevolution.reasoner_checkpoints has " + rc.length + " entries (one column per Reasoner)");
          }
        }
      }
      coev = new Coevolution(cc, rc, m, f.number(c, "early_reasoner_on_early_tasks", "coevolution"),
          f.number(c, "early_reasoner_on_late_tasks", "coevolution"),
          f.number(c, "late_reasoner_on_early_tasks", "coevolution"), f.number(c, "drop_points", "coevolution"),
          f.number(c, "late_gain_points", "coevolution"), f.numbers(c, "challenger_valid_rate", "coevolution"));
      if (coev.challengerValidRate() != null && m != null && coev.challengerValidRate().length != m.length) {
        throw new ReportException(reportFile + ": field coevolution.challenger_valid_rate has "
            + coev.challengerValidRate().length + " values but coevolution.matrix has " + m.length + " rows");
      }
    }
    Map<String, Object> d = f.object(r, "difficulty", "difficulty");
    Difficulty diff = null;
    if (d != null) {
      double[] edges = f.numbers(d, "bin_edges", "difficulty");
      double[] early = f.numbers(d, "early_counts", "difficulty");
      double[] late = f.numbers(d, "late_counts", "difficulty");
      f.sameLength("difficulty", early, "early_counts", late, "late_counts");
      double[] counts = early != null ? early : late;
      if (edges != null && counts != null && edges.length != counts.length + 1) {
        throw new ReportException(reportFile + ": field difficulty.bin_edges has " + edges.length
            + " values but there are " + counts.length + " counts per histogram (expected counts + 1 edges)");
      }
      diff = new Difficulty(edges, early, late);
    }
    Map<String, Object> e = f.object(r, "entropy", "entropy");
    Entropy ent = null;
    if (e != null) {
      double[] its = f.numbers(e, "iterations", "entropy");
      double[] field = f.numbers(e, "field", "entropy");
      double[] format = f.numbers(e, "format", "entropy");
      f.sameLength("entropy", its, "iterations", field, "field", format, "format");
      ent = new Entropy(its, field, format, f.number(e, "field_max", "entropy"), f.number(e, "format_max", "entropy"));
    }
    Map<String, Object> world = f.object(r, "world", "world");
    Map<String, Object> ch = f.object(r, "checks", "checks");
    Map<String, Boolean> checks = new LinkedHashMap<>();
    if (ch != null) {
      for (String k : ch.keySet()) {
        checks.put(k, f.bool(ch, k, "checks"));
      }
    }
    return new RunData(runDir, hasMetrics, true, metrics, settings == null ? Map.of() : settings,
        f.integer(r, "seed", ""), f.integer(r, "iterations", ""), f.number(r, "wall_seconds", ""), probe, coev,
        diff, ent, Collections.unmodifiableMap(checks), world == null ? Map.of() : world);
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
        Object v;
        try {
          v = Json.parse(line);
        } catch (Json.JsonException e) {
          throw new ReportException(where + ": malformed JSON: " + e.getMessage(), e);
        }
        if (!(v instanceof Map)) {
          throw new ReportException(where + ": expected an object {\"iteration\": n, \"metrics\": {...}}, got "
              + Fields.kind(v));
        }
        Map<?, ?> obj = (Map<?, ?>) v;
        Object it = obj.get("iteration");
        if (!(it instanceof Long)) {
          throw new ReportException(where + ": field iteration must be an integer, got "
              + (it == null ? "nothing" : Fields.kind(it)));
        }
        Object ms = obj.get("metrics");
        if (!(ms instanceof Map)) {
          throw new ReportException(where + ": field metrics must be an object of numbers, got "
              + (ms == null ? "nothing" : Fields.kind(ms)));
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
                + Fields.kind(x));
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

  /** Typed access to parsed JSON, with errors naming file and field. */
  static final class Fields {
    private final String file;

    Fields(String file) {
      this.file = file;
    }

    static String kind(Object v) {
      if (v == null) {
        return "null";
      }
      if (v instanceof Map) {
        return "an object";
      }
      if (v instanceof List) {
        return "an array";
      }
      if (v instanceof String) {
        return "a string \"" + (((String) v).length() > 40 ? ((String) v).substring(0, 40) + "..." : v) + "\"";
      }
      if (v instanceof Boolean) {
        return "a boolean " + v;
      }
      return "a number " + v;
    }

    private String name(String path, String key) {
      return path.isEmpty() ? key : path + "." + key;
    }

    private ReportException wrong(String field, String expected, Object got) {
      return new ReportException(file + ": field " + field + " must be " + expected + ", got " + kind(got));
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> object(Map<String, Object> m, String key, String path) {
      Object v = m.get(key);
      if (v == null) {
        return null;
      }
      if (!(v instanceof Map)) {
        throw wrong(path, "an object", v);
      }
      return (Map<String, Object>) v;
    }

    double number(Map<String, Object> m, String key, String path) {
      Object v = m.get(key);
      if (v == null) {
        return Double.NaN;
      }
      if (!(v instanceof Number)) {
        throw wrong(name(path, key), "a number or null", v);
      }
      return ((Number) v).doubleValue();
    }

    Long integer(Map<String, Object> m, String key, String path) {
      Object v = m.get(key);
      if (v == null) {
        return null;
      }
      if (!(v instanceof Long)) {
        throw wrong(name(path, key), "an integer", v);
      }
      return (Long) v;
    }

    Boolean bool(Map<String, Object> m, String key, String path) {
      Object v = m.get(key);
      if (v == null) {
        return null;
      }
      if (!(v instanceof Boolean)) {
        throw wrong(name(path, key), "true, false or null", v);
      }
      return (Boolean) v;
    }

    double[] numbers(Map<String, Object> m, String key, String path) {
      return numbers(m.get(key), name(path, key));
    }

    private double[] numbers(Object v, String field) {
      if (v == null) {
        return null;
      }
      if (!(v instanceof List)) {
        throw wrong(field, "an array of numbers", v);
      }
      List<?> l = (List<?>) v;
      double[] out = new double[l.size()];
      for (int i = 0; i < out.length; i++) {
        Object x = l.get(i);
        if (x == null) {
          out[i] = Double.NaN;
        } else if (x instanceof Number) {
          out[i] = ((Number) x).doubleValue();
        } else {
          throw wrong(field + "[" + i + "]", "a number or null", x);
        }
      }
      return out;
    }

    long[] integers(Map<String, Object> m, String key, String path) {
      Object v = m.get(key);
      String field = name(path, key);
      if (v == null) {
        return null;
      }
      if (!(v instanceof List)) {
        throw wrong(field, "an array of integers", v);
      }
      List<?> l = (List<?>) v;
      long[] out = new long[l.size()];
      for (int i = 0; i < out.length; i++) {
        if (!(l.get(i) instanceof Long)) {
          throw wrong(field + "[" + i + "]", "an integer", l.get(i));
        }
        out[i] = (Long) l.get(i);
      }
      return out;
    }

    double[][] matrix(Map<String, Object> m, String key, String path) {
      Object v = m.get(key);
      String field = name(path, key);
      if (v == null) {
        return null;
      }
      if (!(v instanceof List)) {
        throw wrong(field, "an array of rows (arrays of numbers)", v);
      }
      List<?> rows = (List<?>) v;
      double[][] out = new double[rows.size()][];
      for (int i = 0; i < out.length; i++) {
        if (rows.get(i) == null) {
          throw wrong(field + "[" + i + "]", "an array of numbers", null);
        }
        out[i] = numbers(rows.get(i), field + "[" + i + "]");
      }
      return out;
    }

    /** Arrays given as (array, name) pairs; absent ones are skipped. */
    void sameLength(String section, Object... pairs) {
      int len = -1;
      String first = null;
      for (int i = 0; i < pairs.length; i += 2) {
        double[] a = (double[]) pairs[i];
        if (a == null) {
          continue;
        }
        if (len < 0) {
          len = a.length;
          first = (String) pairs[i + 1];
        } else if (a.length != len) {
          throw new ReportException(file + ": field " + section + "." + pairs[i + 1] + " has " + a.length
              + " values but " + section + "." + first + " has " + len + "; they must have the same length");
        }
      }
    }
  }
}
