package dev.spice.core.roles;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Text helpers of {@link TextTaskCodec}: whitespace, words and keywords. Stateless. */
final class TextScan {
  private TextScan() {}

  /** Runs of whitespace (newlines included) become one space; the ends are stripped. */
  static String collapse(CharSequence s) {
    StringBuilder sb = new StringBuilder(s.length());
    boolean space = false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isWhitespace(c)) {
        space = sb.length() > 0;
      } else {
        if (space) {
          sb.append(' ');
          space = false;
        }
        sb.append(c);
      }
    }
    return sb.toString();
  }

  /** The number of space-separated words of a collapsed text (0 for empty). */
  static int words(String collapsed) {
    if (collapsed.isEmpty()) {
      return 0;
    }
    int n = 1;
    for (int i = 0; i < collapsed.length(); i++) {
      if (collapsed.charAt(i) == ' ') {
        n++;
      }
    }
    return n;
  }

  /** Case-insensitive, whitespace-normalised text for comparisons. */
  static String normalise(String s) {
    return collapse(s).toLowerCase(Locale.ROOT);
  }

  /**
   * Whether {@code needle} occurs in {@code haystack} as a whole word: case-insensitive,
   * whitespace-normalised, and not glued to a letter or digit on an edge where the needle itself
   * starts or ends with one. An empty needle never occurs.
   */
  static boolean containsWord(String haystack, String needle) {
    String n = normalise(needle);
    if (n.isEmpty()) {
      return false;
    }
    String h = normalise(haystack);
    boolean wordStart = isWordChar(n.charAt(0));
    boolean wordEnd = isWordChar(n.charAt(n.length() - 1));
    for (int at = h.indexOf(n); at >= 0; at = h.indexOf(n, at + 1)) {
      int end = at + n.length();
      boolean startOk = !wordStart || at == 0 || !isWordChar(h.charAt(at - 1));
      boolean endOk = !wordEnd || end == h.length() || !isWordChar(h.charAt(end));
      if (startOk && endOk) {
        return true;
      }
    }
    return false;
  }

  static boolean isWordChar(char c) {
    return Character.isLetterOrDigit(c);
  }

  /** Lower-cases ASCII letters only, so that indices stay aligned with the input. */
  static String asciiLower(String s) {
    char[] a = s.toCharArray();
    for (int i = 0; i < a.length; i++) {
      if (a[i] >= 'A' && a[i] <= 'Z') {
        a[i] = (char) (a[i] + 32);
      }
    }
    return new String(a);
  }

  /**
   * Every occurrence of the keyword {@code word} (lower case) in {@code low} (ASCII lower-cased)
   * as a whole word followed by optional whitespace and a colon, in order, as
   * {@code {start, index after the colon}}. Linear in the input.
   */
  static List<int[]> keywords(String low, String word) {
    List<int[]> out = new ArrayList<>();
    for (int at = low.indexOf(word); at >= 0; at = low.indexOf(word, at + word.length())) {
      int end = at + word.length();
      if (at > 0 && isWordChar(low.charAt(at - 1))) {
        continue;
      }
      int i = end;
      while (i < low.length() && Character.isWhitespace(low.charAt(i))) {
        i++;
      }
      if (i < low.length() && low.charAt(i) == ':') {
        out.add(new int[] {at, i + 1});
      }
    }
    return out;
  }
}
