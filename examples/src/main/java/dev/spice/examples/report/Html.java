package dev.spice.examples.report;

import java.util.Locale;

/** HTML text helpers shared by the report renderers. */
final class Html {
  private Html() {}

  /** The "n/a" cell content for a missing or non-finite value. */
  static String na() {
    return "<span class=\"na\">n/a</span>";
  }

  /** A rate as a percentage with one decimal, or n/a. */
  static String pct(double v) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%.1f%%", 100 * v) : na();
  }

  /** A signed difference in points with one decimal, or n/a. */
  static String points(double v) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%+.1f points", v) : na();
  }

  /** {@code s} with the five HTML special characters escaped. */
  static String esc(String s) {
    StringBuilder o = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      switch (ch) {
        case '<' -> o.append("&lt;");
        case '>' -> o.append("&gt;");
        case '&' -> o.append("&amp;");
        case '"' -> o.append("&quot;");
        case '\'' -> o.append("&#39;");
        default -> o.append(ch);
      }
    }
    return o.toString();
  }
}
