package dev.spice.core.engine;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The loop behind {@link SelfPlay#run(int)} and {@link SelfPlay#runUntil}: steps, keeps only the
 * last result and a running sum and count per metric name, so its memory does not grow with the
 * number of iterations.
 */
final class RunLoop {
  private RunLoop() {}

  static RunSummary run(Supplier<IterationResult> step, LongSupplier nextIteration, int maxIterations,
      Predicate<IterationResult> stop) {
    if (maxIterations < 0) {
      throw new IllegalArgumentException("iterations must be >= 0, got " + maxIterations);
    }
    Objects.requireNonNull(stop, "stop");
    long start = System.nanoTime();
    Map<String, double[]> sums = new HashMap<>(); // name -> {sum of finite values, count}
    IterationResult last = null;
    int done = 0;
    boolean stopped = false;
    while (done < maxIterations && !stopped) {
      last = step.get();
      done++;
      for (Map.Entry<String, Double> e : last.metrics().values().entrySet()) {
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
    return new RunSummary(done, nextIteration.getAsLong(), Optional.ofNullable(last), means,
        Duration.ofNanos(System.nanoTime() - start), stopped);
  }
}
