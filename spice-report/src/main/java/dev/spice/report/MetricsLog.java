package dev.spice.report;

import dev.spice.core.internal.json.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A metrics file as {@code SelfPlayListeners.jsonl} and {@code WarmStartListeners.jsonl} write it
 * (one {@code {"iteration": n, "metrics": {"name": value, ...}}} per line, NaN as {@code null}),
 * read and type-checked. Blank lines are skipped; when an iteration appears twice (a resumed run
 * that did it again) the later line wins. Immutable and thread-safe.
 */
public final class MetricsLog {
  /** The conventional name of the metrics file in a run folder. */
  public static final String FILE = "metrics.jsonl";

  private final Path file;
  private final SortedMap<Long, Map<String, Double>> byIteration;
  private final List<String> names;

  private MetricsLog(Path file, TreeMap<Long, Map<String, Double>> byIteration) {
    this.file = file;
    this.byIteration = Collections.unmodifiableSortedMap(byIteration);
    TreeSet<String> all = new TreeSet<>();
    byIteration.values().forEach(m -> all.addAll(m.keySet()));
    this.names = List.copyOf(all);
  }

  /**
   * Reads a metrics file.
   *
   * @param file the {@code metrics.jsonl} file
   * @return its iterations and metrics
   * @throws ReportException if the file cannot be read, a line is not JSON, or a line or value has
   *     the wrong shape or type; the message names the file, the line and the field
   */
  public static MetricsLog read(Path file) {
    TreeMap<Long, Map<String, Double>> out = new TreeMap<>();
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      int lineNo = 0;
      while ((line = in.readLine()) != null) {
        lineNo++;
        if (!line.isBlank()) {
          readLine(line, file + " line " + lineNo, out);
        }
      }
    } catch (IOException e) {
      throw new ReportException("cannot read " + file + ": " + e, e);
    }
    return new MetricsLog(file, out);
  }

  private static void readLine(String line, String where, TreeMap<Long, Map<String, Double>> out) {
    Object v;
    try {
      v = Json.parse(line);
    } catch (Json.JsonException e) {
      throw new ReportException(where + ": malformed JSON: " + e.getMessage(), e);
    }
    if (!(v instanceof Map<?, ?> obj)) {
      throw new ReportException(where + ": expected an object {\"iteration\": n, \"metrics\": {...}}, got " + kind(v));
    }
    Object it = obj.get("iteration");
    if (!(it instanceof Long iteration)) {
      throw new ReportException(where + ": field iteration must be an integer, got "
          + (it == null ? "nothing" : kind(it)));
    }
    Object ms = obj.get("metrics");
    if (!(ms instanceof Map<?, ?> metrics)) {
      throw new ReportException(where + ": field metrics must be an object of numbers, got "
          + (ms == null ? "nothing" : kind(ms)));
    }
    Map<String, Double> values = new TreeMap<>();
    for (Map.Entry<?, ?> m : metrics.entrySet()) {
      Object x = m.getValue();
      if (x == null) {
        values.put((String) m.getKey(), Double.NaN);
      } else if (x instanceof Number n) {
        values.put((String) m.getKey(), n.doubleValue());
      } else {
        throw new ReportException(where + ": field metrics." + m.getKey() + " must be a number or null, got " + kind(x));
      }
    }
    out.put(iteration, Collections.unmodifiableMap(values));
  }

  /** A short description of a JSON value's kind, for error messages. */
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
    if (v instanceof String s) {
      return "a string \"" + (s.length() > 40 ? s.substring(0, 40) + "..." : s) + "\"";
    }
    if (v instanceof Boolean) {
      return "a boolean " + v;
    }
    return "a number " + v;
  }

  /**
   * The file this log was read from.
   *
   * @return the file
   */
  public Path file() {
    return file;
  }

  /**
   * The number of iterations in the log.
   *
   * @return the number of distinct iterations
   */
  public int size() {
    return byIteration.size();
  }

  /**
   * Whether the log holds no iteration.
   *
   * @return true when the file held no metrics line
   */
  public boolean isEmpty() {
    return byIteration.isEmpty();
  }

  /**
   * The metrics of each iteration, in iteration order; a metric a line did not hold is absent from
   * its map, a {@code null} one is NaN.
   *
   * @return an unmodifiable map from iteration (0-based) to its unmodifiable metrics by name
   */
  public SortedMap<Long, Map<String, Double>> byIteration() {
    return byIteration;
  }

  /**
   * The iterations in the log, ascending.
   *
   * @return a new array of the iterations
   */
  public long[] iterations() {
    long[] out = new long[byIteration.size()];
    int i = 0;
    for (long it : byIteration.keySet()) {
      out[i++] = it;
    }
    return out;
  }

  /**
   * Every metric name seen in any line, sorted.
   *
   * @return an unmodifiable sorted list of names
   */
  public List<String> names() {
    return names;
  }

  /**
   * Whether any iteration holds a finite value of a metric.
   *
   * @param name a metric name, for example {@code reasoner/pass_rate}
   * @return true when the metric has at least one finite value
   */
  public boolean has(String name) {
    for (Map<String, Double> m : byIteration.values()) {
      Double v = m.get(name);
      if (v != null && Double.isFinite(v)) {
        return true;
      }
    }
    return false;
  }

  /**
   * One metric's values in the order of {@link #iterations()}, NaN where an iteration lacks it.
   *
   * @param name a metric name
   * @return a new array with one value per iteration
   */
  public double[] series(String name) {
    double[] y = new double[byIteration.size()];
    int i = 0;
    for (Map<String, Double> m : byIteration.values()) {
      Double v = m.get(name);
      y[i++] = v == null ? Double.NaN : v;
    }
    return y;
  }

  /**
   * The metric names that start with {@code prefix}, sorted (for example every
   * {@code challenger/invalid/} code).
   *
   * @param prefix the prefix
   * @return a new list of the matching names
   */
  public List<String> namesStartingWith(String prefix) {
    List<String> out = new ArrayList<>();
    for (String n : names) {
      if (n.startsWith(prefix)) {
        out.add(n);
      }
    }
    return out;
  }
}
