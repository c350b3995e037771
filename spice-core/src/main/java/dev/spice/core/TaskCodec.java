package dev.spice.core;

import java.util.Objects;

/**
 * Turns a Challenger's output into a {@link Task} (or the reason it cannot), and says in the
 * Challenger prompt how the output must be written. The paper-style JSON codec is
 * {@link dev.spice.core.roles.JsonTaskCodec}; the quickstart adds a compact codec for small models.
 *
 * <p>Implementations must be deterministic, must not throw on any model output (invalid output is
 * a {@link Decoded#invalid} result), and must be thread-safe.
 */
public interface TaskCodec {

  /** A short stable name, for example {@code json}. */
  String name();

  /** Instructions for the Challenger prompt describing the expected output format. */
  String formatInstructions();

  /**
   * Parses one Challenger output.
   *
   * @param completionText what the Challenger generated
   * @param document the document it read
   */
  Decoded decode(String completionText, Document document);

  /**
   * The result of {@link #decode}: a task or the reason there is none.
   *
   * @param task the task, or null
   * @param invalidReason the reason, or null
   */
  record Decoded(Task task, String invalidReason) {
    /** Exactly one is set. */
    public Decoded {
      if ((task == null) == (invalidReason == null)) {
        throw new IllegalArgumentException("exactly one of task and invalidReason must be set");
      }
    }

    /** A task. */
    public static Decoded valid(Task task) {
      return new Decoded(Objects.requireNonNull(task), null);
    }

    /** No task, with the reason. */
    public static Decoded invalid(String reason) {
      return new Decoded(null, Objects.requireNonNull(reason));
    }
  }
}
