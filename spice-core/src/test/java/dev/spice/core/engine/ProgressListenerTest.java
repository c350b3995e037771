package dev.spice.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.Document;
import dev.spice.core.SpiceException;
import dev.spice.core.UpdateStats;
import dev.spice.core.testing.ListCorpus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The console progress listener: lines, terminal redraws, ETA on a fake clock, failures, bad settings. */
class ProgressListenerTest {
  private static final String NL = System.lineSeparator();
  private final StringBuilder text = new StringBuilder();
  private final AtomicLong now = new AtomicLong();

  private static IterationResult result(long it, double pass) {
    Metrics m = new Metrics(it, Map.of(MetricNames.REASONER_PASS_RATE, pass, MetricNames.CHALLENGER_VALID_RATE, 0.75,
        MetricNames.CHALLENGER_REWARD, 0.5, MetricNames.REASONER_REWARD, 0.25, MetricNames.LOSS, 0.012345,
        MetricNames.TOKENS_PER_SECOND, 1234.4));
    return new IterationResult(it, m, List.of(), UpdateStats.empty());
  }

  private ProgressListener.Builder builder(long total) {
    return ProgressListener.builder(total).output(text).clock(now::get);
  }

  /** Runs iterations [from, to) each taking one second of the fake clock. */
  private void run(ProgressListener bar, long from, long to) {
    for (long i = from; i < to; i++) {
      bar.onIterationStart(i);
      now.addAndGet(1_000_000_000L);
      bar.onIterationEnd(result(i, 0.5));
    }
  }

  private String[] lines() {
    return text.toString().split(NL);
  }

  @Test
  void withoutTerminalPrintsTheFirstEveryKthAndTheLastLineWithTheMainFigures() {
    ProgressListener bar = builder(25).tty(false).every(10).build();
    assertFalse(bar.tty());
    run(bar, 0, 25);
    String[] lines = lines();
    assertEquals(4, lines.length, text.toString()); // first, 10, 20, last
    assertTrue(lines[0].contains("it 1/25"), lines[0]);
    assertEquals("[########............]  40% it 10/25 | pass 0.500 | valid 0.750 | reward R 0.250 C 0.500"
        + " | loss 0.01235 | 1234 tok/s | 00:10 < ETA 00:15", lines[1]);
    assertTrue(lines[2].contains("it 20/25") && lines[2].contains("00:20 < ETA 00:05"), lines[2]);
    assertTrue(lines[3].startsWith("[####################] 100% it 25/25") && lines[3].endsWith("ETA 00:00"), lines[3]);
    assertFalse(text.toString().contains("\r"), "no carriage returns in a log");
    bar.close();
    assertEquals(4, lines().length, "close adds nothing when no line is open");
  }

  @Test
  void onTerminalRedrawsInPlaceAndEndsWithNewline() {
    ProgressListener bar = builder(3).tty(true).build();
    assertTrue(bar.tty());
    run(bar, 0, 3);
    String t = text.toString();
    assertEquals(3, t.chars().filter(c -> c == '\r').count());
    assertEquals(1, t.split(NL, -1).length - 1, t);
    assertTrue(t.endsWith("ETA 00:00" + NL), t);
  }

  @Test
  void shorterRedrawIsPaddedOverTheOldLine() {
    ProgressListener bar = builder(5).tty(true).build();
    bar.onIterationStart(0);
    now.addAndGet(1_000_000_000L);
    bar.onIterationEnd(result(0, 0.5));
    Metrics empty = new Metrics(1, Map.of());
    bar.onIterationEnd(new IterationResult(1, empty, List.of(), UpdateStats.empty()));
    String[] parts = text.toString().split("\r");
    assertEquals(3, parts.length);
    assertTrue(parts[2].contains("pass n/a | valid n/a | reward R n/a C n/a | loss n/a | n/a tok/s"), parts[2]);
    assertTrue(parts[2].length() >= parts[1].length(), "old text overwritten");
  }

  @Test
  void resumedRunEtaCountsOnlyThisSessionAndARestoreStartsItAgain() {
    ProgressListener bar = builder(200).tty(false).every(50).build();
    run(bar, 100, 150);
    String[] lines = lines();
    String last = lines[lines.length - 1];
    assertTrue(last.contains("it 150/200") && last.contains("00:50 < ETA 00:50"), last);

    bar.onRestore(150, Path.of("ck"));
    now.addAndGet(100_000_000_000L); // time spent restoring does not count
    bar.onIterationStart(150);
    now.addAndGet(2_000_000_000L);
    bar.onIterationEnd(result(150, 0.5));
    lines = lines();
    last = lines[lines.length - 1];
    assertTrue(last.contains("it 151/200") && last.contains("00:02 < ETA 01:38"), "first after restore is printed: " + last);
  }

