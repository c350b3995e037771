package dev.spice.examples.quickstart;

import dev.spice.core.PolicyBackend;
import dev.spice.core.Reasoner;
import dev.spice.core.Task;
import dev.spice.core.eval.PassRateScorer;
import dev.spice.examples.report.QuickstartReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The fixed probe set and the Reasoner's pass rates on it over time. The tasks are the free-form
 * ones first, then the multiple-choice ones; each is scored exactly (the policy's probability of
 * the gold answer), so the probe draws nothing at random.
 */
final class ProbeSet {
  private final List<Task> tasks;
  private final int freeCount;
  private final int mcqCount;
  private final Reasoner reasoner;
  private final long scoringSeed;
  private final List<Long> iterations = new ArrayList<>();
  private final List<Double> mcq = new ArrayList<>();
  private final List<Double> free = new ArrayList<>();
  private final List<Double> overall = new ArrayList<>();

  /**
   * @param tasks {@code freeCount} free-form tasks, then {@code mcqCount} multiple-choice ones
   * @param reasoner the Reasoner role that builds the prompts
   * @param scoringSeed the scorer's seed
   */
  ProbeSet(List<Task> tasks, int freeCount, int mcqCount, Reasoner reasoner, long scoringSeed) {
    if (tasks.size() != freeCount + mcqCount) {
      throw new IllegalArgumentException("the probe has " + tasks.size() + " tasks, expected " + freeCount + " free-form + "
          + mcqCount + " multiple-choice");
    }
    this.tasks = List.copyOf(tasks);
    this.freeCount = freeCount;
    this.mcqCount = mcqCount;
    this.reasoner = reasoner;
    this.scoringSeed = scoringSeed;
  }

  /** The probe of the quickstart world {@code qw}. */
  static ProbeSet of(QuickstartWorld qw) {
    QuickstartSettings s = qw.settings;
    return new ProbeSet(qw.probeTasks(), s.probeFree(), s.probeMcq(), qw.reasoner(),
        QuickstartSeeds.probeScoring(s.seed()));
  }

  /** Scores {@code policy} on the probe and records the pass rates at {@code iteration}. */
  void score(PolicyBackend policy, long iteration) {
    record(iteration, PassRateScorer.exactGold().passRates(policy, reasoner, tasks, scoringSeed));
  }

  /** Records the per-task pass rates {@code p} at {@code iteration} (free-form, then multiple choice). */
  void record(long iteration, double[] p) {
    double f = 0;
    double m = 0;
    for (int i = 0; i < p.length; i++) {
      if (i < freeCount) {
        f += p[i];
      } else {
        m += p[i];
      }
    }
    iterations.add(iteration);
    free.add(freeCount == 0 ? Double.NaN : f / freeCount);
    mcq.add(mcqCount == 0 ? Double.NaN : m / mcqCount);
    overall.add((f + m) / p.length);
  }

  /** The latest multiple-choice pass rate ({@code NaN} before the first score). */
  double lastMcq() {
    return last(mcq);
  }

  /** The latest free-form pass rate ({@code NaN} before the first score). */
  double lastFree() {
    return last(free);
  }

  /** The first multiple-choice pass rate ({@code NaN} before the first score). */
  double firstMcq() {
    return first(mcq);
  }

  /** The first free-form pass rate ({@code NaN} before the first score). */
  double firstFree() {
    return first(free);
  }

  /** The report's probe section: the history, its first and last overall rate and the gain. */
  QuickstartReport.Probe report() {
    double start = first(overall);
    double end = last(overall);
    return new QuickstartReport.Probe(QuickstartState.longs(iterations), QuickstartState.doubles(mcq),
        QuickstartState.doubles(free), QuickstartState.doubles(overall), start, end, 100 * (end - start));
  }

  /** The iteration of the latest score, or -1 before the first. */
  long lastIteration() {
    return iterations.isEmpty() ? -1 : iterations.get(iterations.size() - 1);
  }

  /**
   * Forgets the latest score (for a run resumed with more iterations, whose former last iteration
   * is no longer a probe iteration).
   *
   * @throws IllegalStateException if there is none
   */
  void dropLast() {
    if (iterations.isEmpty()) {
      throw new IllegalStateException("no probe score to drop");
    }
    int last = iterations.size() - 1;
    iterations.remove(last);
    mcq.remove(last);
    free.remove(last);
    overall.remove(last);
  }

  /** Adds the history to a checkpoint's state. */
  void save(Map<String, Object> state) {
    state.put("probe_iterations", iterations);
    state.put("probe_mcq", mcq);
    state.put("probe_free", free);
    state.put("probe_overall", overall);
  }

  /** Replaces the history by a checkpoint's; a missing or mistyped value throws a runtime exception. */
  void load(Map<String, Object> state) {
    QuickstartState.readLongs(state.get("probe_iterations"), iterations);
    QuickstartState.readDoubles(state.get("probe_mcq"), mcq);
    QuickstartState.readDoubles(state.get("probe_free"), free);
    QuickstartState.readDoubles(state.get("probe_overall"), overall);
  }

  static double first(List<Double> l) {
    return l.isEmpty() ? Double.NaN : l.get(0);
  }

  static double last(List<Double> l) {
    return l.isEmpty() ? Double.NaN : l.get(l.size() - 1);
  }
}
