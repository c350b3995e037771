package dev.spice.examples.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/** HTML text helpers shared by the report renderers. */
final class Html {
  /** The style sheet shared by the report pages (the body of a {@code <style>} element). */
  static final String STYLE = "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;max-width:1000px;"
      + "margin:2em auto;padding:0 1em;color:#222}\n"
      + "h1{border-bottom:2px solid #444}h2{margin-top:2em;border-bottom:1px solid #bbb}\n"
      + "table{border-collapse:collapse;margin:.6em 0}td,th{border:1px solid #ccc;padding:.25em .6em;"
      + "text-align:left;font-variant-numeric:tabular-nums}th{background:#f2f2f2}\n"
      + "td.num{text-align:right}.na{color:#888;font-style:italic}.pass{color:#137a13;font-weight:bold}"
      + ".fail{color:#b01515;font-weight:bold}\nimg{max-width:100%;border:1px solid #ddd}\n"
      + ".lead{font-size:1.05em;line-height:1.5}small{color:#555}\n"
      + "td.txt{white-space:pre-wrap;font-family:monospace;font-size:.9em;max-width:30em}"
      + "summary{cursor:pointer;margin:.4em 0}\n";

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
