package dev.spice.core.sampling;

/**
 * Derives independent seeds from a seed and an index (SplitMix64's finaliser). The engine derives
 * every per-iteration and per-role seed this way, so a run's whole random state is its seed and
 * iteration count; codecs and roles that need per-instance randomness (for example a fresh
 * multiple-choice option order) should derive it the same way. Stateless and thread-safe.
 */
public final class Seeds {
  private Seeds() {}

  /**
   * A well-mixed 64-bit seed for {@code (seed, index)}; different pairs give unrelated values.
   *
   * @param seed the seed
   * @param index the index
   * @return a well-mixed 64-bit seed for {@code (seed, index)}; different pairs give unrelated
   *     values
   */
  public static long mix(long seed, long index) {
    long z = seed * 0x9E3779B97F4A7C15L + index + 0x632BE59BD9B4E019L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
