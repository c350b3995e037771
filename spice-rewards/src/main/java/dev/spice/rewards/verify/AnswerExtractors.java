package dev.spice.rewards.verify;

import dev.spice.core.AnswerExtractor;
import dev.spice.core.SpiceException.ConfigurationException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;

/**
 * Entry point for answer extraction ({@link AnswerExtractor}).
 *
 * <p>Default order of precedence ({@link #DEFAULT_ORDER}): {@link ExtractionRule#BOXED},
 * {@link ExtractionRule#GSM8K}, {@link ExtractionRule#ANSWER_LINE},
 * {@link ExtractionRule#ANSWER_IS}, {@link ExtractionRule#CHOICE_LAST_LINE}. The first rule that
 * finds a non-blank answer wins. For a multiple-choice task the found answer is turned into its
 * letter ({@code (B)}, {@code \text{(B)}}, {@code B) Paris}, or an option's text such as
 * {@code Paris}), or failing that its first word ("B because ...", "Paris is ..."); an answer that
 * names no letter is passed over in favour of the next rules, and
 * returned only if no rule yields a letter.
 *
 * <p>Found answers are cleaned: surrounding whitespace, {@code $...$}, {@code \( \)},
 * {@code **bold**} and a final period are removed.
 *
 * <p>Extractors never throw on any text, are thread-safe, and do bounded work: only the last
 * {@value #MAX_INPUT_CHARS} characters are searched and each rule is linear in that.
 */
public final class AnswerExtractors {
  /** Longest text searched (its tail is kept). */
  public static final int MAX_INPUT_CHARS = 65_536;
  /** The default order of precedence. */
  public static final List<ExtractionRule> DEFAULT_ORDER = List.of(ExtractionRule.BOXED,
      ExtractionRule.GSM8K, ExtractionRule.ANSWER_LINE, ExtractionRule.ANSWER_IS,
      ExtractionRule.CHOICE_LAST_LINE);

  private static final AnswerExtractor DEFAULT = new DefaultExtractor(DEFAULT_ORDER);

  private AnswerExtractors() {}

  /**
   * The extractor with the default order (shared, thread-safe).
   *
   * @return the default extractor
   */
  public static AnswerExtractor defaults() {
    return DEFAULT;
  }

  /**
   * Only the paper's convention: the last {@code \boxed{...}}.
   *
   * @return an extractor using only {@link ExtractionRule#BOXED}
   */
  public static AnswerExtractor boxedOnly() {
    return new DefaultExtractor(List.of(ExtractionRule.BOXED));
  }

  /**
   * An extractor trying {@code rules} in the given order.
   *
   * @param rules the rules, first tried first
   * @return a new extractor
   * @throws ConfigurationException if no rule is given, a rule is null, or a rule repeats
   */
  public static AnswerExtractor ordered(ExtractionRule... rules) {
    if (rules == null || rules.length == 0) {
      throw new ConfigurationException("at least one extraction rule is needed; valid: "
          + Arrays.toString(ExtractionRule.values()));
    }
    EnumSet<ExtractionRule> seen = EnumSet.noneOf(ExtractionRule.class);
    List<ExtractionRule> list = new ArrayList<>();
    for (ExtractionRule r : rules) {
      if (r == null) {
        throw new ConfigurationException("extraction rule is null; valid: " + Arrays.toString(ExtractionRule.values()));
      }
      if (!seen.add(r)) {
        throw new ConfigurationException("extraction rule " + r + " is given twice");
      }
      list.add(r);
    }
    return new DefaultExtractor(List.copyOf(list));
  }
}
