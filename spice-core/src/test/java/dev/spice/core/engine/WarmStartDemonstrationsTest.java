package dev.spice.core.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.CorpusCursor;
import dev.spice.core.Demonstration;
import dev.spice.core.Document;
import dev.spice.core.Prompt;
import dev.spice.core.Role;
import dev.spice.core.SpiceException;
import dev.spice.core.SupervisedSample;
import dev.spice.core.sampling.Seeds;
import dev.spice.core.testing.ListCorpus;
import dev.spice.core.testing.ScriptedPolicy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Demonstrations mixed into warm-start steps: picks, samples, metrics, demonstration-only runs, resume, validation. */
class WarmStartDemonstrationsTest {
  private static final List<Demonstration> DEMOS = List.of(
      new Demonstration(Prompt.of(Role.REASONER, "q1 w1"), "a1"),
      new Demonstration(Prompt.of(Role.REASONER, "q2 w2 w3"), "a2 a2"),
      new Demonstration(Prompt.of(Role.CHALLENGER, "q3"), "a3 a3 a3"),
      new Demonstration(Prompt.of(Role.REASONER, "q4 w4"), "a4"),
      new Demonstration(Prompt.of(Role.REASONER, "q5"), "a5 a5"));

  /** A scripted policy whose word ids are fixed up front (it gives ids on first sight). */
  private static ScriptedPolicy policy() {
    ScriptedPolicy p = new ScriptedPolicy((prompt, row, seed, pol) -> "");
    documents().forEach(d -> p.tokenize(d.text()));
    DEMOS.forEach(d -> p.tokenize(d.prompt().text() + " " + d.completion() + " " + ScriptedPolicy.EOS));
    return p;
  }

