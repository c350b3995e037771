package dev.spice.examples.quickstart;

import dev.spice.core.sampling.Seeds;

/**
 * Every seed the quickstart derives from its settings' seed, in one place.
 *
 * <p>The engine derives its seeds with {@link Seeds#mix}; so does {@link #probeScoring}. The others
 * are older ad-hoc derivations ({@code seed + 1}, {@code seed * 31 + 7}, ...) or the seed itself
 * shared by several consumers. They are kept as they are because every one of them changes the
 * run's numbers: moving them to {@link Seeds#mix} is one change, to be made together with a new
 * measurement of the quickstart (benchmarks README, "Quickstart learning run").
 */
final class QuickstartSeeds {
  /** Index of {@link #probeScoring} under the run's seed. */
  static final long PROBE_SCORING = 0x50524F4245L; // "PROBE", beyond any iteration index

  private QuickstartSeeds() {}

  /** Which Factbook countries the world draws: the seed itself (ad hoc). */
  static long world(long seed) {
    return seed;
  }

  /** How the documents combine and order facts: {@code seed + 1} (ad hoc). */
  static long documents(long seed) {
    return seed + 1;
  }

  /** Which facts the probe asks about, and its multiple-choice option orders: {@code seed * 31 + 7} (ad hoc). */
  static long probeTasks(long seed) {
    return seed * 31 + 7;
  }

  /**
   * The probe's scoring: {@link Seeds#mix}. Exact scoring samples nothing, so this seed does not
   * change any number (it was the constant 0).
   */
  static long probeScoring(long seed) {
    return Seeds.mix(seed, PROBE_SCORING);
  }

  /**
   * Model initialisation, corpus sampling, the engine and the training Challenger's task
   * instances: the seed itself, each consumer mixing it its own way (the engine and the Challenger
   * with {@link Seeds#mix}).
   */
  static long training(long seed) {
    return seed;
  }

  /** The co-evolution evaluation's Challenger (task instances): {@code seed + 99} (ad hoc). */
  static long evaluationChallenger(long seed) {
    return seed + 99;
  }

  /** The co-evolution evaluation's sampling of Challenger tasks: {@code seed + 5} (ad hoc). */
  static long evaluation(long seed) {
    return seed + 5;
  }
}
