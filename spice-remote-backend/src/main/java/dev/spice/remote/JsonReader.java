package dev.spice.remote;

import dev.spice.core.internal.json.Json;
import java.util.List;
import java.util.Map;

/**
 * Typed reads of a parsed JSON reply. Every failure is a {@link RemoteServerException} naming the
 * endpoint, the field path (for example {@code choices[0].logprobs.token_logprobs[3]}) and what was
 * found instead, so a malformed reply is never read as a silently wrong rollout.
 */
final class JsonReader {
  private final String endpoint;
  private final int status;

  JsonReader(String endpoint, int status) {
    this.endpoint = endpoint;
    this.status = status;
  }

  RemoteServerException error(String message) {
    return new RemoteServerException(endpoint + ": " + message, endpoint, status, null);
  }

  /** Parses a reply body that must be a JSON object. */
  Map<String, Object> parseObject(String body) {
    Object v;
    try {
      v = Json.parse(body);
    } catch (Json.JsonException e) {
      throw error("the reply is not JSON (" + e.getMessage() + "): " + ErrorBodies.snippet(body));
    }
    if (!(v instanceof Map)) {
      throw error("the reply is not a JSON object: " + ErrorBodies.snippet(body));
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> m = (Map<String, Object>) v;
    return m;
  }

  Object required(Map<String, Object> o, String key, String path) {
    if (!o.containsKey(key)) {
      throw error("the reply lacks the field '" + path + key + "'");
    }
    Object v = o.get(key);
    if (v == null) {
      throw error("the field '" + path + key + "' is null");
    }
    return v;
  }

  @SuppressWarnings("unchecked")
  Map<String, Object> object(Object v, String where) {
    if (!(v instanceof Map)) {
      throw error("'" + where + "' should be a JSON object, got " + describe(v));
    }
    return (Map<String, Object>) v;
  }

  @SuppressWarnings("unchecked")
  List<Object> list(Object v, String where) {
    if (!(v instanceof List)) {
      throw error("'" + where + "' should be a JSON array, got " + describe(v));
    }
    return (List<Object>) v;
  }

  String string(Object v, String where) {
    if (!(v instanceof String s)) {
      throw error("'" + where + "' should be a string, got " + describe(v));
    }
    return s;
  }

  long integer(Object v, String where) {
    if (v instanceof Long l) {
      return l;
    }
    if (v instanceof Double d && d == Math.rint(d) && Math.abs(d) < 9.0e15) {
      return d.longValue();
    }
    throw error("'" + where + "' should be an integer, got " + describe(v));
  }

  double number(Object v, String where) {
    if (v instanceof Number n) {
      return n.doubleValue();
    }
    throw error("'" + where + "' should be a number, got " + describe(v));
  }

  /** An array of token ids; each must fit an int and be {@code >= 0}. */
  int[] tokenIds(Object v, String where) {
    List<Object> l = list(v, where);
    int[] out = new int[l.size()];
    for (int i = 0; i < out.length; i++) {
      long id = integer(l.get(i), where + "[" + i + "]");
      if (id < 0 || id > Integer.MAX_VALUE) {
        throw error("'" + where + "[" + i + "]' is " + id + ", not a valid token id");
      }
      out[i] = (int) id;
    }
    return out;
  }

  static String describe(Object v) {
    if (v == null) {
      return "null";
    }
    String json = Json.write(v);
    return (v instanceof Map ? "an object " : v instanceof List ? "an array " : "") + ErrorBodies.snippet(json);
  }
}
