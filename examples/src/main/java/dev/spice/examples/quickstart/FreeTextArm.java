package dev.spice.examples.quickstart;

import dev.spice.core.engine.IterationResult;
import dev.spice.core.engine.MetricNames;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one self-play arm of the free-text quickstart measured: its probe history and, per window of
 * iterations between two probe evaluations, the means of the engine's metrics (valid rate, reasons
 * for invalid tasks, multiple-choice share, pass rates, rewards, the time split). Not thread-safe.
 */
final class FreeTextArm {
  /** Metrics kept per window (besides every {@code challenger/invalid/*} and {@code timing_s/*} key). */
  static final List<String> KEPT = List.of(MetricNames.CHALLENGER_VALID_RATE, MetricNames.CHALLENGER_MCQ_SHARE,
      MetricNames.CHALLENGER_REWARD, MetricNames.CHALLENGER_TASK_PASS_RATE, MetricNames.REASONER_PASS_RATE,
      MetricNames.REASONER_NO_ANSWER_RATE, MetricNames.STEP_TIME);

  final String name;
  final String description;
  final FreeTextProbe probe;
  /** Window end iterations. */
  final List<Long> windows = new ArrayList<>();
  /** Per window: metric name to mean over the window's iterations (missing counts as 0 for invalid reasons). */
  final List<Map<String, Double>> windowMeans = new ArrayList<>();
  private final Map<String, double[]> sums = new TreeMap<>();
  private int count;
  double trainSeconds;
  /** The Challenger's valid rate in the arm's first iteration (the warm-start Challenger's level). */
  double firstValidRate = Double.NaN;

  FreeTextArm(String name, String description, FreeTextProbe probe) {
    this.name = name;
    this.description = description;
    this.probe = probe;
  }

  /** Adds one iteration's metrics to the open window. */
  void record(IterationResult r) {
    count++;
    Map<String, Double> v = r.metrics().values();
    if (r.iteration() == 0) {
      firstValidRate = v.getOrDefault(MetricNames.CHALLENGER_VALID_RATE, Double.NaN);
    }
    for (Map.Entry<String, Double> e : v.entrySet()) {
      String k = e.getKey();
      if (KEPT.contains(k) || k.startsWith(MetricNames.CHALLENGER_INVALID_PREFIX) || k.startsWith("timing_s/")) {
        double x = e.getValue() == null ? Double.NaN : e.getValue();
        double[] s = sums.computeIfAbsent(k, key -> new double[2]);
        if (Double.isFinite(x)) {
          s[0] += x;
          s[1]++;
        }
      }
    }
  }

  /** Closes the open window at {@code iteration}. */
  void closeWindow(long iteration) {
    if (count == 0) {
      return;
    }
    Map<String, Double> m = new LinkedHashMap<>();
    for (Map.Entry<String, double[]> e : sums.entrySet()) {
      boolean share = e.getKey().startsWith(MetricNames.CHALLENGER_INVALID_PREFIX);
      // invalid-reason shares are absent in iterations where the reason did not occur: average over all iterations
      double denom = share ? count : e.getValue()[1];
      m.put(e.getKey(), denom == 0 ? Double.NaN : e.getValue()[0] / denom);
    }
    windows.add(iteration);
    windowMeans.add(m);
    sums.clear();
    count = 0;
  }

  /** The mean of {@code metric} in window {@code i}, NaN when absent. */
  double window(int i, String metric) {
    return windowMeans.get(i).getOrDefault(metric, Double.NaN);
  }

  /** The history of one metric over the windows. */
  double[] history(String metric) {
    double[] h = new double[windowMeans.size()];
    for (int i = 0; i < h.length; i++) {
      h[i] = window(i, metric);
    }
    return h;
  }
}
