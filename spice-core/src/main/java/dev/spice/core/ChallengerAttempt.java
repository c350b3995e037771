package dev.spice.core;

import java.util.Objects;
import java.util.Optional;

/**
 * One Challenger generation for a document: either a valid {@link Task} or the reason it is
 * invalid.
 *
 * @param document the document the Challenger read (a synthetic empty one in no-corpus mode)
 * @param prompt the prompt it answered
 * @param completion what the policy generated
 * @param task the parsed task, or {@code null} if invalid
 * @param invalidReason why it is invalid, or {@code null} if valid
 */
public record ChallengerAttempt(
    Document document, Prompt prompt, Completion completion, Task task, String invalidReason) {

  /**
   * Validates: exactly one of task and invalidReason is set.
   *
   * @param document the document the Challenger read (a synthetic empty one in no-corpus mode)
   * @param prompt the prompt it answered
   * @param completion what the policy generated
   * @param task the parsed task, or {@code null} if invalid
   * @param invalidReason why it is invalid, or {@code null} if valid
   */
  public ChallengerAttempt {
    Objects.requireNonNull(document, "document");
    Objects.requireNonNull(prompt, "prompt");
    Objects.requireNonNull(completion, "completion");
    if ((task == null) == (invalidReason == null)) {
      throw new IllegalArgumentException("exactly one of task and invalidReason must be set");
    }
  }

  /**
   * A valid attempt.
   *
   * @param d the document
   * @param p the prompt
   * @param c the completion
   * @param task the task
   * @return a valid attempt
   */
  public static ChallengerAttempt valid(Document d, Prompt p, Completion c, Task task) {
    return new ChallengerAttempt(d, p, c, task, null);
  }

  /**
   * An invalid attempt.
   *
   * @param d the document
   * @param p the prompt
   * @param c the completion
   * @param reason the reason
   * @return an invalid attempt
   */
  public static ChallengerAttempt invalid(Document d, Prompt p, Completion c, String reason) {
    return new ChallengerAttempt(d, p, c, null, reason);
  }

  /**
   * Whether a task was parsed.
   *
   * @return whether a task was parsed
   */
  public boolean isValid() {
    return task != null;
  }

  /**
   * The task, if valid.
   *
   * @return the task, if valid
   */
  public Optional<Task> taskIfValid() {
    return Optional.ofNullable(task);
  }
}
