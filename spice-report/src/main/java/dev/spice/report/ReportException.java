package dev.spice.report;

import dev.spice.core.SpiceException;

/**
 * A run folder could not be turned into a report: a file is missing, malformed, or holds a value of
 * the wrong type, or the page cannot be written. The message names the file and, where known, the
 * line and the field.
 */
public final class ReportException extends SpiceException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what went wrong, naming the file and, where known, the line and the field
   */
  public ReportException(String message) {
    super(message);
  }

  /**
   * Creates the exception with its cause.
   *
   * @param message what went wrong, naming the file and, where known, the line and the field
   * @param cause the underlying error (an I/O error, a JSON syntax error)
   */
  public ReportException(String message, Throwable cause) {
    super(message, cause);
  }
}
