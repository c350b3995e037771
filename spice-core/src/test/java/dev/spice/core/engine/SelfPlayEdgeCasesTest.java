package dev.spice.core.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.AsyncRewardFunction;
import dev.spice.core.ChallengerAttempt;
import dev.spice.core.ChallengerOutcome;
import dev.spice.core.Completion;
import dev.spice.core.CorpusCursor;
import dev.spice.core.Document;
import dev.spice.core.LossSettings;
import dev.spice.core.Prompt;
import dev.spice.core.ReasonerAttempt;
import dev.spice.core.Recipe;
import dev.spice.core.RewardContext;
import dev.spice.core.RewardFunction;
import dev.spice.core.Rewards;
import dev.spice.core.Role;
import dev.spice.core.SamplingParams;
import dev.spice.core.SpiceException;
import dev.spice.core.TrainablePolicy;
import dev.spice.core.TrainingSample;
import dev.spice.core.UpdateStats;
import dev.spice.core.testing.ListCorpus;
import dev.spice.core.testing.ScriptedPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine's edge cases and bookkeeping: Challenger attempt limits, the keep-ratio rule,
 * pass rates from the {@code correct} sub-score, reward checks, reward contexts, sampling seeds,
 * zero-variance resampling, the reward timeout, failed restores, metrics and listener events.
 */
class SelfPlayEdgeCasesTest {

  private static final String VALID_ALPHA =
      "{\"type\":\"free_form\",\"question\":\"What is alpha?\",\"answer\":\"7\",\"answer_type\":\"Integer\"}";
  private static final String VALID_BETA =
      "{\"type\":\"free_form\",\"question\":\"What is beta?\",\"answer\":\"5\",\"answer_type\":\"Integer\"}";
  private static final String MCQ_ALPHA = "{\"type\":\"multiple_choice\",\"question\":\"Pick alpha\","
      + "\"options\":{\"A\":\"1\",\"B\":\"7\",\"C\":\"3\",\"D\":\"4\"},\"correct\":\"B\"}";

  private static ListCorpus twoDocs() {
    return new ListCorpus("two", List.of(Document.of("a", "alpha", "two"), Document.of("b", "beta", "two")), 0);
  }

  private static String doc(Prompt p) {
    return p.text().contains("alpha") ? "alpha" : "beta";
  }

  /** Generation calls seen by a policy: role, number of prompts and sampling seed. */
  record Call(Role role, int prompts, long seed) {}

  /** A scripted policy that records every generation call. */
  static class Recording implements TrainablePolicy {
    final ScriptedPolicy inner;
    final List<Call> calls = new ArrayList<>();

    Recording(ScriptedPolicy.Script script) {
      this.inner = new ScriptedPolicy(script);
    }

    @Override
    public String name() {
      return "recording";
    }

    @Override
    public List<Completion> generate(List<Prompt> prompts, SamplingParams params) {
      calls.add(new Call(prompts.get(0).role(), prompts.size(), params.seed()));
      return inner.generate(prompts, params);
    }

    @Override
    public List<float[]> scoreContinuations(List<Prompt> prompts, List<int[]> continuations) {
      return inner.scoreContinuations(prompts, continuations);
    }

    @Override
    public int[] tokenize(String text) {
      return inner.tokenize(text);
    }

    @Override
    public String detokenize(int[] tokens) {
      return inner.detokenize(tokens);
    }

    @Override
    public UpdateStats update(List<TrainingSample> samples, LossSettings loss) {
      return inner.update(samples, loss);
    }

    @Override
    public void saveCheckpoint(Path directory) {
      inner.saveCheckpoint(directory);
    }

    @Override
    public void loadCheckpoint(Path directory) {
      inner.loadCheckpoint(directory);
    }

    List<Call> calls(Role role) {
      return calls.stream().filter(c -> c.role() == role).toList();
    }
  }

  // ------------------------------------------------------------ Challenger attempt limits

