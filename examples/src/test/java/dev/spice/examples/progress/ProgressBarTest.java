package dev.spice.examples.progress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.SpiceException;
import dev.spice.core.UpdateStats;
import dev.spice.core.engine.IterationResult;
import dev.spice.core.engine.MetricNames;
import dev.spice.core.engine.Metrics;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressBarTest {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
  private final AtomicLong now = new AtomicLong();

  private static IterationResult result(long it, double pass) {
    Metrics m = new Metrics(it, Map.of(MetricNames.REASONER_PASS_RATE, pass, MetricNames.CHALLENGER_VALID_RATE, 0.75,
        MetricNames.CHALLENGER_REWARD, 0.5, MetricNames.TOKENS_PER_SECOND, 1234.4));
    return new IterationResult(it, m, List.of(), UpdateStats.empty());
  }

  /** Runs iterations [from, to) each taking one second of the fake clock. */
  private void run(ProgressBar bar, long from, long to) {
    for (long i = from; i < to; i++) {
      bar.onIterationStart(i);
      now.addAndGet(1_000_000_000L);
      bar.onIterationEnd(result(i, 0.5));
    }
  }

  private String text() {
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void withoutTerminalPrintsEveryNthLineWithFigures() {
    ProgressBar bar = ProgressBar.builder(25, out).tty(false).every(10).clock(now::get).build();
    run(bar, 0, 25);
    String[] lines = text().split("\n");
    assertEquals(4, lines.length, text()); // first, 10, 20, last
    assertTrue(lines[0].contains("it 1/25"));
    assertTrue(lines[1].contains("it 10/25"));
    assertTrue(lines[1].startsWith("[########............]  40% "), lines[1]);
    assertTrue(lines[1].contains("pass 0.500 | valid 0.750 | C reward 0.500 | 1234 tok/s"), lines[1]);
    assertTrue(lines[1].contains("00:10 < ETA 00:15"), lines[1]);
    assertTrue(lines[3].contains("100% it 25/25") && lines[3].contains("ETA 00:00"), lines[3]);
    assertTrue(!text().contains("\r"));
  }

  @Test
  void onTerminalRedrawsInPlaceAndEndsWithNewline() {
    ProgressBar bar = ProgressBar.builder(3, out).tty(true).clock(now::get).build();
    run(bar, 0, 3);
    String t = text();
    assertEquals(3, t.chars().filter(c -> c == '\r').count());
    assertEquals(1, t.chars().filter(c -> c == '\n').count());
    assertTrue(t.endsWith("\n"));
  }

  @Test
  void shorterRedrawIsPaddedOverTheOldLine() {
    ProgressBar bar = ProgressBar.builder(5, out).tty(true).clock(now::get).build();
    bar.onIterationStart(0);
    now.addAndGet(1_000_000_000L);
    bar.onIterationEnd(result(0, 0.5));
    Metrics empty = new Metrics(1, Map.of());
    bar.onIterationEnd(new IterationResult(1, empty, List.of(), UpdateStats.empty()));
    String[] parts = text().split("\r");
    assertEquals(3, parts.length);
    assertTrue(parts[2].contains("pass n/a"), parts[2]);
    assertTrue(parts[2].length() >= parts[1].length(), "old text overwritten");
  }

  @Test
  void resumedRunEtaCountsOnlyThisSession() {
    ProgressBar bar = ProgressBar.builder(200, out).tty(false).every(50).clock(now::get).build();
    run(bar, 100, 150);
    String[] lines = text().split("\n");
    String last = lines[lines.length - 1];
    assertTrue(last.contains("it 150/200") && last.contains("00:50 < ETA 00:50"), last);
  }

  @Test
  void failedIterationEndsOpenLineAndReports() {
    ProgressBar bar = ProgressBar.builder(10, out).tty(true).clock(now::get).build();
    run(bar, 0, 2);
    bar.onIterationFailed(2, new SpiceException.BackendException("boom"));
    String t = text();
    assertTrue(t.contains("\niteration 2 failed"), t);
    assertTrue(t.contains("boom"));
    bar.close();
    assertTrue(t.endsWith("\n"));
  }

  @Test
  void messageEndsAnOpenLineAndTheBarComesBackBelowIt() {
    ProgressBar bar = ProgressBar.builder(10, out).tty(true).clock(now::get).build();
    run(bar, 0, 2);
    bar.message("probe at 2: mcq 0.500");
    run(bar, 2, 3);
    String t = text();
    assertTrue(t.contains("ETA 00:08\nprobe at 2: mcq 0.500\n\r["), t);
    assertTrue(t.endsWith("ETA 00:07"), t);
  }

  @Test
  void messageWithoutTerminalIsALineOfItsOwn() {
    ProgressBar bar = ProgressBar.builder(10, out).tty(false).every(5).clock(now::get).build();
    run(bar, 0, 5);
    bar.message("probe at 5");
    String[] lines = text().split("\n");
    assertEquals(3, lines.length, text());
    assertEquals("probe at 5", lines[2]);
  }

  @Test
  void brokenStreamNeverThrows() {
    PrintStream broken = new PrintStream(new java.io.OutputStream() {
      @Override
      public void write(int b) {
        throw new IllegalStateException("disk full");
      }
    });
    ProgressBar bar = ProgressBar.builder(3, broken).tty(true).clock(now::get).build();
    run(bar, 0, 3);
    bar.onIterationFailed(3, new RuntimeException("x"));
    bar.close();
  }

  @Test
  void badSettingsAreRejectedWithRange() {
    var e = assertThrows(SpiceException.ConfigurationException.class, () -> new ProgressBar(0, out));
    assertTrue(e.getMessage().contains(">= 1"));
    e = assertThrows(SpiceException.ConfigurationException.class, () -> ProgressBar.builder(5, out).width(2).build());
    assertTrue(e.getMessage().contains("5 to 100"));
    assertThrows(SpiceException.ConfigurationException.class, () -> ProgressBar.builder(5, out).every(0).build());
  }

  @Test
  void clockFormats() {
    assertEquals("00:59", ProgressBar.clock(59.4));
    assertEquals("01:00", ProgressBar.clock(59.6));
    assertEquals("1:01:01", ProgressBar.clock(3661));
  }
}
