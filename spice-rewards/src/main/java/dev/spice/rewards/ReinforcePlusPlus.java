package dev.spice.rewards;

import dev.spice.core.AdvantageEstimator;

/**
 * REINFORCE++: a (batch or group) baseline, then batch-wide standard-deviation normalisation.
 * Rejects infinite rewards, and rewards whose sum over a group (or, for the batch baseline, over
 * the batch) overflows, with an {@link IllegalArgumentException}.
 */
final class ReinforcePlusPlus implements AdvantageEstimator {
  private final boolean perGroupBaseline;
  private final double floor;

  ReinforcePlusPlus(boolean perGroupBaseline, double floor) {
    this.perGroupBaseline = perGroupBaseline;
    this.floor = floor;
  }

  @Override
  public String name() {
    return "reinforce_pp";
  }

  @Override
  public int minGroupSize() {
    return perGroupBaseline ? 2 : 1;
  }

  @Override
  public double[][] estimate(double[][] rewards) {
    double[][] out = new double[rewards.length][];
    double batchSum = 0;
    long batchN = 0;
    for (int g = 0; g < rewards.length; g++) {
      double[] r = rewards[g];
      double sum = 0;
      int n = 0;
      for (int i = 0; i < r.length; i++) {
        double v = r[i];
        if (v == v) {
          sum += v;
          n++;
        }
      }
      GroupAdvantages.checkFinite(sum, r, 0, r.length, g);
      double[] a = new double[r.length];
      if (perGroupBaseline) {
        double mean = n == 0 ? 0 : sum / n;
        for (int i = 0; i < r.length; i++) {
          a[i] = r[i] - mean;
        }
      } else {
        System.arraycopy(r, 0, a, 0, r.length);
        batchSum += sum;
        batchN += n;
      }
      out[g] = a;
    }
    if (!Double.isFinite(batchSum)) {
      // each group's sum is finite, but the batch baseline's sum over all groups is not
      throw new IllegalArgumentException("rewards of the batch overflow when summed for its baseline");
    }
    double baseline = (!perGroupBaseline && batchN > 0) ? batchSum / batchN : 0;
    // second pass: subtract the batch baseline, accumulate the variance of the centred values
    double ss = 0;
    double mean2 = 0;
    long n2 = 0;
    for (double[] a : out) {
      for (int i = 0; i < a.length; i++) {
        double d = a[i] - baseline;
        a[i] = d;
        if (d == d) {
          mean2 += d;
          n2++;
        }
      }
    }
    mean2 = n2 == 0 ? 0 : mean2 / n2;
    for (double[] a : out) {
      for (int i = 0; i < a.length; i++) {
        double d = a[i] - mean2;
        if (d == d) {
          ss += d * d;
        }
      }
    }
    double std = n2 > 1 ? Math.sqrt(ss / (n2 - 1)) : 0;
    double inv = 1.0 / Math.max(std, floor);
    for (double[] a : out) {
      for (int i = 0; i < a.length; i++) {
        a[i] = a[i] * inv;
      }
    }
    return out;
  }

  /**
   * The flat form of {@link #estimate(double[][])}: the same operations in the same order over
   * {@code out[0, end)}, so the same bits, without allocating.
   */
  @Override
  public void estimateInto(double[] rewards, int[] groupOffsets, double[] out) {
    int groups = AdvantageEstimator.checkFlatBatch(rewards, groupOffsets, out);
    double batchSum = 0;
    long batchN = 0;
    for (int g = 0; g < groups; g++) {
      int from = groupOffsets[g];
      int to = groupOffsets[g + 1];
      double sum = 0;
      int n = 0;
      for (int i = from; i < to; i++) {
        double v = rewards[i];
        if (v == v) {
          sum += v;
          n++;
        }
      }
      GroupAdvantages.checkFinite(sum, rewards, from, to, g);
      if (perGroupBaseline) {
        double mean = n == 0 ? 0 : sum / n;
        for (int i = from; i < to; i++) {
          out[i] = rewards[i] - mean;
        }
      } else {
        System.arraycopy(rewards, from, out, from, to - from);
        batchSum += sum;
        batchN += n;
      }
    }
    if (!Double.isFinite(batchSum)) {
      throw new IllegalArgumentException("rewards of the batch overflow when summed for its baseline");
    }
    int end = groupOffsets[groups];
    double baseline = (!perGroupBaseline && batchN > 0) ? batchSum / batchN : 0;
    double mean2 = 0;
    long n2 = 0;
    for (int i = 0; i < end; i++) {
      double d = out[i] - baseline;
      out[i] = d;
      if (d == d) {
        mean2 += d;
        n2++;
      }
    }
    mean2 = n2 == 0 ? 0 : mean2 / n2;
    double ss = 0;
    for (int i = 0; i < end; i++) {
      double d = out[i] - mean2;
      if (d == d) {
        ss += d * d;
      }
    }
    double std = n2 > 1 ? Math.sqrt(ss / (n2 - 1)) : 0;
    double inv = 1.0 / Math.max(std, floor);
    for (int i = 0; i < end; i++) {
      out[i] = out[i] * inv;
    }
  }

  @Override
  public String toString() {
    return "reinforce_pp(baseline=" + (perGroupBaseline ? "group" : "batch") + ", stdFloor=" + floor + ")";
  }
}
