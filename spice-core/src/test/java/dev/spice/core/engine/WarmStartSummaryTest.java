package dev.spice.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.CorpusCursor;
import dev.spice.core.Demonstration;
import dev.spice.core.Document;
import dev.spice.core.Prompt;
import dev.spice.core.Role;
import dev.spice.core.SpiceException;
import dev.spice.core.UpdateStats;
import dev.spice.core.testing.ListCorpus;
import dev.spice.core.testing.ScriptedPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** {@link WarmStart#run(int)} and {@link WarmStart#runUntil} return a bounded {@link WarmStartSummary}. */
class WarmStartSummaryTest {
  private static final List<Demonstration> DEMOS = List.of(
      new Demonstration(Prompt.of(Role.REASONER, "w1 w2"), "w3"),
      new Demonstration(Prompt.of(Role.REASONER, "w4"), "w5 w6"),
      new Demonstration(Prompt.of(Role.REASONER, "w7 w8 w9"), "w10"));

  private static String words(int from, int len) {
    return IntStream.range(from, from + len).mapToObj(k -> "w" + (k % 40)).collect(Collectors.joining(" "));
  }

  private static ScriptedPolicy policy() {
    ScriptedPolicy p = new ScriptedPolicy((prompt, row, seed, pol) -> "");
    p.tokenize(words(0, 40));
    return p;
  }

  /** Documents of 0 to 12 tokens: some are skipped, some cut. */
  private static ListCorpus corpus(int documents) {
    List<Document> docs = new ArrayList<>();
    for (int i = 0; i < documents; i++) {
      docs.add(Document.of("d" + i, words(3 * i, (i * 5) % 13), "c"));
    }
    return new ListCorpus("c", docs, 11);
  }

  private static WarmStart.Builder builder(ScriptedPolicy p) {
    return WarmStart.builder().policy(p).corpus(corpus(9)).maxTokens(6).documentsPerStep(3).seed(21)
        .demonstrations(DEMOS, 2);
  }

  /** Every result a run produced, from its listener. */
  private static final class Seen implements WarmStartListener {
    final List<WarmStartResult> results = new ArrayList<>();
    final List<String> events = new ArrayList<>();

    @Override
    public void onStepStart(long step) {
      events.add("start " + step);
    }

    @Override
    public void onStepEnd(WarmStartResult result) {
      results.add(result);
    }
  }

  /** The mean of each metric's finite values over {@code results}, summed in step order, as written by hand. */
  private static Map<String, Double> handMeans(List<WarmStartResult> results) {
    TreeSet<String> names = new TreeSet<>();
    results.forEach(r -> names.addAll(r.metrics().values().keySet()));
    Map<String, Double> means = new HashMap<>();
    for (String name : names) {
      double sum = 0;
      int n = 0;
      for (WarmStartResult r : results) {
        Double v = r.metrics().values().get(name);
        if (v != null && Double.isFinite(v)) {
          sum += v;
          n++;
        }
      }
      means.put(name, n == 0 ? Double.NaN : sum / n);
    }
    return means;
  }

  /** Metrics without the wall-clock ones. */
  private static Map<String, Double> stable(Map<String, Double> values) {
    Map<String, Double> v = new HashMap<>(values);
    v.remove(WarmStartMetricNames.STEP_TIME);
    v.remove(WarmStartMetricNames.TOKENS_PER_SECOND);
    return v;
  }

  @Test
  void theSummaryHasTheLastResultAndTheExactMeanOfEveryMetric() {
    Seen seen = new Seen();
    ScriptedPolicy p = policy();
    WarmStartSummary summary;
    try (WarmStart warm = builder(p).listener(seen).build()) {
      summary = warm.run(7);
      assertEquals(7, warm.completedSteps());
    }
    assertEquals(7, summary.steps());
    assertEquals(7, summary.nextStep());
    assertFalse(summary.stoppedEarly());
    assertTrue(!summary.wallTime().isNegative());
    assertEquals(7, seen.results.size(), "the listener saw every step");
    assertEquals(seen.results.get(6), summary.last().orElseThrow());
    assertEquals(seen.results.get(6).metrics(), summary.lastMetrics().orElseThrow());
    assertEquals(handMeans(seen.results), summary.meanMetrics(), "every metric's mean, wall-clock ones included");
    double tokens = summary.mean(WarmStartMetricNames.TOKENS);
    assertTrue(tokens > 0 && tokens != Math.rint(tokens), "the steps' token counts differ: " + tokens);
    assertTrue(Double.isNaN(summary.mean("no/such_metric")));

    // run(n) trains on the samples of n step() calls and its last result is theirs
    ScriptedPolicy q = policy();
    List<WarmStartResult> stepped = Runs.steps(builder(q).build(), 7);
    assertEquals(q.supervisedUpdates(), p.supervisedUpdates());
    WarmStartResult last = summary.last().orElseThrow();
    assertEquals(stepped.get(6).documents(), last.documents());
    assertEquals(stepped.get(6).demonstrations(), last.demonstrations());
    assertEquals(stable(stepped.get(6).metrics().values()), stable(last.metrics().values()));
    assertEquals(stable(handMeans(stepped)), stable(summary.meanMetrics()));
  }

  @Test
  void nanLossesOfStepsWithoutSamplesAreNotCountedAndANeverFiniteMetricIsNan() {
    // one document per step, no demonstrations: documents of 0 or 1 token give steps without samples
    Seen seen = new Seen();
    WarmStartSummary s;
    try (WarmStart warm = WarmStart.builder().policy(policy()).corpus(corpus(9)).maxTokens(6).documentsPerStep(1)
        .listener(seen).build()) {
      s = warm.run(9);
    }
    long nan = seen.results.stream().filter(r -> Double.isNaN(r.metrics().get(WarmStartMetricNames.LOSS))).count();
    assertTrue(nan > 0 && nan < 9, "some steps, not all, had no sample: " + nan);
    assertEquals(Math.log(2), s.mean(WarmStartMetricNames.LOSS), 1e-15, "the finite losses are all ln 2");
    assertEquals(handMeans(seen.results), s.meanMetrics());
    assertEquals((double) nan / 9, s.mean(WarmStartMetricNames.UPDATE_SKIPPED), 0);

    // only skipped documents: the loss is never finite
    List<Document> empty = List.of(Document.of("e", "", "c"), Document.of("one", "w1", "c"));
    WarmStartSummary never;
    try (WarmStart warm = WarmStart.builder().policy(policy()).corpus(new ListCorpus("c", empty, 1)).maxTokens(6)
        .documentsPerStep(2).build()) {
      never = warm.run(3);
    }
    assertTrue(never.meanMetrics().containsKey(WarmStartMetricNames.LOSS), "a metric seen only as NaN is listed");
    assertTrue(Double.isNaN(never.mean(WarmStartMetricNames.LOSS)));
    assertTrue(Double.isNaN(never.mean(WarmStartMetricNames.GRAD_NORM)));
    assertEquals(2.0, never.mean(WarmStartMetricNames.SKIPPED_DOCUMENTS), 0);
  }

  @Test
  void meansSkipNanAndInfiniteValuesFromTheLoop() {
    Iterator<WarmStartResult> results = List.of(
        result(0, Map.of("a", 1.0, "b", Double.NaN, "c", Double.NaN)),
        result(1, Map.of("a", 2.0, "b", 4.0)),
        result(2, Map.of("a", Double.NEGATIVE_INFINITY, "b", Double.NaN, "c", Double.NaN))).iterator();
    long[] next = {20};
    WarmStartSummary s = RunLoop.warmStart(() -> {
      next[0]++;
      return results.next();
    }, () -> next[0], 3, r -> false);
    assertEquals(1.5, s.mean("a"), 0, "infinite values are not counted");
    assertEquals(4.0, s.mean("b"), 0, "NaN values are not counted");
    assertTrue(Double.isNaN(s.mean("c")));
    assertTrue(s.meanMetrics().containsKey("c"));
    assertEquals(23, s.nextStep());
    assertEquals(2, s.last().orElseThrow().step());
  }

  @Test
  void runUntilStopsWhenThePredicateHoldsAndSaysSo() {
    try (WarmStart warm = builder(policy()).build()) {
      warm.step();
      List<Long> tested = new ArrayList<>();
      WarmStartSummary s = warm.runUntil(10, r -> {
        tested.add(r.step());
        return r.step() == 3;
      });
      assertEquals(List.of(1L, 2L, 3L), tested, "tested after each step, in order");
      assertEquals(3, s.steps());
      assertEquals(4, s.nextStep());
      assertTrue(s.stoppedEarly());
      assertEquals(3, s.last().orElseThrow().step());
      WarmStartSummary atLimit = warm.runUntil(2, r -> false);
      assertFalse(atLimit.stoppedEarly());
      assertEquals(2, atLimit.steps());
      assertEquals(6, atLimit.nextStep());
      assertEquals(6, warm.completedSteps());
    }
  }

  @Test
  void zeroStepsGiveAnEmptySummaryAndDoNothing() {
    Seen seen = new Seen();
    ScriptedPolicy p = policy();
    try (WarmStart warm = builder(p).listener(seen).build()) {
      warm.step();
      WarmStartSummary s = warm.run(0);
      assertEquals(0, s.steps());
      assertEquals(1, s.nextStep());
      assertTrue(s.last().isEmpty());
      assertTrue(s.lastMetrics().isEmpty());
      assertTrue(s.meanMetrics().isEmpty());
      assertFalse(s.stoppedEarly());
      assertFalse(warm.runUntil(0, r -> true).stoppedEarly(), "no step, so the predicate never ran");
      assertEquals(1, warm.completedSteps());
    }
    assertEquals(List.of("start 0"), seen.events);
    assertEquals(1, p.supervisedUpdates().size());
  }

  @Test
  void badArgumentsAreRefusedBeforeAnyStep() {
    Seen seen = new Seen();
    ScriptedPolicy p = policy();
    ListCorpus corpus = corpus(9);
    CorpusCursor before = corpus.cursor();
    try (WarmStart warm = builder(p).corpus(corpus).listener(seen).build()) {
      IllegalArgumentException neg = assertThrows(IllegalArgumentException.class, () -> warm.run(-1));
      assertEquals("steps must be >= 0, got -1", neg.getMessage());
      IllegalArgumentException until = assertThrows(IllegalArgumentException.class,
          () -> warm.runUntil(-2, r -> true));
      assertEquals("steps must be >= 0, got -2", until.getMessage());
      NullPointerException nul = assertThrows(NullPointerException.class, () -> warm.runUntil(2, null));
      assertEquals("stop", nul.getMessage());
      assertEquals(0, warm.completedSteps());
    }
    assertEquals(before, corpus.cursor(), "no document was read");
    assertTrue(p.supervisedUpdates().isEmpty());
    assertTrue(seen.events.isEmpty(), "no step started");
  }

  @Test
  void aFailedStepPropagatesAndTheStepsBeforeItStayDone() {
    ScriptedPolicy p = policy();
    try (WarmStart warm = builder(p).build()) {
      warm.run(2);
      p.failNextUpdate();
      SpiceException.BackendException e = assertThrows(SpiceException.BackendException.class, () -> warm.run(3));
      assertEquals("scripted update failure", e.getMessage());
      assertEquals(2, warm.completedSteps());
      WarmStartSummary s = warm.run(3);
      assertEquals(5, s.nextStep());
    }
    assertEquals(5, p.supervisedUpdates().size());
  }

  @Test
  void theRecordChecksItsFields() {
    WarmStartResult r = result(0, Map.of());
    Duration d = Duration.ZERO;
    IllegalArgumentException absent = assertThrows(IllegalArgumentException.class,
        () -> new WarmStartSummary(0, 1, Optional.of(r), Map.of(), d, false));
    assertEquals("last must be present exactly when steps > 0, got steps 0 and last present", absent.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new WarmStartSummary(1, 1, Optional.empty(), Map.of(), d, false));
    assertThrows(IllegalArgumentException.class, () -> new WarmStartSummary(-1, 1, Optional.empty(), Map.of(), d, false));
    IllegalArgumentException order = assertThrows(IllegalArgumentException.class,
        () -> new WarmStartSummary(2, 1, Optional.of(r), Map.of(), d, false));
    assertEquals("need 0 <= steps <= nextStep, got steps 2, nextStep 1", order.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> new WarmStartSummary(1, 1, Optional.of(r), Map.of(), Duration.ofSeconds(-1), false));
    assertThrows(NullPointerException.class, () -> new WarmStartSummary(1, 1, null, Map.of(), d, false));
    assertThrows(NullPointerException.class, () -> new WarmStartSummary(1, 1, Optional.of(r), null, d, false));
    assertThrows(NullPointerException.class, () -> new WarmStartSummary(1, 1, Optional.of(r), Map.of(), null, false));
    Map<String, Double> means = new HashMap<>(Map.of("b", 1.0, "a", 2.0));
    WarmStartSummary s = new WarmStartSummary(1, 1, Optional.of(r), means, d, false);
    means.put("c", 3.0);
    assertEquals(List.of("a", "b"), List.copyOf(s.meanMetrics().keySet()), "copied and sorted by name");
    assertThrows(UnsupportedOperationException.class, () -> s.meanMetrics().put("x", 1.0));
  }

  private static WarmStartResult result(long step, Map<String, Double> values) {
    return new WarmStartResult(step, new Metrics(step, values), List.of(), UpdateStats.empty());
  }
}