  @Test
  void aDocumentWhoseAttemptsAreAllInvalidStopsAtNAndTrainsOnlyItsPenalties() {
    // beta never gets a valid task; N = 6 is not a multiple of G_C = 4: rounds of 4 then 2.
    Recording policy = new Recording((p, row, seed, pol) -> p.role() == Role.CHALLENGER
        ? (doc(p).equals("alpha") ? VALID_ALPHA : "no task " + row) : "\\boxed{" + (row % 2 == 0 ? 7 : 1) + "}");
    SelfPlay engine = SelfPlay.builder().policy(policy).corpus(twoDocs()).recipe(TestRecipes.recipe(4, 4))
        .batchSize(2).maxChallengerAttempts(6).build();
    IterationResult r = assertTimeoutPreemptively(Duration.ofSeconds(20), engine::step);
    DocumentRollout beta = r.documents().stream().filter(d -> d.document().text().equals("beta")).findFirst()
        .orElseThrow();
    DocumentRollout alpha = r.documents().stream().filter(d -> d.document().text().equals("alpha")).findFirst()
        .orElseThrow();
    assertEquals(6, beta.generatedAttempts(), "exactly N attempts, never more");
    assertEquals(0, beta.generatedValid());
    assertEquals(4, beta.kept().size());
    assertEquals(-1, beta.reasonerTask());
    assertEquals(0, beta.reasonerAnswers().size());
    for (double v : beta.challengerRewards()) {
      assertEquals(-0.1, v, 0);
    }
    assertEquals(4, alpha.generatedAttempts(), "a document with a valid task stops after its first round");
    // Challenger rounds: 4 + 4 prompts, then 2 for beta alone; then one Reasoner call
    List<Call> c = policy.calls(Role.CHALLENGER);
    assertEquals(List.of(8, 2), c.stream().map(Call::prompts).toList());
    assertEquals(1, policy.calls(Role.REASONER).size());
    assertEquals(4 * 4, policy.calls(Role.REASONER).get(0).prompts(), "alpha's 4 valid tasks x G_R");
    // beta contributes its 4 penalised attempts (all equal: zero advantage, still trained under KEEP)
    List<TrainingSample> batch = policy.inner.updates().get(0);
    assertEquals(4, batch.stream().filter(s -> s.groupId().equals("b")).count());
    assertEquals(4.0 / 10, r.metrics().get(MetricNames.CHALLENGER_VALID_RATE), 1e-12);
    assertEquals(10.0 / 2, r.metrics().get(MetricNames.CHALLENGER_ATTEMPTS), 1e-12);
  }

  @Test
  void nEqualToGcMeansOneRoundOnly() {
    Recording policy = new Recording((p, row, seed, pol) -> p.role() == Role.CHALLENGER ? "nothing" : "\\boxed{1}");
    SelfPlay engine = SelfPlay.builder().policy(policy).corpus(twoDocs()).recipe(TestRecipes.recipe(3, 2))
        .batchSize(2).maxChallengerAttempts(3).build();
    IterationResult r = engine.step();
    assertEquals(List.of(6), policy.calls(Role.CHALLENGER).stream().map(Call::prompts).toList());
    for (DocumentRollout d : r.documents()) {
      assertEquals(3, d.generatedAttempts());
    }
    assertEquals(0, policy.calls(Role.REASONER).size(), "no valid task: the Reasoner is not called");
  }

  // ------------------------------------------------------------ keep ratio

  @Test
  void keptAttemptsFollowTheRoundedRatioKeepAtLeastOneValidAndKeepOrder() {
    SplittableRandom rng = new SplittableRandom(5);
    for (int trial = 0; trial < 500; trial++) {
      int g = 1 + rng.nextInt(8);
      int total = g + rng.nextInt(2 * g + 1);
      List<ChallengerAttempt> all = new ArrayList<>();
      int valid = 0;
      for (int i = 0; i < total; i++) {
        boolean v = rng.nextInt(4) == 0;
        valid += v ? 1 : 0;
        all.add(attempt(v, i));
      }
      int invalid = total - valid;
      List<ChallengerAttempt> kept = ChallengerPhase.keepPreservingRatio(all, g, new SplittableRandom(trial));
      String where = "g=" + g + " generated " + valid + " valid of " + total;
      if (total <= g) {
        assertEquals(all, kept, where + ": everything kept");
        continue;
      }
      assertEquals(g, kept.size(), where);
      long kv = kept.stream().filter(ChallengerAttempt::isValid).count();
      // the documented rule: round(g * valid / total), at least one valid if any, within what exists
      long want = Math.round((double) g * valid / total);
      if (valid > 0) {
        want = Math.max(want, 1);
      }
      want = Math.min(want, valid);
      want = Math.max(want, g - invalid);
      assertEquals(want, kv, where);
      int last = -1;
      for (ChallengerAttempt a : kept) {
        int idx = all.indexOf(a);
        assertTrue(idx > last, where + ": generation order kept");
        last = idx;
      }
    }
  }

