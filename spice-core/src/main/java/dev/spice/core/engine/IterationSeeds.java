package dev.spice.core.engine;

import dev.spice.core.sampling.Seeds;

/**
 * Every seed the engine uses, derived from the run's seed and the iteration with
 * {@link Seeds#mix}: (seed, iteration) is the engine's whole random state, so a resumed run
 * continues exactly as the uninterrupted one.
 */
final class IterationSeeds {
  private IterationSeeds() {}

  /** The seed of iteration {@code it}. */
  static long iteration(long seed, long it) {
    return Seeds.mix(seed, it);
  }

  /** The engine's own random choices in an iteration (kept attempts, the Reasoner's task). */
  static long choices(long iterSeed) {
    return Seeds.mix(iterSeed, 0x5eedL);
  }

  /** Sampling seed of the Challenger's generation round {@code round}. */
  static long challengerRound(long iterSeed, int round) {
    return Seeds.mix(iterSeed, 1000 + round);
  }

  /** Sampling seed of the Reasoner's generation call. */
  static long reasoner(long iterSeed) {
    return Seeds.mix(iterSeed, 2000);
  }
}
