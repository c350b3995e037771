package dev.spice.core.roles;

/**
 * The stable codes that start the invalid reasons of the standard codecs
 * ({@link JsonTaskCodec}, {@link TextTaskCodec}) and roles. A reason reads
 * {@code <code>: <detail>}: the code is a lower-case slug that counts and dashboards can group
 * by; the detail is for people and may change between versions.
 */
public final class InvalidReasons {
  private InvalidReasons() {}

  /** The output, the question, an option or the answer is over a length limit. */
  public static final String TOO_LONG = "too_long";

  /** The output does not have the format's structure (keywords, JSON fields, types). */
  public static final String FORMAT = "format";

  /** The question is empty. */
  public static final String NO_QUESTION = "no_question";

  /** The answer is empty. */
  public static final String NO_ANSWER = "no_answer";

  /** A multiple-choice task does not have exactly four non-empty options. */
  public static final String OPTIONS = "options";

  /** Two options are the same. */
  public static final String DUPLICATE_OPTIONS = "duplicate_options";

  /** A multiple-choice answer is neither a letter A-D nor the text of an option. */
  public static final String ANSWER_NOT_IN_OPTIONS = "answer_not_in_options";

  /** The question contains its own answer. */
  public static final String ANSWER_IN_QUESTION = "answer_in_question";

  /** The answer does not occur in the document (a codec setting; the paper makes no such check). */
  public static final String NOT_GROUNDED = "not_grounded";

  /**
   * The task's format (multiple choice or free form) is not one the Challenger role allows (see
   * {@link Roles#onlyFormats}).
   */
  public static final String FORMAT_NOT_ALLOWED = "format_not_allowed";

  /** What {@link #code} returns for a reason that does not start with a code. */
  public static final String OTHER = "other";

  /**
   * The code of a reason: the text before its first {@code ':'} when that is a non-empty run of
   * {@code a-z} and {@code _}, else {@value #OTHER} (also for null). Never throws.
   *
   * @param reason an invalid reason, for example {@code "options: expected 4 options, got 3"}
   * @return the code, for example {@code "options"}
   */
  public static String code(String reason) {
    if (reason == null) {
      return OTHER;
    }
    int colon = reason.indexOf(':');
    if (colon <= 0) {
      return OTHER;
    }
    for (int i = 0; i < colon; i++) {
      char c = reason.charAt(i);
      if (!(c >= 'a' && c <= 'z' || c == '_')) {
        return OTHER;
      }
    }
    return reason.substring(0, colon);
  }

  /** {@code code + ": " + detail}. */
  static String of(String code, String detail) {
    return code + ": " + detail;
  }
}
