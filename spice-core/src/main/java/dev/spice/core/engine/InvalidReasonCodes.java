package dev.spice.core.engine;

/**
 * Maps a Challenger attempt's invalid reason to a short code for the
 * {@link MetricNames#CHALLENGER_INVALID_PREFIX challenger/invalid/*} metrics. Reasons have the form
 * {@code <code>: <detail>}, where the code is a slug of lower-case letters and underscores
 * ({@code too_long}, {@code format}, {@code no_question}, {@code no_answer}, {@code options},
 * {@code duplicate_options}, {@code answer_not_in_options}, {@code answer_in_question},
 * {@code not_grounded}); any other reason has the code {@value #OTHER}.
 */
final class InvalidReasonCodes {
  /** The code of a reason without a {@code <slug>:} prefix (and of a null or blank reason). */
  static final String OTHER = "other";

  private InvalidReasonCodes() {}

  /**
   * The text before the first {@code ':'} when it is a non-empty run of {@code [a-z_]}, else
   * {@value #OTHER} (also for a reason without a colon, and for a null or blank reason). The slug
   * must start the reason and end at the colon: no surrounding whitespace is removed.
   */
  static String code(String reason) {
    if (reason == null) {
      return OTHER;
    }
    int colon = reason.indexOf(':');
    if (colon <= 0) {
      return OTHER;
    }
    for (int i = 0; i < colon; i++) {
      char ch = reason.charAt(i);
      if (!(ch >= 'a' && ch <= 'z') && ch != '_') {
        return OTHER;
      }
    }
    return reason.substring(0, colon);
  }
}
