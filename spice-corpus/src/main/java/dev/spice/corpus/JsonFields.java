package dev.spice.corpus;

import dev.spice.core.internal.json.Json;
import java.util.Map;

/** Dotted-path access into parsed JSON objects. */
final class JsonFields {
  private JsonFields() {}

  /** Sentinel for a missing path (JSON null is returned as {@code null}). */
  static final Object MISSING = new Object();

  /**
   * The value at a dotted path such as {@code meta.title}; an exact key containing dots wins over
   * descending. Returns {@link #MISSING} if absent.
   */
  static Object resolve(Map<?, ?> obj, String path) {
    if (obj.containsKey(path)) {
      return obj.get(path);
    }
    int dot = path.indexOf('.');
    while (dot > 0) {
      Object head = obj.get(path.substring(0, dot));
      if (head instanceof Map<?, ?> m) {
        Object v = resolve(m, path.substring(dot + 1));
        if (v != MISSING) {
          return v;
        }
      }
      dot = path.indexOf('.', dot + 1);
    }
    return MISSING;
  }

  /** A short description of a JSON value's type for error messages. */
  static String typeOf(Object v) {
    if (v == null) {
      return "null";
    }
    if (v instanceof Map) {
      return "an object";
    }
    if (v instanceof Iterable) {
      return "an array";
    }
    if (v instanceof Number) {
      return "a number";
    }
    if (v instanceof Boolean) {
      return "a boolean";
    }
    return "a string";
  }

  /** Metadata text of a value: strings as they are, anything else as compact JSON. */
  static String asText(Object v) {
    return v instanceof String s ? s : Json.write(v);
  }
}
