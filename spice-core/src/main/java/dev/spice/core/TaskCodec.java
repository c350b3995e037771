package dev.spice.core;

import java.util.Objects;

/**
 * Turns a Challenger's output into a {@link Task} (or the reason it cannot), and says in the
 * Challenger prompt how the output must be written. The paper-style JSON codec is
 * {@link dev.spice.core.roles.JsonTaskCodec}; {@link dev.spice.core.roles.TextTaskCodec} is a
 * compact format for small models.
 *
 * <p>Implementations must be deterministic, must not throw on any model output (invalid output is
 * a {@link Decoded#invalid} result), and must be thread-safe. The standard codecs start each
 * invalid reason with a stable code, {@code <code>: <detail>} (see
 * {@link dev.spice.core.roles.InvalidReasons}).
 */
public interface TaskCodec {

  /**
   * A short stable name, for example {@code json}.
   *
   * @return a short stable name, for example {@code json}
   */
  String name();

  /**
   * Instructions for the Challenger prompt describing the expected output format.
   *
   * @return the format instructions for the Challenger prompt
   */
  String formatInstructions();

  /**
   * Parses one Challenger output.
   *
   *
   * @param completionText what the Challenger generated
   * @param document the document it read
   * @return the decoded task, or the reason it is invalid
   */
  Decoded decode(String completionText, Document document);

  /**
   * The completion text that this codec decodes back to an equal task (same question, format,
   * options, gold answer and answer type), for writing demonstrations. This default says the
   * codec cannot encode.
   *
   * @param task the task to write
   * @return the text a Challenger would write for {@code task}
   * @throws SpiceException.ConfigurationException if this codec cannot encode tasks (the default)
   * @throws IllegalArgumentException if this codec can encode, but not this task: its output
   *     would not decode back to an equal task (the message says why)
   */
  default String encode(Task task) {
    throw new SpiceException.ConfigurationException(
        "codec " + name() + " cannot encode tasks; use a codec that can, e.g. JsonTaskCodec or TextTaskCodec");
  }

  /**
   * The result of {@link #decode}: a task or the reason there is none.
   *
   * @param task the task, or null
   * @param invalidReason the reason, or null
   */
  record Decoded(Task task, String invalidReason) {
    /**
     * Exactly one is set.
     *
     * @param task the task, or null
     * @param invalidReason the reason, or null
     */
    public Decoded {
      if ((task == null) == (invalidReason == null)) {
        throw new IllegalArgumentException("exactly one of task and invalidReason must be set");
      }
    }

    /**
     * A task.
     *
     * @param task the task
     * @return a task
     */
    public static Decoded valid(Task task) {
      return new Decoded(Objects.requireNonNull(task), null);
    }

    /**
     * No task, with the reason.
     *
     * @param reason the reason
     * @return an invalid result with the reason
     */
    public static Decoded invalid(String reason) {
      return new Decoded(null, Objects.requireNonNull(reason));
    }
  }
}
