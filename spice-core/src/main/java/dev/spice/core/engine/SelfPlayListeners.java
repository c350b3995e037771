package dev.spice.core.engine;

import dev.spice.core.SpiceException;
import dev.spice.core.internal.json.Json;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ready-made listeners: SLF4J logging, console progress, a JSONL metrics file, a completion log,
 * TensorBoard event files, and combination.
 */
public final class SelfPlayListeners {
  private SelfPlayListeners() {}

  /**
   * Logs one INFO line per iteration (pass rate, valid rate, rewards, loss, time) and a WARN line
   * per failed iteration, to the logger {@code dev.spice.core.engine.SelfPlay}.
   *
   * @return the logging listener
   */
  public static SelfPlayListener logging() {
    return new LoggingListener();
  }

  /**
   * A console progress line on standard error for a run of {@code totalIterations} iterations
   * (counted from 0, so a resumed run passes the same total): iteration i/n, ETA, tokens per
   * second, Reasoner pass rate, Challenger valid rate, both roles' rewards and the loss. It redraws
   * one line on a terminal and prints a line every 10 iterations otherwise (logs, CI); the system
   * property {@value ProgressListener#TTY_PROPERTY} forces either. Never throws from a hook. Other
   * settings (output, period, clock): {@link ProgressListener#builder(long)}. Close it at the end of
   * the run.
   *
   * @param totalIterations the iterations of the whole run, at least 1
   * @return the progress listener
   * @throws SpiceException.ConfigurationException if {@code totalIterations < 1} or the system
   *     property has a value other than true or false
   */
  public static ProgressListener progress(long totalIterations) {
    return ProgressListener.builder(totalIterations).build();
  }

  /**
   * Appends one JSON object per completed iteration to {@code file}
   * ({@code {"iteration": n, "metrics": {...}}}, NaN written as null), flushed after each line,
   * so the file is readable while the run goes on. Appends to an existing file (resume).
   *
   *
   * @param file the file
   * @return the metrics-file listener
   * @throws SpiceException.CheckpointException if the file cannot be opened
   */
  public static JsonlMetricsListener jsonl(Path file) {
    return new JsonlMetricsListener(file);
  }

  /**
   * Appends the completions of iterations 0, 10, 20, ... to {@code file} as JSON lines, one per
   * kept Challenger attempt and one per Reasoner answer of the trained tasks (TRL's
   * {@code log_completions}), stopping at 50 MB; never throws. Other settings:
   * {@link CompletionLogListener#builder(Path)}.
   *
   * @param file the file
   * @return the completion-log listener
   */
  public static CompletionLogListener completions(Path file) {
    return CompletionLogListener.builder(file).build();
  }

  /**
   * A listener that forwards every event to each of the given ones, in order.
   *
   * @param listeners the listeners
   * @return a listener that forwards every event to each of the given ones, in order
   */
  public static SelfPlayListener all(List<SelfPlayListener> listeners) {
    List<SelfPlayListener> copy = List.copyOf(listeners);
    return new SelfPlayListener() {
      @Override
      public void onIterationStart(long iteration) {
        copy.forEach(l -> l.onIterationStart(iteration));
      }

      @Override
      public void onIterationEnd(IterationResult result) {
        copy.forEach(l -> l.onIterationEnd(result));
      }

      @Override
      public void onIterationFailed(long iteration, Throwable error) {
        copy.forEach(l -> l.onIterationFailed(iteration, error));
      }

      @Override
      public void onRolloutStart(long iteration, dev.spice.core.Role role, int prompts) {
        copy.forEach(l -> l.onRolloutStart(iteration, role, prompts));
      }

      @Override
      public void onRolloutEnd(long iteration, dev.spice.core.Role role, int completions, int tokens, long nanos) {
        copy.forEach(l -> l.onRolloutEnd(iteration, role, completions, tokens, nanos));
      }

      @Override
      public void onRewards(long iteration, dev.spice.core.Role role, double[][] rewardsByGroup) {
        copy.forEach(l -> l.onRewards(iteration, role, rewardsByGroup));
      }

      @Override
      public void onUpdateStart(long iteration, int samples) {
        copy.forEach(l -> l.onUpdateStart(iteration, samples));
      }

      @Override
      public void onUpdateEnd(long iteration, dev.spice.core.UpdateStats stats) {
        copy.forEach(l -> l.onUpdateEnd(iteration, stats));
      }

      @Override
      public void onCheckpoint(long iteration, Path directory) {
        copy.forEach(l -> l.onCheckpoint(iteration, directory));
      }

      @Override
      public void onRestore(long iteration, Path checkpoint) {
        copy.forEach(l -> l.onRestore(iteration, checkpoint));
      }
    };
  }

