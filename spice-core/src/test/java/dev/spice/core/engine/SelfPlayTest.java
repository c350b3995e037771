package dev.spice.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.ChallengerAttempt;
import dev.spice.core.ChallengerOutcome;
import dev.spice.core.Completion;
import dev.spice.core.Document;
import dev.spice.core.Prompt;
import dev.spice.core.ReasonerAttempt;
import dev.spice.core.Role;
import dev.spice.core.SpiceException;
import dev.spice.core.TrainingSample;
import dev.spice.core.testing.ListCorpus;
import dev.spice.core.testing.ScriptedPolicy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SelfPlayTest {

  // ------------------------------------------------------------ hand-worked batch

  /**
   * Two documents, G_C = 2, G_R = 4, N = 4. Document "alpha": attempt 1 valid (gold 7), attempt 2
   * invalid. Document "beta": round 1 both invalid, round 2 one valid (gold 5) and one invalid.
   * Reasoner answers: 7 7 3 7 (p = 3/4) and 5 1 1 1 (p = 1/4).
   */
  private static ScriptedPolicy handWorkedPolicy() {
    Map<String, Integer> seen = new HashMap<>();
    Map<String, List<String>> challengerScript = Map.of(
        "alpha", List.of("{\"type\":\"free_form\",\"question\":\"What is alpha?\",\"answer\":\"7\",\"answer_type\":\"Integer\"}", "garbage"),
        "beta", List.of("nonsense", "more nonsense",
            "{\"type\":\"free_form\",\"question\":\"What is beta?\",\"answer\":\"5\",\"answer_type\":\"Integer\"}", "junk"));
    Map<String, List<String>> reasonerScript = Map.of(
        "alpha", List.of("\\boxed{7}", "\\boxed{7}", "\\boxed{3}", "\\boxed{7}"),
        "beta", List.of("\\boxed{5}", "\\boxed{1}", "\\boxed{1}", "\\boxed{1}"));
    return new ScriptedPolicy((prompt, row, seed, policy) -> {
      String doc = prompt.text().contains("alpha") ? "alpha" : "beta";
      String key = prompt.role() + doc;
      int n = seen.merge(key, 1, Integer::sum) - 1;
      return (prompt.role() == Role.CHALLENGER ? challengerScript : reasonerScript).get(doc).get(n);
    });
  }

  private static ListCorpus twoDocs() {
    return new ListCorpus("two", List.of(Document.of("a", "alpha", "two"), Document.of("b", "beta", "two")), 0);
  }

  @Test
  void computesThePapersRewardsAndAdvantagesOnAHandWorkedBatch() {
    ScriptedPolicy policy = handWorkedPolicy();
    SelfPlay engine = SelfPlay.builder().policy(policy).corpus(twoDocs()).recipe(TestRecipes.recipe(2, 4))
        .batchSize(2).maxChallengerAttempts(4).build();
    IterationResult r = engine.step();
    // r_C(p) = exp(-(p(1-p) - 0.25)^2 / 0.02); p = 3/4 or 1/4: var = 0.1875 -> 0.8225775623986646
    double rc = 0.8225775623986646;
    Map<String, DocumentRollout> byDoc = new HashMap<>();
    r.documents().forEach(d -> byDoc.put(d.document().text(), d));
    DocumentRollout alpha = byDoc.get("alpha");
    DocumentRollout beta = byDoc.get("beta");
    assertEquals(2, alpha.generatedAttempts());
    assertEquals(4, beta.generatedAttempts());
    assertEquals(1, beta.generatedValid());
    for (DocumentRollout d : List.of(alpha, beta)) {
      assertEquals(2, d.kept().size());
      for (int k = 0; k < 2; k++) {
        boolean valid = d.kept().get(k).isValid();
        // mean of {0.8225775623986646, -0.1} = 0.3612887811993323
        assertEquals(valid ? rc : -0.1, d.challengerRewards()[k], 1e-12);
        assertEquals(valid ? 0.4612887811993323 : -0.46128878119933237, d.challengerAdvantages()[k], 1e-12);
      }
    }
    assertEquals(0.75, alpha.kept().get(0).passRate(), 0);
    // Reasoner: rewards 1 1 0 1 (mean 0.75) and 1 0 0 0 (mean 0.25)
    assertEquals(List.of(1.0, 1.0, 0.0, 1.0), boxed(alpha.reasonerRewards()));
    assertEquals(List.of(0.25, 0.25, -0.75, 0.25), boxed(alpha.reasonerAdvantages()));
    assertEquals(List.of(1.0, 0.0, 0.0, 0.0), boxed(beta.reasonerRewards()));
    assertEquals(List.of(0.75, -0.25, -0.25, -0.25), boxed(beta.reasonerAdvantages()));
    // metrics: 2 valid of 6 generated (1 of 2, 1 of 4); pass rate 4/8 over all answers
    assertEquals(2.0 / 6, r.metrics().get(MetricNames.CHALLENGER_VALID_RATE), 1e-12);
    assertEquals(0.5, r.metrics().get(MetricNames.REASONER_PASS_RATE), 1e-12);
    assertEquals((2 * rc - 0.2) / 4, r.metrics().get(MetricNames.CHALLENGER_REWARD), 1e-12);
    assertEquals(0.0, r.metrics().get(MetricNames.CHALLENGER_FRAC_ZERO_STD), 0);
    // one update on the union: 4 Challenger samples + 8 Reasoner samples
    assertEquals(1, policy.updates().size());
    List<TrainingSample> batch = policy.updates().get(0);
    assertEquals(4, batch.stream().filter(s -> s.role() == Role.CHALLENGER).count());
    assertEquals(8, batch.stream().filter(s -> s.role() == Role.REASONER).count());
    assertEquals(0.0, batch.stream().mapToDouble(TrainingSample::advantage).sum(), 1e-12);
  }

  private static List<Double> boxed(double[] a) {
    List<Double> l = new ArrayList<>();
    for (double v : a) {
      l.add(v + 0.0);
    }
    return l;
  }

  // ------------------------------------------------------------ subsampling

  private static ChallengerAttempt attempt(boolean valid, int i) {
    Document d = Document.of("d", "text", "s");
    Prompt p = Prompt.of(Role.CHALLENGER, "p");
    Completion c = new Completion("c" + i, new int[] {1}, new int[] {i}, new float[] {-1f}, Completion.FinishReason.STOP);
    return valid ? ChallengerAttempt.valid(d, p, c, dev.spice.core.Task.freeForm("q" + i, "1", dev.spice.core.AnswerType.INTEGER))
        : ChallengerAttempt.invalid(d, p, c, "bad");
  }

  @Test
  void keepingGPreservesTheValidToInvalidRatio() {
    SplittableRandom rng = new SplittableRandom(1);
    for (int trial = 0; trial < 200; trial++) {
      int total = 8 + rng.nextInt(9);
      int g = 8;
      List<ChallengerAttempt> all = new ArrayList<>();
      int valid = 0;
      for (int i = 0; i < total; i++) {
        boolean v = rng.nextInt(3) > 0;
        valid += v ? 1 : 0;
        all.add(attempt(v, i));
      }
      List<ChallengerAttempt> kept = ChallengerPhase.keepPreservingRatio(all, g, rng);
      assertEquals(g, kept.size());
      long keptValid = kept.stream().filter(ChallengerAttempt::isValid).count();
      double expected = (double) g * valid / total;
      assertTrue(Math.abs(keptValid - expected) <= 0.5 + 1e-9 || (valid > 0 && keptValid == 1),
          "kept " + keptValid + " valid of " + g + ", generated " + valid + "/" + total);
      assertEquals(kept.size(), kept.stream().distinct().count());
    }
  }

  @Test
  void invalidAttemptsGetThePenaltyAndTheReasonerGroupIsOneTasksAnswers() {
    ScriptedPolicy policy = randomPolicy();
    SelfPlay engine = SelfPlay.builder().policy(policy).corpus(corpus()).recipe(TestRecipes.recipe(4, 5))
        .batchSize(6).seed(3).build();
    for (IterationResult r : Runs.steps(engine, 3)) {
      for (DocumentRollout d : r.documents()) {
        for (int k = 0; k < d.kept().size(); k++) {
          if (!d.kept().get(k).isValid()) {
            assertEquals(-0.1, d.challengerRewards()[k], 0);
          }
        }
        if (d.reasonerTask() >= 0) {
          ChallengerOutcome chosen = d.kept().get(d.reasonerTask());
          assertTrue(chosen.isValid());
          assertEquals(5, d.reasonerAnswers().size());
          for (ReasonerAttempt a : d.reasonerAnswers()) {
            assertEquals(chosen.attempt().task(), a.task());
            assertFalse(a.prompt().text().contains(d.document().text()), "the Reasoner never sees the document");
          }
        } else {
          assertTrue(d.kept().stream().noneMatch(ChallengerOutcome::isValid));
        }
      }
    }
  }

  // ------------------------------------------------------------ determinism and resume

  private static ListCorpus corpus() {
    List<Document> docs = new ArrayList<>();
    for (int i = 0; i < 13; i++) {
      docs.add(Document.of("doc" + i, "fact" + i + " value " + (i * 7 % 10), "facts"));
    }
    return new ListCorpus("facts", docs, 11);
  }

  /** Challenger: valid with probability 0.7, answer from the document; Reasoner: right more often as training goes on. */
  static ScriptedPolicy randomPolicy() {
    return new ScriptedPolicy(RANDOM_SCRIPT);
  }

  /** The script of {@link #randomPolicy()}; it reads only its arguments. */
  static final ScriptedPolicy.Script RANDOM_SCRIPT = (prompt, row, seed, policy) -> {
    SplittableRandom r = new SplittableRandom(seed);
    if (prompt.role() == Role.CHALLENGER) {
      if (r.nextInt(10) >= 7) {
        return "I cannot write a task";
      }
      String t = prompt.text();
      int at = t.indexOf(" value ");
      String answer = at >= 0 ? t.substring(at + 7, at + 8) : "0";
      String q = "Which value? " + (r.nextInt(3));
      return "{\"type\":\"free_form\",\"question\":\"" + q + "\",\"answer\":\"" + answer + "\",\"answer_type\":\"Integer\"}";
    }
    int skill = (int) Math.min(90, 20 + 5 * policy.version());
    return r.nextInt(100) < skill ? "\\boxed{" + "0123456789".charAt(r.nextInt(10)) + "}" : "no idea";
  };

  private static SelfPlay engine(ScriptedPolicy policy, ListCorpus corpus) {
    return SelfPlay.builder().policy(policy).corpus(corpus).recipe(TestRecipes.recipe(4, 4)).batchSize(5).seed(99).build();
  }

  private static Map<String, Double> stable(Metrics m) {
    Map<String, Double> v = new HashMap<>(m.values());
    v.remove(MetricNames.STEP_TIME);
    v.remove(MetricNames.TOKENS_PER_SECOND);
    v.keySet().removeIf(k -> k.startsWith(MetricNames.TIMING_PREFIX));
    return v;
  }

  @Test
  void resumingFromACheckpointContinuesBitForBit(@TempDir Path dir) {
    List<Map<String, Double>> straight = new ArrayList<>();
    Runs.steps(engine(randomPolicy(), corpus()), 6).forEach(r -> straight.add(stable(r.metrics())));

    List<Map<String, Double>> resumed = new ArrayList<>();
    SelfPlay first = engine(randomPolicy(), corpus());
    Runs.steps(first, 3).forEach(r -> resumed.add(stable(r.metrics())));
    Path ck = first.saveCheckpoint(dir);
    assertEquals(SelfPlay.latestCheckpoint(dir).orElseThrow(), ck);

    SelfPlay second = engine(randomPolicy(), corpus());
    second.restore(ck);
    assertEquals(3, second.iteration());
    Runs.steps(second, 3).forEach(r -> resumed.add(stable(r.metrics())));
    assertEquals(straight, resumed);
    assertNotEquals(straight.get(0), straight.get(5), "the run actually changes over time");
  }

  @Test
  void checkpointsEveryNIterationsAndStopsEarly(@TempDir Path dir) throws Exception {
    SelfPlay e = SelfPlay.builder().policy(randomPolicy()).corpus(corpus()).recipe(TestRecipes.recipe(4, 4))
        .batchSize(3).checkpointEvery(2, dir).build();
    RunSummary rs = e.runUntil(10, r -> r.iteration() == 4);
    assertEquals(5, rs.iterations());
    assertTrue(rs.stoppedEarly());
    try (var s = java.nio.file.Files.list(dir)) {
      assertEquals(List.of("checkpoint-00000002", "checkpoint-00000004"),
          s.map(p -> p.getFileName().toString()).sorted().toList());
    }
  }

  @Test
  void restoreRefusesACheckpointWithOtherSettings(@TempDir Path dir) {
    SelfPlay a = engine(randomPolicy(), corpus());
    a.step();
    Path ck = a.saveCheckpoint(dir);
    SelfPlay b = SelfPlay.builder().policy(randomPolicy()).corpus(corpus()).recipe(TestRecipes.recipe(4, 4))
        .batchSize(6).seed(99).build();
    SpiceException e = assertThrows(SpiceException.CheckpointException.class, () -> b.restore(ck));
    assertTrue(e.getMessage().contains("batch_size"), e.getMessage());
    assertEquals(0, b.iteration());
  }

  @Test
  void aFailedIterationLeavesTheStateUnchanged() {
    for (boolean failInUpdate : new boolean[] {true, false}) {
      ScriptedPolicy ref = randomPolicy();
      ListCorpus refCorpus = corpus();
      SelfPlay reference = engine(ref, refCorpus);
      reference.step();
      IterationResult expected = reference.step();

      ScriptedPolicy policy = randomPolicy();
      ListCorpus c = corpus();
      List<String> events = new ArrayList<>();
      SelfPlay e = SelfPlay.builder().policy(policy).corpus(c).recipe(TestRecipes.recipe(4, 4)).batchSize(5).seed(99)
          .listener(new SelfPlayListener() {
            @Override
            public void onIterationStart(long iteration) {
              events.add("start" + iteration);
            }

            @Override
            public void onIterationEnd(IterationResult result) {
              events.add("end" + result.iteration());
            }

            @Override
            public void onIterationFailed(long iteration, Throwable error) {
              events.add("failed" + iteration);
            }
          }).build();
      e.step();
      String cursor = c.cursor().state();
      long version = policy.version();
      if (failInUpdate) {
        policy.failNextUpdate();
      } else {
        policy.failNextGenerate();
      }
      assertThrows(SpiceException.BackendException.class, e::step);
      assertEquals(1, e.iteration());
      assertEquals(cursor, c.cursor().state());
      assertEquals(version, policy.version());
      IterationResult retried = e.step();
      assertEquals(stable(expected.metrics()), stable(retried.metrics()));
      assertEquals(List.of("start0", "end0", "start1", "failed1", "start1", "end1"), events);
    }
  }

  // ------------------------------------------------------------ modes and configuration

  @Test
  void fixedChallengerTrainsOnlyTheReasoner() {
    ScriptedPolicy trained = randomPolicy();
    ScriptedPolicy frozen = randomPolicy();
    SelfPlay e = SelfPlay.builder().policy(trained).fixedChallenger(frozen).corpus(corpus())
        .recipe(TestRecipes.recipe(4, 4)).batchSize(5).build();
    e.run(2);
    assertTrue(trained.updates().stream().flatMap(List::stream).allMatch(s -> s.role() == Role.REASONER));
    assertEquals(0, frozen.updates().size());
  }

  @Test
  void noCorpusModeShowsNoDocument() {
    List<String> prompts = new ArrayList<>();
    ScriptedPolicy p = new ScriptedPolicy((prompt, row, seed, policy) -> {
      prompts.add(prompt.text());
      return prompt.role() == Role.CHALLENGER
          ? "{\"type\":\"free_form\",\"question\":\"q\",\"answer\":\"1\",\"answer_type\":\"Integer\"}" : "\\boxed{1}";
    });
    SelfPlay e = SelfPlay.builder().policy(p).corpusGrounded(false).recipe(TestRecipes.recipe(2, 2)).batchSize(2).build();
    IterationResult r = e.step();
    assertTrue(prompts.stream().noneMatch(t -> t.contains("<document>")));
    assertEquals(1.0, r.metrics().get(MetricNames.REASONER_PASS_RATE), 0);
    assertEquals(1.0, r.metrics().get(MetricNames.REASONER_FRAC_ZERO_STD), 0);
  }

  @Test
  void zeroVarianceGroupsCanBeDropped() {
    ScriptedPolicy p = new ScriptedPolicy((prompt, row, seed, policy) -> prompt.role() == Role.CHALLENGER
        ? "{\"type\":\"free_form\",\"question\":\"q\",\"answer\":\"1\",\"answer_type\":\"Integer\"}" : "\\boxed{1}");
    SelfPlay e = SelfPlay.builder().policy(p).corpus(corpus()).recipe(TestRecipes.recipe(2, 2)).batchSize(3)
        .zeroVariancePolicy(ZeroVariancePolicy.DROP).build();
    IterationResult r = e.step();
    assertEquals(1.0, r.metrics().get(MetricNames.CHALLENGER_FRAC_ZERO_STD), 0);
    assertEquals(0, p.updates().size(), "every group had zero variance: nothing to train on");
    assertEquals(1.0, r.metrics().get(MetricNames.UPDATE_SKIPPED), 0);
  }

  @Test
  void badConfigurationFailsAtBuildNamingValidValues() {
    SpiceException e = assertThrows(SpiceException.ConfigurationException.class,
        () -> SelfPlay.builder().batchSize(0).build());
    assertTrue(e.getMessage().contains("policy is missing"), e.getMessage());
    assertTrue(e.getMessage().contains("batchSize (B) must be >= 1"), e.getMessage());
    e = assertThrows(SpiceException.ConfigurationException.class, () -> SelfPlay.builder().policy(randomPolicy())
        .corpus(corpus()).recipe(TestRecipes.recipe(4, 1)).build());
    assertTrue(e.getMessage().contains("reasoner group size (G_R) must be >= 2"), e.getMessage());
    e = assertThrows(SpiceException.ConfigurationException.class, () -> SelfPlay.builder().policy(randomPolicy())
        .corpus(corpus()).recipe(TestRecipes.recipe(4, 4)).maxChallengerAttempts(3).build());
    assertTrue(e.getMessage().contains("maxChallengerAttempts (N) must be >= the challenger group size 4"), e.getMessage());
  }

  @Test
  void jsonlListenerWritesOneLinePerIteration(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("metrics.jsonl");
    try (SelfPlayListeners.JsonlMetricsListener l = SelfPlayListeners.jsonl(file)) {
      SelfPlay e = SelfPlay.builder().policy(randomPolicy()).corpus(corpus()).recipe(TestRecipes.recipe(4, 4))
          .batchSize(3).listener(l).listener(SelfPlayListeners.logging()).build();
      e.run(2);
    }
    List<String> lines = java.nio.file.Files.readAllLines(file);
    assertEquals(2, lines.size());
    Map<String, Object> first = dev.spice.core.internal.json.Json.parseObject(lines.get(0));
    assertEquals(0L, first.get("iteration"));
    assertTrue(((Map<?, ?>) first.get("metrics")).containsKey("reasoner/pass_rate"));
  }
}
