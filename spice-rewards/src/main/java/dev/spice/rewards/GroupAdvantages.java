package dev.spice.rewards;

import dev.spice.core.AdvantageEstimator;

/** Group-relative estimators. Hot paths are plain loops over double arrays. */
final class GroupAdvantages {
  private GroupAdvantages() {}

  static final AdvantageEstimator DR_GRPO = new AdvantageEstimator() {
    @Override
    public String name() {
      return "dr_grpo";
    }

    @Override
    public double[][] estimate(double[][] rewards) {
      double[][] out = new double[rewards.length][];
      for (int g = 0; g < rewards.length; g++) {
        double[] r = rewards[g];
        double[] a = new double[r.length];
        double sum = 0;
        int n = 0;
        for (int i = 0; i < r.length; i++) {
          double v = r[i];
          if (v == v) {
            sum += v;
            n++;
          }
        }
        checkFinite(sum, r, g);
        double mean = n == 0 ? 0 : sum / n;
        for (int i = 0; i < r.length; i++) {
          a[i] = r[i] - mean; // NaN stays NaN
        }
        out[g] = a;
      }
      return out;
    }

    @Override
    public String toString() {
      return name();
    }
  };

  static final AdvantageEstimator RLOO = new AdvantageEstimator() {
    @Override
    public String name() {
      return "rloo";
    }

    @Override
    public double[][] estimate(double[][] rewards) {
      double[][] out = new double[rewards.length][];
      for (int g = 0; g < rewards.length; g++) {
        double[] r = rewards[g];
        double[] a = new double[r.length];
        double sum = 0;
        int n = 0;
        for (int i = 0; i < r.length; i++) {
          double v = r[i];
          if (v == v) {
            sum += v;
            n++;
          }
        }
        checkFinite(sum, r, g);
        if (n <= 1) {
          for (int i = 0; i < r.length; i++) {
            a[i] = r[i] * 0.0; // 0 for the single applicable item, NaN for the others
          }
        } else {
          // r_i - (sum - r_i)/(n-1) = (n r_i - sum)/(n-1)
          double inv = 1.0 / (n - 1);
          for (int i = 0; i < r.length; i++) {
            a[i] = (n * r[i] - sum) * inv;
          }
        }
        out[g] = a;
      }
      return out;
    }

    @Override
    public String toString() {
      return name();
    }
  };

  /** GRPO: std-normalised with a floor. */
  static final class Grpo implements AdvantageEstimator {
    private final double floor;

    Grpo(double floor) {
      this.floor = floor;
    }

    @Override
    public String name() {
      return "grpo";
    }

    @Override
    public double[][] estimate(double[][] rewards) {
      double[][] out = new double[rewards.length][];
      for (int g = 0; g < rewards.length; g++) {
        double[] r = rewards[g];
        double[] a = new double[r.length];
        double sum = 0;
        int n = 0;
        for (int i = 0; i < r.length; i++) {
          double v = r[i];
          if (v == v) {
            sum += v;
            n++;
          }
        }
        checkFinite(sum, r, g);
        double mean = n == 0 ? 0 : sum / n;
        double ss = 0;
        for (int i = 0; i < r.length; i++) {
          double d = r[i] - mean;
          if (d == d) {
            ss += d * d;
          }
        }
        double std = n > 1 ? Math.sqrt(ss / (n - 1)) : 0;
        double inv = 1.0 / Math.max(std, floor);
        for (int i = 0; i < r.length; i++) {
          a[i] = (r[i] - mean) * inv;
        }
        out[g] = a;
      }
      return out;
    }

    @Override
    public String toString() {
      return "grpo(stdFloor=" + floor + ")";
    }
  }

  /** Throws if a group holds an infinite reward (its finite sum would be non-finite). */
  static void checkFinite(double sum, double[] r, int g) {
    if (Double.isFinite(sum)) {
      return;
    }
    for (int i = 0; i < r.length; i++) {
      if (Double.isInfinite(r[i])) {
        throw new IllegalArgumentException(
            "reward of group " + g + ", item " + i + " is " + r[i] + "; rewards must be finite or NaN");
      }
    }
    throw new IllegalArgumentException("rewards of group " + g + " overflow when summed");
  }
}
