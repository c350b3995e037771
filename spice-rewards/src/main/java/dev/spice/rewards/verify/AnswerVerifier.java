package dev.spice.rewards.verify;

import dev.spice.core.AnswerType;
import dev.spice.core.Task;
import dev.spice.core.TaskFormat;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Decides whether a predicted answer matches a gold answer. Obtain one from {@link Verifiers}.
 *
 * <p>Promises: never throws on any strings (a {@code null} prediction is simply wrong); does a
 * bounded amount of work (inputs are cut at {@link Verifiers#MAX_ANSWER_CHARS} characters, parse
 * depth and exponents are capped), so pathological input returns {@code false} quickly; is
 * deterministic; is thread-safe. Equivalence is symmetric by construction, and reflexive on
 * defined answers: an undefined or out-of-range value ({@code 1/0}, {@code nan}, {@code 1e401},
 * {@code 2^{5000}}) matches nothing, not even itself.
 */
public interface AnswerVerifier {

  /**
   * Whether {@code predicted} matches {@code gold} under the rules of {@code type}.
   *
   * @param predicted the extracted answer; {@code null} gives {@code false}
   * @param gold the gold answer (for {@link AnswerType#CHOICE}: a letter)
   * @param type how to compare
   * @return {@code true} if they match
   */
  boolean verify(String predicted, String gold, AnswerType type);

  /**
   * Whether {@code predicted} matches any of {@code golds} (aliases).
   *
   * @param predicted the extracted answer
   * @param golds the accepted gold answers; null elements are skipped
   * @param type how to compare
   * @return {@code true} if it matches at least one
   */
  default boolean verifyAny(String predicted, Collection<String> golds, AnswerType type) {
    for (String g : golds) {
      if (g != null && verify(predicted, g, type)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether {@code predicted} answers {@code task}: for multiple choice the letter (or the text of
   * an option) against the gold letter; otherwise against the gold answer and its aliases, read
   * from the task metadata key {@value Verifiers#ALIASES_KEY} ({@code |}-separated).
   *
   * @param predicted the extracted answer
   * @param task the task holding the gold answer, format and answer type
   * @return {@code true} if the answer is correct
   */
  default boolean verify(String predicted, Task task) {
    if (task.format() == TaskFormat.MULTIPLE_CHOICE) {
      char c = Choices.letter(predicted, task.options());
      return c != 0 && task.goldAnswer().length() == 1 && c == Character.toUpperCase(task.goldAnswer().charAt(0));
    }
    String aliases = task.metadata().get(Verifiers.ALIASES_KEY);
    if (aliases == null || aliases.isBlank()) {
      return verify(predicted, task.goldAnswer(), task.answerType());
    }
    List<String> golds = new ArrayList<>();
    golds.add(task.goldAnswer());
    for (String a : aliases.split("\\|")) {
      if (!a.isBlank()) {
        golds.add(a.strip());
      }
    }
    return verifyAny(predicted, golds, task.answerType());
  }
}
