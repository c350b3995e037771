package dev.spice.corpus;

import java.util.SplittableRandom;

/** Seeded permutations and counter-based random numbers, recomputable from their inputs. */
final class Shuffle {
  private Shuffle() {}

  /** SplitMix64 finaliser: a bijective 64-bit mix. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  /** A well-mixed key for (seed, a, b). */
  static long key(long seed, long a, long b) {
    return mix(mix(mix(seed) + 0x9e3779b97f4a7c15L * (a + 1)) ^ (b * 0xc2b2ae3d27d4eb4fL + 0x165667b19e3779f9L));
  }

  /** A uniform double in [0, 1) from (seed, stream, counter). */
  static double unit(long seed, long stream, long counter) {
    return (key(seed, stream, counter) >>> 11) * 0x1.0p-53;
  }

  /**
   * The uniformly random permutation of {@code 0..n-1} for (seed, epoch): Fisher-Yates driven by a
   * {@link SplittableRandom} seeded from both, so it can be recomputed on resume.
   */
  static int[] permutation(int n, long seed, long epoch) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    SplittableRandom r = new SplittableRandom(key(seed, 0x5eedL, epoch));
    for (int i = n - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }
}
