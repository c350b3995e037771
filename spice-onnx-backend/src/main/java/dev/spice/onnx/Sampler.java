package dev.spice.onnx;

import dev.spice.core.SamplingParams;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Token sampling shared by generation and scoring, following the same scheme as the DJL backend so
 * both draw the same tokens from the same logits.
 *
 * <p>Random streams: row {@code r} of a batch draws from a {@link SplittableRandom} seeded with
 * {@link #rowSeed(long, int)}; each sampled token consumes exactly one {@code nextDouble()}.
 * Without truncation and at temperature 1 the token is found by inverse CDF over the (masked)
 * distribution in ascending id order. Otherwise candidates are ordered by logit (highest first,
 * ties by lower id) when top-k or top-p truncates, else by id; top-k keeps the first k, the
 * weights are {@code exp((logit - max) / temperature)}, top-p keeps the shortest prefix whose
 * normalised mass reaches {@code topP}, and the inverse CDF runs over the kept prefix in that order.
 */
final class Sampler {
  private Sampler() {}

  /** Seed of row {@code row}'s stream under {@code seed} (a SplitMix64-style mix). */
  static long rowSeed(long seed, int row) {
    long z = seed * 0x9E3779B97F4A7C15L + (row + 1) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 30)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** The random stream of one row. */
  static final class Stream {
    private final SplittableRandom random;

    Stream(long seed, int row) {
      this.random = new SplittableRandom(rowSeed(seed, row));
    }

    double nextDouble() {
      return random.nextDouble();
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
    double u = rng.nextDouble();
    boolean truncate = (p.topK() > 0 && p.topK() < n) || p.topP() < 1.0;
    if (p.temperature() == 1.0 && !truncate) {
      double lse = logSumExp(logits, offset, vocab, allowed);
      double cum = 0;
      for (int i = 0; i < n; i++) {
        int id = allowed == null ? i : allowed[i];
        cum += Math.exp(logits[offset + id] - lse);
        if (cum > u) {
          return id;
        }
      }
      return allowed == null ? n - 1 : allowed[n - 1];
    }
    Integer[] ids = new Integer[n];
    for (int i = 0; i < n; i++) {
      ids[i] = allowed == null ? i : allowed[i];
    }
    int keep = n;
    if (truncate) {
      Arrays.sort(ids, (a, b) -> {
        int c = Float.compare(logits[offset + b], logits[offset + a]);
        return c != 0 ? c : Integer.compare(a, b);
      });
      if (p.topK() > 0 && p.topK() < n) {
        keep = p.topK();
      }
    }
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < keep; i++) {
      max = Math.max(max, logits[offset + ids[i]]);
    }
    double[] w = new double[keep];
    double total = 0;
    for (int i = 0; i < keep; i++) {
      w[i] = Math.exp((logits[offset + ids[i]] - max) / p.temperature());
      total += w[i];
    }
    if (p.topP() < 1.0) {
      double mass = 0;
      int k = 0;
      while (k < keep) {
        mass += w[k] / total;
        k++;
        if (mass >= p.topP()) {
          break;
        }
      }
      keep = k;
      total = 0;
      for (int i = 0; i < keep; i++) {
        total += w[i];
      }
    }
    double target = u * total;
    double cum = 0;
    for (int i = 0; i < keep; i++) {
      cum += w[i];
      if (cum > target) {
        return ids[i];
      }
    }
    return ids[keep - 1];
  }

  private static double logSumExp(float[] logits, int offset, int vocab, int[] allowed) {
    int n = allowed == null ? vocab : allowed.length;
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      max = Math.max(max, logits[offset + (allowed == null ? i : allowed[i])]);
    }
    double z = 0;
    for (int i = 0; i < n; i++) {
      z += Math.exp(logits[offset + (allowed == null ? i : allowed[i])] - max);
    }
    return max + Math.log(z);
  }
}
