package dev.spice.serve;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An error answered to the client: the HTTP status, the OpenAI error type, the offending request
 * field (or null) and the message, rendered in the nested form
 * {@code {"error":{"message","type","param","code"}}}.
 */
final class ApiError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  final int status;
  final String type;
  final String param;
  /** Seconds for a {@code Retry-After} header, or -1 for none. */
  final int retryAfter;

  ApiError(int status, String type, String param, String message, int retryAfter) {
    super(message);
    this.status = status;
    this.type = type;
    this.param = param;
    this.retryAfter = retryAfter;
  }

  static ApiError badRequest(String param, String message) {
    return new ApiError(400, "BadRequestError", param, message, -1);
  }

  static ApiError notFound(String param, String message) {
    return new ApiError(404, "NotFoundError", param, message, -1);
  }

  /** The JSON body of the response. */
  Map<String, Object> body() {
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("message", getMessage());
    e.put("type", type);
    e.put("param", param);
    e.put("code", status);
    return Map.of("error", e);
  }
}
