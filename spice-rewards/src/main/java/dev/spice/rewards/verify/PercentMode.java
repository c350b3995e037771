package dev.spice.rewards.verify;

/** How a percentage compares with a plain number. */
public enum PercentMode {
  /**
   * The default: {@code 50%} matches both {@code 50} and {@code 0.5} (the percent sign may be
   * read either way); two percentages compare by their numbers.
   */
  LENIENT,
  /** The percent sign divides by 100: {@code 50%} matches {@code 0.5} and not {@code 50}. */
  DIVIDE,
  /** The percent sign is ignored: {@code 50%} matches {@code 50} and not {@code 0.5}. */
  IGNORE
}
