package dev.spice.rewards.verify;

import java.text.Normalizer;
import java.util.Locale;

/** Text normalisation shared by the verifiers and the extractor. Stateless. */
final class Text {
  private Text() {}

  /**
   * Light normalisation for a fast exact-match path: whitespace, {@code $}, {@code \left},
   * {@code \right}, LaTeX spacing and {@code \displaystyle} removed, {@code \dfrac}/{@code \tfrac}
   * turned into {@code \frac}.
   */
  static String light(String s) {
    StringBuilder b = new StringBuilder(s.length());
    int n = s.length();
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '$' || c == '~') {
        continue;
      }
      if (c == '\\' && i + 1 < n) {
        char d = s.charAt(i + 1);
        if (d == ',' || d == '!' || d == ';' || d == ':' || d == ' ') {
          i++;
          continue;
        }
        if (s.startsWith("left", i + 1) && !(i + 5 < n && Character.isLetter(s.charAt(i + 5)))) {
          i += 4;
          continue;
        }
        if (s.startsWith("right", i + 1) && !(i + 6 < n && Character.isLetter(s.charAt(i + 6)))) {
          i += 5;
          continue;
        }
        if (s.startsWith("displaystyle", i + 1)) {
          i += 12;
          continue;
        }
        if (s.startsWith("dfrac", i + 1) || s.startsWith("tfrac", i + 1)) {
          b.append("\\frac");
          i += 5;
          continue;
        }
      }
      b.append(c);
    }
    return b.toString();
  }

  /** Removes {@code \text{...}}-like wrappers (keeping their content) and math delimiters. */
  static String unwrapLatex(String s) {
    if (s.indexOf('\\') < 0 && s.indexOf('$') < 0) {
      return s;
    }
    StringBuilder b = new StringBuilder(s.length());
    int n = s.length();
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c == '$') {
        continue;
      }
      if (c == '\\') {
        int e = i + 1;
        while (e < n && Character.isLetter(s.charAt(e))) {
          e++;
        }
        String cmd = s.substring(i + 1, e);
        if ((cmd.equals("text") || cmd.equals("textbf") || cmd.equals("mathrm") || cmd.equals("textit")
            || cmd.equals("mbox") || cmd.equals("mathbf") || cmd.equals("emph") || cmd.equals("textrm"))
            && e < n && s.charAt(e) == '{') {
          int close = NumberParser.matchBrace(s, e);
          if (close > 0) {
            b.append(s, e + 1, close);
            i = close;
            continue;
          }
        }
        if (e == i + 1 && e < n) {
          char d = s.charAt(e);
          if (d == '(' || d == ')' || d == '[' || d == ']') {
            i = e;
            continue;
          }
          if (d == ',' || d == ';' || d == '!' || d == ' ') {
            b.append(' ');
            i = e;
            continue;
          }
          if (d == '%' || d == '$' || d == '&' || d == '#' || d == '_') {
            b.append(d);
            i = e;
            continue;
          }
        }
      }
      b.append(c);
    }
    return b.toString();
  }

  /**
   * The normal form of a short string answer: NFKC, LaTeX wrappers removed, lower case,
   * punctuation removed (hyphens, slashes and underscores become spaces), the articles
   * {@code a an the} removed, and all whitespace removed (so "New-York", "new york" and "NewYork"
   * agree).
   */
  static String normalizeString(String s) {
    String t = Normalizer.normalize(unwrapLatex(s), Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
    StringBuilder words = new StringBuilder(t.length());
    StringBuilder out = new StringBuilder(t.length());
    int n = t.length();
    for (int i = 0; i <= n; i++) {
      char c = i < n ? t.charAt(i) : ' ';
      boolean sep = Character.isWhitespace(c) || c == '-' || c == '/' || c == '_' || c == '\u2013' || c == '\u2014';
      if (sep) {
        flushWord(words, out);
        continue;
      }
      int type = Character.getType(c);
      boolean punct = type == Character.CONNECTOR_PUNCTUATION || type == Character.DASH_PUNCTUATION
          || type == Character.START_PUNCTUATION || type == Character.END_PUNCTUATION
          || type == Character.INITIAL_QUOTE_PUNCTUATION || type == Character.FINAL_QUOTE_PUNCTUATION
          || type == Character.OTHER_PUNCTUATION || c == '{' || c == '}' || c == '\\' || c == '*' || c == '`';
      if (!punct) {
        words.append(c);
      }
    }
    return out.toString();
  }

  private static void flushWord(StringBuilder word, StringBuilder out) {
    if (word.length() == 0) {
      return;
    }
    String w = word.toString();
    word.setLength(0);
    if (w.equals("a") || w.equals("an") || w.equals("the")) {
      return;
    }
    out.append(w);
  }
}
