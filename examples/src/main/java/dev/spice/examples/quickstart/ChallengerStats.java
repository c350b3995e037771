package dev.spice.examples.quickstart;

import dev.spice.core.ChallengerOutcome;
import dev.spice.core.Task;
import dev.spice.core.TaskFormat;
import dev.spice.core.engine.DocumentRollout;
import dev.spice.core.engine.IterationResult;
import dev.spice.examples.report.QuickstartReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Statistics of the Challenger's valid tasks: the entropy of the fact field and of the task format
 * it chose, per window between two probes, and histograms of the tasks' pass rates in the first
 * and the last tenth of the run.
 */
final class ChallengerStats {
  /** Histogram bins of task pass rates. */
  static final int BINS = 8;

  private final List<String> fields;
  private final int iterations;
  private long[] windowField;
  private long[] windowFormat = new long[2];
  private long[] earlyHist = new long[BINS];
  private long[] lateHist = new long[BINS];
  private final List<Long> entropyIterations = new ArrayList<>();
  private final List<Double> entropyField = new ArrayList<>();
  private final List<Double> entropyFormat = new ArrayList<>();

  /**
   * @param fields the world's fields (a task's field is counted by its index here)
   * @param iterations the run's iterations (which tenth is early, which late)
   */
  ChallengerStats(List<String> fields, int iterations) {
    this.fields = List.copyOf(fields);
    this.iterations = iterations;
    this.windowField = new long[fields.size()];
  }

  /** Counts the valid tasks of one iteration into the current window and, early or late, the histograms. */
  void record(IterationResult r) {
    long it = r.iteration();
    boolean early = it < Math.max(1, iterations / 10);
    boolean late = it >= iterations - Math.max(1, iterations / 10);
    for (DocumentRollout d : r.documents()) {
      for (ChallengerOutcome o : d.kept()) {
        if (!o.isValid()) {
          continue;
        }
        Task t = o.attempt().task();
        int f = fields.indexOf(t.metadata().get("field"));
        if (f >= 0) {
          windowField[f]++;
        }
        windowFormat[t.format() == TaskFormat.MULTIPLE_CHOICE ? 0 : 1]++;
        int bin = Math.min(BINS - 1, (int) Math.floor(o.passRate() * BINS));
        if (early) {
          earlyHist[bin]++;
        }
        if (late) {
          lateHist[bin]++;
        }
      }
    }
  }

  /** Ends the current window at {@code iteration}: records its entropies and starts an empty one. */
  void closeWindow(long iteration) {
    entropyIterations.add(iteration);
    entropyField.add(entropy(windowField));
    entropyFormat.add(entropy(windowFormat));
    windowField = new long[fields.size()];
    windowFormat = new long[2];
  }

  /** Entropy (nats) of the distribution given by {@code counts}; {@code NaN} when they are all 0. */
  static double entropy(long[] counts) {
    long n = 0;
    for (long c : counts) {
      n += c;
    }
    if (n == 0) {
      return Double.NaN;
    }
    double h = 0;
    for (long c : counts) {
      if (c > 0) {
        double q = (double) c / n;
        h -= q * Math.log(q);
      }
    }
    return h;
  }

  /** The field entropy of the last closed window ({@code NaN} before the first). */
  double lastFieldEntropy() {
    return ProbeSet.last(entropyField);
  }

  /** The format entropy of the last closed window ({@code NaN} before the first). */
  double lastFormatEntropy() {
    return ProbeSet.last(entropyFormat);
  }

  /** The report's difficulty section. */
  QuickstartReport.Difficulty difficulty() {
    double[] edges = new double[BINS + 1];
    for (int i = 0; i <= BINS; i++) {
      edges[i] = (double) i / BINS;
    }
    return new QuickstartReport.Difficulty(edges, earlyHist.clone(), lateHist.clone());
  }

  /** The report's entropy section; the maxima are those of a uniform choice. */
  QuickstartReport.Entropy entropy() {
    return new QuickstartReport.Entropy(QuickstartState.doubles(entropyField), QuickstartState.doubles(entropyFormat),
        QuickstartState.longs(entropyIterations), Math.log(fields.size()), Math.log(2));
  }

  /** Adds the windows, histograms and entropy history to a checkpoint's state. */
  void save(Map<String, Object> state) {
    state.put("entropy_iterations", entropyIterations);
    state.put("entropy_field", entropyField);
    state.put("entropy_format", entropyFormat);
    state.put("window_field", windowField);
    state.put("window_format", windowFormat);
    state.put("early_hist", earlyHist);
    state.put("late_hist", lateHist);
  }

  /** Replaces everything by a checkpoint's state; a missing or mistyped value throws a runtime exception. */
  void load(Map<String, Object> state) {
    QuickstartState.readLongs(state.get("entropy_iterations"), entropyIterations);
    QuickstartState.readDoubles(state.get("entropy_field"), entropyField);
    QuickstartState.readDoubles(state.get("entropy_format"), entropyFormat);
    windowField = QuickstartState.longArray(state.get("window_field"));
    windowFormat = QuickstartState.longArray(state.get("window_format"));
    earlyHist = QuickstartState.longArray(state.get("early_hist"));
    lateHist = QuickstartState.longArray(state.get("late_hist"));
  }
}
