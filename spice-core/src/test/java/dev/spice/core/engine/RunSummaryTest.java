package dev.spice.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.Document;
import dev.spice.core.UpdateStats;
import dev.spice.core.testing.ListCorpus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** {@link SelfPlay#run(int)} and {@link SelfPlay#runUntil} return a bounded {@link RunSummary}. */
class RunSummaryTest {
  private static SelfPlay engine() {
    List<Document> docs = new ArrayList<>();
    for (int i = 0; i < 13; i++) {
      docs.add(Document.of("doc" + i, "fact" + i + " value " + (i * 7 % 10), "facts"));
    }
    return SelfPlay.builder().policy(SelfPlayTest.randomPolicy()).corpus(new ListCorpus("facts", docs, 11))
        .recipe(TestRecipes.recipe(4, 4)).batchSize(5).seed(99).build();
  }

  /** Metrics without the wall-clock ones. */
  private static Map<String, Double> stable(Map<String, Double> values) {
    Map<String, Double> v = new HashMap<>(values);
    v.keySet().removeIf(k -> k.equals(MetricNames.STEP_TIME) || k.equals(MetricNames.TOKENS_PER_SECOND)
        || k.startsWith(MetricNames.TIMING_PREFIX));
    return v;
  }

  @Test
  void theSummaryHasTheLastResultOfTheSameRunAndTheMeanOfEveryMetric() {
    RunSummary summary = engine().run(6);
    List<IterationResult> stepped = Runs.steps(engine(), 6);

    assertEquals(6, summary.iterations());
    assertEquals(6, summary.nextIteration());
    assertFalse(summary.stoppedEarly());
    IterationResult last = summary.last().orElseThrow();
    IterationResult expected = stepped.get(5);
    assertEquals(5, last.iteration());
    assertEquals(expected.documents(), last.documents(), "run(n) and step() give the same rollouts");
    assertEquals(stable(expected.metrics().values()), stable(last.metrics().values()));
    assertEquals(last.metrics(), summary.lastMetrics().orElseThrow());

    TreeSet<String> names = new TreeSet<>();
    stepped.forEach(r -> names.addAll(r.metrics().values().keySet()));
    assertEquals(names, summary.meanMetrics().keySet());
    for (String name : stable(summary.meanMetrics()).keySet()) {
      double sum = 0;
      int n = 0;
      for (IterationResult r : stepped) {
        double v = r.metrics().get(name);
        if (Double.isFinite(v)) {
          sum += v;
          n++;
        }
      }
      assertEquals(n == 0 ? Double.NaN : sum / n, summary.mean(name), 0, name);
    }
    double passRate = summary.mean(MetricNames.REASONER_PASS_RATE);
    assertTrue(passRate > 0 && passRate < 1, "the scripted run has a mixed pass rate: " + passRate);
    assertTrue(Double.isNaN(summary.mean("no/such_metric")));
  }

  @Test
  void meansSkipNanAndMissingValuesAndAreNanWhenNeverFinite() {
    Iterator<IterationResult> results = List.of(
        result(0, Map.of("a", 1.0, "b", Double.NaN, "c", Double.NaN)),
        result(1, Map.of("a", 2.0, "b", 4.0)),
        result(2, Map.of("a", Double.POSITIVE_INFINITY, "b", Double.NaN, "c", Double.NaN))).iterator();
    long[] next = {10};
    RunSummary s = RunLoop.run(() -> {
      next[0]++;
      return results.next();
    }, () -> next[0], 3, r -> false);
    assertEquals(1.5, s.mean("a"), 0, "infinite values are not counted");
    assertEquals(4.0, s.mean("b"), 0, "NaN values are not counted");
    assertTrue(Double.isNaN(s.mean("c")));
    assertTrue(s.meanMetrics().containsKey("c"), "a metric seen only as NaN is still listed");
    assertEquals(13, s.nextIteration());
    assertEquals(2, s.last().orElseThrow().iteration());
  }

  @Test
  void runUntilStopsWhenThePredicateHoldsAndSaysSo() {
    SelfPlay e = engine();
    e.step();
    RunSummary s = e.runUntil(10, r -> r.iteration() == 2);
    assertEquals(2, s.iterations());
    assertEquals(3, s.nextIteration());
    assertTrue(s.stoppedEarly());
    RunSummary atLimit = e.runUntil(2, r -> false);
    assertFalse(atLimit.stoppedEarly());
    assertEquals(5, atLimit.nextIteration());
  }

  @Test
  void zeroIterationsGiveAnEmptySummary() {
    SelfPlay e = engine();
    e.step();
    RunSummary s = e.run(0);
    assertEquals(0, s.iterations());
    assertEquals(1, s.nextIteration());
    assertTrue(s.last().isEmpty());
    assertTrue(s.meanMetrics().isEmpty());
    assertTrue(s.lastMetrics().isEmpty());
  }

  @Test
  void badArgumentsAreRefusedBeforeAnyIteration() {
    SelfPlay e = engine();
    IllegalArgumentException neg = assertThrows(IllegalArgumentException.class, () -> e.run(-1));
    assertTrue(neg.getMessage().contains("-1"), neg.getMessage());
    assertThrows(IllegalArgumentException.class, () -> e.runUntil(-2, r -> true));
    assertThrows(NullPointerException.class, () -> e.runUntil(2, null));
    assertEquals(0, e.iteration());
  }

  @Test
  void theRecordChecksItsFields() {
    IterationResult r = result(0, Map.of());
    Duration d = Duration.ZERO;
    assertThrows(IllegalArgumentException.class, () -> new RunSummary(0, 1, Optional.of(r), Map.of(), d, false));
    assertThrows(IllegalArgumentException.class, () -> new RunSummary(1, 1, Optional.empty(), Map.of(), d, false));
    assertThrows(IllegalArgumentException.class, () -> new RunSummary(-1, 1, Optional.empty(), Map.of(), d, false));
    assertThrows(IllegalArgumentException.class, () -> new RunSummary(2, 1, Optional.of(r), Map.of(), d, false));
    assertThrows(IllegalArgumentException.class,
        () -> new RunSummary(1, 1, Optional.of(r), Map.of(), Duration.ofSeconds(-1), false));
    Map<String, Double> means = new HashMap<>(Map.of("b", 1.0, "a", 2.0));
    RunSummary s = new RunSummary(1, 1, Optional.of(r), means, d, false);
    means.put("c", 3.0);
    assertEquals(List.of("a", "b"), List.copyOf(s.meanMetrics().keySet()), "copied and sorted by name");
    assertThrows(UnsupportedOperationException.class, () -> s.meanMetrics().put("x", 1.0));
  }

  private static IterationResult result(long iteration, Map<String, Double> values) {
    return new IterationResult(iteration, new Metrics(iteration, values), List.of(), UpdateStats.empty());
  }
}
