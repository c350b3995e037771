package dev.spice.core;

/**
 * Root of the SDK's unchecked exceptions. Every error the SDK raises on purpose is a subclass, so a
 * host application can catch {@code SpiceException} to handle all of them. Messages name what was
 * wrong and where (file, line, field, setting) and, for settings, the valid values.
 */
public class SpiceException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception with a message naming what was wrong and where.
   *
   * @param message what was wrong and where
   */
  public SpiceException(String message) {
    super(message);
  }

  /**
   * Creates an exception with a message and its cause.
   *
   * @param message what was wrong and where
   * @param cause the underlying cause
   */
  public SpiceException(String message, Throwable cause) {
    super(message, cause);
  }

  /** A setting is missing or outside its valid values; raised by builders at {@code build()}. */
  public static class ConfigurationException extends SpiceException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception; the message should name the setting and its valid values.
     *
     * @param message what was wrong and where
     */
    public ConfigurationException(String message) {
      super(message);
    }
  }

  /** A corpus could not be read: missing file, malformed record, invalid encoding, empty corpus. */
  public static class CorpusException extends SpiceException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception; the message should name the file and line or record.
     *
     * @param message what was wrong and where
     */
    public CorpusException(String message) {
      super(message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what was wrong and where
     * @param cause the underlying cause
     */
    public CorpusException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** A policy backend failed: model files, generation, or an update. */
  public static class BackendException extends SpiceException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what was wrong and where
     */
    public BackendException(String message) {
      super(message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what was wrong and where
     * @param cause the underlying cause
     */
    public BackendException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * A backend refused the arguments of a call before running anything: a token id outside the
   * vocabulary, an empty prompt, a prompt too long for the model, lists of different sizes. The
   * caller's input is at fault, not the backend (a server answers it with 400, where another
   * {@link BackendException} is the server's failure). It is a {@link BackendException}, so code
   * that catches those catches this too.
   */
  public static class InvalidInputException extends BackendException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message which argument was wrong, where, and the valid range
     */
    public InvalidInputException(String message) {
      super(message);
    }
  }

  /** A reward function failed or returned a malformed result. */
  public static class RewardException extends SpiceException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what was wrong and where
     */
    public RewardException(String message) {
      super(message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what was wrong and where
     * @param cause the underlying cause
     */
    public RewardException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** A checkpoint could not be written, or read back, or does not match the engine. */
  public static class CheckpointException extends SpiceException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what was wrong and where
     */
    public CheckpointException(String message) {
      super(message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what was wrong and where
     * @param cause the underlying cause
     */
    public CheckpointException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** An optional operation that this implementation does not provide (the message names it). */
  public static class UnsupportedOperation extends SpiceException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message which operation, on which implementation
     */
    public UnsupportedOperation(String message) {
      super(message);
    }
  }
}
