package dev.spice.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SvgChartsTest {
  @Test
  void movingAverageSkipsNaN() {
    double[] ma = SvgCharts.movingAverage(new double[] {Double.NaN, 1, 3, Double.NaN, 5, 7}, 2);
    assertTrue(Double.isNaN(ma[0]));
    assertEquals(1.0, ma[1]);
    assertEquals(2.0, ma[2]);
    assertEquals(2.0, ma[3]);
    assertEquals(4.0, ma[4]);
    assertEquals(6.0, ma[5]);
  }

  /** Seeded random series: the average over a window equals the plain mean of the last finite values. */
  @Test
  void movingAverageMatchesTheMeanOfTheLastFiniteValues() {
    SplittableRandom rnd = new SplittableRandom(11);
    for (int trial = 0; trial < 200; trial++) {
      int n = 1 + rnd.nextInt(60);
      int w = 1 + rnd.nextInt(10);
      double[] y = new double[n];
      for (int i = 0; i < n; i++) {
        y[i] = rnd.nextInt(5) == 0 ? Double.NaN : rnd.nextDouble(-10, 10);
      }
      double[] ma = SvgCharts.movingAverage(y, w);
      for (int i = 0; i < n; i++) {
        double sum = 0;
        int k = 0;
        for (int j = i; j >= 0 && k < w; j--) {
          if (!Double.isNaN(y[j])) {
            sum += y[j];
            k++;
          }
        }
        double want = k == 0 ? Double.NaN : sum / k;
        assertEquals(want, ma[i], 1e-9, "trial " + trial + " i " + i);
      }
    }
  }

  @Test
  void aNaNBreaksTheLineAndLonePointsAreDrawn() {
    long[] x = {0, 1, 2, 3, 4, 5};
    String d = SvgCharts.path(new double[] {0, 1, Double.NaN, 2, Double.NaN, 1}, x, 0, 5, 0, 2, 0, 100);
    assertEquals(3, d.chars().filter(c -> c == 'M').count(), d);
    assertEquals(1, d.chars().filter(c -> c == 'L').count(), d);
    assertEquals(2, d.split("h0.01", -1).length - 1, "two lone points: " + d);
    assertTrue(d.startsWith("M72.0,170.0L92.0,85.0"), d);
  }

  @Test
  void longSeriesAreThinned() {
    int n = 10 * SvgCharts.MAX_POINTS;
    long[] x = new long[n];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = i;
      y[i] = Math.sin(i / 100.0);
    }
    String d = SvgCharts.path(y, x, 0, n - 1, -1, 1, 0, 800);
    long points = d.chars().filter(c -> c == 'L' || c == 'M').count();
    assertTrue(points <= SvgCharts.MAX_POINTS + 2 && points >= SvgCharts.MAX_POINTS, "points: " + points);
  }

  @Test
  void axisLabels() {
    assertEquals("1300", SvgCharts.tick(1299.6));
    assertEquals("0.0494", SvgCharts.tick(0.04936));
    assertEquals("8.45e-05", SvgCharts.tick(8.454e-5));
    assertEquals("1.20e+07", SvgCharts.tick(1.2e7));
  }

  @Test
  void aConstantSeriesGetsARangeAndTheChartIsOneSvgElement() {
    String svg = SvgCharts.chart("t <1>", new long[] {3}, List.of(SvgCharts.smoothed("m", new double[] {2.0}, "#000")),
        false);
    assertTrue(svg.startsWith("<svg ") && svg.endsWith("</svg>\n"));
    assertTrue(svg.contains("<title>t &lt;1&gt;</title>"));
    assertTrue(svg.contains(">1.80<") && svg.contains(">2.20<"), "10% around a constant: " + svg);
  }
}
