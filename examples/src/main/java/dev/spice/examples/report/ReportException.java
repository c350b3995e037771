package dev.spice.examples.report;

import dev.spice.core.SpiceException;

/**
 * A run folder could not be turned into a report: a file is missing, malformed, or holds a value of
 * the wrong type. The message names the file and, where known, the line and the field.
 */
public final class ReportException extends SpiceException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception; the message names file, line and field. */
  public ReportException(String message) {
    super(message);
  }

  /** Creates the exception with its cause. */
  public ReportException(String message, Throwable cause) {
    super(message, cause);
  }
}
