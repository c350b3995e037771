package dev.spice.core.engine;

import dev.spice.core.UpdateStats;
import java.nio.file.Path;

/**
 * Receives the events of a {@link WarmStart} run. Every {@link #onStepStart} is followed by
 * {@link #onStepEnd}, or by {@link #onStepFailed} for the same step; {@link #onUpdateStart} is
 * followed by {@link #onUpdateEnd} unless the update throws (then {@link #onStepFailed} comes
 * next). All methods have no-op defaults. Hooks run on the caller's thread, must be fast, and must
 * not throw: an exception from a hook is logged and ignored, never fails the step. Ready
 * listeners: {@link WarmStartListeners}.
 */
public interface WarmStartListener {
  /** A listener that does nothing. */
  WarmStartListener NONE = new WarmStartListener() {};

  /**
   * A step begins ({@code step} is 0-based: the number of steps completed before it).
   *
   * @param step the step
   */
  default void onStepStart(long step) {}

  /**
   * A step completed; the runner's state (step count, corpus position) now includes it.
   *
   * @param result the result
   */
  default void onStepEnd(WarmStartResult result) {}

  /**
   * A step failed; the step count and corpus position are as they were before {@link #onStepStart}.
   *
   * @param step the step
   * @param error the error
   */
  default void onStepFailed(long step, Throwable error) {}

  /**
   * The supervised update begins, on {@code samples} samples (not called when every document was skipped).
   *
   * @param step the step
   * @param samples the samples
   */
  default void onUpdateStart(long step, int samples) {}

  /**
   * The supervised update returned.
   *
   * @param step the step
   * @param stats the stats
   */
  default void onUpdateEnd(long step, UpdateStats stats) {}

  /**
   * A checkpoint after {@code step} completed steps was written completely to {@code directory}.
   *
   * @param step the step
   * @param directory the directory
   */
  default void onCheckpoint(long step, Path directory) {}

  /**
   * The runner was restored from a checkpoint (or its run folder started over, then {@code step}
   * is 0) and continues at {@code step}: results of steps from there on will be produced again
   * (the JSONL metrics listener drops its lines for them).
   *
   * @param step the step
   * @param checkpoint the checkpoint
   */
  default void onRestore(long step, Path checkpoint) {}
}
