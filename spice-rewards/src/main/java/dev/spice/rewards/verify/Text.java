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

  /**
   * Removes the wrappers that never change an answer, keeping their content: {@code \boxed{...}}
   * and {@code \fbox{...}} (nested too; an unbraced {@code \boxed 5} loses the command) and the
   * style switches {@code \displaystyle}, {@code \textstyle}, {@code \scriptstyle},
   * {@code \scriptscriptstyle}. A box whose brace never closes is left as it is (and then does not
   * parse). Linear in the length of {@code s}.
   */
  static String stripWrappers(String s) {
    if (s.indexOf('\\') < 0) {
      return s;
    }
    int n = s.length();
    int[] match = null; // match[k]: index of the brace closing the one at k, or -1
    boolean[] drop = null;
    for (int i = 0; i < n; i++) {
      if (s.charAt(i) != '\\') {
        continue;
      }
      int e = i + 1;
      while (e < n && isAsciiLetter(s.charAt(e))) {
        e++;
      }
      if (e == i + 1) {
        i++; // an escaped character (\\, \{, \$ ...): skip it
        continue;
      }
      String cmd = s.substring(i + 1, e);
      boolean box = cmd.equals("boxed") || cmd.equals("fbox");
      boolean style = cmd.equals("displaystyle") || cmd.equals("textstyle") || cmd.equals("scriptstyle")
          || cmd.equals("scriptscriptstyle");
      if (box || style) {
        int j = e;
        while (j < n && s.charAt(j) == ' ') {
          j++;
        }
        if (box && j < n && s.charAt(j) == '{') {
          if (match == null) {
            match = matchAll(s);
          }
          if (match[j] < 0) {
            i = e - 1;
            continue; // unclosed: left as it is
          }
          if (drop == null) {
            drop = new boolean[n];
          }
          for (int k = i; k <= j; k++) {
            drop[k] = true;
          }
          drop[match[j]] = true;
        } else {
          if (drop == null) {
            drop = new boolean[n];
          }
          for (int k = i; k < j; k++) {
            drop[k] = true;
          }
        }
      }
      i = e - 1;
    }
    if (drop == null) {
      return s;
    }
    StringBuilder b = new StringBuilder(n);
    for (int k = 0; k < n; k++) {
      if (!drop[k]) {
        b.append(s.charAt(k));
      }
    }
    return b.toString();
  }

  /** For each '{' the index of the '}' closing it (or -1), in one pass; other entries -1. */
  private static int[] matchAll(String s) {
    int n = s.length();
    int[] match = new int[n];
    java.util.Arrays.fill(match, -1);
    int[] stack = new int[n];
    int top = 0;
    for (int k = 0; k < n; k++) {
      char c = s.charAt(k);
      if (c == '{') {
        stack[top++] = k;
      } else if (c == '}' && top > 0) {
        match[stack[--top]] = k;
      }
    }
    return match;
  }

  private static boolean isAsciiLetter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  /**
   * Removes {@code \text{...}}-like wrappers (keeping their content), the wrappers of
   * {@link #stripWrappers} and math delimiters.
   */
  static String unwrapLatex(String s) {
    if (s.indexOf('\\') < 0 && s.indexOf('$') < 0) {
      return s;
    }
    s = stripWrappers(s);
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
