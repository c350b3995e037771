package dev.spice.core.engine;

import java.nio.file.Path;

/** A second process for the lock test: locks the folder in args[0], says so, waits for stdin to close. */
public final class RunLockHolder {
  private RunLockHolder() {}

  public static void main(String[] args) throws Exception {
    try (RunLock lock = RunLock.acquire(Path.of(args[0]))) {
      System.out.println("locked " + ProcessHandle.current().pid());
      System.out.flush();
      while (System.in.read() >= 0) {
        // wait until the parent closes our stdin
      }
    }
  }
}
