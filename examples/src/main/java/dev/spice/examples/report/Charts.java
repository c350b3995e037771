package dev.spice.examples.report;

import dev.spice.report.ReportException;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Paint;
import java.awt.Shape;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.DefaultDrawingSupplier;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.PaintScale;
import org.jfree.chart.renderer.xy.XYBlockRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.PaintScaleLegend;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.DefaultXYZDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** Draws the report's plots with JFreeChart, headless, into PNG bytes. */
final class Charts {
  static final int WIDTH = 900;
  static final int HEIGHT = 420;

  static {
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true");
    }
  }

  private Charts() {}

  static XYSeries series(String key, double[] x, double[] y) {
    XYSeries s = new XYSeries(key, false, true);
    for (int i = 0; i < y.length; i++) {
      s.add(x == null ? i : x[i], Double.isFinite(y[i]) ? (Double) y[i] : null);
    }
    return s;
  }

  /** A line chart of several series sharing the x axis. */
  static byte[] lines(String title, String xLabel, String yLabel, XYSeries... series) {
    XYSeriesCollection data = new XYSeriesCollection();
    for (XYSeries s : series) {
      data.addSeries(s);
    }
    JFreeChart chart = ChartFactory.createXYLineChart(title, xLabel, yLabel, data, PlotOrientation.VERTICAL,
        true, false, false);
    XYPlot plot = chart.getXYPlot();
    style(plot);
    XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, series.length > 0 && series[0].getItemCount() < 40);
    for (int i = 0; i < series.length; i++) {
      r.setSeriesStroke(i, new BasicStroke(2f));
    }
    plot.setRenderer(r);
    return png(chart, WIDTH, HEIGHT);
  }

  /**
   * Panels stacked over one shared x axis, panel {@code k} drawing {@code series[k]} against the axis
   * {@code yLabels[k]}, with a dashed horizontal line at {@code reference[k]} labelled
   * {@code referenceLabels[k]} (none where {@code reference} is null or the value is NaN). A series key
   * keeps its colour in every panel and appears once in the legend.
   */
  static byte[] panels(String title, String xLabel, String[] yLabels, XYSeries[][] series, double[] reference,
      String[] referenceLabels) {
    Color[] palette = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0x9467bd),
        new Color(0xff7f0e), new Color(0x8c564b), new Color(0xe377c2), new Color(0x17becf), new Color(0x7f7f7f),
        new Color(0xbcbd22), new Color(0x393b79), new Color(0xad494a)};
    Shape[] shapes = DefaultDrawingSupplier.createStandardSeriesShapes();
    Map<Comparable<?>, Integer> order = new LinkedHashMap<>();
    CombinedDomainXYPlot combined = new CombinedDomainXYPlot(new NumberAxis(xLabel));
    for (int k = 0; k < yLabels.length; k++) {
      XYSeriesCollection data = new XYSeriesCollection();
      boolean few = false;
      for (XYSeries s : series[k]) {
        data.addSeries(s);
        few |= s.getItemCount() < 40;
      }
      XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, few);
      for (int i = 0; i < series[k].length; i++) {
        Comparable<?> key = series[k][i].getKey();
        Integer n = order.get(key);
        r.setSeriesVisibleInLegend(i, n == null);
        if (n == null) {
          n = order.size();
          order.put(key, n);
        }
        r.setSeriesPaint(i, palette[n % palette.length]);
        r.setSeriesShape(i, shapes[n % shapes.length]);
        r.setSeriesStroke(i, new BasicStroke(2f));
      }
      XYPlot p = new XYPlot(data, null, new NumberAxis(yLabels[k]), r);
      style(p);
      if (reference != null && Double.isFinite(reference[k])) {
        ValueMarker m = new ValueMarker(reference[k], Color.DARK_GRAY,
            new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
        m.setLabel(referenceLabels[k]);
        m.setLabelAnchor(RectangleAnchor.TOP_LEFT);
        m.setLabelTextAnchor(TextAnchor.BOTTOM_LEFT);
        p.addRangeMarker(m);
      }
      combined.add(p, 1);
    }
    JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, combined, true);
    return png(chart, WIDTH, yLabels.length == 1 ? HEIGHT : 260 * yLabels.length + 100);
  }

  /** Grouped bars: the share of tasks per pass-rate bin, early vs late. */
  static byte[] histogram(String title, String[] bins, double[] early, double[] late) {
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    addShares(data, "early", bins, early);
    addShares(data, "late", bins, late);
    JFreeChart chart = ChartFactory.createBarChart(title, "task pass rate", "share of tasks", data,
        PlotOrientation.VERTICAL, true, false, false);
    chart.setBackgroundPaint(Color.WHITE);
    chart.getCategoryPlot().setBackgroundPaint(Color.WHITE);
    chart.getCategoryPlot().setRangeGridlinePaint(Color.LIGHT_GRAY);
    return png(chart, WIDTH, HEIGHT);
  }

  /**
   * Grouped bars: one group per category, one bar per series, values 0..1; a NaN value draws no
   * bar.
   */
  static byte[] bars(String title, String yLabel, String[] categories, String[] seriesNames, double[][] values) {
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    for (int s = 0; s < seriesNames.length; s++) {
      for (int c = 0; c < categories.length; c++) {
        double v = values[s][c];
        data.addValue(Double.isFinite(v) ? Double.valueOf(v) : null, seriesNames[s], categories[c]);
      }
    }
    JFreeChart chart = ChartFactory.createBarChart(title, "category", yLabel, data, PlotOrientation.VERTICAL, true,
        false, false);
    chart.getCategoryPlot().setBackgroundPaint(Color.WHITE);
    chart.getCategoryPlot().setRangeGridlinePaint(Color.LIGHT_GRAY);
    chart.getCategoryPlot().getRangeAxis().setRange(0.0, 1.0);
    return png(chart, WIDTH, HEIGHT);
  }

  private static void addShares(DefaultCategoryDataset data, String key, String[] bins, double[] counts) {
    if (counts == null) {
      return;
    }
    double total = 0;
    for (double c : counts) {
      total += Double.isFinite(c) ? c : 0;
    }
    for (int i = 0; i < counts.length; i++) {
      data.addValue(total > 0 && Double.isFinite(counts[i]) ? counts[i] / total : 0.0, key, bins[i]);
    }
  }

  /** A heat map: rows = Challenger checkpoints (y), columns = Reasoner checkpoints (x), 0..1. */
  static byte[] heatmap(String title, String[] rowLabels, String[] colLabels, double[][] m) {
    int n = 0;
    for (double[] row : m) {
      n += row.length;
    }
    double[][] xyz = new double[3][n];
    int k = 0;
    for (int i = 0; i < m.length; i++) {
      for (int j = 0; j < m[i].length; j++) {
        xyz[0][k] = j;
        xyz[1][k] = i;
        xyz[2][k++] = m[i][j];
      }
    }
    DefaultXYZDataset data = new DefaultXYZDataset();
    data.addSeries("pass rate", xyz);
    XYBlockRenderer r = new XYBlockRenderer();
    PaintScale scale = new PassRateScale();
    r.setPaintScale(scale);
    SymbolAxis x = new SymbolAxis("Reasoner checkpoint (iteration)", colLabels);
    SymbolAxis y = new SymbolAxis("Challenger checkpoint (iteration)", rowLabels);
    x.setGridBandsVisible(false);
    y.setGridBandsVisible(false);
    XYPlot plot = new XYPlot(data, x, y, r);
    plot.setBackgroundPaint(Color.WHITE);
    JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, false);
    NumberAxis legendAxis = new NumberAxis("pass rate");
    legendAxis.setRange(0, 1);
    PaintScaleLegend legend = new PaintScaleLegend(scale, legendAxis);
    legend.setPosition(RectangleEdge.RIGHT);
    legend.setMargin(4, 4, 40, 4);
    chart.addSubtitle(legend);
    chart.setBackgroundPaint(Color.WHITE);
    return png(chart, Math.max(500, 90 * colLabels.length + 250), Math.max(320, 60 * rowLabels.length + 160));
  }

  /** Red (0) through yellow (0.5) to green (1); grey for a missing value. */
  static Color passRateColor(double v) {
    if (!Double.isFinite(v)) {
      return new Color(0xdddddd);
    }
    double t = Math.max(0, Math.min(1, v));
    float hue = (float) (t / 3.0); // 0 = red, 1/3 = green
    return Color.getHSBColor(hue, 0.55f, 0.95f);
  }

  static String hex(Color c) {
    return String.format(Locale.ROOT, "#%02x%02x%02x", c.getRed(), c.getGreen(), c.getBlue());
  }

  private static final class PassRateScale implements PaintScale {
    @Override
    public double getLowerBound() {
      return 0;
    }

    @Override
    public double getUpperBound() {
      return 1;
    }

    @Override
    public Paint getPaint(double value) {
      return passRateColor(value);
    }
  }

  private static void style(XYPlot plot) {
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
  }

  private static byte[] png(JFreeChart chart, int w, int h) {
    chart.setBackgroundPaint(Color.WHITE);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ChartUtils.writeChartAsPNG(out, chart, w, h);
    } catch (IOException e) {
      throw new ReportException("cannot draw the chart \"" + chart.getTitle().getText() + "\": " + e, e);
    }
    return out.toByteArray();
  }
}
