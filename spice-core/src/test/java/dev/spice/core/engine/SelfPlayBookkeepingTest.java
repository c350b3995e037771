package dev.spice.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.AdvantageEstimator;
import dev.spice.core.AsyncRewardFunction;
import dev.spice.core.Challenger;
import dev.spice.core.ChallengerAttempt;
import dev.spice.core.ChallengerOutcome;
import dev.spice.core.Completion;
import dev.spice.core.Document;
import dev.spice.core.LossSettings;
import dev.spice.core.Prompt;
import dev.spice.core.ReasonerAttempt;
import dev.spice.core.Recipe;
import dev.spice.core.RewardContext;
import dev.spice.core.Rewards;
import dev.spice.core.Role;
import dev.spice.core.SamplingParams;
import dev.spice.core.SpiceException;
import dev.spice.core.TrainingSample;
import dev.spice.core.internal.json.Json;
import dev.spice.core.roles.Roles;
import dev.spice.core.testing.ListCorpus;
import dev.spice.core.testing.ScriptedPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bookkeeping a user relies on: estimator and reward contracts enforced by the engine, samples
 * that are never trained, metric names and values in corner cases, settings and provenance in
 * checkpoints, crash-safe checkpoint writing and discovery, and builder boundaries.
 */
class SelfPlayBookkeepingTest {

  private static final String FREE =
      "{\"type\":\"free_form\",\"question\":\"Q %s\",\"answer\":\"7\",\"answer_type\":\"Integer\"}";
  private static final String MCQ = "{\"type\":\"multiple_choice\",\"question\":\"M %s\","
      + "\"options\":{\"A\":\"1\",\"B\":\"7\",\"C\":\"3\",\"D\":\"4\"},\"correct\":\"B\"}";

