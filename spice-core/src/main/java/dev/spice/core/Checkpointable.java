package dev.spice.core;

import java.nio.file.Path;

/**
 * Something whose full state (weights, optimizer state, random generators) can be written to a
 * directory and restored exactly. The engine calls it inside its own atomic checkpoint write:
 * implementations write plain files into the given directory and need not be atomic themselves.
 */
public interface Checkpointable {

  /**
   * Writes the full state into {@code directory}, which exists and is empty.
   *
   *
   * @param directory the directory
   * @throws SpiceException.CheckpointException on I/O failure
   */
  void saveCheckpoint(Path directory);

  /**
   * Restores the state written by {@link #saveCheckpoint}. On failure the state is unchanged.
   *
   *
   * @param directory the directory
   * @throws SpiceException.CheckpointException if files are missing, corrupt or incompatible
   */
  void loadCheckpoint(Path directory);
}
