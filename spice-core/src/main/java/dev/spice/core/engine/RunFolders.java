package dev.spice.core.engine;

import dev.spice.core.SpiceException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Opening a run folder, shared by {@link SelfPlay} and {@link WarmStart}: take the lock, refuse
 * a folder that holds a run in {@link RunMode#NEW} mode, remove leftovers of killed writes (and
 * with {@link RunMode#OVERWRITE} the old run), then either restore the newest complete checkpoint
 * ({@link RunMode#RESUME}) or, when the folder held a run, tell the listeners to start over.
 */
final class RunFolders {
  private RunFolders() {}

  /**
   * @param restore restores a checkpoint directory into the runner being built
   * @param startOver called when the folder held results but no checkpoint is restored
   * @return the lock, held until the runner is closed
   */
  static RunLock open(Path folder, RunMode mode, Consumer<Path> restore, Runnable startOver) {
    RunLock lock = RunLock.acquire(folder);
    try {
      boolean holds = Checkpoints.holdsRun(folder);
      if (mode == RunMode.NEW && holds) {
        throw new SpiceException.CheckpointException("run folder " + folder + " already holds a run; "
            + "resume it (RunMode.RESUME), overwrite it (RunMode.OVERWRITE) or choose another folder");
      }
      Checkpoints.clean(folder, mode == RunMode.OVERWRITE);
      Optional<Path> latest = mode == RunMode.RESUME ? Checkpoints.latest(folder) : Optional.empty();
      if (latest.isPresent()) {
        restore.accept(latest.get());
      } else if (holds) {
        startOver.run();
      }
      return lock;
    } catch (RuntimeException e) {
      lock.close();
      throw e;
    }
  }
}
