package dev.spice.core;

/** The two task formats of the paper. */
public enum TaskFormat {
  /** Four options A-D; the gold answer is one letter. */
  MULTIPLE_CHOICE,
  /** An open answer typed by {@link AnswerType}. */
  FREE_FORM
}
