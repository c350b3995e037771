package dev.spice.core;

/**
 * The Challenger role: builds the prompt that shows a document and asks for a task, and parses
 * the policy's output into a {@link ChallengerAttempt}. The engine does the generation, so one
 * Challenger works with every {@link PolicyBackend}. {@link dev.spice.core.roles.Roles} builds the
 * standard ones from a {@link TaskCodec}.
 *
 * <p>Implementations must be deterministic and thread-safe and must never throw on model output.
 */
public interface Challenger {

  /**
   * The prompt for a document. In no-corpus mode the engine passes a synthetic document with
   * empty text: the prompt must then ask for a task without reference material.
   *
   * @param document the document
   * @return the prompt for a document
   */
  Prompt prompt(Document document);

  /**
   * Parses what the policy generated for {@code prompt}; invalid output is an invalid attempt.
   *
   * @param document the document
   * @param prompt the prompt
   * @param completion the completion
   * @return the attempt, valid or invalid
   */
  ChallengerAttempt parse(Document document, Prompt prompt, Completion completion);
}
