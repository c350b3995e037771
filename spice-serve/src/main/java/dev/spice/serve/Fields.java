package dev.spice.serve;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Typed reads of request fields from a parsed JSON object. A missing field or a JSON {@code null}
 * gives the default; a value of the wrong type is a 400 naming the field and the type it must have.
 */
final class Fields {
  private final Map<String, Object> json;

  Fields(Map<String, Object> json) {
    this.json = json;
  }

  boolean has(String name) {
    return json.get(name) != null;
  }

  Object raw(String name) {
    return json.get(name);
  }

  String requiredString(String name) {
    Object v = json.get(name);
    if (v == null) {
      throw ApiError.badRequest(name, "field '" + name + "' is required (a string)");
    }
    if (!(v instanceof String s)) {
      throw wrongType(name, "a string", v);
    }
    return s;
  }

  String string(String name, String dflt) {
    Object v = json.get(name);
    if (v == null) {
      return dflt;
    }
    if (!(v instanceof String s)) {
      throw wrongType(name, "a string", v);
    }
    return s;
  }

  boolean bool(String name, boolean dflt) {
    Object v = json.get(name);
    if (v == null) {
      return dflt;
    }
    if (!(v instanceof Boolean b)) {
      throw wrongType(name, "a boolean", v);
    }
    return b;
  }

  /** An integer in {@code [min, max]}, or {@code dflt} when absent. */
  long integer(String name, long dflt, long min, long max) {
    Object v = json.get(name);
    if (v == null) {
      return dflt;
    }
    return checkInteger(name, v, min, max);
  }

  double number(String name, double dflt) {
    Object v = json.get(name);
    if (v == null) {
      return dflt;
    }
    if (!(v instanceof Number n)) {
      throw wrongType(name, "a number", v);
    }
    return n.doubleValue();
  }

  /** A list of integers in {@code [min, max]}, or null when absent. */
  int[] intList(String name, long min, long max) {
    Object v = json.get(name);
    if (v == null) {
      return null;
    }
    if (!(v instanceof List<?> l)) {
      throw wrongType(name, "a list of integers", v);
    }
    return ints(name, l, min, max);
  }

  /** A string or a list of strings, as a list; empty when absent. */
  List<String> stringOrList(String name) {
    Object v = json.get(name);
    if (v == null) {
      return List.of();
    }
    if (v instanceof String s) {
      return List.of(s);
    }
    if (!(v instanceof List<?> l)) {
      throw wrongType(name, "a string or a list of strings", v);
    }
    List<String> out = new ArrayList<>(l.size());
    for (int i = 0; i < l.size(); i++) {
      if (!(l.get(i) instanceof String s)) {
        throw wrongType(name + "[" + i + "]", "a string", l.get(i));
      }
      out.add(s);
    }
    return out;
  }

  static int[] ints(String name, List<?> l, long min, long max) {
    int[] out = new int[l.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = (int) checkInteger(name + "[" + i + "]", l.get(i), min, max);
    }
    return out;
  }

  static long checkInteger(String name, Object v, long min, long max) {
    if (!(v instanceof Long n)) {
      throw wrongType(name, "an integer", v);
    }
    if (n < min || n > max) {
      throw ApiError.badRequest(name, "field '" + name + "' must be in [" + min + ", " + max + "], got " + n);
    }
    return n;
  }

  static ApiError wrongType(String name, String what, Object v) {
    return ApiError.badRequest(name, "field '" + name + "' must be " + what + ", got " + describe(v));
  }

  private static String describe(Object v) {
    if (v == null) {
      return "null";
    }
    if (v instanceof String s) {
      return "the string \"" + (s.length() > 40 ? s.substring(0, 40) + "..." : s) + "\"";
    }
    if (v instanceof List) {
      return "a list";
    }
    if (v instanceof Map) {
      return "an object";
    }
    if (v instanceof Boolean b) {
      return "the boolean " + b;
    }
    return "the number " + v;
  }
}
