package dev.spice.core.engine;

/**
 * What {@link SelfPlay.Builder#runFolder} does with a folder that already holds a run (checkpoints
 * or a {@code metrics.jsonl}).
 */
public enum RunMode {
  /** Start a new run; refuse a folder that already holds one. */
  NEW,
  /** Continue from the newest complete checkpoint (or start fresh if there is none). */
  RESUME,
  /** Remove the old run's checkpoints and metrics file, then start a new run. */
  OVERWRITE
}
