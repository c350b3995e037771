package dev.spice.remote;

import dev.spice.core.SpiceException;

/**
 * The inference server failed a request or sent a reply that cannot be trusted: an HTTP error
 * status (with the server's own message), a reply that is not JSON or lacks a field, log-probs of
 * the wrong length, token ids outside the vocabulary, or a transient failure (connection refused,
 * timeout, HTTP 429/5xx) that outlasted every retry. The message names the endpoint and what was
 * wrong.
 */
public class RemoteServerException extends SpiceException.BackendException {
  private static final long serialVersionUID = 1L;

  /** The value of {@link #status()} when no HTTP status was received. */
  public static final int NO_STATUS = -1;

  /** The URL of the request that failed. */
  private final String endpoint;

  /** The HTTP status of the last reply, or {@link #NO_STATUS}. */
  private final int status;

  /**
   * Creates the exception.
   *
   * @param message what was wrong, naming the endpoint
   * @param endpoint the URL of the request that failed
   * @param status the HTTP status received, or {@link #NO_STATUS}
   * @param cause the underlying cause, or {@code null}
   */
  public RemoteServerException(String message, String endpoint, int status, Throwable cause) {
    super(message, cause);
    this.endpoint = endpoint;
    this.status = status;
  }

  /**
   * The URL of the request that failed.
   *
   * @return the URL of the request that failed
   */
  public String endpoint() {
    return endpoint;
  }

  /**
   * The HTTP status of the last reply, or {@link #NO_STATUS} when none came (connection refused,
   * timeout).
   *
   * @return the HTTP status of the last reply, or {@link #NO_STATUS}
   */
  public int status() {
    return status;
  }
}
