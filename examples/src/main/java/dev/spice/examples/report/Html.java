package dev.spice.examples.report;

import dev.spice.report.RunReport;
import java.nio.file.Path;
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

  /** {@code s} with the five HTML special characters escaped (the published report's escaping). */
  static String esc(String s) {
    return dev.spice.report.Html.esc(s);
  }

  /** Writes {@code html} to {@code out} atomically (the published report's writer). */
  static void write(Path out, String html) {
    dev.spice.report.Html.write(out, html);
  }
}
