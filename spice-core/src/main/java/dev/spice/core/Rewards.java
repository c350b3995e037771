package dev.spice.core;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Scores of one group: one reward per item, plus named sub-scores for logging.
 *
 * <p>A reward may be {@code NaN}, meaning "not applicable": the item is left out of its group's
 * advantage computation and out of the update. Sub-scores named {@value #CORRECT} are special:
 * for Reasoner rewards they are the pass indicators (0 or 1) the engine uses to compute the pass
 * rate that the Challenger is rewarded on; without them the reward itself is used and must lie in
 * {@code [0, 1]}.
 *
 * <p>Arrays are copied on construction; do not modify the arrays the accessors return.
 *
 * @param values one reward per item, in item order
 * @param components named sub-scores, each with one value per item, sorted by name
 */
public record Rewards(double[] values, Map<String, double[]> components) {
  /** Name of the sub-score holding Reasoner pass indicators. */
  public static final String CORRECT = "correct";

  /** Validates and copies. */
  public Rewards {
    values = values.clone();
    TreeMap<String, double[]> copy = new TreeMap<>();
    if (components != null) {
      for (Map.Entry<String, double[]> e : components.entrySet()) {
        Objects.requireNonNull(e.getKey(), "component name");
        if (e.getValue().length != values.length) {
          throw new IllegalArgumentException("component '" + e.getKey() + "' has "
              + e.getValue().length + " values for " + values.length + " items");
        }
        copy.put(e.getKey(), e.getValue().clone());
      }
    }
    components = Collections.unmodifiableMap(copy);
  }

  /** Rewards without sub-scores. */
  public static Rewards of(double... values) {
    return new Rewards(values, Map.of());
  }

  /** Number of items. */
  public int size() {
    return values.length;
  }
}