  private static final class LoggingListener implements SelfPlayListener {
    private static final Logger LOG = LoggerFactory.getLogger(SelfPlay.class);

    @Override
    public void onIterationEnd(IterationResult r) {
      Metrics m = r.metrics();
      LOG.info(String.format(java.util.Locale.ROOT,
          "iteration %d: reasoner/pass_rate=%.3f challenger/valid_rate=%.3f challenger/reward=%.3f loss=%.4g step_time=%.2fs",
          r.iteration(), m.get(MetricNames.REASONER_PASS_RATE), m.get(MetricNames.CHALLENGER_VALID_RATE),
          m.get(MetricNames.CHALLENGER_REWARD), m.get(MetricNames.LOSS), m.get(MetricNames.STEP_TIME)));
    }

    @Override
    public void onIterationFailed(long iteration, Throwable error) {
      LOG.warn("iteration {} failed; state left as before it: {}", iteration, error.toString());
    }

    @Override
    public void onCheckpoint(long iteration, Path directory) {
      LOG.info("checkpoint after {} iterations written to {}", iteration, directory);
    }
  }

  /**
   * Writes metrics as JSON lines, one per completed iteration, flushed at once; close it at the
   * end of the run. When the engine is restored to iteration k, the lines of iterations k and
   * later are dropped (they will be written again), so a resumed run's file has each iteration once.
   */
  public static final class JsonlMetricsListener implements SelfPlayListener, AutoCloseable {
    private final Path file;
    private BufferedWriter out;

    JsonlMetricsListener(Path file) {
      this.file = file;
      try {
        if (file.getParent() != null) {
          Files.createDirectories(file.getParent());
        }
        this.out = open();
      } catch (IOException e) {
        throw new SpiceException.CheckpointException("cannot open metrics file " + file + ": " + e, e);
      }
    }

    private BufferedWriter open() throws IOException {
      return Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    @Override
    public void onIterationEnd(IterationResult r) {
      Map<String, Object> line = new LinkedHashMap<>();
      line.put("iteration", r.iteration());
      line.put("metrics", r.metrics().values());
      try {
        out.write(Json.write(line));
        out.newLine();
        out.flush();
      } catch (IOException e) {
        throw new SpiceException.CheckpointException("cannot write metrics file " + file + ": " + e, e);
      }
    }

    @Override
    public void onRestore(long iteration, Path checkpoint) {
      try {
        out.close();
        List<String> kept = new java.util.ArrayList<>();
        int lineNo = 0;
        for (String l : Files.readAllLines(file, StandardCharsets.UTF_8)) {
          lineNo++;
          if (l.isBlank()) {
            continue;
          }
          Object it;
          try {
            it = Json.parseObject(l).get("iteration");
          } catch (Json.JsonException e) {
            throw new SpiceException.CheckpointException(file + ":" + lineNo + ": not a metrics line: " + e.getMessage());
          }
          if (!(it instanceof Long n)) {
            throw new SpiceException.CheckpointException(file + ":" + lineNo + ": field 'iteration' is missing");
          }
          if (n < iteration) {
            kept.add(l);
          }
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, kept, StandardCharsets.UTF_8);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        out = open();
      } catch (IOException e) {
        throw new SpiceException.CheckpointException("cannot rewrite metrics file " + file + " after restore: " + e, e);
      }
    }

    @Override
    public void close() {
      try {
        out.close();
      } catch (IOException e) {
        throw new SpiceException.CheckpointException("cannot close metrics file " + file + ": " + e, e);
      }
    }
  }

  /**
   * Writes every completed iteration's finite metrics to a TensorBoard event file in {@code logDir}
   * (created if missing), step = iteration, tags = metric names; a restore starts a new file. Never
   * throws: an I/O error is logged once as a WARN and the listener stops writing. Details in
   * {@link TensorBoardListener}; close it at the end of the run.
   *
   * @param logDir the log dir
   * @return the TensorBoard listener
   */
  public static TensorBoardListener tensorBoard(Path logDir) {
    return new TensorBoardListener(logDir);
  }
}
