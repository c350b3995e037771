package dev.spice.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/**
 * HTML helpers for pages built around the run report (the report's own page and pages that embed
 * {@link RunReport#bodyHtml()}): {@link #esc} escapes text for HTML, {@link #write} replaces a file
 * atomically. The other helpers are the report's own.
 */
public final class Html {
  private Html() {}

  /** The "n/a" cell content for a missing or non-finite value. */
  static String na() {
    return "<span class=\"na\">n/a</span>";
  }

  /** A rate as a percentage with one decimal, or n/a. */
  static String pct(double v) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%.1f%%", 100 * v) : na();
  }

  /** A number with four significant digits, or n/a. */
  static String num(double v) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%.4g", v) : na();
  }

  /** A right-aligned table cell around already-escaped content. */
  static String cell(String content) {
    return "<td class=\"num\">" + content + "</td>";
  }

  /**
   * Escapes text for HTML element content and quoted attribute values.
   *
   * @param s the text
   * @return {@code s} with the five HTML special characters ({@code < > & " '}) escaped
   */
  public static String esc(String s) {
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
   * Writes {@code html} to {@code out} through a {@code .tmp} sibling moved into place, replacing an
   * earlier file; creates missing parent folders. Readers see the old file or the new one, never
   * a part.
   *
   * @param out the file
   * @param html the page
   * @throws ReportException if the file cannot be written (the {@code .tmp} sibling is removed)
   */
  public static void write(Path out, String html) {
    Path abs = out.toAbsolutePath();
    Path tmp = abs.resolveSibling(abs.getFileName() + ".tmp");
    try {
      if (abs.getParent() != null) {
        Files.createDirectories(abs.getParent());
      }
      Files.writeString(tmp, html, StandardCharsets.UTF_8);
      try {
        Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException ignored) {
        // the original error is the one to report
      }
      throw new ReportException("cannot write " + out + ": " + e, e);
    }
  }
}
