package dev.spice.core;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A task written by the Challenger: a question and its gold answer.
 *
 * <p>Invariants (checked on construction): a {@link TaskFormat#MULTIPLE_CHOICE} task has
 * exactly four options, answer type {@link AnswerType#CHOICE} and a gold answer in {@code A..D};
 * a {@link TaskFormat#FREE_FORM} task has no options and a non-choice answer type.
 *
 * @param question the question shown to the Reasoner (never contains the document)
 * @param format multiple choice or free form
 * @param options the four option texts for multiple choice, empty otherwise
 * @param goldAnswer the gold answer: a letter for multiple choice, else the answer text
 * @param answerType how the answer is checked
 * @param metadata codec-specific details (for example the fact a compact codec pointed to)
 */
public record Task(
    String question,
    TaskFormat format,
    List<String> options,
    String goldAnswer,
    AnswerType answerType,
    Map<String, String> metadata) {

  /**
   * Validates and copies.
   *
   * @param question the question shown to the Reasoner (never contains the document)
   * @param format multiple choice or free form
   * @param options the four option texts for multiple choice, empty otherwise
   * @param goldAnswer the gold answer: a letter for multiple choice, else the answer text
   * @param answerType how the answer is checked
   * @param metadata codec-specific details (for example the fact a compact codec pointed to)
   */
  public Task {
    Objects.requireNonNull(question, "question");
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(goldAnswer, "goldAnswer");
    Objects.requireNonNull(answerType, "answerType");
    options = options == null ? List.of() : List.copyOf(options);
    metadata = metadata == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(metadata));
    if (question.isBlank()) {
      throw new IllegalArgumentException("Task question is blank");
    }
    if (goldAnswer.isBlank()) {
      throw new IllegalArgumentException("Task gold answer is blank");
    }
    if (format == TaskFormat.MULTIPLE_CHOICE) {
      if (options.size() != 4) {
        throw new IllegalArgumentException(
            "A multiple-choice task needs exactly 4 options, got " + options.size());
      }
      if (answerType != AnswerType.CHOICE) {
        throw new IllegalArgumentException(
            "A multiple-choice task has answer type CHOICE, got " + answerType);
      }
      if (!goldAnswer.matches("[A-D]")) {
        throw new IllegalArgumentException(
            "A multiple-choice gold answer is one letter A-D, got '" + goldAnswer + "'");
      }
    } else {
      if (!options.isEmpty()) {
        throw new IllegalArgumentException("A free-form task has no options, got " + options.size());
      }
      if (answerType == AnswerType.CHOICE) {
        throw new IllegalArgumentException(
            "A free-form task has answer type INTEGER, EXPRESSION or STRING, got CHOICE");
      }
    }
  }

  /**
   * A free-form task.
   *
   * @param question the question
   * @param goldAnswer the gold answer
   * @param type the type
   * @return a free-form task
   */
  public static Task freeForm(String question, String goldAnswer, AnswerType type) {
    return new Task(question, TaskFormat.FREE_FORM, List.of(), goldAnswer, type, Map.of());
  }

  /**
   * A multiple-choice task with options A-D.
   *
   * @param question the question
   * @param options the options
   * @param goldLetter the gold letter
   * @return a multiple-choice task with options A-D
   */
  public static Task multipleChoice(String question, List<String> options, String goldLetter) {
    return new Task(question, TaskFormat.MULTIPLE_CHOICE, options, goldLetter, AnswerType.CHOICE, Map.of());
  }

  /**
   * The text of the gold option for multiple choice, or the gold answer for free form.
   *
   * @return the text of the gold option for multiple choice, or the gold answer for free form
   */
  public String goldText() {
    return format == TaskFormat.MULTIPLE_CHOICE ? options.get(goldAnswer.charAt(0) - 'A') : goldAnswer;
  }
}
