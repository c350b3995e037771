package dev.spice.remote;

import dev.spice.core.internal.json.Json;
import java.util.Map;

/**
 * Reads the server's message out of an error reply. Two JSON shapes are accepted: the nested one of
 * newer vLLM and of the OpenAI API, {@code {"error":{"message":...,"type":...,"code":...}}}, and the
 * flat one of older vLLM, {@code {"object":"error","message":...,"type":...,"code":...}}; FastAPI's
 * {@code {"detail": ...}} is read too. Anything else is quoted as text (shortened).
 */
final class ErrorBodies {
  static final int SNIPPET = 300;

  private ErrorBodies() {}

  /** The server's message, with its error type when given, or the body quoted. */
  static String message(String body) {
    if (body == null || body.isBlank()) {
      return "(empty body)";
    }
    Map<String, Object> o;
    try {
      o = Json.parseObject(body);
    } catch (IllegalArgumentException e) {
      return snippet(body);
    }
    Object nested = o.get("error");
    if (nested instanceof Map<?, ?> m && m.get("message") instanceof String msg) {
      return withType(msg, m.get("type"));
    }
    if (nested instanceof String msg) {
      return msg;
    }
    if (o.get("message") instanceof String msg) {
      return withType(msg, o.get("type"));
    }
    if (o.containsKey("detail")) {
      return snippet(String.valueOf(o.get("detail") instanceof String s ? s : Json.write(o.get("detail"))));
    }
    return snippet(body);
  }

  private static String withType(String message, Object type) {
    return type instanceof String t && !t.isBlank() ? t + ": " + message : message;
  }

  /** The text cut to {@value #SNIPPET} characters. */
  static String snippet(String text) {
    String t = text.strip();
    return t.length() <= SNIPPET ? t : t.substring(0, SNIPPET) + "... (" + t.length() + " characters)";
  }
}
