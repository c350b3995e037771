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

  /**
   * An iteration begins.
   *
   * @param iteration the iteration
   */
  default void onIterationStart(long iteration) {}

  /**
   * An iteration completed; the engine state now includes it.
   *
   * @param result the result
   */
  default void onIterationEnd(IterationResult result) {}

  /**
   * An iteration failed; the engine state is as it was before {@link #onIterationStart}.
   *
   * @param iteration the iteration
   * @param error the error
   */
  default void onIterationFailed(long iteration, Throwable error) {}

  /**
   * A role's generation begins.
   *
   * @param iteration the iteration
   * @param role the role
   * @param prompts the prompts
   */
  default void onRolloutStart(long iteration, Role role, int prompts) {}

  /**
   * A role's generation ended.
   *
   * @param iteration the iteration
   * @param role the role
   * @param completions the completions
   * @param tokens the tokens
   * @param nanos the nanos
   */
  default void onRolloutEnd(long iteration, Role role, int completions, int tokens, long nanos) {}

  /**
   * Rewards of a role's groups were computed ({@code rewardsByGroup[g][i]}; do not modify).
   *
   * @param iteration the iteration
   * @param role the role
   * @param rewardsByGroup the rewards by group
   */
  default void onRewards(long iteration, Role role, double[][] rewardsByGroup) {}

  /**
   * The policy update begins.
   *
   * @param iteration the iteration
   * @param samples the samples
   */
  default void onUpdateStart(long iteration, int samples) {}

  /**
   * The policy update ended.
   *
   * @param iteration the iteration
   * @param stats the stats
   */
  default void onUpdateEnd(long iteration, UpdateStats stats) {}

  /**
   * A checkpoint was written completely to {@code directory}.
   *
   * @param iteration the iteration
   * @param directory the directory
   */
  default void onCheckpoint(long iteration, Path directory) {}

  /**
   * The engine was restored from a checkpoint and continues at {@code iteration}: results of
   * iterations from there on will be produced again (the JSONL metrics listener drops its lines
   * for them).
   *
   * @param iteration the iteration
   * @param checkpoint the checkpoint
   */
  default void onRestore(long iteration, Path checkpoint) {}
}
