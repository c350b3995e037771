package dev.spice.core;

import java.util.Optional;

/**
 * Finds the final answer in a Reasoner's text (for example the last {@code \boxed{...}}).
 * Implementations must not throw on any model output and must do a bounded amount of work.
 */
@FunctionalInterface
public interface AnswerExtractor {
  /**
   * The final answer, if one can be found.
   *
   *
   * @param completionText the Reasoner's output
   * @param task the task answered (multiple-choice extractors use its options)
   * @return the final answer, if one can be found
   */
  Optional<String> extract(String completionText, Task task);
}
