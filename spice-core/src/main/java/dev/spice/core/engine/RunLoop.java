package dev.spice.core.engine;

import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The loop behind {@link SelfPlay#run(int)}, {@link SelfPlay#runUntil}, {@link WarmStart#run(int)}
 * and {@link WarmStart#runUntil}: steps, keeps only the last result and a running sum and count per
 * metric name, so its memory does not grow with the number of steps. One implementation for both
 * summaries ({@link RunSummary}, {@link WarmStartSummary}), with their shared field checks.
 */
final class RunLoop {
  private RunLoop() {}

  /**
   * What one loop did.
   *
   * @param done steps run
   * @param last the last step's result, null if none ran
   * @param means mean of each metric's finite values ({@code NaN} if never finite)
   * @param wallTime wall time of the loop
   * @param stopped whether the predicate returned true
   */
  record Outcome<R>(int done, R last, Map<String, Double> means, Duration wallTime, boolean stopped) {}

  static RunSummary run(Supplier<IterationResult> step, LongSupplier nextIteration, int maxIterations,
      Predicate<IterationResult> stop) {
    Outcome<IterationResult> o = loop(step, IterationResult::metrics, "iterations", maxIterations, stop);
    return new RunSummary(o.done(), nextIteration.getAsLong(), Optional.ofNullable(o.last()), o.means(),
        o.wallTime(), o.stopped());
  }

  static WarmStartSummary warmStart(Supplier<WarmStartResult> step, LongSupplier nextStep, int maxSteps,
      Predicate<WarmStartResult> stop) {
    Outcome<WarmStartResult> o = loop(step, WarmStartResult::metrics, "steps", maxSteps, stop);
    return new WarmStartSummary(o.done(), nextStep.getAsLong(), Optional.ofNullable(o.last()), o.means(),
        o.wallTime(), o.stopped());
  }

  /**
   * Runs at most {@code max} steps, stopping after the first result {@code stop} accepts. Both
   * arguments are checked before any step.
   *
   * @param countName what a step is called in the error message ("iterations", "steps")
   * @throws IllegalArgumentException if {@code max < 0}
   * @throws NullPointerException if {@code stop} is null
   */
  static <R> Outcome<R> loop(Supplier<R> step, Function<R, Metrics> metrics, String countName, int max,
      Predicate<R> stop) {
    if (max < 0) {
      throw new IllegalArgumentException(countName + " must be >= 0, got " + max);
    }
    Objects.requireNonNull(stop, "stop");
    long start = System.nanoTime();
    Map<String, double[]> sums = new HashMap<>(); // name -> {sum of finite values, count}
    R last = null;
    int done = 0;
    boolean stopped = false;
    while (done < max && !stopped) {
      last = step.get();
      done++;
      for (Map.Entry<String, Double> e : metrics.apply(last).values().entrySet()) {
        double[] s = sums.computeIfAbsent(e.getKey(), k -> new double[2]);
        double v = e.getValue();
        if (Double.isFinite(v)) {
          s[0] += v;
          s[1]++;
        }
      }
      stopped = stop.test(last);
    }
    Map<String, Double> means = new HashMap<>();
    sums.forEach((name, s) -> means.put(name, s[1] == 0 ? Double.NaN : s[0] / s[1]));
    return new Outcome<>(done, last, means, Duration.ofNanos(System.nanoTime() - start), stopped);
  }

  /**
   * The checks both summary records make, with their own field names in the messages; returns the
   * means as an unmodifiable copy sorted by name.
   */
  static Map<String, Double> checkSummary(String countName, int count, String nextName, long next,
      Optional<?> last, Map<String, Double> meanMetrics, Duration wallTime) {
    Objects.requireNonNull(last, "last");
    Objects.requireNonNull(wallTime, "wallTime");
    Map<String, Double> means = Collections.unmodifiableMap(new TreeMap<>(Objects.requireNonNull(meanMetrics,
        "meanMetrics")));
    if (count < 0 || next < count) {
      throw new IllegalArgumentException("need 0 <= " + countName + " <= " + nextName + ", got " + countName + " "
          + count + ", " + nextName + " " + next);
    }
    if (last.isPresent() != (count > 0)) {
      throw new IllegalArgumentException("last must be present exactly when " + countName + " > 0, got "
          + countName + " " + count + " and last " + (last.isPresent() ? "present" : "empty"));
    }
    if (wallTime.isNegative()) {
      throw new IllegalArgumentException("wallTime must not be negative, got " + wallTime);
    }
    return means;
  }
}
