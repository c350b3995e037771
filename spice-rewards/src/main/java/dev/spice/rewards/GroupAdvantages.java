package dev.spice.rewards;

import dev.spice.core.AdvantageEstimator;

/**
 * Group-relative estimators. Each has one kernel over a range of a flat array, used by both the
 * per-group {@code estimate} and the flat {@code estimateInto}, so the two give identical bits.
 * Hot paths are plain loops over double arrays and allocate nothing.
 */
final class GroupAdvantages {
  private GroupAdvantages() {}

  /** Shared shape of the group-relative estimators: a kernel over one group. */
  abstract static class GroupKernel implements AdvantageEstimator {
    /**
     * Writes the advantages of {@code r[from, to)} into {@code a[aFrom, aFrom + to - from)}.
     * {@code g} names the group in error messages.
     */
    abstract void group(double[] r, int from, int to, double[] a, int aFrom, int g);

    /** The estimator's name, as {@link #name()}. */
    @Override
    public String toString() {
      return name();
    }

    @Override
    public final double[][] estimate(double[][] rewards) {
      double[][] out = new double[rewards.length][];
      for (int g = 0; g < rewards.length; g++) {
        double[] r = rewards[g];
        double[] a = new double[r.length];
        group(r, 0, r.length, a, 0, g);
        out[g] = a;
      }
      return out;
    }

    @Override
    public final void estimateInto(double[] rewards, int[] groupOffsets, double[] out) {
      int groups = AdvantageEstimator.checkFlatBatch(rewards, groupOffsets, out);
      for (int g = 0; g < groups; g++) {
        int from = groupOffsets[g];
        group(rewards, from, groupOffsets[g + 1], out, from, g);
      }
    }
  }

  static final AdvantageEstimator DR_GRPO = new GroupKernel() {
    @Override
    public String name() {
      return "dr_grpo";
    }

    @Override
    void group(double[] r, int from, int to, double[] a, int aFrom, int g) {
      double sum = 0;
      int n = 0;
      for (int i = from; i < to; i++) {
        double v = r[i];
        if (v == v) {
          sum += v;
          n++;
        }
      }
      checkFinite(sum, r, from, to, g);
      double mean = n == 0 ? 0 : sum / n;
      int shift = aFrom - from;
      for (int i = from; i < to; i++) {
        a[i + shift] = r[i] - mean; // NaN stays NaN
      }
    }
  };

  static final AdvantageEstimator RLOO = new GroupKernel() {
    @Override
    public String name() {
      return "rloo";
    }

    @Override
    void group(double[] r, int from, int to, double[] a, int aFrom, int g) {
      double sum = 0;
      int n = 0;
      for (int i = from; i < to; i++) {
        double v = r[i];
        if (v == v) {
          sum += v;
          n++;
        }
      }
      checkFinite(sum, r, from, to, g);
      int shift = aFrom - from;
      if (n <= 1) {
        for (int i = from; i < to; i++) {
          a[i + shift] = r[i] * 0.0; // 0 for the single applicable item, NaN for the others
        }
      } else {
        // r_i - (sum - r_i)/(n-1) = (n r_i - sum)/(n-1)
        double inv = 1.0 / (n - 1);
        for (int i = from; i < to; i++) {
          a[i + shift] = (n * r[i] - sum) * inv;
        }
      }
    }
  };

  /** GRPO: std-normalised with a floor. */
  static final class Grpo extends GroupKernel {
    private final double floor;

    Grpo(double floor) {
      this.floor = floor;
    }

    @Override
    public String name() {
      return "grpo";
    }

    @Override
    void group(double[] r, int from, int to, double[] a, int aFrom, int g) {
      double sum = 0;
      int n = 0;
      for (int i = from; i < to; i++) {
        double v = r[i];
        if (v == v) {
          sum += v;
          n++;
        }
      }
      checkFinite(sum, r, from, to, g);
      double mean = n == 0 ? 0 : sum / n;
      double ss = 0;
      for (int i = from; i < to; i++) {
        double d = r[i] - mean;
        if (d == d) {
          ss += d * d;
        }
      }
      double std = n > 1 ? Math.sqrt(ss / (n - 1)) : 0;
      double inv = 1.0 / Math.max(std, floor);
      int shift = aFrom - from;
      for (int i = from; i < to; i++) {
        a[i + shift] = (r[i] - mean) * inv;
      }
    }

    @Override
    public String toString() {
      return "grpo(stdFloor=" + floor + ")";
    }
  }

  /**
   * Throws if group {@code g}, {@code r[from, to)}, holds an infinite reward (its finite sum would
   * be non-finite) or overflows when summed; the item index in the message is within the group.
   */
  static void checkFinite(double sum, double[] r, int from, int to, int g) {
    if (Double.isFinite(sum)) {
      return;
    }
    for (int i = from; i < to; i++) {
      if (Double.isInfinite(r[i])) {
        throw new IllegalArgumentException(
            "reward of group " + g + ", item " + (i - from) + " is " + r[i] + "; rewards must be finite or NaN");
      }
    }
    throw new IllegalArgumentException("rewards of group " + g + " overflow when summed");
  }
}
