package dev.spice.core;

import java.util.Objects;
import java.util.Optional;

/**
 * One Reasoner answer to a task.
 *
 * @param task the task answered
 * @param prompt the prompt it answered (it never contains the document)
 * @param completion what the policy generated
 * @param answer the extracted final answer, or {@code null} if none could be extracted
 */
public record ReasonerAttempt(Task task, Prompt prompt, Completion completion, String answer) {
  /**
   * Validates.
   *
   * @param task the task answered
   * @param prompt the prompt it answered (it never contains the document)
   * @param completion what the policy generated
   * @param answer the extracted final answer, or {@code null} if none could be extracted
   */
  public ReasonerAttempt {
    Objects.requireNonNull(task, "task");
    Objects.requireNonNull(prompt, "prompt");
    Objects.requireNonNull(completion, "completion");
  }

  /**
   * The extracted answer, if any.
   *
   * @return the extracted answer, if any
   */
  public Optional<String> extractedAnswer() {
    return Optional.ofNullable(answer);
  }
}
