package dev.spice.core;

/** How a gold answer is checked. */
public enum AnswerType {
  /** A number (integers, decimals, fractions), checked numerically. */
  INTEGER,
  /** A mathematical expression, checked by equivalence. */
  EXPRESSION,
  /** A short string (1-3 words), checked by normalised exact match. */
  STRING,
  /** A multiple-choice letter (A-D). */
  CHOICE
}
