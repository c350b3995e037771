package dev.spice.core.engine;

import dev.spice.core.SpiceException;
import java.io.Console;
import java.lang.reflect.Method;
import java.util.Locale;

/** The text of {@link ProgressListener}'s lines and its terminal detection. */
final class ProgressLines {
  private ProgressLines() {}

  /** {@code pass .. | valid .. | reward R .. C .. | loss .. | .. tok/s} of a self-play iteration. */
  static String selfPlayFigures(Metrics m) {
    return "pass " + fmt(m.get(MetricNames.REASONER_PASS_RATE), "%.3f")
        + " | valid " + fmt(m.get(MetricNames.CHALLENGER_VALID_RATE), "%.3f")
        + " | reward R " + fmt(m.get(MetricNames.REASONER_REWARD), "%.3f")
        + " C " + fmt(m.get(MetricNames.CHALLENGER_REWARD), "%.3f")
        + " | loss " + fmt(m.get(MetricNames.LOSS), "%.4g")
        + " | " + fmt(m.get(MetricNames.TOKENS_PER_SECOND), "%.0f") + " tok/s";
  }

  /** {@code loss .. | .. tok/s} of a warm-start step. */
  static String warmStartFigures(Metrics m) {
    return "loss " + fmt(m.get(WarmStartMetricNames.LOSS), "%.4g")
        + " | " + fmt(m.get(WarmStartMetricNames.TOKENS_PER_SECOND), "%.0f") + " tok/s";
  }

  /**
   * The whole line after {@code done} of {@code total}: bar (none when {@code width} is 0),
   * percentage, {@code <unit> done/total}, the figures, elapsed time and ETA. {@code first} is the
   * first iteration of the ETA's mean, {@code elapsedNanos} the time since it started.
   */
  static String line(long done, long total, int width, String unit, String figures, long first, long elapsedNanos) {
    double frac = Math.max(0, Math.min(1, done / (double) total));
    StringBuilder sb = new StringBuilder(160);
    if (width > 0) {
      int filled = (int) Math.round(frac * width);
      sb.append('[').append("#".repeat(filled)).append(".".repeat(width - filled)).append("] ");
    }
    sb.append(String.format(Locale.ROOT, "%3d%% %s %d/%d", (int) Math.floor(frac * 100), unit, done, total));
    sb.append(" | ").append(figures);
    double elapsed = elapsedNanos / 1e9;
    long doneHere = done - first;
    sb.append(" | ").append(clock(elapsed)).append(" < ETA ");
    if (doneHere > 0 && elapsed > 0) {
      sb.append(clock(elapsed / doneHere * Math.max(0, total - done)));
    } else {
      sb.append("n/a");
    }
    return sb.toString();
  }

  /** The value with {@code pattern}, or {@code n/a} when it is NaN or infinite. */
  static String fmt(double v, String pattern) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, pattern, v) : "n/a";
  }

  /** {@code mm:ss}, or {@code h:mm:ss} from one hour; negative times show as 00:00. */
  static String clock(double seconds) {
    long s = Math.max(0, Math.round(seconds));
    return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
        : String.format(Locale.ROOT, "%02d:%02d", s / 60, s % 60);
  }

  /**
   * The value of {@link ProgressListener#TTY_PROPERTY}: null when unset.
   *
   * @throws SpiceException.ConfigurationException when it is set to anything but true or false
   */
  static Boolean ttyProperty() {
    String p = System.getProperty(ProgressListener.TTY_PROPERTY);
    if (p == null) {
      return null;
    }
    String v = p.trim().toLowerCase(Locale.ROOT);
    if (!v.equals("true") && !v.equals("false")) {
      throw new SpiceException.ConfigurationException("system property " + ProgressListener.TTY_PROPERTY
          + " must be true or false, got '" + p + "'");
    }
    return v.equals("true");
  }

  /** The property if set, else whether a console is attached (and, on Java 22+, is a terminal). */
  static boolean detectTerminal() {
    Boolean forced = ttyProperty();
    if (forced != null) {
      return forced;
    }
    Console console = System.console();
    if (console == null) {
      return false;
    }
    try {
      // Java 22+: System.console() is not null when redirected; isTerminal() tells
      Method isTerminal = Console.class.getMethod("isTerminal");
      return Boolean.TRUE.equals(isTerminal.invoke(console));
    } catch (NoSuchMethodException e) {
      return true;
    } catch (ReflectiveOperationException | RuntimeException e) {
      return false;
    }
  }
}
