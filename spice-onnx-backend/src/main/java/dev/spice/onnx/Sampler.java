package dev.spice.onnx;

import dev.spice.core.SamplingParams;
import java.util.Arrays;

/**
 * Token sampling shared by generation and scoring.
 *
 * <p>Random streams: row {@code r} of a batch draws from a SplitMix64 stream whose state starts at
 * {@link #rowSeed(long, int)}; each sampled token consumes exactly one {@code nextDouble()} (53
 * random bits). Sampling is by inverse CDF over the kept tokens in ascending id order: with
 * {@code u} the uniform draw, the chosen token is the first whose cumulative kept mass exceeds
 * {@code u * keptMass}. Temperature divides the logits; top-k keeps the k most likely tokens (ties
 * by lower id), top-p then keeps the smallest most-likely prefix whose mass reaches {@code topP}.
 */
final class Sampler {
  private Sampler() {}

  /** SplitMix64 finaliser. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  /** Starting state of row {@code row}'s stream under {@code seed}. */
  static long rowSeed(long seed, int row) {
    return mix(seed ^ mix(0x9e3779b97f4a7c15L * (row + 1L)));
  }

  /** A SplitMix64 stream. */
  static final class Stream {
    private long state;

    Stream(long seed, int row) {
      this.state = rowSeed(seed, row);
    }

    long nextLong() {
      state += 0x9e3779b97f4a7c15L;
      return mix(state);
    }

    double nextDouble() {
      return (nextLong() >>> 11) * 0x1.0p-53;
    }
  }

  /**
   * Log-probability of {@code token} at temperature 1 under the logits at {@code offset}, with the
   * allowed set applied ({@code allowed == null}: all tokens). Returns negative infinity for a
   * token outside the allowed set.
   */
  static float logProb(float[] logits, int offset, int vocab, int[] allowed, int token) {
    if (allowed != null && Arrays.binarySearch(allowed, token) < 0) {
      return Float.NEGATIVE_INFINITY;
    }
    double max = Double.NEGATIVE_INFINITY;
    int n = allowed == null ? vocab : allowed.length;
    for (int i = 0; i < n; i++) {
      max = Math.max(max, logits[offset + (allowed == null ? i : allowed[i])]);
    }
    double z = 0;
    for (int i = 0; i < n; i++) {
      z += Math.exp(logits[offset + (allowed == null ? i : allowed[i])] - max);
    }
    return (float) (logits[offset + token] - max - Math.log(z));
  }

  /** Draws a token from the logits at {@code offset} and returns it. */
  static int sample(float[] logits, int offset, int vocab, int[] allowed, SamplingParams p, Stream rng) {
    int n = allowed == null ? vocab : allowed.length;
    int[] ids = new int[n];
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      ids[i] = allowed == null ? i : allowed[i];
      max = Math.max(max, logits[offset + ids[i]]);
    }
    double[] w = new double[n];
    double total = 0;
    for (int i = 0; i < n; i++) {
      w[i] = Math.exp((logits[offset + ids[i]] - max) / p.temperature());
      total += w[i];
    }
    boolean[] keep = null;
    if ((p.topK() > 0 && p.topK() < n) || p.topP() < 1) {
      Integer[] order = new Integer[n];
      for (int i = 0; i < n; i++) {
        order[i] = i;
      }
      final double[] ww = w;
      Arrays.sort(order, (a, b) -> ww[a] != ww[b] ? Double.compare(ww[b], ww[a]) : Integer.compare(a, b));
      int k = p.topK() > 0 ? Math.min(p.topK(), n) : n;
      double kMass = 0;
      for (int i = 0; i < k; i++) {
        kMass += w[order[i]];
      }
      keep = new boolean[n];
      double cum = 0;
      for (int i = 0; i < k; i++) {
        keep[order[i]] = true;
        cum += w[order[i]];
        if (cum >= p.topP() * kMass) {
          break;
        }
      }
      total = 0;
      for (int i = 0; i < n; i++) {
        if (keep[i]) {
          total += w[i];
        }
      }
    }
    double u = rng.nextDouble() * total;
    double cum = 0;
    int last = -1;
    for (int i = 0; i < n; i++) {
      if (keep != null && !keep[i]) {
        continue;
      }
      cum += w[i];
      last = i;
      if (cum > u) {
        return ids[i];
      }
    }
    return ids[last];
  }
}
