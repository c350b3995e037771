package dev.spice.examples.report;

import dev.spice.core.internal.json.Json;
import dev.spice.report.ReportException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Typed access to parsed JSON (as {@code dev.spice.core.internal.json.Json} returns it), with errors naming
 * the file and the field. An absent or {@code null} value is {@code null} (objects, arrays, boxed
 * values) or {@code NaN} (numbers); a present value of the wrong type is a {@link ReportException}.
 */
final class JsonFields {
  private final String file;

  JsonFields(String file) {
    this.file = file;
  }

  /** Parses JSON text; {@code where} (file, line) names it in the error. */
  static Object parse(String text, String where) {
    try {
      return Json.parse(text);
    } catch (Json.JsonException e) {
      throw new ReportException(where + ": malformed JSON: " + e.getMessage(), e);
    }
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
    if (v instanceof String) {
      return "a string \"" + (((String) v).length() > 40 ? ((String) v).substring(0, 40) + "..." : v) + "\"";
    }
    if (v instanceof Boolean) {
      return "a boolean " + v;
    }
    return "a number " + v;
  }

  private static String name(String path, String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  ReportException wrong(String field, String expected, Object got) {
    return new ReportException(file + ": field " + field + " must be " + expected + ", got " + kind(got));
  }

  ReportException error(String message) {
    return new ReportException(file + ": " + message);
  }

  @SuppressWarnings("unchecked")
  Map<String, Object> object(Map<String, Object> m, String key, String path) {
    Object v = m.get(key);
    if (v == null) {
      return null;
    }
    if (!(v instanceof Map)) {
      throw wrong(name(path, key), "an object", v);
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

  /** An integer; an integral floating-point number ({@code 3.0}) counts as one. */
  Long integer(Map<String, Object> m, String key, String path) {
    Object v = m.get(key);
    return v == null ? null : integer(v, name(path, key));
  }

  private long integer(Object v, String field) {
    if (v instanceof Long l) {
      return l;
    }
    if (v instanceof Double d && d == Math.rint(d) && Math.abs(d) < 1e15) {
      return d.longValue();
    }
    throw wrong(field, "an integer", v);
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
    List<?> l = array(v, field, "an array of numbers");
    if (l == null) {
      return null;
    }
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
    String field = name(path, key);
    List<?> l = array(m.get(key), field, "an array of integers");
    if (l == null) {
      return null;
    }
    long[] out = new long[l.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = integer(l.get(i), field + "[" + i + "]");
    }
    return out;
  }

  List<String> strings(Map<String, Object> m, String key, String path) {
    String field = name(path, key);
    List<?> l = array(m.get(key), field, "an array of strings");
    if (l == null) {
      return null;
    }
    List<String> out = new ArrayList<>(l.size());
    for (int i = 0; i < l.size(); i++) {
      if (!(l.get(i) instanceof String s)) {
        throw wrong(field + "[" + i + "]", "a string", l.get(i));
      }
      out.add(s);
    }
    return List.copyOf(out);
  }

  double[][] matrix(Map<String, Object> m, String key, String path) {
    String field = name(path, key);
    List<?> rows = array(m.get(key), field, "an array of rows (arrays of numbers)");
    if (rows == null) {
      return null;
    }
    double[][] out = new double[rows.size()][];
    for (int i = 0; i < out.length; i++) {
      if (rows.get(i) == null) {
        throw wrong(field + "[" + i + "]", "an array of numbers", null);
      }
      out[i] = numbers(rows.get(i), field + "[" + i + "]");
    }
    return out;
  }

  private List<?> array(Object v, String field, String expected) {
    if (v == null) {
      return null;
    }
    if (!(v instanceof List)) {
      throw wrong(field, expected, v);
    }
    return (List<?>) v;
  }

  /** Lengths of arrays given as (array, name) pairs; absent ones are skipped. */
  void sameLength(String section, Object... pairs) {
    int len = -1;
    String first = null;
    for (int i = 0; i < pairs.length; i += 2) {
      if (pairs[i] == null) {
        continue;
      }
      int n = java.lang.reflect.Array.getLength(pairs[i]);
      if (len < 0) {
        len = n;
        first = (String) pairs[i + 1];
      } else if (n != len) {
        throw error("field " + section + "." + pairs[i + 1] + " has " + n + " values but " + section + "." + first
            + " has " + len + "; they must have the same length");
      }
    }
  }
}
