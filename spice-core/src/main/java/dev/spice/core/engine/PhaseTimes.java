package dev.spice.core.engine;

import dev.spice.core.Role;

/**
 * Wall time of the parts of one iteration, in nanoseconds, accumulated by the phases with
 * {@link System#nanoTime()} and reported as the {@code timing_s/*} metrics of {@link MetricNames}.
 * One instance per iteration, used by the engine's thread only.
 */
final class PhaseTimes {
  /** The Challenger's generation calls. */
  long challengerGen;
  /** The Reasoner's generation call. */
  long reasonerGen;
  /** Extracting the Reasoner's answers and scoring them (the Reasoner reward). */
  long verify;
  /** Challenger rewards, the choice of the Reasoner's training tasks, and advantages. */
  long reward;
  /** The policy update call. */
  long update;
  /** Hybrid training: publishing the trainer's weights to the rollout backend. */
  long sync;
  /** Hybrid training: the trainer's recomputation of the rollouts' log-probs. */
  long oldLogProb;

  /** Adds a generation call's nanoseconds to its role's part. */
  void addGeneration(Role role, long nanos) {
    if (role == Role.CHALLENGER) {
      challengerGen += nanos;
    } else {
      reasonerGen += nanos;
    }
  }

  /** Nanoseconds since {@code start}, a {@link System#nanoTime()} reading. */
  static long since(long start) {
    return System.nanoTime() - start;
  }

  /** The sum of the measured parts, nanoseconds. */
  long measured() {
    return challengerGen + reasonerGen + verify + reward + update + sync + oldLogProb;
  }
}
