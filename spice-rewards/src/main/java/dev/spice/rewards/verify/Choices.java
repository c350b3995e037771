package dev.spice.rewards.verify;

import java.util.List;

/** Recognises a multiple-choice letter in a short answer. Stateless. */
final class Choices {
  private Choices() {}

  static final int MAX_LETTERS = 10; // A..J

  /**
   * The letter ('A'..'J') a short answer names, or 0. Accepted: {@code B}, {@code b},
   * {@code (B)}, {@code [B]}, {@code B)}, {@code B.}, {@code B:}, {@code B) text}, {@code \text{(B)}},
   * {@code \textbf{B}}, {@code **B**}, {@code Answer: B}, {@code option B}, {@code choice (B)},
   * {@code the answer is (B)}; with {@code options} (may be empty): an option's text instead of its
   * letter (normalised exact match, unique).
   */
  static char letter(String answer, List<String> options) {
    if (answer == null) {
      return 0;
    }
    String s = Text.unwrapLatex(answer).replace("*", "").strip();
    if (s.length() > 2000) {
      return 0;
    }
    // drop a leading label
    String low = s.toLowerCase(java.util.Locale.ROOT);
    for (String prefix : new String[] {"the correct answer is", "the answer is", "final answer:", "answer:",
        "correct option:", "option", "choice", "answer"}) {
      if (low.startsWith(prefix)) {
        s = s.substring(prefix.length()).strip();
        low = low.substring(prefix.length()).strip();
        break;
      }
    }
    if (s.endsWith(".")) {
      s = s.substring(0, s.length() - 1).strip();
    }
    char c = bareLetter(s);
    if (c != 0) {
      return c;
    }
    // "(B) text", "B) text", "B. text", "B: text"
    if (s.length() >= 3 && s.charAt(0) == '(' && s.charAt(2) == ')' && isUpperLetter(s.charAt(1))) {
      return s.charAt(1);
    }
    if (s.length() >= 2 && isUpperLetter(s.charAt(0))
        && (s.charAt(1) == ')' || s.charAt(1) == '.' || s.charAt(1) == ':')
        && (s.length() == 2 || s.charAt(2) == ' ')) {
      return s.charAt(0);
    }
    if (options != null && !options.isEmpty()) {
      String norm = Text.normalizeString(s);
      if (norm.isEmpty()) {
        return 0;
      }
      char found = 0;
      for (int k = 0; k < options.size() && k < MAX_LETTERS; k++) {
        if (Text.normalizeString(options.get(k)).equals(norm)) {
          if (found != 0) {
            return 0; // ambiguous
          }
          found = (char) ('A' + k);
        }
      }
      return found;
    }
    return 0;
  }

  /** {@code B}, {@code b}, {@code (B)}, {@code [B]}, {@code {B}}. */
  private static char bareLetter(String s) {
    String t = s;
    while (t.length() >= 3 && (t.charAt(0) == '(' && t.charAt(t.length() - 1) == ')'
        || t.charAt(0) == '[' && t.charAt(t.length() - 1) == ']'
        || t.charAt(0) == '{' && t.charAt(t.length() - 1) == '}')) {
      t = t.substring(1, t.length() - 1).strip();
    }
    if (t.length() == 1) {
      char c = Character.toUpperCase(t.charAt(0));
      if (c >= 'A' && c < 'A' + MAX_LETTERS) {
        return c;
      }
    }
    return 0;
  }

  private static boolean isUpperLetter(char c) {
    return c >= 'A' && c < 'A' + MAX_LETTERS;
  }
}
