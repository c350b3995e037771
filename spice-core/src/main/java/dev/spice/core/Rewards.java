package dev.spice.core;

import java.util.Arrays;
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
 * <p>Immutable: arrays are copied on construction and the accessors return fresh copies
 * ({@link #values()}, {@link #components()}, {@link #component(String)},
 * {@link #passIndicators()}), so read an array once into a local rather than calling an accessor
 * in a loop; {@link #value(int)} and {@link #size()} copy nothing. Equality is by content: two
 * rewards are equal when their values and their sub-scores (same names, same values) are equal,
 * doubles compared as by {@link Arrays#equals(double[], double[])} (so {@code NaN} equals
 * {@code NaN} and {@code 0.0} differs from {@code -0.0}).
 *
 * @param values one reward per item, in item order
 * @param components named sub-scores, each with one value per item, sorted by name
 */
public record Rewards(double[] values, Map<String, double[]> components) {
  /** Name of the sub-score holding Reasoner pass indicators. */
  public static final String CORRECT = "correct";

  /**
   * Validates and copies.
   *
   * @param values one reward per item, in item order
   * @param components named sub-scores, each with one value per item, sorted by name
   */
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

  /**
   * Rewards without sub-scores.
   *
   * @param values the values
   * @return rewards with these values and no sub-scores
   */
  public static Rewards of(double... values) {
    return new Rewards(values, Map.of());
  }

  /**
   * A copy of the rewards, one per item.
   *
   * @return a copy of the rewards, one per item
   */
  @Override
  public double[] values() {
    return values.clone();
  }

  /**
   * An unmodifiable map, sorted by name, of copies of the sub-scores.
   *
   * @return an unmodifiable map, sorted by name, of copies of the sub-scores
   */
  @Override
  public Map<String, double[]> components() {
    TreeMap<String, double[]> copy = new TreeMap<>();
    components.forEach((k, v) -> copy.put(k, v.clone()));
    return Collections.unmodifiableMap(copy);
  }

  /**
   * The reward of item {@code i}. @throws IndexOutOfBoundsException if there is no such item
   *
   * @param i the item index
   * @return the reward of item {@code i}
   */
  public double value(int i) {
    Objects.checkIndex(i, values.length);
    return values[i];
  }

  /**
   * Whether a sub-score of this name exists.
   *
   * @param name the name
   * @return whether a sub-score of this name exists
   */
  public boolean hasComponent(String name) {
    return components.containsKey(name);
  }

  /**
   * A copy of the sub-score named {@code name}, or {@code null} if there is none.
   *
   * @param name the name
   * @return a copy of the sub-score named {@code name}, or {@code null} if there is none
   */
  public double[] component(String name) {
    double[] c = components.get(name);
    return c == null ? null : c.clone();
  }

  /**
   * A copy of the pass indicators: the {@value #CORRECT} sub-score if there is one, else the
   * rewards themselves.
   *
   * @return a copy of the pass indicators: the {@value #CORRECT} sub-score if there is one, else
   *     the rewards themselves
   */
  public double[] passIndicators() {
    double[] c = components.get(CORRECT);
    return (c != null ? c : values).clone();
  }

  /**
   * Number of items.
   *
   * @return number of items
   */
  public int size() {
    return values.length;
  }

  /** Content equality, see the class comment. */
  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Rewards r) || !Arrays.equals(values, r.values) || !components.keySet().equals(r.components.keySet())) {
      return false;
    }
    for (Map.Entry<String, double[]> e : components.entrySet()) {
      if (!Arrays.equals(e.getValue(), r.components.get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    int h = Arrays.hashCode(values);
    for (Map.Entry<String, double[]> e : components.entrySet()) {
      h = 31 * h + e.getKey().hashCode() * 17 + Arrays.hashCode(e.getValue());
    }
    return h;
  }

  /** The values and every sub-score, by content. */
  @Override
  public String toString() {
    StringBuilder b = new StringBuilder("Rewards[values=").append(Arrays.toString(values)).append(", components={");
    String sep = "";
    for (Map.Entry<String, double[]> e : components.entrySet()) {
      b.append(sep).append(e.getKey()).append('=').append(Arrays.toString(e.getValue()));
      sep = ", ";
    }
    return b.append("}]").toString();
  }
}
