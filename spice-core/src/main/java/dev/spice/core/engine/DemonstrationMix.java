package dev.spice.core.engine;

import dev.spice.core.Demonstration;
import dev.spice.core.SpiceException;
import dev.spice.core.SupervisedSample;
import dev.spice.core.TrainablePolicy;
import dev.spice.core.sampling.Seeds;
import java.util.ArrayList;
import java.util.List;

/**
 * The demonstrations of a {@link WarmStart}, encoded once by the policy, and which of them each
 * step trains on: {@code perStep} picks with replacement, the {@code i}-th at
 * {@link #index(long, long, int, int)}, a pure function of (seed, step, i). Immutable.
 */
final class DemonstrationMix {
  /** Salt xored into the run's seed so the picks are unrelated to the document windows' offsets. */
  static final long SALT = 0x6A09E667F3BCC909L;

  private final List<SupervisedSample> samples;
  private final int perStep;

  private DemonstrationMix(List<SupervisedSample> samples, int perStep) {
    this.samples = List.copyOf(samples);
    this.perStep = perStep;
  }

  /**
   * Encodes every demonstration with {@link TrainablePolicy#demonstrationSample}.
   *
   * @throws SpiceException of the policy's error's kind (a {@link SpiceException.BackendException}
   *     for anything that is not a {@link SpiceException}), naming the first demonstration that
   *     cannot be encoded by its index
   */
  static DemonstrationMix encode(TrainablePolicy policy, List<Demonstration> demos, int perStep) {
    List<SupervisedSample> out = new ArrayList<>(demos.size());
    for (int i = 0; i < demos.size(); i++) {
      SupervisedSample s;
      try {
        s = policy.demonstrationSample(demos.get(i));
      } catch (SpiceException.ConfigurationException e) {
        throw new SpiceException.ConfigurationException(what(policy, i) + e.getMessage());
      } catch (RuntimeException e) {
        throw new SpiceException.BackendException(what(policy, i) + e.getMessage(), e);
      }
      if (s == null) {
        throw new SpiceException.BackendException(what(policy, i) + "demonstrationSample returned null");
      }
      out.add(s);
    }
    return new DemonstrationMix(out, perStep);
  }

  private static String what(TrainablePolicy policy, int i) {
    return "demonstration " + i + " cannot be encoded by policy " + policy.name() + ": ";
  }

  /** Number of demonstrations. */
  int size() {
    return samples.size();
  }

  /** Demonstrations per step. */
  int perStep() {
    return perStep;
  }

  /** The encoded sample of demonstration {@code index}. */
  SupervisedSample sample(int index) {
    return samples.get(index);
  }

  /** The indices of the demonstrations of step {@code step}, in batch order. */
  List<Integer> indices(long seed, long step) {
    List<Integer> out = new ArrayList<>(perStep);
    for (int i = 0; i < perStep; i++) {
      out.add(index(seed, step, i, samples.size()));
    }
    return out;
  }

  /**
   * The {@code i}-th demonstration of step {@code step}:
   * {@code floorMod(Seeds.mix(Seeds.mix(seed ^ SALT, step), i), size)}.
   */
  static int index(long seed, long step, int i, int size) {
    return (int) Math.floorMod(Seeds.mix(Seeds.mix(seed ^ SALT, step), i), (long) size);
  }

  /** Adds to {@code errors} what is wrong with {@code demos} and {@code perStep} as a builder's settings. */
  static void check(List<Demonstration> demos, int perStep, List<String> errors) {
    if (demos.isEmpty()) {
      errors.add("demonstrations is empty: give at least one Demonstration, or leave demonstrations(...) unset");
    }
    int at = demos.indexOf(null);
    if (at >= 0) {
      errors.add("demonstration " + at + " is null");
    }
    if (perStep < 1) {
      errors.add("demonstrations per step must be >= 1, got " + perStep);
    }
  }
}
