package dev.spice.report;

import static dev.spice.report.Html.esc;

import java.util.List;
import java.util.Locale;

/**
 * Line charts as inline SVG text (no scripts, no external files): panels stacked over a shared
 * iteration axis. A NaN value breaks its line; long series are thinned to at most
 * {@value #MAX_POINTS} points per line.
 */
final class SvgCharts {
  static final int WIDTH = 900;
  static final int PANEL_HEIGHT = 170;
  static final int MAX_POINTS = 1500;
  static final String[] PALETTE = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2",
      "#17becf", "#7f7f7f", "#bcbd22"};
  private static final int LEFT = 72;
  private static final int RIGHT = 16;
  private static final int TITLE = 30;
  private static final int PANEL_TOP = 22;
  private static final int GAP = 18;
  private static final int AXIS = 34;

  /** One line of a panel. */
  record Line(String label, double[] y, String color, double opacity, double width) {}

  /** One panel: its title and lines. */
  record Panel(String title, List<Line> lines) {}

  private SvgCharts() {}

  /** Trailing moving average over the last {@code window} finite values; NaN until one exists. */
  static double[] movingAverage(double[] y, int window) {
    double[] out = new double[y.length];
    double[] ring = new double[Math.max(1, window)];
    int count = 0;
    int next = 0;
    double sum = 0;
    for (int i = 0; i < y.length; i++) {
      if (Double.isFinite(y[i])) {
        if (count == ring.length) {
          sum -= ring[next];
        } else {
          count++;
        }
        ring[next] = y[i];
        sum += y[i];
        next = (next + 1) % ring.length;
      }
      out[i] = count == 0 ? Double.NaN : sum / count;
    }
    return out;
  }

  /** The smoothing window for a series of {@code n} points: about 2% of the run, 1 to 200. */
  static int window(int n) {
    return Math.max(1, Math.min(200, n / 50));
  }

  /** A panel of one metric: raw values (thin, light) and their moving average (thick). */
  static Panel smoothed(String metric, double[] y, String color) {
    int w = window(y.length);
    return new Panel(metric + " (light: per iteration; dark: moving average over " + w + ")",
        List.of(new Line(metric, y, color, 0.3, 1), new Line(metric + " (average)", movingAverage(y, w), color, 1, 2.2)));
  }

  /** The SVG element: {@code title} on top, the panels below each other, the x axis {@code x}. */
  static String chart(String title, long[] x, List<Panel> panels, boolean legend) {
    int height = TITLE + panels.size() * (PANEL_TOP + PANEL_HEIGHT + GAP) + AXIS;
    StringBuilder sb = new StringBuilder(16_384);
    sb.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" role=\"img\" width=\"").append(WIDTH)
        .append("\" height=\"").append(height).append("\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(height)
        .append("\" font-family=\"sans-serif\" font-size=\"12\"><title>").append(esc(title)).append("</title>\n")
        .append("<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>\n")
        .append("<text x=\"").append(WIDTH / 2).append("\" y=\"20\" text-anchor=\"middle\" font-size=\"15\" "
            + "font-weight=\"bold\">").append(esc(title)).append("</text>\n");
    long xMin = x.length == 0 ? 0 : x[0];
    long xMax = x.length == 0 ? 1 : x[x.length - 1];
    int plotWidth = WIDTH - LEFT - RIGHT;
    int top = TITLE;
    for (Panel p : panels) {
      panel(sb, p, x, xMin, xMax, top + PANEL_TOP, plotWidth, legend);
      top += PANEL_TOP + PANEL_HEIGHT + GAP;
    }
    int axisY = top - GAP;
    for (int k = 0; k <= 4; k++) {
      double px = LEFT + plotWidth * k / 4.0;
      long it = Math.round(xMin + (xMax - xMin) * k / 4.0);
      sb.append("<text x=\"").append(f(px)).append("\" y=\"").append(axisY + 16)
          .append("\" text-anchor=\"middle\">").append(it).append("</text>\n");
    }
    sb.append("<text x=\"").append(LEFT + plotWidth / 2).append("\" y=\"").append(axisY + 30)
        .append("\" text-anchor=\"middle\">iteration</text>\n</svg>\n");
    return sb.toString();
  }

  private static void panel(StringBuilder sb, Panel p, long[] x, long xMin, long xMax, int top, int plotWidth,
      boolean legend) {
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (Line l : p.lines()) {
      for (double v : l.y()) {
        if (Double.isFinite(v)) {
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
        }
      }
    }
    if (lo > hi) {
      lo = 0;
      hi = 1;
    } else if (lo == hi) {
      double pad = lo == 0 ? 0.5 : Math.abs(lo) * 0.1;
      lo -= pad;
      hi += pad;
    }
    sb.append("<text x=\"").append(LEFT).append("\" y=\"").append(top - 6).append("\" font-weight=\"bold\">")
        .append(esc(p.title())).append("</text>\n");
    sb.append("<rect x=\"").append(LEFT).append("\" y=\"").append(top).append("\" width=\"").append(plotWidth)
        .append("\" height=\"").append(PANEL_HEIGHT).append("\" fill=\"none\" stroke=\"#999\"/>\n");
    for (int k = 0; k <= 2; k++) {
      double v = lo + (hi - lo) * k / 2.0;
      double py = top + PANEL_HEIGHT - PANEL_HEIGHT * k / 2.0;
      sb.append("<line x1=\"").append(LEFT).append("\" x2=\"").append(LEFT + plotWidth).append("\" y1=\"")
          .append(f(py)).append("\" y2=\"").append(f(py)).append("\" stroke=\"#e3e3e3\"/>")
          .append("<text x=\"").append(LEFT - 6).append("\" y=\"").append(f(py + 4))
          .append("\" text-anchor=\"end\">").append(tick(v)).append("</text>\n");
    }
    int legendX = LEFT + plotWidth;
    for (int i = p.lines().size() - 1; legend && i >= 0; i--) {
      Line l = p.lines().get(i);
      String label = esc(l.label());
      legendX -= 18 + 7 * l.label().length();
      sb.append("<rect x=\"").append(legendX).append("\" y=\"").append(top - 15).append("\" width=\"12\" height=\"4\" "
          + "fill=\"").append(l.color()).append("\"/><text x=\"").append(legendX + 15).append("\" y=\"")
          .append(top - 10).append("\" font-size=\"11\">").append(label).append("</text>\n");
    }
    for (Line l : p.lines()) {
      String d = path(l.y(), x, xMin, xMax, lo, hi, top, plotWidth);
      if (!d.isEmpty()) {
        sb.append("<path d=\"").append(d).append("\" fill=\"none\" stroke=\"").append(l.color())
            .append("\" stroke-opacity=\"").append(l.opacity()).append("\" stroke-width=\"").append(l.width())
            .append("\" stroke-linejoin=\"round\" stroke-linecap=\"round\"><title>").append(esc(l.label())).append("</title></path>\n");
      }
    }
  }

  /** The path data of one line: {@code M} at the start and after each NaN gap, {@code L} otherwise. */
  static String path(double[] y, long[] x, long xMin, long xMax, double lo, double hi, int top, int plotWidth) {
    StringBuilder d = new StringBuilder(y.length * 14);
    int stride = Math.max(1, (y.length + MAX_POINTS - 1) / MAX_POINTS);
    boolean pen = false;
    for (int i = 0; i < y.length; i++) {
      if (!Double.isFinite(y[i])) {
        pen = false;
        continue;
      }
      if (pen && i % stride != 0 && i != y.length - 1) {
        continue;
      }
      double px = xMax == xMin ? LEFT + plotWidth / 2.0 : LEFT + plotWidth * (double) (x[i] - xMin) / (xMax - xMin);
      double py = top + PANEL_HEIGHT - PANEL_HEIGHT * (y[i] - lo) / (hi - lo);
      d.append(pen ? 'L' : 'M').append(f(px)).append(',').append(f(py));
      if (!pen && (i + 1 >= y.length || !Double.isFinite(y[i + 1]))) {
        // a lone point: a zero-length segment with round caps would vanish, draw a short tick
        d.append('h').append("0.01");
      }
      pen = true;
    }
    return d.toString();
  }

  /** An axis label: whole numbers from 1000 to 10^7 in full, three significant digits otherwise. */
  static String tick(double v) {
    double a = Math.abs(v);
    return a >= 1000 && a < 1e7 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.3g", v);
  }

  private static String f(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }
}
