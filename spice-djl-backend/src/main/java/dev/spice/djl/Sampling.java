package dev.spice.djl;

import java.util.Arrays;
import java.util.SplittableRandom;

/** Host-side sampling from one row of logits: mask, temperature, top-k, top-p, inverse CDF. */
final class Sampling {
  private Sampling() {}

  /** The row stream of {@code (seed, row)}: a SplitMix64-style mix, independent of batch layout. */
  static SplittableRandom rowStream(long seed, int row) {
    long z = seed * 0x9E3779B97F4A7C15L + (row + 1) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 30)) * 0x94D049BB133111EBL;
    return new SplittableRandom(z ^ (z >>> 31));
  }

  /**
   * Log-sum-exp of the candidate logits at temperature 1.
   *
   * @param allowed candidate ids, or null for all {@code v}
   */
  static double logSumExp(float[] logits, int off, int v, int[] allowed) {
    double max = Double.NEGATIVE_INFINITY;
    int n = allowed == null ? v : allowed.length;
    for (int i = 0; i < n; i++) {
      int id = allowed == null ? i : allowed[i];
      max = Math.max(max, logits[off + id]);
    }
    double s = 0;
    for (int i = 0; i < n; i++) {
      int id = allowed == null ? i : allowed[i];
      s += Math.exp(logits[off + id] - max);
    }
    return max + Math.log(s);
  }

  /**
   * Draws one token.
   *
   * @param allowed candidate ids (sorted, distinct), or null for all ids {@code < v}
   * @return the token id; {@code lp[0]} receives its log-prob at temperature 1 under the masked,
   *     untruncated distribution
   */
  static int sample(float[] logits, int off, int v, int[] allowed, double temperature, double topP,
      int topK, SplittableRandom rng, double[] lp) {
    int n = allowed == null ? v : allowed.length;
    double lse1 = logSumExp(logits, off, v, allowed);
    int chosen;
    double u = rng.nextDouble();
    if (temperature == 1.0 && topP >= 1.0 && (topK == 0 || topK >= n)) {
      chosen = inverseCdf(logits, off, allowed, n, lse1, 1.0, u);
    } else {
      int[] ids = new int[n];
      for (int i = 0; i < n; i++) {
        ids[i] = allowed == null ? i : allowed[i];
      }
      int keep = n;
      if (topK > 0 && topK < n || topP < 1.0) {
        ids = sortDescending(logits, off, ids);
        if (topK > 0 && topK < n) {
          keep = topK;
        }
      }
      double max = logits[off + ids[0]];
      for (int i = 0; i < keep; i++) {
        max = Math.max(max, logits[off + ids[i]]);
      }
      double[] p = new double[keep];
      double total = 0;
      for (int i = 0; i < keep; i++) {
        p[i] = Math.exp((logits[off + ids[i]] - max) / temperature);
        total += p[i];
      }
      if (topP < 1.0) {
        double acc = 0;
        int k = 0;
        while (k < keep) {
          acc += p[k] / total;
          k++;
          if (acc >= topP) {
            break;
          }
        }
        keep = k;
        total = 0;
        for (int i = 0; i < keep; i++) {
          total += p[i];
        }
      }
      double target = u * total;
      double acc = 0;
      chosen = ids[keep - 1];
      for (int i = 0; i < keep; i++) {
        acc += p[i];
        if (acc > target) {
          chosen = ids[i];
          break;
        }
      }
    }
    lp[0] = logits[off + chosen] - lse1;
    return chosen;
  }

  private static int inverseCdf(float[] logits, int off, int[] allowed, int n, double lse, double t, double u) {
    double acc = 0;
    int last = allowed == null ? n - 1 : allowed[n - 1];
    for (int i = 0; i < n; i++) {
      int id = allowed == null ? i : allowed[i];
      acc += Math.exp(logits[off + id] - lse);
      if (acc > u) {
        return id;
      }
    }
    return last;
  }

  /** Ids ordered by logit, highest first; ties by id. */
  private static int[] sortDescending(float[] logits, int off, int[] ids) {
    long[] keys = new long[ids.length];
    for (int i = 0; i < ids.length; i++) {
      int bits = Float.floatToIntBits(logits[off + ids[i]]);
      // Map float order to signed int order, then negate for descending.
      int ord = bits >= 0 ? bits : bits ^ 0x7fffffff;
      keys[i] = ((long) (-(long) ord) << 32) | (ids[i] & 0xffffffffL);
    }
    Arrays.sort(keys);
    int[] out = new int[ids.length];
    for (int i = 0; i < ids.length; i++) {
      out[i] = (int) keys[i];
    }
    return out;
  }
}