  @Test
  void aListenerWithoutStartEventsCountsFromItsFirstEnd() {
    ProgressListener bar = builder(4).tty(false).every(1).build();
    bar.onIterationEnd(result(0, 0.5));
    now.addAndGet(3_000_000_000L);
    bar.onIterationEnd(result(1, 0.5));
    String[] lines = lines();
    assertTrue(lines[0].endsWith("00:00 < ETA n/a"), lines[0]);
    assertTrue(lines[1].endsWith("00:03 < ETA 00:06"), lines[1]);
  }

  @Test
  void failedIterationEndsAnOpenLineAndNamesTheIterationAndError() {
    ProgressListener bar = builder(10).tty(true).build();
    run(bar, 0, 2);
    bar.onIterationStart(2);
    bar.onIterationFailed(2, new SpiceException.BackendException("boom"));
    String t = text.toString();
    assertTrue(t.endsWith("ETA 00:08" + NL + "iteration 2 failed (state kept as before it): "
        + "dev.spice.core.SpiceException$BackendException: boom" + NL), t);
    bar.close();
    assertEquals(t, text.toString(), "nothing left open");
  }

  @Test
  void failedIterationWithoutTerminalIsALineOfItsOwn() {
    ProgressListener bar = builder(10).tty(false).build();
    run(bar, 0, 1);
    bar.onIterationFailed(1, new IllegalStateException("x"));
    String[] lines = lines();
    assertEquals(2, lines.length);
    assertEquals("iteration 1 failed (state kept as before it): java.lang.IllegalStateException: x", lines[1]);
  }

  @Test
  void warmStartStepsShowLossAndTokensPerSecondAndFailures() {
    ProgressListener bar = builder(4).tty(false).every(2).build();
    for (long s = 0; s < 3; s++) {
      bar.onStepStart(s);
      now.addAndGet(500_000_000L);
      Metrics m = new Metrics(s, Map.of(WarmStartMetricNames.LOSS, 2.5 - s, WarmStartMetricNames.TOKENS_PER_SECOND, 800.0));
      bar.onStepEnd(new WarmStartResult(s, m, List.of(), UpdateStats.empty()));
    }
    bar.onStepFailed(3, new IllegalStateException("oom"));
    String[] lines = lines();
    assertEquals(3, lines.length, text.toString());
    assertEquals("[#####...............]  25% step 1/4 | loss 2.500 | 800 tok/s | 00:01 < ETA 00:02", lines[0]);
    assertEquals("[##########..........]  50% step 2/4 | loss 1.500 | 800 tok/s | 00:01 < ETA 00:01", lines[1]);
    assertEquals("warm-start step 3 failed (state kept as before it): java.lang.IllegalStateException: oom", lines[2]);
  }

  @Test
  void messageEndsAnOpenLineAndTheBarComesBackBelowIt() {
    ProgressListener bar = builder(10).tty(true).build();
    run(bar, 0, 2);
    bar.message("probe at 2: mcq 0.500");
    run(bar, 2, 3);
    String t = text.toString();
    assertTrue(t.contains("ETA 00:08" + NL + "probe at 2: mcq 0.500" + NL + "\r["), t);
    assertTrue(t.endsWith("ETA 00:07"), t);
    bar.close();
    assertTrue(text.toString().endsWith("ETA 00:07" + NL), "close ends the open line");
  }

  @Test
  void messageWithoutTerminalIsALineOfItsOwn() {
    ProgressListener bar = builder(10).tty(false).every(5).build();
    run(bar, 0, 5);
    bar.message("probe at 5");
    String[] lines = lines();
    assertEquals(3, lines.length, text.toString());
    assertEquals("probe at 5", lines[2]);
  }

  @Test
  void noBarWithWidthZero() {
    ProgressListener bar = builder(2).tty(false).width(0).build();
    run(bar, 0, 1);
    assertTrue(lines()[0].startsWith(" 50% it 1/2 | pass 0.500"), lines()[0]);
  }

  @Test
  void aPrintStreamIsFlushedAndABrokenOutputNeverThrows() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream ps = new PrintStream(bytes, false, StandardCharsets.UTF_8);
    ProgressListener ok = ProgressListener.builder(2).output(ps).tty(false).clock(now::get).build();
    run(ok, 0, 1);
    assertTrue(bytes.toString(StandardCharsets.UTF_8).contains("it 1/2"), "flushed without autoflush");

