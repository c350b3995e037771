package dev.spice.core.engine;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * What {@link SelfPlay#run(int)} and {@link SelfPlay#runUntil} return: a bounded summary of the
 * iterations one call ran, like TRL's {@code TrainOutput}.
 *
 * <p>Memory bound: a summary holds one {@link IterationResult} (the last, with its rollouts) and
 * one number per metric name, whatever the number of iterations run; earlier iterations' results
 * are not kept anywhere by the engine. To see every iteration, call {@link SelfPlay#step()} in a
 * loop or register a {@link SelfPlayListener}, whose {@link SelfPlayListener#onIterationEnd} gets
 * each {@link IterationResult} (the JSONL metrics listener streams every iteration's metrics to
 * disk).
 *
 * <p>Immutable. Everything but {@link #wallTime} and the wall-clock metrics ({@link
 * MetricNames#STEP_TIME}, {@link MetricNames#TOKENS_PER_SECOND}, the {@link
 * MetricNames#TIMING_PREFIX} phases) and their means is determined by the run: the same seed,
 * corpus, backend and settings give equal summaries apart from those.
 *
 * <p>{@link WarmStart#run(int)} returns a {@link WarmStartSummary} of the same shape; see there why
 * the two are separate records over one shared loop.
 *
 * @param iterations how many iterations this call ran, {@code >= 0}
 * @param nextIteration the engine's {@link SelfPlay#iteration()} when the call returned: the index
 *     of the next iteration (the last one run is {@code nextIteration - 1})
 * @param last the last iteration's result, with its rollouts; empty if none ran
 * @param meanMetrics for every metric name seen in the iterations run, the mean of its finite
 *     values over those iterations ({@code NaN} values and iterations without the metric are not
 *     counted; {@code NaN} if it was never finite), sorted by name
 * @param wallTime wall-clock time of the call, listeners and checkpoints included
 * @param stoppedEarly true if {@link SelfPlay#runUntil}'s predicate returned true (always false
 *     for {@link SelfPlay#run(int)})
 */
public record RunSummary(int iterations, long nextIteration, Optional<IterationResult> last,
    Map<String, Double> meanMetrics, Duration wallTime, boolean stoppedEarly) {
  /**
   * Checks and copies.
   *
   * @param iterations how many iterations this call ran, {@code >= 0}
   * @param nextIteration the index of the next iteration, {@code >= iterations}
   * @param last the last iteration's result; empty exactly when {@code iterations == 0}
   * @param meanMetrics mean of each metric's finite values
   * @param wallTime wall-clock time of the call, not negative
   * @param stoppedEarly true if the stop predicate returned true
   * @throws IllegalArgumentException if a count is negative, {@code last} disagrees with
   *     {@code iterations}, or {@code wallTime} is negative
   * @throws NullPointerException if {@code last}, {@code meanMetrics} or {@code wallTime} is null
   */
  public RunSummary {
    meanMetrics = RunLoop.checkSummary("iterations", iterations, "nextIteration", nextIteration, last, meanMetrics,
        wallTime);
  }

  /**
   * A metric's mean over the iterations run ({@link #meanMetrics}), or {@code NaN} if absent.
   *
   * @param name the metric name, one of {@link MetricNames}
   * @return the mean of its finite values, or {@code NaN}
   */
  public double mean(String name) {
    Double v = meanMetrics.get(name);
    return v == null ? Double.NaN : v;
  }

  /**
   * The last iteration's metrics, if any iteration ran.
   *
   * @return the metrics of {@link #last}
   */
  public Optional<Metrics> lastMetrics() {
    return last.map(IterationResult::metrics);
  }
}
