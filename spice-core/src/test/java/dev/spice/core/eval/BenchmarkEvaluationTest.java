package dev.spice.core.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.AnswerType;
import dev.spice.core.Completion;
import dev.spice.core.PolicyBackend;
import dev.spice.core.Prompt;
import dev.spice.core.SamplingParams;
import dev.spice.core.SpiceException;
import dev.spice.core.Task;
import dev.spice.core.internal.json.Json;
import dev.spice.core.testing.BrokenBackend;
import dev.spice.core.testing.ScriptedPolicy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Benchmark scores on a table-driven fake backend, with figures worked out by hand. */
class BenchmarkEvaluationTest {
  /**
   * Answers "answer QUESTION" prompts from a table: top-k 1 calls give the greedy answer, other
   * calls give the question's sampled answers in order. Records every call's size and settings.
   */
  static final class TableBackend implements PolicyBackend {
    final Map<String, String> greedy = new HashMap<>();
    final Map<String, List<String>> sampled = new HashMap<>();
    final Map<String, Integer> next = new HashMap<>();
    final List<Integer> batchSizes = new ArrayList<>();
    final List<SamplingParams> params = new ArrayList<>();

    TableBackend item(String question, String greedyAnswer, String... samples) {
      greedy.put(question, greedyAnswer);
      sampled.put(question, List.of(samples));
      return this;
    }

    @Override
    public String name() {
      return "table";
    }

    @Override
    public List<Completion> generate(List<Prompt> prompts, SamplingParams p) {
      batchSizes.add(prompts.size());
      params.add(p);
      List<Completion> out = new ArrayList<>();
      for (Prompt prompt : prompts) {
        String q = prompt.text().substring("answer ".length());
        String text = p.topK() == 1 ? greedy.get(q) : sampled.get(q).get(next.merge(q, 1, Integer::sum) - 1);
        out.add(new Completion(text, new int[0], new int[0], new float[0], Completion.FinishReason.STOP));
      }
      return out;
    }

    @Override
    public List<float[]> scoreContinuations(List<Prompt> prompts, List<int[]> continuations) {
      throw new UnsupportedOperationException();
    }

    @Override
    public int[] tokenize(String text) {
      return new int[0];
    }

    @Override
    public String detokenize(int[] tokens) {
      return "";
    }
  }

  static BenchmarkItem item(String id, String category, String question, String gold) {
    return new BenchmarkItem(id, category, Task.freeForm(question, gold, AnswerType.STRING));
  }

  static final BenchmarkSet SET = new BenchmarkSet("hand", List.of(
      item("q1", "geo", "capital of France", "paris"),
      item("q2", "geo", "capital of Italy", "rome"),
      item("q3", "math", "17 + 25", "42")), 2, List.of("hand.jsonl:4: field 'answer' is missing"));

  /** q1: greedy right, 2 of 4 samples right, 1 blank; q2: greedy blank, 0 of 4; q3: greedy wrong, 1 of 4, 3 blank. */
  static TableBackend table() {
    return new TableBackend()
        .item("capital of France", "paris", "paris", "lyon", "", "paris")
        .item("capital of Italy", "", "milan", "milan", "milan", "milan")
        .item("17 + 25", "41", "42", "", "", "");
  }

  static BenchmarkEvaluation.Builder base() {
    return BenchmarkEvaluation.builder().reasoner(CoevolutionEvaluationTest.REASONER)
        .reward(CoevolutionEvaluationTest.EXACT.async());
  }

