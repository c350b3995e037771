package dev.spice.core.engine;

import dev.spice.core.SpiceException;
import dev.spice.core.UpdateStats;
import java.io.Flushable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * A console progress display for a self-play run or a warm-start run: one line with a bar, the
 * iteration (or step) out of the total, the main figures of the last one and the ETA. For a
 * self-play iteration:
 *
 * <pre>
 * [##########..........]  50% it 320/640 | pass 0.531 | valid 0.984 | reward R 0.531 C 0.712 | loss 0.0123 | 15321 tok/s | 05:12 &lt; ETA 05:12
 * </pre>
 *
 * <p>({@link MetricNames#REASONER_PASS_RATE}, {@link MetricNames#CHALLENGER_VALID_RATE},
 * {@link MetricNames#REASONER_REWARD}, {@link MetricNames#CHALLENGER_REWARD},
 * {@link MetricNames#LOSS}, {@link MetricNames#TOKENS_PER_SECOND}); for a warm-start step:
 *
 * <pre>
 * [####................]  20% step 20/100 | loss 2.345 | 4210 tok/s | 00:20 &lt; ETA 01:20
 * </pre>
 *
 * <p>({@link WarmStartMetricNames#LOSS}, {@link WarmStartMetricNames#TOKENS_PER_SECOND}). Missing
 * figures (NaN) show as {@code n/a}. Get one from {@link SelfPlayListeners#progress(long)} or
 * {@link WarmStartListeners#progress(long)} (standard error, defaults below), or configure one with
 * {@link #builder(long)}. It implements both listener interfaces; give each run its own.
 *
 * <p><b>Terminal or log.</b> On a terminal the line is redrawn in place with a carriage return
 * after every iteration and ended with a newline after the last one. Otherwise (logs, pipes, CI)
 * it prints whole lines only: after the first iteration it sees, every {@link Builder#every(int)
 * k}-th, and the last, so a CI log holds no carriage returns. By default it is a terminal when
 * {@link System#console()} is not null (and, on Java 22 and later, {@code Console.isTerminal()}
 * says so), which looks at standard input and output, not at standard error; the system property
 * {@code spice.progress.tty} ({@code true} or {@code false}) overrides that, and
 * {@link Builder#tty(boolean)} overrides both.
 *
 * <p><b>ETA.</b> The mean wall time per iteration completed since this listener saw its first
 * iteration (so the iterations a resumed run did before do not count; a restore starts the mean
 * again) times the iterations left to the total. The total counts from 0: a resumed run passes
 * the same total as the run it continues.
 *
 * <p><b>Failures.</b> A failed iteration (step) ends an open terminal line and prints a line of its
 * own naming it and the error. {@link #message(String)} prints a caller's line between bars.
 *
 * <p>Thread-safe. Its hooks never throw: an error of the output (an {@link IOException} from an
 * {@link Appendable}, a {@link RuntimeException} of any kind) is swallowed, as
 * {@link java.io.PrintStream} does. Call {@link #close()} at the end (or let try-with-resources
 * do it) so that a terminal line left open by a run that stopped early is ended.
 */
public final class ProgressListener implements SelfPlayListener, WarmStartListener, AutoCloseable {
  /** The system property that says whether the output is a terminal ({@code true} or {@code false}). */
  public static final String TTY_PROPERTY = "spice.progress.tty";

  private final long total;
  private final Appendable out;
  private final boolean tty;
  private final int every;
  private final int width;
  private final LongSupplier nanoClock;

  private long first = -1;
  private long firstStartNanos;
  private int lastLength;
  private boolean lineOpen;

  private ProgressListener(Builder b) {
    this.total = b.total;
    this.out = b.out;
    this.tty = b.tty == null ? ProgressLines.detectTerminal() : b.tty;
    this.every = b.every;
    this.width = b.width;
    this.nanoClock = b.nanoClock;
  }

  /**
   * A builder for a display over {@code total} iterations (or warm-start steps), counted from 0.
   * Its defaults: standard error, terminal detection as described above, a line every 10
   * iterations without a terminal, a bar of 20 characters, {@link System#nanoTime()}.
   *
   * @param total the number of iterations (steps) of the whole run, at least 1 (checked by
   *     {@link Builder#build()})
   * @return a builder
   */
  public static Builder builder(long total) {
    return new Builder(total);
  }

  /**
   * Whether this display redraws one line in place (a terminal) or prints whole lines.
   *
   * @return true on a terminal
   */
  public boolean tty() {
    return tty;
  }

  /**
   * Notes the start time of the first iteration this listener sees (the origin of the ETA).
   *
   * @param iteration the iteration that begins
   */
  @Override
  public synchronized void onIterationStart(long iteration) {
    begin(iteration);
  }

  /**
   * Draws the bar with the iteration's figures.
   *
   * @param result the completed iteration
   */
  @Override
  public synchronized void onIterationEnd(IterationResult result) {
    try {
      draw(result.iteration(), "it", ProgressLines.selfPlayFigures(result.metrics()));
    } catch (RuntimeException e) {
      // a display must never disturb the run
    }
  }

  /**
   * Ends an open terminal line and prints {@code iteration <n> failed (state kept as before it): <error>}.
   *
   * @param iteration the iteration that failed
   * @param error its error
   */
  @Override
  public synchronized void onIterationFailed(long iteration, Throwable error) {
    failed("iteration " + iteration, error);
  }

  /**
   * Notes the start time of the first step this listener sees (the origin of the ETA).
   *
   * @param step the step that begins
   */
  @Override
  public synchronized void onStepStart(long step) {
    begin(step);
  }

  /**
   * Draws the bar with the step's figures.
   *
   * @param result the completed step
   */
  @Override
  public synchronized void onStepEnd(WarmStartResult result) {
    try {
      draw(result.step(), "step", ProgressLines.warmStartFigures(result.metrics()));
    } catch (RuntimeException e) {
      // a display must never disturb the run
    }
  }

  /**
   * Ends an open terminal line and prints {@code warm-start step <n> failed (state kept as before it): <error>}.
   *
   * @param step the step that failed
   * @param error its error
   */
  @Override
  public synchronized void onStepFailed(long step, Throwable error) {
    failed("warm-start step " + step, error);
  }

  /**
   * Starts the ETA's mean again at the next iteration (step): the run continues at {@code iteration}.
   *
   * @param iteration the iteration (step) the run continues at
   * @param checkpoint the checkpoint restored
   */
  @Override
  public synchronized void onRestore(long iteration, Path checkpoint) {
    first = -1;
  }

  /**
   * Does nothing (the bar is drawn when the iteration ends).
   *
   * @param iteration the iteration (step)
   * @param samples the samples of the update
   */
  @Override
  public void onUpdateStart(long iteration, int samples) {}

  /**
   * Does nothing (the bar shows the loss when the iteration ends).
   *
   * @param iteration the iteration (step)
   * @param stats the update's statistics
   */
  @Override
  public void onUpdateEnd(long iteration, UpdateStats stats) {}

  /**
   * Does nothing (checkpoints are logged by {@link SelfPlayListeners#logging()}).
   *
   * @param iteration the iterations (steps) completed
   * @param directory the checkpoint
   */
  @Override
  public void onCheckpoint(long iteration, Path directory) {}

  /**
   * Prints a line of its own, for example the result of a periodic evaluation: a terminal line left
   * open by the bar is ended first, and the bar is drawn again below it after the next iteration.
   * Never throws.
   *
   * @param line the text to print (one line; {@code null} prints {@code null})
   */
  public synchronized void message(String line) {
    StringBuilder sb = new StringBuilder();
    endLine(sb);
    sb.append(line).append(System.lineSeparator());
    write(sb);
  }

  /** Ends a terminal line left open by a run that stopped early; idempotent, never throws. */
  @Override
  public synchronized void close() {
    StringBuilder sb = new StringBuilder();
    endLine(sb);
    write(sb);
  }

  private void begin(long iteration) {
    if (first < 0) {
      first = iteration;
      firstStartNanos = nanoClock.getAsLong();
    }
  }

  private void draw(long iteration, String unit, String figures) {
    long done = iteration + 1;
    boolean firstSeen = first < 0 || iteration == first;
    if (first < 0) {
      // no start event (a listener added late): the ETA's mean starts after this iteration
      begin(iteration + 1);
    }
    String line = ProgressLines.line(done, total, width, unit, figures, first,
        nanoClock.getAsLong() - firstStartNanos);
    boolean last = done >= total;
    StringBuilder sb = new StringBuilder(line.length() + 16);
    if (tty) {
      sb.append('\r').append(line).append(" ".repeat(Math.max(0, lastLength - line.length())));
      lastLength = line.length();
      lineOpen = !last;
      if (last) {
        sb.append(System.lineSeparator());
        lastLength = 0;
      }
    } else if (done % every == 0 || last || firstSeen) {
      sb.append(line).append(System.lineSeparator());
    }
    write(sb);
  }

  private void failed(String what, Throwable error) {
    StringBuilder sb = new StringBuilder();
    endLine(sb);
    sb.append(what).append(" failed (state kept as before it): ").append(error).append(System.lineSeparator());
    write(sb);
  }

  private void endLine(StringBuilder sb) {
    if (lineOpen) {
      sb.append(System.lineSeparator());
      lineOpen = false;
      lastLength = 0;
    }
  }

  private void write(CharSequence text) {
    if (text.length() == 0) {
      return;
    }
    try {
      out.append(text);
      if (out instanceof Flushable f) {
        f.flush();
      }
    } catch (IOException | RuntimeException e) {
      // ignored, see the class comment
    }
  }

  /** Options of a {@link ProgressListener}; validated by {@link #build()}. */
  public static final class Builder {
    private final long total;
    private Appendable out = System.err;
    private Boolean tty;
    private int every = 10;
    private int width = 20;
    private LongSupplier nanoClock = System::nanoTime;

    private Builder(long total) {
      this.total = total;
    }

    /**
     * Where the lines go. Default: {@link System#err} as it is when the builder is made. Flushed
     * after each line when it is {@link Flushable}.
     *
     * @param out the output, for example a {@link java.io.PrintStream} or a {@link StringBuilder}
     * @return this builder
     */
    public Builder output(Appendable out) {
      this.out = Objects.requireNonNull(out, "out");
      return this;
    }

    /**
     * Redraw one line in place with carriage returns ({@code true}) or print whole lines
     * ({@code false}). Default: detected, see the class comment.
     *
     * @param tty whether the output is a terminal
     * @return this builder
     */
    public Builder tty(boolean tty) {
      this.tty = tty;
      return this;
    }

    /**
     * Without a terminal, print a line every {@code n} iterations (besides the first and the last).
     * Default 10.
     *
     * @param n the period, at least 1
     * @return this builder
     */
    public Builder every(int n) {
      this.every = n;
      return this;
    }

    /**
     * Characters of the bar itself ({@code [####....]}), or 0 for no bar. Default 20.
     *
     * @param chars 0, or 5 to 100
     * @return this builder
     */
    public Builder width(int chars) {
      this.width = chars;
      return this;
    }

    /**
     * The clock for elapsed time and ETA, in nanoseconds (a fake one makes tests deterministic).
     * Default {@link System#nanoTime()}.
     *
     * @param nanoClock a monotonic clock in nanoseconds
     * @return this builder
     */
    public Builder clock(LongSupplier nanoClock) {
      this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
      return this;
    }

    /**
     * Builds the listener.
     *
     * @return the listener
     * @throws SpiceException.ConfigurationException naming the setting and its valid range: the total
     *     below 1, {@code every} below 1, a width other than 0 or 5 to 100, or a value of the system
     *     property {@value ProgressListener#TTY_PROPERTY} other than {@code true} or {@code false} when
     *     {@link #tty(boolean)} was not called
     */
    public ProgressListener build() {
      if (total < 1) {
        throw new SpiceException.ConfigurationException("progress: total iterations must be >= 1, got " + total);
      }
      if (every < 1) {
        throw new SpiceException.ConfigurationException("progress: every must be >= 1 iteration, got " + every);
      }
      if (width != 0 && (width < 5 || width > 100)) {
        throw new SpiceException.ConfigurationException("progress: width must be 0 (no bar) or 5 to 100 characters, got "
            + width);
      }
      if (tty == null) {
        ProgressLines.ttyProperty(); // fails fast on a bad value
      }
      return new ProgressListener(this);
    }
  }
}
