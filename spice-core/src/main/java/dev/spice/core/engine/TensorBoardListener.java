package dev.spice.core.engine;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Objects;
import java.util.function.DoubleSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes each completed iteration's metrics to a TensorBoard event file, in pure Java (no
 * TensorFlow, no protobuf library). Made by {@link SelfPlayListeners#tensorBoard(Path)}; for warm
 * starts, {@link WarmStartListeners#tensorBoard(Path)}.
 *
 * <p>The file is {@code events.out.tfevents.<unix seconds>.<hostname>.<pid>.spice} in the log
 * directory (created if missing), opened at the first event; point {@code tensorboard --logdir} at
 * that directory or at its parent. Its first record carries the file version
 * {@code brain.Event:2}; then each {@link #onIterationEnd} writes one event whose step is
 * {@link IterationResult#iteration()} (0-based, the number the JSONL metrics listener writes), whose
 * wall time is the current time in seconds, and whose summary holds one scalar
 * ({@code simple_value}, a 32-bit float) per metric, tagged with the metric's name as it is
 * ({@code reasoner/pass_rate}, {@code challenger/valid_rate}, ...), so TensorBoard groups them by
 * prefix. Metrics that are NaN or infinite (as a float) are left out; an iteration with none writes
 * nothing. The file is flushed after each iteration, so TensorBoard shows a running job.
 *
 * <p>On {@link #onRestore onRestore(k, ...)} the current file is closed and the next event starts
 * a new one, whose name sorts after every event file already in the directory (its seconds are
 * bumped past theirs if needed), and whose second record is a {@code SessionLog} {@code START} at
 * step {@code k}, as TensorFlow writes when a session restarts from a checkpoint. TensorBoard reads
 * a directory's files in name order, and on that record its event accumulator (with its default
 * purge of orphaned data) drops the older points at steps {@code >= k}, which the restored run
 * writes again, so the charts show each iteration once. A resumed run with a new listener on the
 * same directory behaves the same way (the engine calls {@code onRestore} before the first event).
 *
 * <p>Like every listener it never throws: the first I/O error (the directory cannot be created, the
 * file cannot be written) is logged once as a WARN to this class's logger and the listener stops
 * writing; the run goes on. Methods are synchronized. Close it at the end of the run.
 */
public final class TensorBoardListener implements SelfPlayListener, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TensorBoardListener.class);
  static final String FILE_VERSION = "brain.Event:2";
  /** {@code SessionLog.SessionStatus.START}. */
  static final int SESSION_START = 1;

  /** Opens an event file for writing; a test seam for I/O failures. */
  @FunctionalInterface
  interface Opener {
    OutputStream open(Path file) throws IOException;
  }

  private static final String PREFIX = "events.out.tfevents.";

  private final Path logDir;
  private final DoubleSupplier clock;
  private final Opener opener;
  private final String suffix = "." + hostname() + "." + ProcessHandle.current().pid() + ".spice";
  private TfRecordWriter writer;
  private Path file;
  private boolean stopped;
  private long restartStep = -1;

  TensorBoardListener(Path logDir) {
    this(logDir, () -> System.currentTimeMillis() / 1000.0,
        f -> Files.newOutputStream(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE));
  }

  TensorBoardListener(Path logDir, DoubleSupplier clock, Opener opener) {
    this.logDir = Objects.requireNonNull(logDir, "logDir");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.opener = Objects.requireNonNull(opener, "opener");
  }

  /**
   * The event file being written, or null when none is open: before the first event, after a
   * restore until the next event, after an I/O error, and after {@link #close()}.
   *
   * @return the event file being written, or null when none is open: before the first event, after
   *     a restore until the next event, after an I/O error, and after {@link #close()}
   */
  public synchronized Path file() {
    return writer == null ? null : file;
  }

  /**
   * Writes the iteration's metrics as one event at step {@code result.iteration()} and flushes; the
   * first event opens the file.
   */
  @Override
  public synchronized void onIterationEnd(IterationResult result) {
    write(result.iteration(), result.metrics().values());
  }

  /** Closes the current event file; the next event starts a new one (see the class comment). */
  @Override
  public synchronized void onRestore(long iteration, Path checkpoint) {
    closeQuietly();
    restartStep = iteration;
  }

  /** Closes the event file; later events are ignored. Never throws (an error is logged). */
  @Override
  public synchronized void close() {
    closeQuietly();
    stopped = true;
  }

  private void write(long step, Map<String, Double> values) {
    if (stopped) {
      return;
    }
    ProtoWriter summary = new ProtoWriter();
    for (Map.Entry<String, Double> e : values.entrySet()) {
      Double v = e.getValue();
      if (v == null || !Float.isFinite(v.floatValue())) {
        continue;
      }
      summary.messageField(1, new ProtoWriter().stringField(1, e.getKey()).floatField(2, v.floatValue()));
    }
    byte[] summaryBytes = summary.toByteArray();
    if (summaryBytes.length == 0) {
      return;
    }
    double wallTime = clock.getAsDouble();
    try {
      if (writer == null) {
        open(wallTime);
      }
      writer.write(new ProtoWriter().doubleField(1, wallTime).int64Field(2, step).bytesField(5, summaryBytes)
          .toByteArray());
      writer.flush();
    } catch (IOException | RuntimeException e) {
      fail(e);
    }
  }

  /**
   * Opens a new event file whose seconds are the current ones, or one more than the largest of the
   * event files already in the directory, so that it sorts after them; writes the version record
   * and, after a restore, the session-start record.
   */
  private void open(double wallTime) throws IOException {
    file = null;
    Files.createDirectories(logDir);
    long seconds = (long) Math.floor(wallTime);
    try (var names = Files.list(logDir)) {
      for (Path p : (Iterable<Path>) names::iterator) {
        seconds = Math.max(seconds, secondsOf(p.getFileName().toString()) + 1);
      }
    }
    OutputStream out = null;
    while (out == null) {
      file = logDir.resolve(PREFIX + seconds + suffix);
      try {
        out = opener.open(file);
      } catch (FileAlreadyExistsException e) {
        seconds++;
      }
    }
    writer = new TfRecordWriter(new BufferedOutputStream(out));
    writer.write(new ProtoWriter().doubleField(1, wallTime).stringField(3, FILE_VERSION).toByteArray());
    if (restartStep >= 0) {
      writer.write(new ProtoWriter().doubleField(1, wallTime).int64Field(2, restartStep)
          .messageField(7, new ProtoWriter().int64Field(1, SESSION_START)).toByteArray());
      restartStep = -1;
    }
  }

  /** The seconds in an event file's name, or {@code Long.MIN_VALUE + 1} (never larger) for other files. */
  private static long secondsOf(String name) {
    if (!name.startsWith(PREFIX)) {
      return Long.MIN_VALUE + 1;
    }
    int end = name.indexOf('.', PREFIX.length());
    try {
      return Long.parseLong(name.substring(PREFIX.length(), end < 0 ? name.length() : end));
    } catch (NumberFormatException e) {
      return Long.MIN_VALUE + 1;
    }
  }

  private void fail(Exception e) {
    LOG.warn("cannot write TensorBoard events to {}: {}; no more will be written", file == null ? logDir : file,
        e.toString());
    stopped = true;
    closeQuietly();
  }

  private void closeQuietly() {
    TfRecordWriter w = writer;
    writer = null;
    if (w != null) {
      try {
        w.close();
      } catch (IOException e) {
        if (!stopped) {
          LOG.warn("cannot close TensorBoard event file {}: {}", file, e.toString());
        }
      }
    }
  }

  private static String hostname() {
    String name;
    try {
      name = InetAddress.getLocalHost().getHostName();
    } catch (IOException | RuntimeException e) {
      name = System.getenv("HOSTNAME");
    }
    if (name == null || name.isBlank()) {
      name = "localhost";
    }
    return name.replaceAll("[^A-Za-z0-9._-]", "_");
  }
}
