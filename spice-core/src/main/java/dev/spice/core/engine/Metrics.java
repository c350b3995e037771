package dev.spice.core.engine;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * An immutable snapshot of one iteration's metrics, keyed by the names practitioners know from
 * TRL and verl, prefixed by role: {@code challenger/valid_rate}, {@code challenger/reward},
 * {@code reasoner/pass_rate}, {@code reasoner/frac_reward_zero_std}, {@code loss}, {@code kl},
 * {@code entropy}, {@code clip_ratio/low_mean}, {@code step_time}, {@code num_tokens}, ... The full
 * list is in {@link MetricNames}.
 *
 * @param iteration the iteration (0-based)
 * @param values metric values by name, sorted by name
 */
public record Metrics(long iteration, Map<String, Double> values) {
  /**
   * Copies.
   *
   * @param iteration the iteration (0-based)
   * @param values metric values by name, sorted by name
   */
  public Metrics {
    values = Collections.unmodifiableMap(new TreeMap<>(values));
  }

  /**
   * A metric's value, or NaN if absent.
   *
   * @param name the name
   * @return a metric's value, or NaN if absent
   */
  public double get(String name) {
    Double v = values.get(name);
    return v == null ? Double.NaN : v;
  }
}
