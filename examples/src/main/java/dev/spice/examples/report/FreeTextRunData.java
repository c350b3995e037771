package dev.spice.examples.report;

import dev.spice.examples.report.QuickstartReport.Coevolution;
import dev.spice.report.ReportException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The free-text quickstart's {@code report.json}, parsed and type-checked. Needed: {@code arms}, a
 * non-empty array whose every arm has {@code name}, {@code probe_iterations} and
 * {@code probe_overall}; a needed field that is missing is an error naming the file and the field.
 * Every other field may be absent or null: objects and arrays are then {@code null}, numbers NaN. A
 * present value of the wrong type is an error naming the file and the field.
 */
record FreeTextRunData(
    String file,
    Map<String, Object> settings,
    Long parameters,
    double wallSeconds,
    Warm warm,
    Long freeTasks,
    Long mcqTasks,
    List<Arm> arms,
    Coevolution coevolution,
    Map<String, Object> checks) {

  /** The warm-started model's probe pass rates (fractions) and its training time. */
  record Warm(double seconds, double finalLoss, double free, double mcq, double overall) {}

  /**
   * One self-play arm: probe pass rates (fractions) at {@code probeIterations}, and per window
   * (ending at {@code windows[i]}) the mean of each metric, NaN for a null value.
   */
  record Arm(String name, String description, double seconds, long[] probeIterations, double[] free, double[] mcq,
      double[] overall, long[] windows, List<Map<String, Double>> windowMetrics, double firstValidRate) {

    /** The last value of a probe curve; NaN when the curve is absent or empty. */
    static double last(double[] v) {
      return v == null || v.length == 0 ? Double.NaN : v[v.length - 1];
    }

    /** The metric over the windows; {@code absent} where a window lacks it. */
    double[] history(String metric, double absent) {
      double[] h = new double[windowMetrics.size()];
      for (int i = 0; i < h.length; i++) {
        h[i] = windowMetrics.get(i).getOrDefault(metric, absent);
      }
      return h;
    }

    /** The mean over the windows of the metric's finite values; NaN when there are none. */
    double meanOverWindows(String metric) {
      double sum = 0;
      int n = 0;
      for (double v : history(metric, Double.NaN)) {
        if (Double.isFinite(v)) {
          sum += v;
          n++;
        }
      }
      return n == 0 ? Double.NaN : sum / n;
    }

    /** The metric names starting with {@code prefix} in any window, sorted. */
    List<String> keys(String prefix) {
      TreeSet<String> out = new TreeSet<>();
      for (Map<String, Double> m : windowMetrics) {
        m.keySet().stream().filter(k -> k.startsWith(prefix)).forEach(out::add);
      }
      return new ArrayList<>(out);
    }
  }

  /** A check's verdict; {@code null} when absent. */
  Boolean check(String key) {
    return new JsonFields(file).bool(checks, key, "checks");
  }

  /** A check's figure; NaN when absent or null. */
  double figure(String key) {
    return new JsonFields(file).number(checks, key, "checks");
  }

  /** Reads and checks {@code file}. */
  static FreeTextRunData read(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ReportException("cannot read " + file + ": " + e, e);
    }
    return parse(text, file.toString());
  }

  /** Parses and checks the text of {@code report.json}; {@code file} names it in errors. */
  @SuppressWarnings("unchecked")
  static FreeTextRunData parse(String text, String file) {
    Object root = JsonFields.parse(text, file);
    if (!(root instanceof Map)) {
      throw new ReportException(file + ": the top level must be a JSON object, got " + JsonFields.kind(root));
    }
    Map<String, Object> r = (Map<String, Object>) root;
    JsonFields f = new JsonFields(file);
    Map<String, Object> settings = f.object(r, "settings", "");
    Map<String, Object> probe = f.object(r, "probe", "");
    Map<String, Object> checks = f.object(r, "checks", "");
    checks = checks == null ? Map.of() : checks;
    for (Map.Entry<String, Object> e : checks.entrySet()) {
      Object v = e.getValue();
      if (v != null && !(v instanceof Boolean) && !(v instanceof Number)) {
        throw f.wrong("checks." + e.getKey(), "true, false, a number or null", v);
      }
    }
    return new FreeTextRunData(file, settings == null ? Map.of() : settings, f.integer(r, "parameters", ""),
        f.number(r, "wall_seconds", ""), warm(f, f.object(r, "warm_start", "")),
        probe == null ? null : f.integer(probe, "free_tasks", "probe"),
        probe == null ? null : f.integer(probe, "mcq_tasks", "probe"), arms(f, r, file),
        coevolution(f, f.object(r, "coevolution", "")), checks);
  }

  private static Warm warm(JsonFields f, Map<String, Object> w) {
    if (w == null) {
      return new Warm(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }
    String p = "warm_start";
    return new Warm(f.number(w, "seconds", p), f.number(w, "final_loss", p), f.number(w, "probe_free", p),
        f.number(w, "probe_mcq", p), f.number(w, "probe_overall", p));
  }

  private static ReportException missing(String file, String field, String expected) {
    return new ReportException(file + ": field " + field + " is missing; it must be " + expected);
  }

  @SuppressWarnings("unchecked")
  private static List<Arm> arms(JsonFields f, Map<String, Object> r, String file) {
    Object v = r.get("arms");
    if (v == null) {
      throw missing(file, "arms", "an array of arm objects");
    }
    if (!(v instanceof List<?> list)) {
      throw f.wrong("arms", "an array of arm objects", v);
    }
    if (list.isEmpty()) {
      throw f.error("field arms is empty; it must hold at least one arm");
    }
    List<Arm> arms = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      String p = "arms[" + i + "]";
      if (!(list.get(i) instanceof Map)) {
        throw f.wrong(p, "an arm object", list.get(i));
      }
      arms.add(arm(f, (Map<String, Object>) list.get(i), p, file));
    }
    return List.copyOf(arms);
  }

  private static Arm arm(JsonFields f, Map<String, Object> a, String p, String file) {
    Object name = a.get("name");
    if (name == null) {
      throw missing(file, p + ".name", "a string");
    }
    if (!(name instanceof String)) {
      throw f.wrong(p + ".name", "a string", name);
    }
    Object description = a.get("description");
    if (description != null && !(description instanceof String)) {
      throw f.wrong(p + ".description", "a string", description);
    }
    long[] iterations = f.integers(a, "probe_iterations", p);
    if (iterations == null) {
      throw missing(file, p + ".probe_iterations", "an array of integers");
    }
    double[] overall = f.numbers(a, "probe_overall", p);
    if (overall == null) {
      throw missing(file, p + ".probe_overall", "an array of numbers");
    }
    double[] free = f.numbers(a, "probe_free", p);
    double[] mcq = f.numbers(a, "probe_mcq", p);
    f.sameLength(p, iterations, "probe_iterations", overall, "probe_overall", free, "probe_free", mcq, "probe_mcq");
    long[] windows = f.integers(a, "windows", p);
    List<Map<String, Double>> metrics = windowMetrics(f, a.get("window_metrics"), p + ".window_metrics");
    if (windows == null) {
      windows = new long[0];
    }
    if (metrics.size() != windows.length) {
      throw f.error("field " + p + ".window_metrics has " + metrics.size() + " windows but " + p + ".windows has "
          + windows.length + "; they must have the same length");
    }
    return new Arm((String) name, (String) description, f.number(a, "seconds", p), iterations, free, mcq, overall,
        windows, metrics, f.number(a, "first_iteration_valid_rate", p));
  }

  private static List<Map<String, Double>> windowMetrics(JsonFields f, Object v, String field) {
    if (v == null) {
      return List.of();
    }
    if (!(v instanceof List<?> list)) {
      throw f.wrong(field, "an array of objects of numbers", v);
    }
    List<Map<String, Double>> out = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      if (!(list.get(i) instanceof Map<?, ?> m)) {
        throw f.wrong(field + "[" + i + "]", "an object of numbers", list.get(i));
      }
      Map<String, Double> w = new TreeMap<>();
      for (Map.Entry<?, ?> e : m.entrySet()) {
        Object x = e.getValue();
        if (x != null && !(x instanceof Number)) {
          throw f.wrong(field + "[" + i + "]." + e.getKey(), "a number or null", x);
        }
        w.put((String) e.getKey(), x == null ? Double.NaN : ((Number) x).doubleValue());
      }
      out.add(Collections.unmodifiableMap(w));
    }
    return List.copyOf(out);
  }

  private static Coevolution coevolution(JsonFields f, Map<String, Object> c) {
    if (c == null) {
      return null;
    }
    String p = "coevolution";
    long[] rows = f.integers(c, "challenger_checkpoints", p);
    long[] cols = f.integers(c, "reasoner_checkpoints", p);
    double[][] m = f.matrix(c, "matrix", p);
    if (m != null) {
      f.sameLength(p, m, "matrix", rows, "challenger_checkpoints");
      for (int i = 0; i < m.length; i++) {
        int want = cols != null ? cols.length : m[0].length;
        if (m[i].length != want) {
          throw f.error("field " + p + ".matrix[" + i + "] has " + m[i].length + " values but "
              + (cols != null ? p + ".reasoner_checkpoints has " : p + ".matrix[0] has ") + want
              + "; they must have the same length");
        }
      }
    }
    double[] valid = f.numbers(c, "challenger_valid_rate", p);
    f.sameLength(p, rows, "challenger_checkpoints", valid, "challenger_valid_rate");
    return new Coevolution(rows, cols, m, f.integers(c, "early_checkpoints", p), f.integers(c, "late_checkpoints", p),
        valid, f.number(c, "early_reasoner_on_early_tasks", p), f.number(c, "early_reasoner_on_late_tasks", p),
        f.number(c, "late_reasoner_on_early_tasks", p), f.number(c, "drop_points", p),
        f.number(c, "late_gain_points", p));
  }
}
