package dev.spice.examples.progress;

import dev.spice.core.SpiceException;
import dev.spice.core.engine.IterationResult;
import dev.spice.core.engine.MetricNames;
import dev.spice.core.engine.Metrics;
import dev.spice.core.engine.SelfPlayListener;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * A {@link SelfPlayListener} that shows a one-line console progress bar with the ETA and the last
 * iteration's figures: iteration, Reasoner pass rate, Challenger valid rate and reward, tokens per
 * second. For example:
 *
 * <pre>
 * [##########..........]  50% it 500/1000 | pass 0.531 | valid 0.984 | C reward 0.712 | 15321 tok/s | 00:45 &lt; ETA 00:45
 * </pre>
 *
 * <p>On a terminal ({@code System.console() != null}, or {@link Builder#tty(boolean) tty(true)})
 * the line is redrawn in place with a carriage return after every iteration and ended with a
 * newline after the last one; otherwise (logs, pipes, CI) one line is printed every
 * {@link Builder#every(int) N} iterations, and after the first and the last. The ETA is the mean
 * time per iteration completed since this listener saw its first iteration (so a resumed run's
 * earlier iterations do not count) times the iterations left. A failed iteration prints its own
 * line; {@link #message(String)} prints a line of the caller's between bars. Missing figures (NaN)
 * show as {@code n/a}.
 *
 * <p>Thread-safe; hooks never throw (a broken stream is ignored, as {@link PrintStream} does).
 * Call {@link #close()} when a run ends early so that a terminal line is ended.
 */
public final class ProgressBar implements SelfPlayListener, AutoCloseable {
  private final long total;
  private final PrintStream out;
  private final boolean tty;
  private final int every;
  private final int width;
  private final LongSupplier nanoClock;

  private long firstIteration = -1;
  private long firstStartNanos;
  private int lastLength;
  private boolean lineOpen;

  /**
   * A progress bar for a run of {@code totalIterations} iterations (counted from 0, so a resumed
   * run passes the same total), printing to {@code out}; terminal detection by
   * {@code System.console()}, a line every 10 iterations otherwise.
   *
   * @throws SpiceException.ConfigurationException if {@code totalIterations < 1}
   */
  public ProgressBar(long totalIterations, PrintStream out) {
    this(builder(totalIterations, out).validate());
  }

  private ProgressBar(Builder b) {
    this.total = b.total;
    this.out = b.out;
    this.tty = b.tty;
    this.every = b.every;
    this.width = b.width;
    this.nanoClock = b.nanoClock;
  }

  /** A builder for a bar over {@code totalIterations} iterations printing to {@code out}. */
  public static Builder builder(long totalIterations, PrintStream out) {
    return new Builder(totalIterations, out);
  }

  @Override
  public synchronized void onIterationStart(long iteration) {
    if (firstIteration < 0) {
      firstIteration = iteration;
      firstStartNanos = nanoClock.getAsLong();
    }
  }

  @Override
  public synchronized void onIterationEnd(IterationResult result) {
    try {
      long done = result.iteration() + 1;
      if (firstIteration < 0) {
        firstIteration = result.iteration();
        firstStartNanos = nanoClock.getAsLong();
      }
      String line = line(done, result.metrics(), nanoClock.getAsLong());
      boolean last = done >= total;
      if (tty) {
        int pad = Math.max(0, lastLength - line.length());
        out.print("\r" + line + " ".repeat(pad));
        lastLength = line.length();
        lineOpen = !last;
        if (last) {
          out.println();
        }
        out.flush();
      } else if (done % every == 0 || last || result.iteration() == firstIteration) {
        out.println(line);
        out.flush();
      }
    } catch (RuntimeException e) {
      // a display must never disturb the run
    }
  }

  @Override
  public synchronized void onIterationFailed(long iteration, Throwable error) {
    try {
      endLine();
      out.println("iteration " + iteration + " failed (state kept as before it): " + error);
      out.flush();
    } catch (RuntimeException e) {
      // ignored, see class comment
    }
  }

  /**
   * Prints a line of its own, for example the result of a periodic evaluation: a terminal line left
   * open by the bar is ended first, and the bar is drawn again below it after the next iteration.
   * Never throws.
   */
  public synchronized void message(String line) {
    try {
      endLine();
      out.println(line);
      out.flush();
    } catch (RuntimeException e) {
      // ignored, see class comment
    }
  }

  /** Ends a terminal line left open by an interrupted run; idempotent. */
  @Override
  public synchronized void close() {
    endLine();
    out.flush();
  }

  private void endLine() {
    if (lineOpen) {
      out.println();
      lineOpen = false;
      lastLength = 0;
    }
  }

  /** The text of the bar after {@code done} iterations (exposed to the package for tests). */
  String line(long done, Metrics m, long nowNanos) {
    double frac = Math.max(0, Math.min(1, done / (double) total));
    int filled = (int) Math.round(frac * width);
    StringBuilder sb = new StringBuilder(140);
    sb.append('[').append("#".repeat(filled)).append(".".repeat(width - filled)).append("] ");
    sb.append(String.format(Locale.ROOT, "%3d%% it %d/%d", (int) Math.floor(frac * 100), done, total));
    sb.append(" | pass ").append(fmt(m.get(MetricNames.REASONER_PASS_RATE), "%.3f"));
    sb.append(" | valid ").append(fmt(m.get(MetricNames.CHALLENGER_VALID_RATE), "%.3f"));
    sb.append(" | C reward ").append(fmt(m.get(MetricNames.CHALLENGER_REWARD), "%.3f"));
    sb.append(" | ").append(fmt(m.get(MetricNames.TOKENS_PER_SECOND), "%.0f")).append(" tok/s");
    double elapsed = (nowNanos - firstStartNanos) / 1e9;
    long doneHere = done - firstIteration;
    sb.append(" | ").append(clock(elapsed)).append(" < ETA ");
    if (doneHere > 0 && elapsed > 0) {
      double eta = elapsed / doneHere * Math.max(0, total - done);
      sb.append(clock(eta));
    } else {
      sb.append("n/a");
    }
    return sb.toString();
  }

  private static String fmt(double v, String pattern) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, pattern, v) : "n/a";
  }

  /** {@code mm:ss}, or {@code h:mm:ss} from one hour. */
  static String clock(double seconds) {
    long s = Math.round(seconds);
    return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
        : String.format(Locale.ROOT, "%02d:%02d", s / 60, s % 60);
  }

  /** Options of a {@link ProgressBar}; validated by {@link #build()}. */
  public static final class Builder {
    private final long total;
    private final PrintStream out;
    private boolean tty = System.console() != null;
    private int every = 10;
    private int width = 20;
    private LongSupplier nanoClock = System::nanoTime;

    private Builder(long total, PrintStream out) {
      this.total = total;
      this.out = Objects.requireNonNull(out, "out");
    }

    /** Redraw in place with carriage returns ({@code true}) or print whole lines. Default: {@code System.console() != null}. */
    public Builder tty(boolean tty) {
      this.tty = tty;
      return this;
    }

    /** Without a terminal, print a line every {@code n >= 1} iterations. Default 10. */
    public Builder every(int n) {
      this.every = n;
      return this;
    }

    /** Characters of the bar itself, 5 to 100. Default 20. */
    public Builder width(int chars) {
      this.width = chars;
      return this;
    }

    /** The clock for elapsed time and ETA, in nanoseconds. Default {@link System#nanoTime()}. */
    public Builder clock(LongSupplier nanoClock) {
      this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
      return this;
    }

    /**
     * Builds the bar.
     *
     * @throws SpiceException.ConfigurationException naming the setting and its valid range
     */
    public ProgressBar build() {
      return new ProgressBar(validate());
    }

    private Builder validate() {
      if (total < 1) {
        throw new SpiceException.ConfigurationException("totalIterations must be >= 1, got " + total);
      }
      if (every < 1) {
        throw new SpiceException.ConfigurationException("every must be >= 1 iteration, got " + every);
      }
      if (width < 5 || width > 100) {
        throw new SpiceException.ConfigurationException("width must be 5 to 100 characters, got " + width);
      }
      return this;
    }
  }
}
