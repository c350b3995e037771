package dev.spice.examples.report;

import dev.spice.report.ReportException;
import dev.spice.report.RunReport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/** HTML text helpers shared by the quickstarts' report renderers. */
final class Html {
  /** The style sheet shared by the report pages: the published run report's (the body of a {@code <style>} element). */
  static final String STYLE = RunReport.STYLE;

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

  /** An {@code <img>} paragraph embedding PNG bytes as a {@code data:} URI. */
  static String image(String alt, byte[] png) {
    return "<p><img src=\"data:image/png;base64," + java.util.Base64.getEncoder().encodeToString(png) + "\" alt=\""
        + esc(alt) + "\"></p>\n";
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

  /**
   * Writes {@code html} to {@code out} through a {@code .tmp} sibling moved into place, replacing
   * an earlier file.
   *
   * @throws ReportException if the file cannot be written
   */
  static void write(Path out, String html) {
    Path tmp = out.resolveSibling(out.getFileName() + ".tmp");
    try {
      Files.writeString(tmp, html, StandardCharsets.UTF_8);
      try {
        Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new ReportException("cannot write " + out + ": " + e, e);
    }
  }
}
