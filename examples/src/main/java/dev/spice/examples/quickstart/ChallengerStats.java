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
import java.util.TreeMap;

/**
 * Statistics of the Challenger's valid tasks: the entropy of the fact field and of the task format
 * it chose, per window between two probes, and histograms of the tasks' pass rates in the first
 * and the last tenth of the run. The pass-rate histogram of every iteration is kept (not only the
 * early and late sums), so that a run resumed with another iteration count reports the tenths of
 * its new length, as an uninterrupted run of that length would.
 */
final class ChallengerStats {
  /** Histogram bins of task pass rates. */
  static final int BINS = 8;

  private final List<String> fields;
  private final int iterations;
  private long[] windowField;
  private long[] windowFormat = new long[2];
  /** Pass-rate histogram of each iteration that had a valid task. */
  private final TreeMap<Long, long[]> histograms = new TreeMap<>();
  /** Counts of the last closed window, kept until the next close (see {@link #reopenLastWindow()}). */
  private long[] closedField;
  private long[] closedFormat = new long[2];
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
    this.closedField = new long[fields.size()];
  }

  /** Counts the valid tasks of one iteration into the current window and the iteration's histogram. */
  void record(IterationResult r) {
    long it = r.iteration();
    long[] hist = new long[BINS];
    boolean any = false;
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
        hist[Math.min(BINS - 1, (int) Math.floor(o.passRate() * BINS))]++;
        any = true;
      }
    }
    if (any) {
      histograms.put(it, hist);
    } else {
      histograms.remove(it);
    }
  }

  /** Ends the current window at {@code iteration}: records its entropies and starts an empty one. */
  void closeWindow(long iteration) {
    entropyIterations.add(iteration);
    entropyField.add(entropy(windowField));
    entropyFormat.add(entropy(windowFormat));
    closedField = windowField;
    closedFormat = windowFormat;
    windowField = new long[fields.size()];
    windowFormat = new long[2];
  }

  /**
   * Undoes the last {@link #closeWindow(long)}: its entropies are dropped and its counts go back
   * into the open window. For a run resumed with more iterations, whose former last iteration is no
   * longer a probe iteration.
   *
   * @throws IllegalStateException if no window was closed
   */
  void reopenLastWindow() {
    if (entropyIterations.isEmpty()) {
      throw new IllegalStateException("no closed window to reopen");
    }
    int last = entropyIterations.size() - 1;
    entropyIterations.remove(last);
    entropyField.remove(last);
    entropyFormat.remove(last);
    for (int i = 0; i < windowField.length; i++) {
      windowField[i] += closedField[i];
    }
    for (int i = 0; i < windowFormat.length; i++) {
      windowFormat[i] += closedFormat[i];
    }
    closedField = new long[fields.size()];
    closedFormat = new long[2];
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
    long[] early = new long[BINS];
    long[] late = new long[BINS];
    int tenth = Math.max(1, iterations / 10);
    for (Map.Entry<Long, long[]> e : histograms.entrySet()) {
      long it = e.getKey();
      for (int b = 0; b < BINS; b++) {
        if (it < tenth) {
          early[b] += e.getValue()[b];
        }
        if (it >= iterations - tenth) {
          late[b] += e.getValue()[b];
        }
      }
    }
    return new QuickstartReport.Difficulty(edges, early, late);
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
    state.put("closed_window_field", closedField);
    state.put("closed_window_format", closedFormat);
    List<long[]> rows = new ArrayList<>();
    histograms.forEach((it, h) -> {
      long[] row = new long[BINS + 1];
      row[0] = it;
      System.arraycopy(h, 0, row, 1, BINS);
      rows.add(row);
    });
    state.put("pass_rate_histograms", rows);
  }

  /**
   * Replaces everything by a checkpoint's state; a missing or mistyped value throws a runtime
   * exception ({@link IllegalArgumentException} naming a missing key).
   */
  void load(Map<String, Object> state) {
    for (String k : List.of("window_field", "window_format", "closed_window_field", "closed_window_format",
        "pass_rate_histograms")) {
      if (!state.containsKey(k)) {
        throw new IllegalArgumentException("it has no '" + k + "' (written by an earlier version of the quickstart? "
            + "start a new run)");
      }
    }
    QuickstartState.readLongs(state.get("entropy_iterations"), entropyIterations);
    QuickstartState.readDoubles(state.get("entropy_field"), entropyField);
    QuickstartState.readDoubles(state.get("entropy_format"), entropyFormat);
    windowField = QuickstartState.longArray(state.get("window_field"));
    windowFormat = QuickstartState.longArray(state.get("window_format"));
    closedField = QuickstartState.longArray(state.get("closed_window_field"));
    closedFormat = QuickstartState.longArray(state.get("closed_window_format"));
    histograms.clear();
    for (Object row : (List<?>) state.get("pass_rate_histograms")) {
      long[] r = QuickstartState.longArray(row);
      if (r.length != BINS + 1) {
        throw new IllegalArgumentException("a pass_rate_histograms row has " + r.length + " numbers, expected "
            + (BINS + 1));
      }
      histograms.put(r[0], java.util.Arrays.copyOfRange(r, 1, BINS + 1));
    }
  }
}
