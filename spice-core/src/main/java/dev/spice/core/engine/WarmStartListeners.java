package dev.spice.core.engine;

import dev.spice.core.SpiceException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ready-made {@link WarmStartListener}s: SLF4J logging, console progress, a JSONL metrics file and
 * TensorBoard event files.
 */
public final class WarmStartListeners {
  private WarmStartListeners() {}

  /**
   * Logs one INFO line per step (loss, tokens, skipped documents, tokens per second), a WARN line
   * per failed step and an INFO line per checkpoint, to the logger
   * {@code dev.spice.core.engine.WarmStart}.
   *
   * @return the logging listener
   */
  public static WarmStartListener logging() {
    return new LoggingListener();
  }

  /**
   * A console progress line on standard error for a warm start of {@code totalSteps} steps (counted
   * from 0): step i/n, loss, tokens per second, ETA; the same display as
   * {@link SelfPlayListeners#progress(long)} (one line redrawn on a terminal, a line every 10 steps
   * otherwise). Other settings: {@link ProgressListener#builder(long)}. Close it at the end of the run.
   *
   * @param totalSteps the steps of the whole run, at least 1
   * @return the progress listener
   * @throws SpiceException.ConfigurationException if {@code totalSteps < 1} or the system property
   *     {@value ProgressListener#TTY_PROPERTY} has a value other than true or false
   */
  public static ProgressListener progress(long totalSteps) {
    return ProgressListener.builder(totalSteps).build();
  }

  /**
   * Appends one JSON object per completed step to {@code file}, in the format of the self-play
   * metrics file ({@link SelfPlayListeners#jsonl}) so the same tools read both:
   * {@code {"iteration": step, "metrics": {"warmstart/loss": ..., ...}}}, NaN written as null,
   * flushed after each line. Appends to an existing file; when the runner is restored to step k,
   * the lines of steps k and later are dropped, so a resumed run's file has each step once. Close it
   * at the end of the run.
   *
   *
   * @param file the file
   * @return the metrics-file listener
   * @throws SpiceException.CheckpointException if the file cannot be opened
   */
  public static JsonlMetrics jsonl(Path file) {
    return new JsonlMetrics(SelfPlayListeners.jsonl(file));
  }

  /** The JSONL metrics listener of {@link #jsonl}; close it when the run ends. */
  public static final class JsonlMetrics implements WarmStartListener, AutoCloseable {
    private final SelfPlayListeners.JsonlMetricsListener lines;

    private JsonlMetrics(SelfPlayListeners.JsonlMetricsListener lines) {
      this.lines = lines;
    }

    @Override
    public void onStepEnd(WarmStartResult result) {
      lines.onIterationEnd(new IterationResult(result.step(), result.metrics(), List.of(), result.update()));
    }

    @Override
    public void onRestore(long step, Path checkpoint) {
      lines.onRestore(step, checkpoint);
    }

    /**
     * Closes the file.
     *
     * @throws SpiceException.CheckpointException if it cannot be closed
     */
    @Override
    public void close() {
      lines.close();
    }
  }

  /**
   * Writes every completed step's finite metrics ({@code warmstart/loss}, ...) to a TensorBoard event
   * file in {@code logDir}, step = {@link WarmStartResult#step()}, as
   * {@link SelfPlayListeners#tensorBoard} does for self-play iterations (same file naming, a restore
   * starts a new file, never throws). Close it at the end of the run.
   *
   * @param logDir the log dir
   * @return the TensorBoard listener
   */
  public static TensorBoard tensorBoard(Path logDir) {
    return new TensorBoard(SelfPlayListeners.tensorBoard(logDir));
  }

  /** The TensorBoard listener of {@link #tensorBoard}; close it when the run ends. */
  public static final class TensorBoard implements WarmStartListener, AutoCloseable {
    private final TensorBoardListener events;

    private TensorBoard(TensorBoardListener events) {
      this.events = events;
    }

    /**
     * The event file being written, or null when none is open (see {@link TensorBoardListener#file()}).
     *
     * @return the event file being written, or null when none is open (see {@link
     *     TensorBoardListener#file()})
     */
    public Path file() {
      return events.file();
    }

    @Override
    public void onStepEnd(WarmStartResult result) {
      events.onIterationEnd(new IterationResult(result.step(), result.metrics(), List.of(), result.update()));
    }

    @Override
    public void onRestore(long step, Path checkpoint) {
      events.onRestore(step, checkpoint);
    }

    /** Closes the event file. Never throws. */
    @Override
    public void close() {
      events.close();
    }
  }

  private static final class LoggingListener implements WarmStartListener {
    private static final Logger LOG = LoggerFactory.getLogger(WarmStart.class);

    @Override
    public void onStepEnd(WarmStartResult r) {
      Metrics m = r.metrics();
      LOG.info(String.format(Locale.ROOT,
          "warm-start step %d: loss=%.4g tokens=%d skipped_documents=%d update_skipped=%s tokens_per_second=%.1f step_time=%.2fs",
          r.step(), m.get(WarmStartMetricNames.LOSS), (long) m.get(WarmStartMetricNames.TOKENS),
          (long) m.get(WarmStartMetricNames.SKIPPED_DOCUMENTS), r.update().skipped(),
          m.get(WarmStartMetricNames.TOKENS_PER_SECOND), m.get(WarmStartMetricNames.STEP_TIME)));
    }

    @Override
    public void onStepFailed(long step, Throwable error) {
      LOG.warn("warm-start step {} failed; state left as before it: {}", step, error.toString());
    }

    @Override
    public void onCheckpoint(long step, Path directory) {
      LOG.info("warm-start checkpoint after {} steps written to {}", step, directory);
    }
  }
}
