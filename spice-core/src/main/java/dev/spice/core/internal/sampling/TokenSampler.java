package dev.spice.core.internal.sampling;

import dev.spice.core.SamplingParams;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Draws tokens from host-side logits, the same way in every backend.
 *
 * <p>Random streams: row {@code r} of a batch draws from {@link #rowStream(long, int)}, a
 * {@link SplittableRandom} seeded by a SplitMix64-style mix of {@code (seed, r)}, so a row's draws
 * do not depend on the batch layout; each sampled token consumes exactly one
 * {@code nextDouble()}. At temperature 1 without truncation the token is found by inverse CDF
 * over the (masked) distribution in ascending id order. Otherwise candidates are ordered by logit
 * (highest first, ties by lower id) when top-k or top-p truncates, else by id; top-k keeps the
 * first k, weights are {@code exp((logit - max) / temperature)}, top-p keeps the shortest prefix
 * whose normalised mass reaches {@code topP}, and the inverse CDF runs over the kept prefix in that
 * order.
 *
 * <p>Log-probabilities reported with a token are those of the policy itself: temperature 1, the
 * constrained-decoding mask applied, no truncation. Stateless and thread-safe.
 */
public final class TokenSampler {
  private TokenSampler() {}

  /** The random stream of row {@code row} under {@code seed}. */
  public static SplittableRandom rowStream(long seed, int row) {
    long z = seed * 0x9E3779B97F4A7C15L + (row + 1) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 30)) * 0x94D049BB133111EBL;
    return new SplittableRandom(z ^ (z >>> 31));
  }

  /** {@code 0xBF58476D1CE4E5B9 / 0x9E3779B97F4A7C15} modulo 2^64: one row's step of {@link #rowStream}'s seed. */
  private static final long ROW_STEP = 0xBF58476D1CE4E5B9L * inverse(0x9E3779B97F4A7C15L);

  /**
   * The seed whose row {@code j} stream is row {@code offset + j}'s stream under {@code seed}:
   * {@code rowStream(seedForRowOffset(seed, offset), j)} draws exactly what {@code rowStream(seed,
   * offset + j)} does, for every {@code j >= 0} (the state {@link #rowStream} mixes is linear in
   * seed and row). So rows {@code [offset, offset + m)} of a batch sampled with {@code seed} can
   * be sampled as a batch of their own with this seed, with the same results (a remote client
   * sends it for the rows of one batched request).
   *
   * @param seed the batch's seed
   * @param offset the first row of the part, {@code >= 0}
   * @return the part's seed; {@code seed} itself for offset 0
   */
  public static long seedForRowOffset(long seed, int offset) {
    return seed + offset * ROW_STEP;
  }

  /** The multiplicative inverse of an odd number modulo 2^64 (Newton's iteration). */
  private static long inverse(long odd) {
    long x = odd; // correct to 3 bits for any odd number
    for (int i = 0; i < 5; i++) {
      x *= 2 - odd * x;
    }
    return x;
  }

  /**
   * Log-sum-exp of the candidate logits at temperature 1.
   *
   * @param logits a buffer holding one row of {@code vocab} logits at {@code offset}
   * @param allowed sorted distinct candidate ids, or null for all ids below {@code vocab}
   */
  public static double logSumExp(float[] logits, int offset, int vocab, int[] allowed) {
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

  /**
   * Log-probability of {@code token} at temperature 1 with the mask applied; negative infinity for
   * a token outside {@code allowed}.
   */
  public static float logProb(float[] logits, int offset, int vocab, int[] allowed, int token) {
    if (allowed != null && Arrays.binarySearch(allowed, token) < 0) {
      return Float.NEGATIVE_INFINITY;
    }
    return (float) (logits[offset + token] - logSumExp(logits, offset, vocab, allowed));
  }

  /**
   * Draws one token.
   *
   * @param allowed sorted distinct candidate ids, or null for all ids below {@code vocab}
   * @param params temperature, top-p and top-k (other fields are ignored)
   * @param rng the row's stream
   * @param logProbOut if not null, {@code logProbOut[0]} receives the token's log-probability at
   *     temperature 1 under the masked, untruncated distribution
   * @return the token id
   */
  public static int sample(float[] logits, int offset, int vocab, int[] allowed, SamplingParams params,
      SplittableRandom rng, double[] logProbOut) {
    int n = allowed == null ? vocab : allowed.length;
    double lse = logSumExp(logits, offset, vocab, allowed);
    double u = rng.nextDouble();
    int topK = params.topK();
    double topP = params.topP();
    double temperature = params.temperature();
    boolean truncate = (topK > 0 && topK < n) || topP < 1.0;
    int chosen;
    if (temperature == 1.0 && !truncate) {
      chosen = allowed == null ? n - 1 : allowed[n - 1];
      double acc = 0;
      for (int i = 0; i < n; i++) {
        int id = allowed == null ? i : allowed[i];
        acc += Math.exp(logits[offset + id] - lse);
        if (acc > u) {
          chosen = id;
          break;
        }
      }
    } else {
      int[] ids = new int[n];
      for (int i = 0; i < n; i++) {
        ids[i] = allowed == null ? i : allowed[i];
      }
      int keep = n;
      if (truncate) {
        ids = sortDescending(logits, offset, ids);
        if (topK > 0 && topK < n) {
          keep = topK;
        }
      }
      double max = Double.NEGATIVE_INFINITY;
      for (int i = 0; i < keep; i++) {
        max = Math.max(max, logits[offset + ids[i]]);
      }
      double[] w = new double[keep];
      double total = 0;
      for (int i = 0; i < keep; i++) {
        w[i] = Math.exp((logits[offset + ids[i]] - max) / temperature);
        total += w[i];
      }
      if (topP < 1.0) {
        double mass = 0;
        int k = 0;
        while (k < keep) {
          mass += w[k] / total;
          k++;
          if (mass >= topP) {
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
      double acc = 0;
      chosen = ids[keep - 1];
      for (int i = 0; i < keep; i++) {
        acc += w[i];
        if (acc > target) {
          chosen = ids[i];
          break;
        }
      }
    }
    if (logProbOut != null) {
      logProbOut[0] = logits[offset + chosen] - lse;
    }
    return chosen;
  }

  /** Ids ordered by logit, highest first; ties by lower id. */
  private static int[] sortDescending(float[] logits, int offset, int[] ids) {
    long[] keys = new long[ids.length];
    for (int i = 0; i < ids.length; i++) {
      int bits = Float.floatToIntBits(logits[offset + ids[i]]);
      int ord = bits >= 0 ? bits : bits ^ 0x7fffffff;
      keys[i] = ((long) -(long) ord << 32) | (ids[i] & 0xffffffffL);
    }
    Arrays.sort(keys);
    int[] out = new int[ids.length];
    for (int i = 0; i < ids.length; i++) {
      out[i] = (int) keys[i];
    }
    return out;
  }
}