  private static ListCorpus docs(int n) {
    List<Document> d = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      d.add(Document.of("d" + i, "doc" + i, "s"));
    }
    return new ListCorpus("s", d, 3);
  }

  /** Free-form tasks everywhere; answers alternate right and wrong. */
  private static ScriptedPolicy simple() {
    return new ScriptedPolicy((p, row, seed, pol) -> p.role() == Role.CHALLENGER
        ? String.format(FREE, row) : (row % 2 == 0 ? "\\boxed{7}" : "\\boxed{1}"));
  }

  private static SelfPlay.Builder builder(ScriptedPolicy policy) {
    return SelfPlay.builder().policy(policy).corpus(docs(3)).recipe(TestRecipes.recipe(2, 4)).batchSize(3).seed(1);
  }

  private static Recipe withEstimator(AdvantageEstimator est) {
    return new Recipe("test", 2, 4, TestRecipes.VARIANCE, TestRecipes.EXACT.async(), est, TestRecipes.DR_GRPO,
        new LossSettings(0.2, 0.2, 0, TestRecipes.CONSTANT));
  }

  private static AdvantageEstimator estimator(String name, java.util.function.Function<double[][], double[][]> f) {
    return new AdvantageEstimator() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public double[][] estimate(double[][] groups) {
        return f.apply(groups);
      }
    };
  }

  @Test
  void advantageEstimatorsThatBreakTheirContractAreRefusedByName() {
    record Case(AdvantageEstimator est, String message) {}
    List<Case> cases = List.of(
        new Case(estimator("fewer", g -> java.util.Arrays.copyOf(g, g.length - 1)),
            "challenger advantage estimator fewer returned a wrong number of groups"),
        new Case(estimator("nullgroup", g -> {
          double[][] o = g.clone();
          o[1] = null;
          return o;
        }), "challenger advantage estimator nullgroup returned group 1 with a wrong size"),
        new Case(estimator("short", g -> {
          double[][] o = g.clone();
          o[0] = new double[g[0].length - 1];
          return o;
        }), "challenger advantage estimator short returned group 0 with a wrong size"),
        new Case(estimator("nan", g -> {
          double[][] o = new double[g.length][];
          for (int i = 0; i < g.length; i++) {
            o[i] = new double[g[i].length];
          }
          o[2][1] = Double.NaN;
          return o;
        }), "non-finite advantage NaN for a finite reward (group 2, item 1)"),
        new Case(estimator("throws", g -> {
          throw new IllegalStateException("boom");
        }), "challenger advantage estimator throws failed: java.lang.IllegalStateException: boom"));
    for (Case c : cases) {
      ScriptedPolicy policy = simple();
      SelfPlay engine = builder(policy).recipe(withEstimator(c.est())).build();
      SpiceException.RewardException e = assertThrows(SpiceException.RewardException.class, engine::step);
      assertTrue(e.getMessage().contains(c.message()), e.getMessage());
      assertEquals(0, policy.version());
    }
  }

  @Test
  void aNanAdvantageForANanRewardIsAllowedAndNotTrained() {
    // The Challenger reward says "not applicable" (NaN) for the second attempt of each document.
    dev.spice.core.RewardFunction<ChallengerOutcome> partial = (items, ctx) -> {
      double[] r = new double[items.size()];
      for (int i = 0; i < r.length; i++) {
        r[i] = i == 1 ? Double.NaN : 0.5;
      }
      return Rewards.of(r);
    };
    AdvantageEstimator keepNan = estimator("keep-nan", g -> {
      double[][] o = new double[g.length][];
      for (int i = 0; i < g.length; i++) {
        o[i] = g[i].clone();
      }
      return o;
    });
    Recipe r = new Recipe("t", 2, 4, partial, TestRecipes.EXACT.async(), keepNan, TestRecipes.DR_GRPO,
        new LossSettings(0.2, 0.2, 0, TestRecipes.CONSTANT));
    ScriptedPolicy policy = simple();
    builder(policy).recipe(r).build().step();
    List<TrainingSample> batch = policy.updates().get(0);
    assertEquals(3, batch.stream().filter(s -> s.role() == Role.CHALLENGER).count(), "one trained attempt per document");
    assertTrue(batch.stream().allMatch(s -> Double.isFinite(s.advantage())));
  }

  @Test
  void emptyCompletionsAreNeverTrained() {
    // The Challenger writes nothing for its second attempt (invalid, zero tokens); the Reasoner
    // answers nothing on odd rows.
    ScriptedPolicy policy = new ScriptedPolicy((p, row, seed, pol) -> p.role() == Role.CHALLENGER
        ? (row % 2 == 0 ? String.format(FREE, row) : "") : (row % 2 == 0 ? "\\boxed{7}" : ""));
    IterationResult r = builder(policy).build().step();
    List<TrainingSample> batch = policy.updates().get(0);
    assertTrue(batch.stream().allMatch(s -> s.completionTokens().length > 0));
    assertEquals(3, batch.stream().filter(s -> s.role() == Role.CHALLENGER).count());
    assertEquals(3 * 2, batch.stream().filter(s -> s.role() == Role.REASONER).count());
    for (DocumentRollout d : r.documents()) {
      assertEquals(2, d.kept().size(), "empty attempts are still kept and rewarded");
    }
  }

  @Test
  void challengerAndReasonerParseFailuresBecomeInvalidAttemptsAndMissingAnswers() {
    Challenger json = Roles.jsonChallenger();
    Challenger flaky = new Challenger() {
      @Override
      public Prompt prompt(Document document) {
        return json.prompt(document);
      }

      @Override
      public ChallengerAttempt parse(Document document, Prompt prompt, Completion completion) {
        if (document.id().equals("d0")) {
          throw new IllegalArgumentException("cannot read d0");
        }
        return document.id().equals("d1") ? null : json.parse(document, prompt, completion);
      }
    };
    dev.spice.core.Reasoner boxed = Roles.boxedReasoner();
    dev.spice.core.Reasoner flakyR = new dev.spice.core.Reasoner() {
      @Override
      public Prompt prompt(dev.spice.core.Task task) {
        return boxed.prompt(task);
      }

      @Override
      public ReasonerAttempt parse(dev.spice.core.Task task, Prompt prompt, Completion completion) {
        if (completion.text().contains("7")) {
          throw new IllegalStateException("reasoner parser bug");
        }
        return null;
      }
    };
    IterationResult r = builder(simple()).challenger(flaky).reasoner(flakyR).maxChallengerAttempts(2).build().step();
    for (DocumentRollout d : r.documents()) {
      String id = d.document().id();
      for (ChallengerOutcome o : d.kept()) {
        switch (id) {
          case "d0" -> assertTrue(o.attempt().invalidReason().contains("challenger parse failed")
              && o.attempt().invalidReason().contains("cannot read d0"), o.attempt().invalidReason());
          case "d1" -> assertEquals("challenger returned no attempt", o.attempt().invalidReason());
          default -> assertTrue(o.isValid());
        }
      }
      if (id.equals("d2")) {
        assertEquals(4, d.reasonerAnswers().size());
        assertTrue(d.reasonerAnswers().stream().allMatch(a -> a.answer() == null), "failed parses give no answer");
        assertEquals(List.of(0.0, 0.0, 0.0, 0.0), java.util.Arrays.stream(d.reasonerRewards()).boxed().toList());
      }
    }
  }

  @Test
  void aRewardThatCompletesLaterIsAwaited() {
    AsyncRewardFunction<ReasonerAttempt> slow = new AsyncRewardFunction<>() {
      @Override
      public CompletionStage<Rewards> scoreAsync(List<ReasonerAttempt> items, RewardContext context) {
        return CompletableFuture.supplyAsync(() -> {
          try {
            Thread.sleep(30);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return TestRecipes.EXACT.score(items, context);
        });
      }
    };
    Recipe r = new Recipe("t", 2, 4, TestRecipes.VARIANCE, slow, TestRecipes.DR_GRPO, TestRecipes.DR_GRPO,
        new LossSettings(0.2, 0.2, 0, TestRecipes.CONSTANT));
    IterationResult res = builder(simple()).recipe(r).rewardTimeout(java.time.Duration.ofSeconds(30)).build().step();
    assertEquals(0.5, res.metrics().get(MetricNames.REASONER_PASS_RATE), 1e-12);
  }

  // ------------------------------------------------------------ metrics

  @Test
  void metricNamesAreTheOnesPeersUse() {
    assertEquals("reasoner/rewards/correct/mean", MetricNames.component("reasoner", Rewards.CORRECT));
    assertEquals("challenger/completions/mean_length", MetricNames.meanLength("challenger"));
    assertEquals("reasoner/pass_rate", MetricNames.REASONER_PASS_RATE);
    assertEquals("challenger/valid_rate", MetricNames.CHALLENGER_VALID_RATE);
    assertEquals("challenger/frac_reward_zero_std", MetricNames.CHALLENGER_FRAC_ZERO_STD);
  }

  @Test
  void multipleChoiceShareAndClippedAnswers() {
    // d0: two MCQ tasks; d1: one MCQ task and one invalid attempt; d2: one free-form task and one invalid.
    // Reasoner: at most 1 new token; "\boxed{7} because" is clipped to one word on odd rows.
    ScriptedPolicy policy = new ScriptedPolicy((p, row, seed, pol) -> {
      if (p.role() == Role.CHALLENGER) {
        if (p.text().contains("doc0")) {
          return String.format(MCQ, row);
        }
        if (p.text().contains("doc1")) {
          return row % 2 == 0 ? String.format(MCQ, row) : "no";
        }
        return row % 2 == 0 ? String.format(FREE, row) : "no";
      }
      return row % 2 == 0 ? "\\boxed{7}" : "\\boxed{7} because";
    });
    IterationResult r = builder(policy).reasonerSampling(new SamplingParams(1.0, 1.0, 0, 1, List.of(), 0))
        .maxChallengerAttempts(2).build().step();
    Metrics m = r.metrics();
    assertEquals(3.0 / 4, m.get(MetricNames.CHALLENGER_MCQ_SHARE), 1e-12, "3 MCQ among 4 valid kept tasks");
    assertEquals(0.5, m.get(MetricNames.clippedRatio("reasoner")), 1e-12);
    assertEquals(1.0, m.get(MetricNames.meanLength("reasoner")), 1e-12);
  }

  @Test
  void withoutAnyValidTaskReasonerMetricsAreNanNotZero() {
    ScriptedPolicy policy = new ScriptedPolicy((p, row, seed, pol) -> "nothing useful");
    IterationResult r = builder(policy).build().step();
    Metrics m = r.metrics();
    assertTrue(Double.isNaN(m.get(MetricNames.REASONER_PASS_RATE)));
    assertTrue(Double.isNaN(m.get(MetricNames.REASONER_REWARD)));
    assertTrue(Double.isNaN(m.get(MetricNames.REASONER_REWARD_STD)));
    assertTrue(Double.isNaN(m.get(MetricNames.CHALLENGER_MCQ_SHARE)));
    assertEquals(0.0, m.get(MetricNames.CHALLENGER_VALID_RATE), 0);
    assertEquals(0.0, m.get(MetricNames.CHALLENGER_REWARD_STD), 0, "all penalties: zero spread");
  }

  @Test
  void stepTimeIsTheIterationsWallTime() {
    SelfPlay engine = builder(simple()).build();
    long t0 = System.nanoTime();
    IterationResult r = engine.step();
    double wall = (System.nanoTime() - t0) / 1e9;
    double stepTime = r.metrics().get(MetricNames.STEP_TIME);
    assertTrue(stepTime > 0 && stepTime <= wall, stepTime + " s of " + wall + " s");
  }

  // ------------------------------------------------------------ runs, checkpoints, settings

  @Test
  void runUntilStopsAtTheLimitOrWhenThePredicateHolds() {
    SelfPlay engine = builder(simple()).build();
    RunSummary limit = engine.runUntil(3, r -> false);
    assertEquals(3, limit.iterations());
    assertFalse(limit.stoppedEarly());
    assertEquals(3, engine.iteration());
    RunSummary until = engine.runUntil(10, r -> r.iteration() == 4);
    assertEquals(2, until.iterations());
    assertTrue(until.stoppedEarly());
    assertEquals(4, until.last().orElseThrow().iteration());
    assertEquals(5, engine.iteration());
  }

  @Test
  void aCheckpointOfIterationZeroRestoresAndRecordsProvenance(@TempDir Path dir) throws Exception {
    ScriptedPolicy policy = simple();
    SelfPlay engine = builder(policy).build();
    Path cp = engine.saveCheckpoint(dir);
    assertEquals("checkpoint-00000000", cp.getFileName().toString());
    engine.step();
    engine.restore(cp);
    assertEquals(0, engine.iteration());
    Map<String, Object> state = Json.parseObject(Files.readString(cp.resolve("engine.json")));
    @SuppressWarnings("unchecked")
    Map<String, Object> prov = (Map<String, Object>) state.get("provenance");
    assertEquals("scripted", prov.get("backend"));
    assertEquals(Engine.SDK_VERSION, prov.get("sdk_version"));
    assertTrue(Engine.SDK_VERSION.matches("\\d+\\.\\d+\\.\\d+.*"), "the build version, got " + Engine.SDK_VERSION);
    assertTrue(prov.containsKey("java_version") && prov.containsKey("saved_at"));
    assertEquals(Json.write(engine.settings()), Json.write(state.get("settings")));
  }

  @Test
  void settingsNameEverythingThatChangesResults() {
    Map<String, Object> s = builder(simple()).build().settings();
    assertEquals(4L, ((Number) s.get("max_challenger_attempts")).longValue(), "default N = 2 G_C");
    assertTrue(s.get("challenger_sampling").toString().contains("temperature=1.0"), s.toString());
    assertTrue(s.get("reasoner_sampling").toString().contains("max_new_tokens=1024"), s.toString());
  }

  @Test
  void restoreRefusesOtherSamplingSettings(@TempDir Path dir) {
    Path cp = builder(simple()).build().saveCheckpoint(dir);
    SelfPlay other = builder(simple()).reasonerSampling(new SamplingParams(0.7, 1.0, 0, 1024, List.of(), 0)).build();
    SpiceException.CheckpointException e = assertThrows(SpiceException.CheckpointException.class,
        () -> other.restore(cp));
    assertTrue(e.getMessage().contains("reasoner_sampling"), e.getMessage());
  }

  @Test
  void latestCheckpointIgnoresUnfinishedAndForeignDirectories(@TempDir Path dir) throws Exception {
    SelfPlay engine = builder(simple()).build();
    engine.step();
    Path good = engine.saveCheckpoint(dir);
    Files.createDirectories(dir.resolve("checkpoint-00000009.tmp-1-2"));
    Files.writeString(Files.createDirectories(dir.resolve("checkpoint-00000009.tmp-1-2")).resolve("engine.json"), "{}");
    Files.createDirectories(dir.resolve("checkpoint-00000008")); // no engine.json: a crash before the rename
    Files.createDirectories(dir.resolve("notes-00000099")).resolve("engine.json");
    Files.writeString(dir.resolve("notes-00000099").resolve("engine.json"), "{}");
    assertEquals(good, SelfPlay.latestCheckpoint(dir).orElseThrow());
    assertTrue(SelfPlay.latestCheckpoint(dir.resolve("missing")).isEmpty());
  }

  /** A policy whose checkpoint writing fails on demand. */
  static final class FailingCheckpoints extends SelfPlayEdgeCasesTest.Recording {
    boolean fail;

    FailingCheckpoints(ScriptedPolicy.Script script) {
      super(script);
    }

    @Override
    public void saveCheckpoint(Path directory) {
      super.saveCheckpoint(directory);
      if (fail) {
        throw new SpiceException.CheckpointException("disk full (test)");
      }
    }
  }

  @Test
  void aFailedCheckpointLeavesNoTraceAndARewriteReplacesTheOldOne(@TempDir Path dir) throws Exception {
    FailingCheckpoints policy = new FailingCheckpoints((p, row, seed, pol) -> p.role() == Role.CHALLENGER
        ? String.format(FREE, row) : "\\boxed{7}");
    SelfPlay engine = SelfPlay.builder().policy(policy).corpus(docs(3)).recipe(TestRecipes.recipe(2, 4)).batchSize(3)
        .build();
    engine.step();
    Path first = engine.saveCheckpoint(dir);
    policy.fail = true;
    SpiceException.CheckpointException e = assertThrows(SpiceException.CheckpointException.class,
        () -> engine.saveCheckpoint(dir));
    assertTrue(e.getMessage().contains("disk full"), e.getMessage());
    try (Stream<Path> s = Files.list(dir)) {
      assertEquals(List.of(first), s.toList(), "no temporary directory left, the old checkpoint intact");
    }
    policy.fail = false;
    Files.writeString(first.resolve("marker"), "old");
    Path again = engine.saveCheckpoint(dir);
    assertEquals(first, again);
    assertFalse(Files.exists(again.resolve("marker")), "the rewrite replaced the directory");
    try (Stream<Path> s = Files.list(dir)) {
      assertEquals(1, s.count());
    }
  }

  @Test
  void anExplicitNOfZeroIsRefusedNotReplacedByTheDefault() {
    SpiceException.ConfigurationException e = assertThrows(SpiceException.ConfigurationException.class,
        () -> builder(simple()).maxChallengerAttempts(0).build());
    assertTrue(e.getMessage().contains("maxChallengerAttempts (N) must be >= the challenger group size 2, got 0"),
        e.getMessage());
  }

  @Test
  void theCompositeListenerForwardsEveryEventInOrder(@TempDir Path dir) {
    EventLog a = new EventLog();
    EventLog b = new EventLog();
    List<String> order = new ArrayList<>();
    SelfPlayListener tag = new SelfPlayListener() {
      @Override
      public void onIterationStart(long iteration) {
        order.add("first");
      }
    };
    SelfPlayListener tag2 = new SelfPlayListener() {
      @Override
      public void onIterationStart(long iteration) {
        order.add("second");
      }
    };
    ScriptedPolicy policy = simple();
    SelfPlay engine = builder(policy).checkpointEvery(1, dir)
        .listener(SelfPlayListeners.all(List.of(a, tag, b, tag2))).build();
    engine.step();
    policy.failNextGenerate();
    assertThrows(SpiceException.class, engine::step);
    assertEquals(a.events, b.events);
    Set<String> kinds = new HashSet<>();
    for (String ev : a.events) {
      kinds.add(ev.split(" ")[0]);
    }
    assertEquals(Set.of("start", "rollout", "rollout-end", "rewards", "update", "update-end", "end", "checkpoint",
        "failed"), kinds);
    assertEquals(List.of("first", "second", "first", "second"), order);
  }

  @Test
  void validAttemptsAreChosenUniformlyWhenSomeMustBeDropped() {
    List<ChallengerAttempt> all = new ArrayList<>();
    Document d = Document.of("d", "text", "s");
    for (int i = 0; i < 16; i++) {
      Completion c = new Completion("c" + i, new int[] {1}, new int[] {i}, new float[] {-1f}, Completion.FinishReason.STOP);
      Prompt p = Prompt.of(Role.CHALLENGER, "p");
      all.add(i % 2 == 0 ? ChallengerAttempt.valid(d, p, c, dev.spice.core.Task.freeForm("q" + i, "1",
          dev.spice.core.AnswerType.INTEGER)) : ChallengerAttempt.invalid(d, p, c, "bad"));
    }
    Set<Integer> seenValid = new HashSet<>();
    Set<Integer> seenInvalid = new HashSet<>();
    for (int s = 0; s < 200; s++) {
      for (ChallengerAttempt a : ChallengerPhase.keepPreservingRatio(all, 4, new SplittableRandom(s))) {
        (a.isValid() ? seenValid : seenInvalid).add(all.indexOf(a));
      }
    }
    assertEquals(8, seenValid.size(), "every valid attempt can be kept");
    assertEquals(8, seenInvalid.size(), "every invalid attempt can be kept");
  }

  @Test
  void aReusedBuilderDerivesItsDefaultNFromEachRecipe() {
    SelfPlay.Builder b = builder(simple());
    assertEquals(4L, ((Number) b.build().settings().get("max_challenger_attempts")).longValue());
    SelfPlay bigger = b.recipe(TestRecipes.recipe(8, 4)).build();
    assertEquals(16L, ((Number) bigger.settings().get("max_challenger_attempts")).longValue(),
        "the default N follows the new G_C; nothing the user never set blocks the build");
    b.recipe(TestRecipes.recipe(2, 4)).maxChallengerAttempts(3);
    SpiceException.ConfigurationException e = assertThrows(SpiceException.ConfigurationException.class,
        () -> b.recipe(TestRecipes.recipe(4, 4)).build());
    assertTrue(e.getMessage().contains("got 3"), "an explicit N is kept and checked: " + e.getMessage());
  }

  @Test
  void recipesRefuseImpossibleGroupSizes() {
    SpiceException.ConfigurationException e = assertThrows(SpiceException.ConfigurationException.class,
        () -> TestRecipes.recipe(0, 4));
    assertTrue(e.getMessage().contains("recipe 'test': challenger group size (G_C) must be >= 1, got 0"), e.getMessage());
    e = assertThrows(SpiceException.ConfigurationException.class, () -> TestRecipes.recipe(2, 1));
    assertTrue(e.getMessage().contains("reasoner group size (G_R) must be >= 2"), e.getMessage());
  }

  @Test
  void withoutCorpusGroundingEachIterationHasBEmptyDocuments() {
    SelfPlay engine = SelfPlay.builder().policy(simple()).corpusGrounded(false).recipe(TestRecipes.recipe(2, 4))
        .batchSize(5).build();
    IterationResult r = engine.step();
    assertEquals(5, r.documents().size());
    assertEquals(5, r.documents().stream().map(d -> d.document().id()).distinct().count());
    assertTrue(r.documents().stream().allMatch(d -> d.document().text().isEmpty()));
  }

  @Test
  void settingsAreReadOnly() {
    Map<String, Object> s = builder(simple()).build().settings();
    assertThrows(UnsupportedOperationException.class, () -> s.put("seed", 3));
  }
}
