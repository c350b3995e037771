package dev.spice.examples.quickstart;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.AnswerType;
import dev.spice.core.ChallengerAttempt;
import dev.spice.core.ChallengerOutcome;
import dev.spice.core.Completion;
import dev.spice.core.Document;
import dev.spice.core.Prompt;
import dev.spice.core.Role;
import dev.spice.core.Task;
import dev.spice.core.TaskFormat;
import dev.spice.core.UpdateStats;
import dev.spice.core.engine.DocumentRollout;
import dev.spice.core.engine.IterationResult;
import dev.spice.core.engine.Metrics;
import dev.spice.core.internal.json.Json;
import dev.spice.examples.report.QuickstartReport;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChallengerStatsTest {
  private static final Document DOC = Document.of("d", "text", "test");
  private static final List<String> FIELDS = List.of("capital", "currency", "language");

  private static ChallengerOutcome valid(String field, TaskFormat format, double... correct) {
    Task t = format == TaskFormat.MULTIPLE_CHOICE
        ? new Task("q", format, List.of("a", "b", "c", "d"), "A", AnswerType.CHOICE, Map.of("field", field))
        : new Task("q", format, List.of(), "x", AnswerType.STRING, Map.of("field", field));
    return new ChallengerOutcome(ChallengerAttempt.valid(DOC, Prompt.of(Role.CHALLENGER, "p"), completion(), t), correct);
  }

  private static ChallengerOutcome invalid() {
    return new ChallengerOutcome(ChallengerAttempt.invalid(DOC, Prompt.of(Role.CHALLENGER, "p"), completion(), "bad"),
        new double[0]);
  }

  private static Completion completion() {
    return new Completion("t", new int[0], new int[0], new float[0], Completion.FinishReason.STOP);
  }

  private static IterationResult iteration(long it, ChallengerOutcome... kept) {
    DocumentRollout d = new DocumentRollout(DOC, kept.length, kept.length, List.of(kept), new double[kept.length],
        new double[kept.length], -1, List.of(), new double[0], new double[0]);
    return new IterationResult(it, new Metrics(it, Map.of()), List.of(d), UpdateStats.empty());
  }

  @Test
  void entropyOfCounts() {
    assertEquals(Math.log(4), ChallengerStats.entropy(new long[] {3, 3, 3, 3}), 1e-12);
    assertEquals(0.0, ChallengerStats.entropy(new long[] {0, 7, 0}));
    assertTrue(Double.isNaN(ChallengerStats.entropy(new long[] {0, 0})));
    double q = 0.25;
    assertEquals(-(q * Math.log(q) + (1 - q) * Math.log(1 - q)), ChallengerStats.entropy(new long[] {1, 3}), 1e-12);
  }

  @Test
  void windowsCountValidTasksByFieldAndFormat() {
    ChallengerStats s = new ChallengerStats(FIELDS, 100);
    s.closeWindow(0);
    assertTrue(Double.isNaN(s.lastFieldEntropy()), "an empty window has no entropy");
    s.record(iteration(50, valid("capital", TaskFormat.FREE_FORM, 1), valid("currency", TaskFormat.MULTIPLE_CHOICE, 0),
        invalid(), valid("unknown_field", TaskFormat.FREE_FORM, 1)));
    s.closeWindow(51);
    assertEquals(Math.log(2), s.lastFieldEntropy(), 1e-12, "capital and currency once each; the unknown field is not counted");
    assertEquals(-(1 / 3.0 * Math.log(1 / 3.0) + 2 / 3.0 * Math.log(2 / 3.0)), s.lastFormatEntropy(), 1e-12);
    s.closeWindow(52);
    assertTrue(Double.isNaN(s.lastFieldEntropy()), "a window starts empty");
    QuickstartReport.Entropy e = s.entropy();
    assertArrayEquals(new long[] {0, 51, 52}, e.iterations());
    assertEquals(Math.log(3), e.fieldMax(), 1e-12);
    assertEquals(Math.log(2), e.formatMax(), 1e-12);
  }

  @Test
  void histogramsCoverTheFirstAndLastTenth() {
    ChallengerStats s = new ChallengerStats(FIELDS, 100);
    s.record(iteration(9, valid("capital", TaskFormat.FREE_FORM, 0, 0, 0, 0), valid("capital", TaskFormat.FREE_FORM, 1)));
    s.record(iteration(10, valid("capital", TaskFormat.FREE_FORM, 1, 0)));
    s.record(iteration(89, valid("capital", TaskFormat.FREE_FORM, 1, 0)));
    s.record(iteration(90, valid("capital", TaskFormat.FREE_FORM, 1, 1, 1, 0), invalid()));
    QuickstartReport.Difficulty d = s.difficulty();
    assertArrayEquals(new double[] {0, 0.125, 0.25, 0.375, 0.5, 0.625, 0.75, 0.875, 1}, d.binEdges());
    assertArrayEquals(new long[] {1, 0, 0, 0, 0, 0, 0, 1}, d.earlyCounts(), "pass rate 1 falls in the last bin");
    assertArrayEquals(new long[] {0, 0, 0, 0, 0, 0, 1, 0}, d.lateCounts());
  }

  @Test
  void aShortRunHasOneEarlyAndOneLateIteration() {
    ChallengerStats s = new ChallengerStats(FIELDS, 5);
    s.record(iteration(0, valid("capital", TaskFormat.FREE_FORM, 0)));
    s.record(iteration(1, valid("capital", TaskFormat.FREE_FORM, 0)));
    s.record(iteration(4, valid("capital", TaskFormat.FREE_FORM, 1)));
    assertArrayEquals(new long[] {1, 0, 0, 0, 0, 0, 0, 0}, s.difficulty().earlyCounts());
    assertArrayEquals(new long[] {0, 0, 0, 0, 0, 0, 0, 1}, s.difficulty().lateCounts());
  }

  @Test
  void stateRoundTripsThroughJson() {
    ChallengerStats a = new ChallengerStats(FIELDS, 100);
    a.record(iteration(3, valid("language", TaskFormat.MULTIPLE_CHOICE, 1, 0)));
    a.closeWindow(4);
    a.record(iteration(95, valid("capital", TaskFormat.FREE_FORM, 1)));
    Map<String, Object> st = new LinkedHashMap<>();
    a.save(st);
    assertEquals(List.of("entropy_iterations", "entropy_field", "entropy_format", "window_field", "window_format",
        "closed_window_field", "closed_window_format", "pass_rate_histograms"), new ArrayList<>(st.keySet()));
    ChallengerStats b = new ChallengerStats(FIELDS, 100);
    b.load(Json.parseObject(Json.write(st)));
    Map<String, Object> again = new LinkedHashMap<>();
    b.save(again);
    assertEquals(Json.write(st), Json.write(again));
    a.closeWindow(96);
    b.closeWindow(96);
    assertEquals(Json.write(a.entropy().toMap()), Json.write(b.entropy().toMap()), "the open window was restored");
  }

  @Test
  void theTenthsFollowTheIterationCountOfTheStatsThatLoadTheState() {
    ChallengerStats a = new ChallengerStats(FIELDS, 20);
    a.record(iteration(1, valid("capital", TaskFormat.FREE_FORM, 0)));
    a.record(iteration(3, valid("capital", TaskFormat.FREE_FORM, 1)));
    a.record(iteration(18, valid("capital", TaskFormat.FREE_FORM, 1, 0)));
    assertArrayEquals(new long[] {1, 0, 0, 0, 0, 0, 0, 0}, a.difficulty().earlyCounts(), "first tenth of 20: 0..1");
    assertArrayEquals(new long[] {0, 0, 0, 0, 1, 0, 0, 0}, a.difficulty().lateCounts(), "last tenth of 20: 18..19");
    Map<String, Object> st = new LinkedHashMap<>();
    a.save(st);
    ChallengerStats b = new ChallengerStats(FIELDS, 40);
    b.load(Json.parseObject(Json.write(st)));
    assertArrayEquals(new long[] {1, 0, 0, 0, 0, 0, 0, 1}, b.difficulty().earlyCounts(), "first tenth of 40: 0..3");
    assertArrayEquals(new long[8], b.difficulty().lateCounts(), "last tenth of 40: 36..39, not run yet");
  }

  @Test
  void aReopenedWindowCountsAsIfItHadNeverBeenClosed() {
    ChallengerStats once = new ChallengerStats(FIELDS, 100);
    ChallengerStats reopened = new ChallengerStats(FIELDS, 100);
    for (ChallengerStats s : List.of(once, reopened)) {
      s.closeWindow(0);
      s.record(iteration(1, valid("capital", TaskFormat.FREE_FORM, 1), valid("currency", TaskFormat.FREE_FORM, 0)));
    }
    reopened.closeWindow(2);
    reopened.reopenLastWindow();
    for (ChallengerStats s : List.of(once, reopened)) {
      s.record(iteration(2, valid("language", TaskFormat.MULTIPLE_CHOICE, 1)));
      s.closeWindow(4);
    }
    assertEquals(Json.write(once.entropy().toMap()), Json.write(reopened.entropy().toMap()));
    assertArrayEquals(new long[] {0, 4}, reopened.entropy().iterations());
    org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
        () -> new ChallengerStats(FIELDS, 5).reopenLastWindow());
  }

  @Test
  void aStateWithoutTheHistogramsIsRefusedByName() {
    ChallengerStats a = new ChallengerStats(FIELDS, 100);
    Map<String, Object> st = new LinkedHashMap<>();
    a.save(st);
    st.remove("pass_rate_histograms");
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> new ChallengerStats(FIELDS, 100).load(Json.parseObject(Json.write(st))));
    assertTrue(e.getMessage().contains("'pass_rate_histograms'"), e.getMessage());
  }
}
