package dev.spice.core.engine;

import dev.spice.core.SpiceException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive OS lock on a run folder ({@code run.lock}, holding the owner's pid), held for the
 * life of a {@link SelfPlay}: a second process (or a second engine in this one) on the same folder
 * fails at once, naming the folder and the holder.
 */
final class RunLock implements AutoCloseable {
  static final String FILE = "run.lock";
  private final FileChannel channel;
  private final FileLock lock;

  private RunLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  static RunLock acquire(Path runDir) {
    Path file = runDir.resolve(FILE);
    FileChannel ch = null;
    try {
      Files.createDirectories(runDir);
      ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      FileLock l;
      try {
        l = ch.tryLock();
      } catch (OverlappingFileLockException e) {
        l = null;
      }
      if (l == null) {
        String holder = Files.readString(file, StandardCharsets.UTF_8).strip();
        ch.close();
        throw new SpiceException.CheckpointException("run folder " + runDir + " is in use by another run"
            + (holder.isEmpty() ? "" : " (pid " + holder + ")") + "; wait for it to finish or use another folder");
      }
      ch.truncate(0);
      ch.write(ByteBuffer.wrap(Long.toString(ProcessHandle.current().pid()).getBytes(StandardCharsets.UTF_8)), 0);
      ch.force(false);
      return new RunLock(ch, l);
    } catch (IOException e) {
      try {
        if (ch != null) {
          ch.close();
        }
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw new SpiceException.CheckpointException("cannot lock run folder " + runDir + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    try {
      lock.release();
      channel.close();
    } catch (IOException e) {
      // the OS releases the lock with the process anyway
    }
  }
}
