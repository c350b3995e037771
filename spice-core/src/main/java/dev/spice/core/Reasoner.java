package dev.spice.core;

/**
 * The Reasoner role: builds the prompt that asks a question (never showing the document) and
 * extracts the final answer from the policy's output.
 *
 * <p>Implementations must be deterministic and thread-safe and must never throw on model output.
 */
public interface Reasoner {

  /**
   * The prompt for a task; it must not reveal the gold answer or the document.
   *
   * @param task the task
   * @return the prompt for a task; it must not reveal the gold answer or the document
   */
  Prompt prompt(Task task);

  /**
   * Extracts the final answer from what the policy generated.
   *
   * @param task the task
   * @param prompt the prompt
   * @param completion the completion
   * @return the attempt, with the extracted answer if any
   */
  ReasonerAttempt parse(Task task, Prompt prompt, Completion completion);
}