  private static List<Document> documents() {
    List<Document> docs = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      docs.add(Document.of("d" + i, "x" + i + " y" + i + " z" + i + " v" + i, "c"));
    }
    return docs;
  }

  private static ListCorpus corpus() {
    return new ListCorpus("c", documents(), 3);
  }

  private static WarmStart.Builder builder(ScriptedPolicy p) {
    return WarmStart.builder().policy(p).corpus(corpus()).maxTokens(4).documentsPerStep(2).seed(9)
        .demonstrations(DEMOS, 3);
  }

  @Test
  void eachStepAppendsPerStepSeededDemonstrationsAfterTheDocuments() {
    ScriptedPolicy p = policy();
    List<WarmStartResult> results;
    try (WarmStart warm = builder(p).build()) {
      results = Runs.steps(warm, 4);
      assertEquals(5, warm.settings().get("demonstrations"));
      assertEquals(3, warm.settings().get("demonstrations_per_step"));
    }
    for (int s = 0; s < 4; s++) {
      List<SupervisedSample> batch = p.supervisedUpdates().get(s);
      assertEquals(2 + 3, batch.size());
      WarmStartResult r = results.get(s);
      List<Integer> expected = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        expected.add((int) Math.floorMod(Seeds.mix(Seeds.mix(9 ^ DemonstrationMix.SALT, s), i), 5L));
      }
      assertEquals(expected, r.demonstrations());
      int demoTokens = 0;
      for (int i = 0; i < 3; i++) {
        SupervisedSample sample = batch.get(2 + i);
        Demonstration d = DEMOS.get(expected.get(i));
        assertEquals(p.demonstrationSample(d), sample);
        assertArrayEquals(p.tokenize(d.prompt().text()), sample.promptTokens());
        assertEquals(p.tokenize(ScriptedPolicy.EOS)[0], sample.targetTokens()[sample.targetLength() - 1]);
        demoTokens += sample.targetLength();
      }
      int docTokens = batch.get(0).targetLength() + batch.get(1).targetLength();
      Metrics m = r.metrics();
      assertEquals(2, m.get(WarmStartMetricNames.SAMPLES), "documents only");
      assertEquals(docTokens, m.get(WarmStartMetricNames.TOKENS), "documents only");
      assertEquals(3, m.get(WarmStartMetricNames.DEMONSTRATIONS));
      assertEquals(demoTokens, m.get(WarmStartMetricNames.DEMONSTRATION_TOKENS));
      assertEquals(Math.log(2), m.get(WarmStartMetricNames.LOSS), 1e-12);
      assertEquals(5, r.update().numSamples());
      assertEquals(docTokens + demoTokens, r.update().numTokens());
      assertEquals(2, r.documents().size());
    }
  }

  @Test
  void thePicksAreAPureFunctionOfSeedStepAndPlace() {
    for (long step = 0; step < 50; step++) {
      for (int i = 0; i < 4; i++) {
        int a = DemonstrationMix.index(9, step, i, 5);
        assertEquals(a, DemonstrationMix.index(9, step, i, 5));
        assertTrue(a >= 0 && a < 5);
      }
    }
    assertEquals(0, DemonstrationMix.index(Long.MIN_VALUE, Long.MAX_VALUE, Integer.MAX_VALUE, 1));
    ScriptedPolicy a = policy();
    ScriptedPolicy b = policy();
    ScriptedPolicy c = policy();
    List<List<Integer>> picksA = picks(Runs.steps(builder(a).build(), 30));
    List<List<Integer>> picksB = picks(Runs.steps(builder(b).build(), 30));
    List<List<Integer>> picksC = picks(Runs.steps(builder(c).seed(10).build(), 30));
    assertEquals(picksA, picksB);
    assertEquals(a.supervisedUpdates(), b.supervisedUpdates());
    assertNotEquals(picksA, picksC, "the picks follow the seed");
    Set<Integer> seen = new HashSet<>();
    picksA.forEach(seen::addAll);
    assertEquals(Set.of(0, 1, 2, 3, 4), seen, "every demonstration is picked in 30 steps of 3");
    assertTrue(picksA.stream().anyMatch(p -> new HashSet<>(p).size() < p.size()), "picked with replacement");
  }

  private static List<List<Integer>> picks(List<WarmStartResult> results) {
    return results.stream().map(WarmStartResult::demonstrations).toList();
  }

  @Test
  void documentsPerStepZeroTrainsOnDemonstrationsOnlyWithoutACorpus(@TempDir Path tmp) {
    ScriptedPolicy p = policy();
    try (WarmStart warm = WarmStart.builder().policy(p).maxTokens(4).documentsPerStep(0).demonstrations(DEMOS, 2)
        .seed(9).build()) {
      WarmStartResult r = warm.step();
      assertEquals("none", warm.settings().get("corpus"));
      assertTrue(r.documents().isEmpty());
      assertEquals(0, r.metrics().get(WarmStartMetricNames.SAMPLES));
      assertEquals(0, r.metrics().get(WarmStartMetricNames.TOKENS));
      assertEquals(2, r.metrics().get(WarmStartMetricNames.DEMONSTRATIONS));
      assertEquals(List.of(DemonstrationMix.index(9, 0, 0, 5), DemonstrationMix.index(9, 0, 1, 5)), r.demonstrations());
      assertEquals(1, p.supervisedUpdates().size());
      assertEquals(2, p.supervisedUpdates().get(0).size());
      warm.run(2);
      Path ckpt = warm.saveCheckpoint(tmp);
      ScriptedPolicy q = policy();
      try (WarmStart again = WarmStart.builder().policy(q).maxTokens(4).documentsPerStep(0).demonstrations(DEMOS, 2)
          .seed(9).build()) {
        again.restore(ckpt);
        assertEquals(3, again.completedSteps());
        assertEquals(warm.step().demonstrations(), again.step().demonstrations());
      }
    }
    // with a corpus, documentsPerStep(0) reads nothing from it
    ListCorpus corpus = corpus();
    CorpusCursor before = corpus.cursor();
    try (WarmStart warm = WarmStart.builder().policy(policy()).corpus(corpus).maxTokens(4).documentsPerStep(0)
        .demonstrations(DEMOS, 1).build()) {
      warm.run(3);
    }
    assertEquals(before, corpus.cursor());
  }

  @Test
  void aRestoredRunContinuesWithTheSamplesOfTheUninterruptedOne(@TempDir Path tmp) {
    ScriptedPolicy straight = policy();
    List<WarmStartResult> straightResults = Runs.steps(builder(straight).build(), 6);
    ScriptedPolicy first = policy();
    Path ckpt;
    try (WarmStart warm = builder(first).build()) {
      warm.run(3);
      ckpt = warm.saveCheckpoint(tmp);
    }
    ScriptedPolicy resumed = policy();
    List<WarmStartResult> resumedResults;
    try (WarmStart warm = builder(resumed).build()) {
      warm.restore(ckpt);
      assertEquals(3, warm.completedSteps());
      assertEquals(3, resumed.version(), "the policy was restored");
      resumedResults = Runs.steps(warm, 3);
    }
    assertEquals(straight.supervisedUpdates().subList(0, 3), first.supervisedUpdates());
    assertEquals(straight.supervisedUpdates().subList(3, 6), resumed.supervisedUpdates());
    assertEquals(picks(straightResults.subList(3, 6)), picks(resumedResults));
    for (int s = 0; s < 3; s++) {
      assertEquals(straightResults.get(3 + s).metrics().get(WarmStartMetricNames.LOSS),
          resumedResults.get(s).metrics().get(WarmStartMetricNames.LOSS));
    }
  }

  @Test
  void restoreRefusesACheckpointWithOtherDemonstrationSettings(@TempDir Path tmp) {
    Path ckpt;
    try (WarmStart warm = builder(policy()).build()) {
      warm.run(1);
      ckpt = warm.saveCheckpoint(tmp);
    }
    WarmStart other = builder(policy()).demonstrations(DEMOS, 2).build();
    SpiceException.CheckpointException e = assertThrows(SpiceException.CheckpointException.class,
        () -> other.restore(ckpt));
    assertTrue(e.getMessage().contains("demonstrations_per_step: checkpoint has 3, this engine has 2"), e.getMessage());
    WarmStart none = WarmStart.builder().policy(policy()).corpus(corpus()).maxTokens(4).documentsPerStep(2).seed(9)
        .build();
    assertFalse(none.settings().containsKey("demonstrations"), "no demonstration settings without demonstrations");
    e = assertThrows(SpiceException.CheckpointException.class, () -> none.restore(ckpt));
    assertTrue(e.getMessage().contains("demonstrations"), e.getMessage());
  }

  @Test
  void theBuilderNamesInvalidDemonstrationSettings() {
    SpiceException.ConfigurationException e = assertThrows(SpiceException.ConfigurationException.class,
        () -> builder(policy()).demonstrations(List.of(), 0).build());
    assertTrue(e.getMessage().contains("demonstrations is empty"), e.getMessage());
    assertTrue(e.getMessage().contains("demonstrations per step must be >= 1, got 0"), e.getMessage());
    List<Demonstration> withNull = new ArrayList<>(DEMOS);
    withNull.add(1, null);
    e = assertThrows(SpiceException.ConfigurationException.class,
        () -> builder(policy()).demonstrations(withNull, 1).build());
    assertTrue(e.getMessage().contains("demonstration 1 is null"), e.getMessage());
    e = assertThrows(SpiceException.ConfigurationException.class,
        () -> WarmStart.builder().policy(policy()).maxTokens(4).documentsPerStep(0).build());
    assertTrue(e.getMessage().contains("documentsPerStep must be >= 1 (or 0 with demonstrations(...)), got 0"),
        e.getMessage());
    assertFalse(e.getMessage().contains("corpus is missing"), "no corpus needed without documents: " + e.getMessage());
    e = assertThrows(SpiceException.ConfigurationException.class,
        () -> WarmStart.builder().policy(policy()).maxTokens(4).documentsPerStep(1).demonstrations(DEMOS, 1).build());
    assertTrue(e.getMessage().contains("corpus is missing"), e.getMessage());
    e = assertThrows(SpiceException.ConfigurationException.class,
        () -> builder(policy()).documentsPerStep(-1).build());
    assertTrue(e.getMessage().contains("documentsPerStep must be >= 1 (or 0 with demonstrations(...)), got -1"),
        e.getMessage());
    assertThrows(NullPointerException.class, () -> WarmStart.builder().demonstrations(null, 1));
  }

  @Test
  void aDemonstrationThePolicyCannotEncodeFailsTheBuildNamingItsIndex() {
    List<Demonstration> demos = new ArrayList<>(DEMOS);
    demos.add(new Demonstration(Prompt.of(Role.REASONER, " "), "a6")); // no prompt tokens
    SpiceException.BackendException e = assertThrows(SpiceException.BackendException.class,
        () -> builder(policy()).demonstrations(demos, 1).build());
    assertTrue(e.getMessage().startsWith("demonstration 5 cannot be encoded by policy scripted: promptTokens is empty"),
        e.getMessage());
  }

  @Test
  void theDemonstrationsListIsCopied() {
    List<Demonstration> demos = new ArrayList<>(DEMOS);
    ScriptedPolicy p = policy();
    WarmStart.Builder b = builder(p).documentsPerStep(0).demonstrations(demos, 2);
    demos.clear();
    try (WarmStart warm = b.build()) {
      assertEquals(5, warm.settings().get("demonstrations"));
      for (WarmStartResult r : Runs.steps(warm, 2)) {
        assertEquals(2, r.demonstrations().size());
      }
    }
  }
}
