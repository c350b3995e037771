package dev.spice.core.engine;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * What {@link WarmStart#run(int)} and {@link WarmStart#runUntil} return: a bounded summary of the
 * steps one call ran, the warm-start counterpart of {@link RunSummary}.
 *
 * <p>Memory bound: a summary holds one {@link WarmStartResult} (the last step's, with its
 * {@code documentsPerStep} document windows and its demonstration picks) and one number per metric
 * name, whatever the number of steps run; earlier steps' results are not kept anywhere by the
 * runner. To see every step, call {@link WarmStart#step()} in a loop or register a
 * {@link WarmStartListener}, whose {@link WarmStartListener#onStepEnd} gets each
 * {@link WarmStartResult} ({@link WarmStartListeners#jsonl} streams every step's metrics to disk).
 *
 * <p>Immutable. Everything but {@link #wallTime} and the wall-clock metrics
 * ({@link WarmStartMetricNames#STEP_TIME}, {@link WarmStartMetricNames#TOKENS_PER_SECOND}) and
 * their means is determined by the run: the same seed, corpus, policy and settings give equal
 * summaries apart from those.
 *
 * <p>Why a second record rather than one generic summary for both runners: {@link RunSummary} is
 * already published with iteration-named accessors ({@code iterations()}, {@code nextIteration()})
 * that callers use, while a warm start counts steps ({@link WarmStart#completedSteps()}); a generic
 * {@code RunSummary<R>} would either give warm-start steps the self-play names or rename the
 * published ones, and would leave callers to spell the type argument. The two records have the
 * same fields in the same order, the same checks and the same {@link #mean} and
 * {@link #lastMetrics}; what they share is implemented once (the package-private loop that fills
 * both and checks their fields), so the means are computed identically.
 *
 * @param steps how many steps this call ran, {@code >= 0}
 * @param nextStep the runner's {@link WarmStart#completedSteps()} when the call returned: the index
 *     of the next step (the last one run is {@code nextStep - 1})
 * @param last the last step's result; empty if none ran
 * @param meanMetrics for every metric name seen in the steps run, the mean of its finite values over
 *     those steps ({@code NaN} values, such as {@link WarmStartMetricNames#LOSS} of a step without
 *     samples, and steps without the metric are not counted; {@code NaN} if it was never finite),
 *     sorted by name
 * @param wallTime wall-clock time of the call, listeners and checkpoints included
 * @param stoppedEarly true if {@link WarmStart#runUntil}'s predicate returned true (always false
 *     for {@link WarmStart#run(int)})
 */
public record WarmStartSummary(int steps, long nextStep, Optional<WarmStartResult> last,
    Map<String, Double> meanMetrics, Duration wallTime, boolean stoppedEarly) {
  /**
   * Checks and copies.
   *
   * @param steps how many steps this call ran, {@code >= 0}
   * @param nextStep the index of the next step, {@code >= steps}
   * @param last the last step's result; empty exactly when {@code steps == 0}
   * @param meanMetrics mean of each metric's finite values (copied)
   * @param wallTime wall-clock time of the call, not negative
   * @param stoppedEarly true if the stop predicate returned true
   * @throws IllegalArgumentException if a count is negative, {@code nextStep < steps}, {@code last}
   *     disagrees with {@code steps}, or {@code wallTime} is negative
   * @throws NullPointerException if {@code last}, {@code meanMetrics} or {@code wallTime} is null
   */
  public WarmStartSummary {
    meanMetrics = RunLoop.checkSummary("steps", steps, "nextStep", nextStep, last, meanMetrics, wallTime);
  }

  /**
   * A metric's mean over the steps run ({@link #meanMetrics}), or {@code NaN} if absent.
   *
   * @param name the metric name, one of {@link WarmStartMetricNames}
   * @return the mean of its finite values, or {@code NaN}
   */
  public double mean(String name) {
    Double v = meanMetrics.get(name);
    return v == null ? Double.NaN : v;
  }

  /**
   * The last step's metrics, if any step ran.
   *
   * @return the metrics of {@link #last}
   */
  public Optional<Metrics> lastMetrics() {
    return last.map(WarmStartResult::metrics);
  }
}