  @Test
  void handWorkedFigures() {
    TableBackend b = table();
    BenchmarkResult r = base().greedy(SamplingParams.defaults(8)).sampled(SamplingParams.defaults(8), 4).seed(5)
        .batchSize(5).build().evaluate(b, SET);

    BenchmarkResult.Scores all = r.overall();
    assertEquals(3, all.items());
    assertEquals(1.0 / 3, all.passAt1(), 1e-12);
    assertEquals((2 / 4.0 + 0 + 1 / 4.0) / 3, all.meanAtK(), 1e-12);
    assertEquals(2.0 / 3, all.passAtK(), 1e-12, "q1 and q3 have a correct sample");
    assertEquals(1.0 / 3, all.greedyNoAnswerRate(), 1e-12);
    assertEquals((1 / 4.0 + 0 + 3 / 4.0) / 3, all.sampledNoAnswerRate(), 1e-12);

    assertEquals(List.of("geo", "math"), List.copyOf(r.categories().keySet()));
    BenchmarkResult.Scores geo = r.categories().get("geo");
    assertEquals(new BenchmarkResult.Scores(2, 0.5, 0.25, 0.5, 0.5, 0.125), geo);
    assertEquals(new BenchmarkResult.Scores(1, 0.0, 0.25, 1.0, 0.0, 0.75), r.categories().get("math"));

    assertEquals(List.of(
        new BenchmarkResult.ItemScore("q1", "geo", true, "paris", 2, 3),
        new BenchmarkResult.ItemScore("q2", "geo", false, null, 0, 4),
        new BenchmarkResult.ItemScore("q3", "math", false, "41", 1, 1)), r.items());
    assertEquals("hand", r.benchmark());
    assertEquals("table", r.backend());
    assertEquals(2, r.skippedLines());
    assertEquals(SET.skipReasons(), r.skipReasons());

    // greedy: one call of 3 prompts at top-k 1 and the seed itself; sampled: 12 prompts in batches of 5
    assertEquals(List.of(3, 5, 5, 2), b.batchSizes);
    assertEquals(1, b.params.get(0).topK());
    assertEquals(5, b.params.get(0).seed());
    assertEquals(0, b.params.get(1).topK());
    assertEquals(3, b.params.subList(1, 4).stream().map(SamplingParams::seed).distinct().count());
  }

  @Test
  void batchSizeDoesNotChangeTheFiguresOfASeedBlindBackend() {
    BenchmarkResult small = base().greedy(SamplingParams.defaults(8)).sampled(SamplingParams.defaults(8), 4)
        .batchSize(1).build().evaluate(table(), SET);
    BenchmarkResult big = base().greedy(SamplingParams.defaults(8)).sampled(SamplingParams.defaults(8), 4)
        .batchSize(100).build().evaluate(table(), SET);
    assertEquals(small, big);
  }

  @Test
  void passAtKEstimator() {
    assertEquals(0.0, BenchmarkResult.passAtK(4, 0, 4));
    assertEquals(1.0, BenchmarkResult.passAtK(4, 1, 4));
    assertEquals(0.25, BenchmarkResult.passAtK(4, 1, 1), 1e-12);
    // n = 5, c = 2, k = 2: 1 - C(3,2)/C(5,2) = 1 - 3/10
    assertEquals(0.7, BenchmarkResult.passAtK(5, 2, 2), 1e-12);
    assertThrows(IllegalArgumentException.class, () -> BenchmarkResult.passAtK(3, 4, 2));
  }

  @Test
  void greedyOnlyAndSampledOnlyLeaveTheOtherFiguresOut() {
    BenchmarkResult g = base().greedy(SamplingParams.defaults(8)).build().evaluate(table(), SET);
    assertEquals(0, g.samples());
    assertTrue(Double.isNaN(g.overall().meanAtK()) && Double.isNaN(g.overall().passAtK()));
    assertEquals(1.0 / 3, g.overall().passAt1(), 1e-12);
    Map<String, Object> m = g.toMap();
    assertNull(((Map<?, ?>) m.get("overall")).get("mean@k"));
    assertFalse(g.toMarkdown().contains("mean@"), g.toMarkdown());

    BenchmarkResult s = base().sampled(SamplingParams.defaults(8), 4).build().evaluate(table(), SET);
    assertFalse(s.greedy());
    assertTrue(Double.isNaN(s.overall().passAt1()));
    assertEquals(0.25, s.overall().meanAtK(), 1e-12);
    assertFalse(s.toMarkdown().contains("pass@1"), s.toMarkdown());
  }

