package dev.spice.core.engine;

import dev.spice.core.Role;
import dev.spice.core.UpdateStats;
import java.nio.file.Path;

/**
 * Receives the engine's events. Every {@code start} is followed by its {@code end}, or by
 * {@link #onIterationFailed} for the iteration it belongs to. All methods have no-op defaults.
 * Hooks run on the engine thread, must be fast, and must not throw: an exception from a hook is
 * logged and ignored, never fails the iteration. Ready listeners: {@link SelfPlayListeners}.
 */
public interface SelfPlayListener {
  /** A listener that does nothing. */
  SelfPlayListener NONE = new SelfPlayListener() {};

  /** An iteration begins. */
  default void onIterationStart(long iteration) {}

  /** An iteration completed; the engine state now includes it. */
  default void onIterationEnd(IterationResult result) {}

  /** An iteration failed; the engine state is as it was before {@link #onIterationStart}. */
  default void onIterationFailed(long iteration, Throwable error) {}

  /** A role's generation begins. */
  default void onRolloutStart(long iteration, Role role, int prompts) {}

  /** A role's generation ended. */
  default void onRolloutEnd(long iteration, Role role, int completions, int tokens, long nanos) {}

  /** Rewards of a role's groups were computed ({@code rewardsByGroup[g][i]}; do not modify). */
  default void onRewards(long iteration, Role role, double[][] rewardsByGroup) {}

  /** The policy update begins. */
  default void onUpdateStart(long iteration, int samples) {}

  /** The policy update ended. */
  default void onUpdateEnd(long iteration, UpdateStats stats) {}

  /** A checkpoint was written completely to {@code directory}. */
  default void onCheckpoint(long iteration, Path directory) {}

  /**
   * The engine was restored from a checkpoint and continues at {@code iteration}: results of
   * iterations from there on will be produced again (the JSONL metrics listener drops its lines
   * for them).
   */
  default void onRestore(long iteration, Path checkpoint) {}
}