    PrintStream broken = new PrintStream(new java.io.OutputStream() {
      @Override
      public void write(int b) {
        throw new IllegalStateException("disk full");
      }
    });
    Appendable throwing = new Appendable() {
      @Override
      public Appendable append(CharSequence csq) throws IOException {
        throw new IOException("closed");
      }

      @Override
      public Appendable append(CharSequence csq, int start, int end) throws IOException {
        throw new IOException("closed");
      }

      @Override
      public Appendable append(char c) throws IOException {
        throw new IOException("closed");
      }
    };
    for (Appendable out : List.<Appendable>of(broken, throwing)) {
      ProgressListener bar = ProgressListener.builder(3).output(out).tty(true).clock(now::get).build();
      run(bar, 0, 2);
      bar.message("m");
      bar.onIterationFailed(2, new RuntimeException("x"));
      bar.onStepFailed(2, new RuntimeException("x"));
      bar.close();
    }
  }

  @Test
  void badSettingsAreRejectedWithTheirRange() {
    var e = assertThrows(SpiceException.ConfigurationException.class, () -> SelfPlayListeners.progress(0));
    assertTrue(e.getMessage().contains("total iterations must be >= 1, got 0"), e.getMessage());
    e = assertThrows(SpiceException.ConfigurationException.class, () -> builder(5).width(2).build());
    assertTrue(e.getMessage().contains("0 (no bar) or 5 to 100"), e.getMessage());
    e = assertThrows(SpiceException.ConfigurationException.class, () -> builder(5).width(101).build());
    e = assertThrows(SpiceException.ConfigurationException.class, () -> builder(5).every(0).build());
    assertTrue(e.getMessage().contains("every must be >= 1"), e.getMessage());
    assertThrows(NullPointerException.class, () -> builder(5).output(null));
  }

  @Test
  void theSystemPropertyDecidesTheDefaultAndABadValueIsNamed() {
    String before = System.getProperty(ProgressListener.TTY_PROPERTY);
    PrintStream err = System.err;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try {
      System.setProperty(ProgressListener.TTY_PROPERTY, "true");
      assertTrue(ProgressListener.builder(3).build().tty());
      System.setProperty(ProgressListener.TTY_PROPERTY, " FALSE ");
      System.setErr(new PrintStream(bytes, true, StandardCharsets.UTF_8));
      ProgressListener bar = WarmStartListeners.progress(3);
      assertFalse(bar.tty());
      bar.onStepEnd(new WarmStartResult(0, new Metrics(0, Map.of()), List.of(), UpdateStats.empty()));
      assertTrue(bytes.toString(StandardCharsets.UTF_8).contains("step 1/3 | loss n/a"), "standard error by default");
      System.setProperty(ProgressListener.TTY_PROPERTY, "yes");
      var e = assertThrows(SpiceException.ConfigurationException.class, () -> SelfPlayListeners.progress(3));
      assertEquals("system property spice.progress.tty must be true or false, got 'yes'", e.getMessage());
      assertFalse(ProgressListener.builder(3).tty(false).build().tty(), "an explicit tty() does not read it");
    } finally {
      System.setErr(err);
      if (before == null) {
        System.clearProperty(ProgressListener.TTY_PROPERTY);
      } else {
        System.setProperty(ProgressListener.TTY_PROPERTY, before);
      }
    }
  }

  @Test
  void clockFormats() {
    assertEquals("00:59", ProgressLines.clock(59.4));
    assertEquals("01:00", ProgressLines.clock(59.6));
    assertEquals("1:01:01", ProgressLines.clock(3661));
    assertEquals("00:00", ProgressLines.clock(-3));
  }

  @Test
  void theEngineFeedsItRealFigures() {
    List<Document> docs = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      docs.add(Document.of("d" + i, "fact" + i + " value " + (i * 3 % 10), "s"));
    }
    try (ProgressListener bar = ProgressListener.builder(3).output(text).tty(false).every(1).build();
        SelfPlay spice = SelfPlay.builder().policy(SelfPlayTest.randomPolicy()).corpus(new ListCorpus("s", docs, 5))
            .recipe(TestRecipes.recipe(2, 4)).batchSize(3).seed(9).listener(bar).build()) {
      spice.run(3);
    }
    String[] lines = lines();
    assertEquals(3, lines.length, text.toString());
    for (int i = 0; i < 3; i++) {
      assertTrue(lines[i].contains("it " + (i + 1) + "/3 | pass "), lines[i]);
      assertFalse(lines[i].contains("valid n/a"), lines[i]);
      assertFalse(lines[i].contains("n/a tok/s"), "the engine reports tokens per second: " + lines[i]);
    }
  }

  @Test
  void theWarmStartFeedsItRealFigures(@TempDir Path dir) {
    List<Document> docs = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      docs.add(Document.of("d" + i, "w1 w2 w3 w" + i, "c"));
    }
    try (ProgressListener bar = ProgressListener.builder(2).output(text).tty(false).every(1).build();
        WarmStart warm = WarmStart.builder().policy(SelfPlayTest.randomPolicy()).corpus(new ListCorpus("c", docs, 1))
            .maxTokens(8).documentsPerStep(2).seed(1).listener(bar).build()) {
      warm.run(2);
    }
    String[] lines = lines();
    assertEquals(2, lines.length, text.toString());
    assertTrue(lines[1].contains("100% step 2/2 | loss "), lines[1]);
    assertFalse(lines[1].contains("loss n/a"), lines[1]);
  }
}
