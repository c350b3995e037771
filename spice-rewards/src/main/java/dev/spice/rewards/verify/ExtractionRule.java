package dev.spice.rewards.verify;

/**
 * One way of finding a final answer in a Reasoner's text. An extractor tries its rules in order
 * and returns the first answer found; see {@link AnswerExtractors}.
 */
public enum ExtractionRule {
  /** The content of the last {@code \boxed{...}} or {@code \fbox{...}} (nested braces allowed). */
  BOXED,
  /** GSM8K's {@code #### 42}: the rest of the line after the last {@code ####}. */
  GSM8K,
  /**
   * The rest of the line after the last {@code Answer:} (any case; "Final answer:" included;
   * "answer" a whole word; whitespace allowed before the colon, as in {@code answer : x}).
   */
  ANSWER_LINE,
  /** The rest of the sentence after the last "answer is" ("The answer is 42.", "The final answer is $x$"). */
  ANSWER_IS,
  /**
   * Multiple choice only: a letter on the last non-empty line ({@code B}, {@code (B)},
   * {@code B) text}) or the last {@code (B)} on that line, or an option's text as that line.
   */
  CHOICE_LAST_LINE,
  /** The last number in the text (lenient; not in the default order). */
  LAST_NUMBER
}