  @Test
  void oneValidAmongManyInvalidIsAlwaysKept() {
    List<ChallengerAttempt> all = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      all.add(attempt(i == 11, i));
    }
    for (int s = 0; s < 50; s++) {
      List<ChallengerAttempt> kept = ChallengerPhase.keepPreservingRatio(all, 4, new SplittableRandom(s));
      assertEquals(1, kept.stream().filter(ChallengerAttempt::isValid).count(), "round(4/16) = 0, raised to 1");
      assertSame(all.get(11), kept.stream().filter(ChallengerAttempt::isValid).findFirst().orElseThrow());
    }
  }

  private static ChallengerAttempt attempt(boolean valid, int i) {
    Document d = Document.of("d", "text", "s");
    Prompt p = Prompt.of(Role.CHALLENGER, "p");
    Completion c = new Completion("c" + i, new int[] {1}, new int[] {i}, new float[] {-1f}, Completion.FinishReason.STOP);
    return valid ? ChallengerAttempt.valid(d, p, c, dev.spice.core.Task.freeForm("q" + i, "1", dev.spice.core.AnswerType.INTEGER))
        : ChallengerAttempt.invalid(d, p, c, "bad");
  }

  // ------------------------------------------------------------ pass rate, reward checks, contexts

  /** Reward = 0.25 + 0.5 * correct (a format bonus); sub-score correct = exact match. */
  static final RewardFunction<ReasonerAttempt> SHAPED = new RewardFunction<>() {
    @Override
    public Rewards score(List<ReasonerAttempt> items, RewardContext c) {
      double[] correct = new double[items.size()];
      double[] r = new double[items.size()];
      for (int i = 0; i < r.length; i++) {
        ReasonerAttempt a = items.get(i);
        correct[i] = a.answer() != null && a.answer().equals(a.task().goldAnswer()) ? 1 : 0;
        r[i] = 0.25 + 0.5 * correct[i];
      }
      return new Rewards(r, Map.of(Rewards.CORRECT, correct));
    }

    @Override
    public String name() {
      return "shaped";
    }
  };

  private static Recipe recipe(int gc, int gr, RewardFunction<ChallengerOutcome> cf, AsyncRewardFunction<ReasonerAttempt> rf) {
    return new Recipe("test", gc, gr, cf, rf, TestRecipes.DR_GRPO, TestRecipes.DR_GRPO,
        new LossSettings(0.2, 0.2, 0, TestRecipes.CONSTANT));
  }

  /** alpha: 3 of 4 answers right; beta: 1 of 4. Two identical valid tasks per document (G_C = 2). */
  private static ScriptedPolicy quarterPolicy() {
    return new ScriptedPolicy((p, row, seed, pol) -> {
      if (p.role() == Role.CHALLENGER) {
        return doc(p).equals("alpha") ? VALID_ALPHA : VALID_BETA;
      }
      boolean alpha = p.text().contains("alpha");
      int k = row % 4;
      return alpha ? (k == 2 ? "\\boxed{3}" : "\\boxed{7}") : (k == 0 ? "\\boxed{5}" : "\\boxed{1}");
    });
  }

  @Test
  void passRatesComeFromTheCorrectSubScoreNotFromTheReward() {
    ScriptedPolicy policy = quarterPolicy();
    SelfPlay engine = SelfPlay.builder().policy(policy).corpus(twoDocs())
        .recipe(recipe(2, 4, TestRecipes.VARIANCE, SHAPED.async())).batchSize(2).maxChallengerAttempts(2).build();
    IterationResult r = engine.step();
    Map<String, Double> pass = new HashMap<>();
    for (DocumentRollout d : r.documents()) {
      pass.put(d.document().text(), d.kept().get(0).passRate());
    }
    assertEquals(0.75, pass.get("alpha"), 0);
    assertEquals(0.25, pass.get("beta"), 0);
    assertEquals(0.5, r.metrics().get(MetricNames.REASONER_PASS_RATE), 1e-12);
    // the reward itself: mean of 0.25 + 0.5 * correct over both trained groups = 0.5
    assertEquals(0.5, r.metrics().get(MetricNames.REASONER_REWARD), 1e-12);
    assertEquals(0.5, r.metrics().get(MetricNames.component("reasoner", Rewards.CORRECT)), 1e-12);
    // the Challenger reward sees p = 3/4 and 1/4: exp(-(3/16 - 1/4)^2 / 0.02)
    double rc = Math.exp(-Math.pow(3.0 / 16 - 0.25, 2) / 0.02);
    for (DocumentRollout d : r.documents()) {
      assertEquals(rc, d.challengerRewards()[0], 1e-12);
    }
  }

  @Test
  void aPassIndicatorOutsideZeroOneIsRefused() {
    RewardFunction<ReasonerAttempt> bad = new RewardFunction<>() {
      @Override
      public Rewards score(List<ReasonerAttempt> items, RewardContext c) {
        double[] r = new double[items.size()];
        java.util.Arrays.fill(r, 2.0);
        return Rewards.of(r);
      }
    };
    SelfPlay engine = SelfPlay.builder().policy(quarterPolicy()).corpus(twoDocs())
        .recipe(recipe(2, 4, TestRecipes.VARIANCE, bad.async())).batchSize(2).maxChallengerAttempts(2).build();
    SpiceException.RewardException e = assertThrows(SpiceException.RewardException.class, engine::step);
    assertTrue(e.getMessage().contains("pass indicator 2.0"), e.getMessage());
    assertEquals(0, engine.iteration());
  }

  static RewardFunction<ReasonerAttempt> reasonerReturning(java.util.function.IntFunction<double[]> values) {
    return new RewardFunction<>() {
      @Override
      public Rewards score(List<ReasonerAttempt> items, RewardContext c) {
        return Rewards.of(values.apply(items.size()));
      }

      @Override
      public String name() {
        return "broken";
      }
    };
  }

  static RewardFunction<ChallengerOutcome> challengerReturning(java.util.function.IntFunction<double[]> values) {
    return new RewardFunction<>() {
      @Override
      public Rewards score(List<ChallengerOutcome> items, RewardContext c) {
        return Rewards.of(values.apply(items.size()));
      }

      @Override
      public String name() {
        return "broken";
      }
    };
  }

  @Test
  void rewardsOfTheWrongCountOrInfiniteAreRefusedAndNothingIsTrained() {
    record Case(String what, Recipe recipe, String message) {}
    List<Case> cases = List.of(
        new Case("reasoner count", recipe(2, 4, TestRecipes.VARIANCE, reasonerReturning(n -> new double[n - 1]).async()),
            "reasoner reward broken returned 3 rewards for 4 items"),
        new Case("reasoner infinite", recipe(2, 4, TestRecipes.VARIANCE,
            reasonerReturning(n -> { double[] r = new double[n]; r[1] = Double.POSITIVE_INFINITY; return r; }).async()),
            "reasoner reward broken returned an infinite reward"),
        new Case("challenger count", recipe(2, 4, challengerReturning(n -> new double[n + 1]), TestRecipes.EXACT.async()),
            "challenger reward broken returned 3 rewards for 2 items"),
        new Case("challenger infinite", recipe(2, 4,
            challengerReturning(n -> { double[] r = new double[n]; r[0] = Double.NEGATIVE_INFINITY; return r; }),
            TestRecipes.EXACT.async()), "challenger reward broken returned an infinite reward"));
    for (Case c : cases) {
      ScriptedPolicy policy = quarterPolicy();
      ListCorpus corpus = twoDocs();
      CorpusCursor before = corpus.cursor();
      List<String> events = new ArrayList<>();
      SelfPlay engine = SelfPlay.builder().policy(policy).corpus(corpus).recipe(c.recipe()).batchSize(2)
          .maxChallengerAttempts(2).listener(new SelfPlayListener() {
            @Override
            public void onIterationFailed(long iteration, Throwable error) {
              events.add("failed " + iteration);
            }
          }).build();
      SpiceException.RewardException e = assertThrows(SpiceException.RewardException.class, engine::step, c.what());
      assertTrue(e.getMessage().contains(c.message()), c.what() + ": " + e.getMessage());
      assertEquals(0, policy.version(), c.what() + ": no update");
      assertEquals(0, engine.iteration(), c.what());
      assertEquals(before, corpus.cursor(), c.what() + ": corpus position restored");
      assertEquals(List.of("failed 0"), events, c.what());
    }
  }

  @Test
  void eachRewardCallSeesItsOwnDocumentAndTask() {
    List<String> seen = new ArrayList<>();
    RewardFunction<ReasonerAttempt> spy = new RewardFunction<>() {
      @Override
      public Rewards score(List<ReasonerAttempt> items, RewardContext c) {
        for (ReasonerAttempt a : items) {
          assertSame(c.task(), a.task(), "the context's task is the answers' task");
        }
        seen.add(c.role() + " " + c.document().text() + " " + c.task().question() + " it=" + c.iteration());
        return TestRecipes.EXACT.score(items, c);
      }
    };
    List<String> cSeen = new ArrayList<>();
    RewardFunction<ChallengerOutcome> cSpy = new RewardFunction<>() {
      @Override
      public Rewards score(List<ChallengerOutcome> items, RewardContext c) {
        for (ChallengerOutcome o : items) {
          assertSame(c.document(), o.attempt().document(), "the context's document wrote these attempts");
        }
        cSeen.add(c.role() + " " + c.document().text() + " task=" + c.task());
        return TestRecipes.VARIANCE.score(items, c);
      }
    };
    SelfPlay engine = SelfPlay.builder().policy(quarterPolicy()).corpus(twoDocs()).recipe(recipe(2, 4, cSpy, spy.async()))
        .batchSize(2).maxChallengerAttempts(2).build();
    engine.step();
    engine.step();
    assertEquals(Set.of("REASONER alpha What is alpha? it=0", "REASONER beta What is beta? it=0",
        "REASONER alpha What is alpha? it=1", "REASONER beta What is beta? it=1"), new HashSet<>(seen));
    assertEquals(8, seen.size(), "one call per kept valid task: 2 documents x 2 tasks x 2 iterations");
    assertEquals(Set.of("CHALLENGER alpha task=null", "CHALLENGER beta task=null"), new HashSet<>(cSeen));
  }

  // ------------------------------------------------------------ seeds

  private static List<Long> seedsOf(long engineSeed, int iterations) {
    Recording policy = new Recording((p, row, seed, pol) -> p.role() == Role.CHALLENGER
        ? (doc(p).equals("alpha") ? VALID_ALPHA : (pol.version() % 2 == 0 ? "bad" : VALID_BETA)) : "\\boxed{7}");
    SelfPlay engine = SelfPlay.builder().policy(policy).corpus(twoDocs()).recipe(TestRecipes.recipe(2, 2))
        .batchSize(2).seed(engineSeed).build();
    engine.run(iterations);
    return policy.calls.stream().map(Call::seed).toList();
  }

  @Test
  void samplingSeedsAreReproducibleAndDistinctPerIterationRoundRoleAndRunSeed() {
    List<Long> a = seedsOf(7, 4);
    assertEquals(a, seedsOf(7, 4), "same engine seed, same sampling seeds");
    assertEquals(new HashSet<>(a).size(), a.size(), "every generation call gets its own seed: " + a);
    List<Long> b = seedsOf(8, 4);
    assertEquals(a.size(), b.size());
    for (int i = 0; i < a.size(); i++) {
      assertNotEquals(a.get(i), b.get(i), "another engine seed changes call " + i);
    }
  }

  @Test
  void scriptsSeeRowSeedsDerivedFromTheCallSeed() {
    // Two Challenger rows of the same prompt must be able to differ: their row seeds differ.
    Map<Integer, Long> rowSeeds = new HashMap<>();
    ScriptedPolicy p = new ScriptedPolicy((pr, row, seed, pol) -> {
      if (pr.role() == Role.CHALLENGER) {
        rowSeeds.put(row, seed);
      }
      return pr.role() == Role.CHALLENGER ? VALID_ALPHA : "\\boxed{7}";
    });
    SelfPlay.builder().policy(p).corpus(new ListCorpus("one", List.of(Document.of("a", "alpha", "one")), 0))
        .recipe(TestRecipes.recipe(4, 2)).batchSize(1).build().step();
    assertEquals(4, new HashSet<>(rowSeeds.values()).size());
  }

  // ------------------------------------------------------------ zero variance: RESAMPLE

  /** Every document gets two valid tasks: "flat" (all answers right) and "varied" (half right). */
  private static ScriptedPolicy flatAndVaried() {
    String flat = "{\"type\":\"free_form\",\"question\":\"flat\",\"answer\":\"1\",\"answer_type\":\"Integer\"}";
    String varied = "{\"type\":\"free_form\",\"question\":\"varied\",\"answer\":\"2\",\"answer_type\":\"Integer\"}";
    return new ScriptedPolicy((p, row, seed, pol) -> {
      if (p.role() == Role.CHALLENGER) {
        return row % 2 == 0 ? flat : varied;
      }
      return p.text().contains("flat") ? "\\boxed{1}" : (row % 2 == 0 ? "\\boxed{2}" : "\\boxed{9}");
    });
  }

  private static Map<String, Integer> chosenQuestions(ZeroVariancePolicy zv) {
    ScriptedPolicy policy = flatAndVaried();
    List<Document> docs = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      docs.add(Document.of("d" + i, "doc " + i, "s"));
    }
    SelfPlay engine = SelfPlay.builder().policy(policy).corpus(new ListCorpus("s", docs, 1))
        .recipe(TestRecipes.recipe(2, 4)).batchSize(8).seed(3).zeroVariancePolicy(zv).build();
    Map<String, Integer> counts = new HashMap<>();
    for (IterationResult r : Runs.steps(engine, 4)) {
      for (DocumentRollout d : r.documents()) {
        String q = d.kept().get(d.reasonerTask()).attempt().task().question();
        counts.merge(q, 1, Integer::sum);
        if (zv == ZeroVariancePolicy.RESAMPLE) {
          assertTrue(!Scoring.zeroStd(d.reasonerRewards()), "RESAMPLE trains a group with reward variance");
        }
      }
    }
    return counts;
  }

  @Test
  void resamplePrefersATaskWithRewardVarianceWhileKeepDrawsUniformly() {
    assertEquals(Map.of("varied", 32), chosenQuestions(ZeroVariancePolicy.RESAMPLE));
    Map<String, Integer> keep = chosenQuestions(ZeroVariancePolicy.KEEP);
    assertTrue(keep.getOrDefault("flat", 0) > 4 && keep.getOrDefault("varied", 0) > 4, "uniform draw: " + keep);
  }

  // ------------------------------------------------------------ reward timeout

  @Test
  void aReasonerRewardThatNeverCompletesTimesOutAndLeavesTheStateUnchanged() {
    List<CompletableFuture<Rewards>> pending = new ArrayList<>();
    AsyncRewardFunction<ReasonerAttempt> never = new AsyncRewardFunction<>() {
      @Override
      public CompletableFuture<Rewards> scoreAsync(List<ReasonerAttempt> items, RewardContext context) {
        CompletableFuture<Rewards> f = new CompletableFuture<>();
        pending.add(f);
        return f;
      }

      @Override
      public String name() {
        return "never";
      }
    };
    ScriptedPolicy policy = quarterPolicy();
    ListCorpus corpus = twoDocs();
    CorpusCursor before = corpus.cursor();
    SelfPlay engine = SelfPlay.builder().policy(policy).corpus(corpus).recipe(recipe(2, 4, TestRecipes.VARIANCE, never))
        .batchSize(2).maxChallengerAttempts(2).rewardTimeout(Duration.ofMillis(200)).build();
    SpiceException.RewardException e = assertTimeoutPreemptively(Duration.ofSeconds(10),
        () -> assertThrows(SpiceException.RewardException.class, engine::step));
    assertTrue(e.getMessage().contains("never did not complete within the reward timeout"), e.getMessage());
    assertTrue(pending.get(0).isCancelled(), "the timed-out future is cancelled");
    assertEquals(0, policy.version());
    assertEquals(0, engine.iteration());
    assertEquals(before, corpus.cursor());
  }

  // ------------------------------------------------------------ failed restore

  @Test
  void aRestoreWhosePolicyFailsToLoadLeavesCorpusAndIterationAsTheyWere(@TempDir Path dir) throws Exception {
    ScriptedPolicy policy = quarterPolicy();
    ListCorpus corpus = new ListCorpus("s", List.of(Document.of("a", "alpha", "s"), Document.of("b", "beta", "s"),
        Document.of("c", "alpha again", "s")), 2);
    SelfPlay engine = SelfPlay.builder().policy(policy).corpus(corpus)
        .recipe(recipe(2, 4, TestRecipes.VARIANCE, TestRecipes.EXACT.async())).batchSize(2).maxChallengerAttempts(2)
        .build();
    engine.step();
    Path cp = engine.saveCheckpoint(dir);
    engine.step();
    engine.step();
    CorpusCursor now = corpus.cursor();
    Files.writeString(cp.resolve("policy").resolve("scripted.txt"), "not a checkpoint");
    assertThrows(SpiceException.CheckpointException.class, () -> engine.restore(cp));
    assertEquals(now, corpus.cursor(), "the corpus cursor is rolled back");
    assertEquals(3, engine.iteration());
    assertEquals(3, policy.version());
  }

  // ------------------------------------------------------------ metrics and events

  @Test
  void metricsOfAHandWorkedIteration() {
    // alpha writes an MCQ task (valid) and a long invalid attempt clipped at maxNewTokens = 6;
    // beta writes a free-form task and an invalid short one. Reasoner answers: alpha "B" x4... see below.
    ScriptedPolicy policy = new ScriptedPolicy((p, row, seed, pol) -> {
      if (p.role() == Role.CHALLENGER) {
        boolean first = row % 2 == 0;
        if (doc(p).equals("alpha")) {
          return first ? MCQ_ALPHA : "w w w w w w w w w";
        }
        return first ? VALID_BETA : "x";
      }
      // Reasoner: alpha (MCQ, gold B): B B C D -> 1 1 0 0; beta (gold 5): 5 1 1 1 -> 1 0 0 0
      int k = row % 4;
      if (p.text().contains("Pick alpha")) {
        return "\\boxed{" + "BBCD".charAt(k) + "}";
      }
      return "\\boxed{" + (k == 0 ? 5 : 1) + "}";
    });
    SamplingParams cs = new SamplingParams(1.0, 1.0, 0, 6, List.of(), 0);
    SelfPlay engine = SelfPlay.builder().policy(policy).corpus(twoDocs()).recipe(TestRecipes.recipe(2, 4))
        .batchSize(2).maxChallengerAttempts(2).challengerSampling(cs).build();
    IterationResult r = engine.step();
    Metrics m = r.metrics();
    // Challenger: per document one valid and one invalid (penalty -0.1); p = 1/2 -> reward 1, p = 1/4 -> rc
    double rc = Math.exp(-Math.pow(3.0 / 16 - 0.25, 2) / 0.02);
    double[] cr = {1.0, -0.1, rc, -0.1};
    assertEquals(mean(cr), m.get(MetricNames.CHALLENGER_REWARD), 1e-12);
    assertEquals(std(cr), m.get(MetricNames.CHALLENGER_REWARD_STD), 1e-12);
    assertEquals(0.5, m.get(MetricNames.CHALLENGER_VALID_RATE), 1e-12);
    assertEquals(0.5, m.get(MetricNames.CHALLENGER_MCQ_SHARE), 1e-12, "one MCQ among two valid kept tasks");
    assertEquals((0.5 + 0.25) / 2, m.get(MetricNames.CHALLENGER_TASK_PASS_RATE), 1e-12);
    assertEquals(0.25, m.get(MetricNames.clippedRatio("challenger")), 1e-12, "1 of 4 kept attempts hit the limit");
    double[] cLen = {tokens(MCQ_ALPHA), 6, tokens(VALID_BETA), 1};
    assertEquals(mean(cLen), m.get(MetricNames.meanLength("challenger")), 1e-12);
    // Reasoner: 1 1 0 0 and 1 0 0 0
    double[] rr = {1, 1, 0, 0, 1, 0, 0, 0};
    assertEquals(3.0 / 8, m.get(MetricNames.REASONER_PASS_RATE), 1e-12);
    assertEquals(mean(rr), m.get(MetricNames.REASONER_REWARD), 1e-12);
    assertEquals(std(rr), m.get(MetricNames.REASONER_REWARD_STD), 1e-12);
    assertEquals(1.0, m.get(MetricNames.meanLength("reasoner")), 1e-12);
    assertEquals(0.0, m.get(MetricNames.clippedRatio("reasoner")), 0);
    assertEquals(0.0, m.get(MetricNames.REASONER_FRAC_ZERO_STD), 0);
    assertEquals(0.0, m.get(MetricNames.CHALLENGER_FRAC_ZERO_STD), 0);
    // update statistics pass through from the policy (ScriptedPolicy: entropy ln 2)
    assertEquals(4 + 8, m.get(MetricNames.NUM_SAMPLES), 0);
    assertEquals(Math.log(2), m.get(MetricNames.ENTROPY), 1e-12);
    assertEquals(0.0, m.get(MetricNames.UPDATE_SKIPPED), 0);
    double generated = mean(cLen) * 4 + 8; // every attempt was kept; 8 one-token answers
    assertTrue(m.get(MetricNames.STEP_TIME) > 0);
    assertEquals(generated / m.get(MetricNames.STEP_TIME), m.get(MetricNames.TOKENS_PER_SECOND),
        1e-9 * m.get(MetricNames.TOKENS_PER_SECOND));
  }

  private static int tokens(String s) {
    return s.strip().split("\\s+").length;
  }

  private static double mean(double[] v) {
    double s = 0;
    for (double x : v) {
      s += x;
    }
    return s / v.length;
  }

  private static double std(double[] v) {
    double mu = mean(v);
    double s = 0;
    for (double x : v) {
      s += (x - mu) * (x - mu);
    }
    return Math.sqrt(s / v.length);
  }

  @Test
  void listenersSeeEveryEventInOrderWithItsCounts(@TempDir Path dir) {
    EventLog rec = new EventLog();
    List<String> events = rec.events;
    ScriptedPolicy policy = quarterPolicy();
    SelfPlay engine = SelfPlay.builder().policy(policy).corpus(twoDocs())
        .recipe(recipe(2, 4, TestRecipes.VARIANCE, TestRecipes.EXACT.async())).batchSize(2).maxChallengerAttempts(2)
        .checkpointEvery(1, dir).listener(rec).build();
    long t0 = System.nanoTime();
    engine.step();
    assertTrue(rec.maxRolloutNanos <= System.nanoTime() - t0, "rollout times are durations within the step");
    int cTokens = 2 * (tokens(VALID_ALPHA) + tokens(VALID_BETA));
    assertEquals(List.of("start 0", "rollout CHALLENGER 4", "rollout-end CHALLENGER 4 " + cTokens,
        "rollout REASONER 16", "rollout-end REASONER 16 16", "rewards CHALLENGER 2x2", "rewards REASONER 2x4",
        "update 12", "update-end 12", "end 0", "checkpoint 1 checkpoint-00000001"), events);
    events.clear();
    policy.failNextUpdate();
    assertThrows(SpiceException.class, engine::step);
    assertEquals("failed 1 scripted update failure", events.get(events.size() - 1));
    assertEquals("start 1", events.get(0));
    assertTrue(events.stream().noneMatch(e -> e.startsWith("end ") || e.startsWith("update-end")), events.toString());
  }

  @Test
  void theJsonlListenerFlushesEachLineBeforeClose(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("metrics.jsonl");
    try (SelfPlayListeners.JsonlMetricsListener jsonl = SelfPlayListeners.jsonl(file)) {
      SelfPlay engine = SelfPlay.builder().policy(quarterPolicy()).corpus(twoDocs())
          .recipe(recipe(2, 4, TestRecipes.VARIANCE, TestRecipes.EXACT.async())).batchSize(2).maxChallengerAttempts(2)
          .listener(jsonl).build();
      engine.step();
      List<String> lines = Files.readAllLines(file);
      assertEquals(1, lines.size(), "visible on disk while the listener is open");
      Map<String, Object> line = dev.spice.core.internal.json.Json.parseObject(lines.get(0));
      assertEquals(0L, line.get("iteration"));
      @SuppressWarnings("unchecked")
      Map<String, Object> metrics = (Map<String, Object>) line.get("metrics");
      assertEquals(0.5, ((Number) metrics.get(MetricNames.REASONER_PASS_RATE)).doubleValue(), 1e-12);
      engine.step();
      assertEquals(2, Files.readAllLines(file).size());
    }
  }

  @Test
  void dropZeroesNothingButExcludesZeroVarianceGroupsFromTheUpdate() {
    // all answers right: every Reasoner group has zero variance; G_C = 1: every Challenger group too
    ScriptedPolicy policy = new ScriptedPolicy((p, row, seed, pol) -> p.role() == Role.CHALLENGER
        ? (doc(p).equals("alpha") ? VALID_ALPHA : VALID_BETA) : (p.text().contains("alpha") ? "\\boxed{7}" : "\\boxed{5}"));
    SelfPlay engine = SelfPlay.builder().policy(policy).corpus(twoDocs())
        .recipe(recipe(2, 4, TestRecipes.VARIANCE, TestRecipes.EXACT.async())).batchSize(2).maxChallengerAttempts(2)
        .zeroVariancePolicy(ZeroVariancePolicy.DROP).build();
    IterationResult r = engine.step();
    assertEquals(1.0, r.metrics().get(MetricNames.REASONER_FRAC_ZERO_STD), 0);
    assertEquals(1.0, r.metrics().get(MetricNames.CHALLENGER_FRAC_ZERO_STD), 0);
    assertEquals(0, policy.version(), "nothing left to train: no update call");
    assertEquals(0.0, r.metrics().get(MetricNames.NUM_SAMPLES), 0);
    for (DocumentRollout d : r.documents()) {
      assertTrue(Double.isNaN(d.reasonerAdvantages()[0]), "dropped groups carry NaN advantages");
      assertArrayEquals(new double[] {1, 1, 1, 1}, d.reasonerRewards(), 0);
    }
  }
}
