package dev.spice.corpus.seeds;

import dev.spice.core.AnswerType;
import dev.spice.core.Task;
import dev.spice.core.TaskFormat;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * One cloze question made from a corpus sentence by {@link ClozeTasks}: the sentence with its last
 * word blanked out, and that word as the gold answer.
 *
 * <p>Invariants (checked on construction): question and answer are not blank; the answer type is
 * not {@link AnswerType#CHOICE}; there are at most three distractors, none blank, distinct from
 * each other and from the answer ignoring case. The distractor list is copied and unmodifiable.
 *
 * @param documentId id of the document the sentence came from
 * @param sentence the source sentence, stripped, with its end punctuation
 * @param question the sentence up to the answer, stripped, followed by {@code " ___ ?"}
 * @param answer the blanked-out word, as written in the sentence
 * @param answerType {@link AnswerType#INTEGER} for a whole number, else {@link AnswerType#STRING}
 * @param distractors up to three wrong answers for the multiple-choice form (see {@link
 *     ClozeTasks})
 */
public record ClozeItem(
    String documentId,
    String sentence,
    String question,
    String answer,
    AnswerType answerType,
    List<String> distractors) {

  /** Task metadata key holding {@link #documentId()}. */
  public static final String METADATA_SOURCE_DOCUMENT = "source_document";

  /** Task metadata key holding {@link #answer()} (also for the multiple-choice form). */
  public static final String METADATA_ANSWER = "cloze_answer";

  /**
   * Validates and copies.
   *
   * @param documentId id of the source document
   * @param sentence the source sentence
   * @param question the question text
   * @param answer the gold answer
   * @param answerType the answer type (not {@link AnswerType#CHOICE})
   * @param distractors up to three wrong answers (copied)
   */
  public ClozeItem {
    Objects.requireNonNull(documentId, "documentId");
    Objects.requireNonNull(sentence, "sentence");
    Objects.requireNonNull(question, "question");
    Objects.requireNonNull(answer, "answer");
    Objects.requireNonNull(answerType, "answerType");
    distractors = List.copyOf(Objects.requireNonNull(distractors, "distractors"));
    if (question.isBlank()) {
      throw new IllegalArgumentException("cloze question is blank (document " + documentId + ")");
    }
    if (answer.isBlank()) {
      throw new IllegalArgumentException("cloze answer is blank for question '" + question + "'");
    }
    if (answerType == AnswerType.CHOICE) {
      throw new IllegalArgumentException(
          "a cloze answer type is INTEGER, EXPRESSION or STRING, got CHOICE for question '" + question + "'");
    }
    if (distractors.size() > 3) {
      throw new IllegalArgumentException(
          "a cloze item has at most 3 distractors, got " + distractors.size() + " for question '" + question + "'");
    }
    Set<String> seen = new HashSet<>();
    seen.add(answer.toLowerCase(Locale.ROOT));
    for (String d : distractors) {
      if (d.isBlank() || !seen.add(d.toLowerCase(Locale.ROOT))) {
        throw new IllegalArgumentException(
            "cloze distractors must be non-blank and differ (ignoring case) from each other and from the answer '"
                + answer + "', got " + distractors);
      }
    }
  }

  /**
   * The free-form task: this question, gold answer {@link #answer()} and {@link #answerType()},
   * with metadata {@value #METADATA_SOURCE_DOCUMENT} and {@value #METADATA_ANSWER}.
   *
   * @return the free-form task
   */
  public Task freeForm() {
    return new Task(question, TaskFormat.FREE_FORM, List.of(), answer, answerType, metadata());
  }

  /**
   * True when the item has exactly three distractors, so {@link #multipleChoice(long)} works.
   *
   * @return whether there are exactly three distractors
   */
  public boolean hasMultipleChoice() {
    return distractors.size() == 3;
  }

  /**
   * The multiple-choice task: options are the answer followed by the three distractors, shuffled
   * (Fisher-Yates) with a {@link SplittableRandom} seeded with {@code shuffleSeed}, so the same seed
   * always gives the same order; the gold letter is where the answer landed. Metadata as for {@link #freeForm()}.
   *
   * @param shuffleSeed seed of the option shuffle
   * @return the multiple-choice task
   * @throws IllegalStateException when {@link #hasMultipleChoice()} is false
   */
  public Task multipleChoice(long shuffleSeed) {
    if (!hasMultipleChoice()) {
      throw new IllegalStateException(
          "cloze item has " + distractors.size() + " distractors, a multiple-choice task needs 3 (question '"
              + question + "')");
    }
    List<String> options = new ArrayList<>(4);
    options.add(answer);
    options.addAll(distractors);
    SeededShuffle.shuffle(options, new SplittableRandom(shuffleSeed));
    String gold = String.valueOf((char) ('A' + options.indexOf(answer)));
    return new Task(question, TaskFormat.MULTIPLE_CHOICE, options, gold, AnswerType.CHOICE, metadata());
  }

  private Map<String, String> metadata() {
    return Map.of(METADATA_SOURCE_DOCUMENT, documentId, METADATA_ANSWER, answer);
  }
}
