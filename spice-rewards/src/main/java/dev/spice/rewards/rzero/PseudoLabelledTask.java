package dev.spice.rewards.rzero;

import dev.spice.core.AnswerType;
import dev.spice.core.SpiceException.RewardException;
import dev.spice.core.Task;
import dev.spice.core.TaskFormat;
import dev.spice.rewards.verify.Verifiers;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A Challenger question with the Solver's majority answer as its pseudo-label: one item of
 * R-Zero's Solver training set.
 *
 * @param task the question (its own gold answer is not the label; see {@link #labelledTask()})
 * @param label the pseudo-label, the representative answer of the largest class, not blank
 * @param agreement the share of the Solver's samples in the label's class, in {@code (0, 1]}
 */
public record PseudoLabelledTask(Task task, String label, double agreement) {

  /**
   * Validates.
   *
   * @param task the question
   * @param label the pseudo-label, not blank
   * @param agreement the share of the Solver's samples in the label's class, in {@code (0, 1]}
   * @throws NullPointerException if {@code task} or {@code label} is null
   * @throws IllegalArgumentException for a blank label or an agreement outside {@code (0, 1]}
   */
  public PseudoLabelledTask {
    Objects.requireNonNull(task, "task");
    Objects.requireNonNull(label, "label");
    if (label.isBlank()) {
      throw new IllegalArgumentException("pseudo-label is blank");
    }
    if (!(agreement > 0 && agreement <= 1)) {
      throw new IllegalArgumentException("agreement must be in (0, 1], got " + agreement);
    }
  }

  /**
   * The task with the pseudo-label as its gold answer, ready for the SDK's Reasoner rewards
   * ({@code ReasonerRewards.correctness()} then verifies Solver answers against the label). The
   * question, format, options and answer type are kept; the metadata key
   * {@value Verifiers#ALIASES_KEY} is dropped (those aliases belonged to the old gold answer).
   * For multiple choice the gold answer becomes the letter the label names ({@code "(b)"} gives
   * {@code B}).
   *
   * @return a new task labelled with the pseudo-label
   * @throws RewardException for a multiple-choice task whose label names no letter A-D
   */
  public Task labelledTask() {
    Map<String, String> meta = new TreeMap<>(task.metadata());
    meta.remove(Verifiers.ALIASES_KEY);
    String gold = label.strip();
    if (task.format() == TaskFormat.MULTIPLE_CHOICE) {
      gold = letterOf(label);
    }
    return new Task(task.question(), task.format(), task.options(), gold, task.answerType(), meta);
  }

  private static String letterOf(String label) {
    for (char c = 'A'; c <= 'D'; c++) {
      if (Verifiers.defaults().verify(label, String.valueOf(c), AnswerType.CHOICE)) {
        return String.valueOf(c);
      }
    }
    throw new RewardException("pseudo-label '" + label + "' of a multiple-choice task names no option letter A-D");
  }
}