  @Test
  void mapAndMarkdown() {
    BenchmarkResult r = base().greedy(SamplingParams.defaults(8)).sampled(SamplingParams.defaults(8), 4).build()
        .evaluate(table(), SET);
    Map<String, Object> m = Json.parseObject(Json.write(r.toMap()));
    assertEquals(List.of("benchmark", "backend", "seed", "greedy", "samples", "overall", "categories", "items",
        "skipped_lines", "skip_reasons"), List.copyOf(m.keySet()));
    Map<?, ?> geo = (Map<?, ?>) ((Map<?, ?>) m.get("categories")).get("geo");
    assertEquals(2L, geo.get("items"));
    assertEquals(0.5, geo.get("pass@1"));
    assertEquals(0.125, geo.get("no_answer_sampled"));
    Map<?, ?> row = (Map<?, ?>) ((List<?>) m.get("items")).get(1);
    assertEquals("q2", row.get("id"));
    assertEquals(false, row.get("greedy_correct"));
    assertTrue(row.containsKey("greedy_answer") && row.get("greedy_answer") == null);
    assertEquals(0L, row.get("sampled_correct"));

    String md = r.toMarkdown();
    assertTrue(md.contains("| category | items | pass@1 | no answer (greedy) | mean@4 | pass@4 | no answer (sampled) |"),
        md);
    assertTrue(md.contains("| geo | 2 | 0.500 | 0.500 | 0.250 | 0.500 | 0.125 |"), md);
    assertTrue(md.contains("| math | 1 | 0.000 | 0.000 | 0.250 | 1.000 | 0.750 |"), md);
    assertTrue(md.contains("| **overall** | 3 | 0.333 |"), md);
    assertTrue(md.contains("2 bad lines skipped"), md);
  }

  @Test
  void deterministicForASeed() {
    List<BenchmarkItem> items = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      items.add(item("i" + i, i % 3 == 0 ? "a" : "b", "q" + i, "yes"));
    }
    BenchmarkSet set = BenchmarkSet.of("coin", items);
    ScriptedPolicy.Script coin = (p, row, seed, pol) -> (seed & 1) == 0 ? "yes" : (seed & 2) == 0 ? "no" : "";
    BenchmarkEvaluation e7 = base().greedy(SamplingParams.defaults(4)).sampled(SamplingParams.defaults(4), 3)
        .seed(7).batchSize(8).build();
    BenchmarkResult r1 = e7.evaluate(new ScriptedPolicy(coin), set);
    BenchmarkResult r2 = e7.evaluate(new ScriptedPolicy(coin), set);
    assertEquals(r1, r2);
    assertEquals(r1.toMarkdown(), r2.toMarkdown());
    BenchmarkResult other = base().greedy(SamplingParams.defaults(4)).sampled(SamplingParams.defaults(4), 3)
        .seed(8).batchSize(8).build().evaluate(new ScriptedPolicy(coin), set);
    assertNotEquals(r1.items(), other.items(), "another seed draws other answers");
  }

  @Test
  void backendAndRewardFailuresNameWhatFailed() {
    BenchmarkEvaluation e = base().greedy(SamplingParams.defaults(4)).build();
    var b = assertThrows(SpiceException.BackendException.class,
        () -> e.evaluate(BrokenBackend.of(BrokenBackend.Fault.THROWS, "x"), SET));
    assertTrue(b.getMessage().contains(BrokenBackend.NAME) && b.getMessage().contains("benchmark hand"), b.getMessage());
    b = assertThrows(SpiceException.BackendException.class,
        () -> e.evaluate(BrokenBackend.of(BrokenBackend.Fault.TOO_FEW, "x"), SET));
    assertTrue(b.getMessage().contains("returned 2 completions for 3 prompts"), b.getMessage());

    BenchmarkEvaluation bad = BenchmarkEvaluation.builder().reasoner(CoevolutionEvaluationTest.REASONER)
        .reward(((dev.spice.core.RewardFunction<dev.spice.core.ReasonerAttempt>) (items, ctx) -> {
          throw new IllegalStateException("judge offline");
        }).async()).greedy(SamplingParams.defaults(4)).build();
    var r = assertThrows(SpiceException.RewardException.class, () -> bad.evaluate(table(), SET));
    assertTrue(r.getMessage().contains("benchmark item 'q1'") && r.getMessage().contains("judge offline"),
        r.getMessage());
  }

  @Test
  void builderNamesEveryBadSetting() {
    var e = assertThrows(SpiceException.ConfigurationException.class,
        () -> BenchmarkEvaluation.builder().batchSize(0).build());
    String m = e.getMessage();
    assertTrue(m.contains("reasoner is missing") && m.contains("reward is missing") && m.contains("nothing to score")
        && m.contains("batchSize must be >= 1"), m);
    e = assertThrows(SpiceException.ConfigurationException.class,
        () -> base().sampled(SamplingParams.defaults(4), 0).build());
    assertTrue(e.getMessage().contains("k (answers per item) must be >= 1, got 0"), e.getMessage());
  }
}
