package dev.spice.core.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.Completion;
import dev.spice.core.Document;
import dev.spice.core.PolicyBackend;
import dev.spice.core.PolicySync;
import dev.spice.core.Prompt;
import dev.spice.core.SamplingParams;
import dev.spice.core.SpiceException;
import dev.spice.core.TrainablePolicy;
import dev.spice.core.TrainingSample;
import dev.spice.core.testing.ListCorpus;
import dev.spice.core.testing.ScriptedPolicy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hybrid training with fakes: the rollout "server" is a second {@link ScriptedPolicy} sharing the
 * trainer's vocabulary, whose version (which its script reads) is set by a sync that copies the
 * trainer's checkpoint into it, so a stale server really samples differently.
 */
class HybridTrainingTest {
  @TempDir Path tmp;

  private static ListCorpus corpus() {
    List<Document> docs = new ArrayList<>();
    for (int i = 0; i < 13; i++) {
      docs.add(Document.of("doc" + i, "fact" + i + " value " + (i * 7 % 10), "facts"));
    }
    return new ListCorpus("facts", docs, 11);
  }

  /** The trainer, and the rollout server with the same script and tokenizer. */
  private record Pair(ScriptedPolicy trainer, ScriptedPolicy server) {
    static Pair create() {
      ScriptedPolicy trainer = SelfPlayTest.randomPolicy();
      return new Pair(trainer, new ScriptedPolicy(SelfPlayTest.RANDOM_SCRIPT, trainer));
    }
  }

  /** Copies the trainer's state into the server through its checkpoint; records every publish. */
  private final class CheckpointSync implements PolicySync {
    final ScriptedPolicy server;
    final List<Long> published = new ArrayList<>();
    final List<Long> trainerVersions = new ArrayList<>();
    long failAtVersion = -1;

    CheckpointSync(ScriptedPolicy server) {
      this.server = server;
    }

    @Override
    public void publish(TrainablePolicy trainer, long version) {
      if (version == failAtVersion) {
        failAtVersion = -1;
        throw new SpiceException.BackendException("the server refused adapter v" + version);
      }
      try {
        Path dir = Files.createTempDirectory(tmp, "publish");
        trainer.saveCheckpoint(dir);
        server.loadCheckpoint(dir);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      published.add(version);
      trainerVersions.add(((ScriptedPolicy) trainer).version());
    }
  }

  /** A rollout backend that reports its sampled tokens' log-probs shifted by {@code delta}. */
  private static class Shifted implements PolicyBackend {
    final PolicyBackend inner;
    final float delta;

    Shifted(PolicyBackend inner, float delta) {
      this.inner = inner;
      this.delta = delta;
    }

    @Override
    public String name() {
      return "shifted";
    }

    @Override
    public List<Completion> generate(List<Prompt> prompts, SamplingParams params) {
      List<Completion> out = new ArrayList<>();
      for (Completion c : inner.generate(prompts, params)) {
        float[] lp = c.logProbs();
        for (int i = 0; i < lp.length; i++) {
          lp[i] += delta;
        }
        out.add(new Completion(c.text(), c.promptTokens(), c.tokens(), lp, c.finishReason()));
      }
      return out;
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
  }

  private static SelfPlay.Builder base(ScriptedPolicy trainer, ListCorpus corpus) {
    return SelfPlay.builder().policy(trainer).corpus(corpus).recipe(TestRecipes.recipe(4, 4)).batchSize(5).seed(99);
  }

  /** Metrics without timings and without hybrid training's own ones. */
  private static Map<String, Double> comparable(Metrics m) {
    Map<String, Double> v = new HashMap<>(m.values());
    v.remove(MetricNames.STEP_TIME);
    v.remove(MetricNames.TOKENS_PER_SECOND);
    v.keySet().removeIf(k -> k.startsWith(MetricNames.TIMING_PREFIX) || k.startsWith("rollout/"));
    return v;
  }

  @Test
  void rolloutsFromAServerThatEqualsTheTrainerGiveThePlainRun() {
    ScriptedPolicy plain = SelfPlayTest.randomPolicy();
    List<IterationResult> expected = Runs.steps(base(plain, corpus()).build(), 5);

    Pair p = Pair.create();
    CheckpointSync sync = new CheckpointSync(p.server());
    List<IterationResult> hybrid = Runs.steps(base(p.trainer(), corpus()).rollouts(p.server()).policySync(sync, 1)
        .build(), 5);
    for (int i = 0; i < 5; i++) {
      assertEquals(comparable(expected.get(i).metrics()), comparable(hybrid.get(i).metrics()), "iteration " + i);
      assertEquals(expected.get(i).documents(), hybrid.get(i).documents(), "iteration " + i);
      assertEquals(0.0, hybrid.get(i).metrics().get(MetricNames.ROLLOUT_LOGPROB_DIFF_MAX), 0);
      assertEquals(0.0, hybrid.get(i).metrics().get(MetricNames.ROLLOUT_LOGPROB_DIFF_MEAN), 0);
      assertEquals(0.0, hybrid.get(i).metrics().get(MetricNames.ROLLOUT_STALENESS), 0);
      assertEquals(i, hybrid.get(i).metrics().get(MetricNames.ROLLOUT_POLICY_VERSION), 0);
      assertTrue(hybrid.get(i).metrics().get(MetricNames.TIMING_SYNC) >= 0);
    }
    assertEquals(plain.updates(), p.trainer().updates(), "the trainer receives the plain run's batches bit for bit");
    assertEquals(0, p.server().updates().size(), "the server is never trained");
    assertEquals(List.of(0L, 1L, 2L, 3L, 4L), sync.published);
    assertEquals(sync.published, sync.trainerVersions, "each version is published when the trainer has it");
    assertNotEquals(comparable(expected.get(0).metrics()), comparable(expected.get(4).metrics()));
  }

  @Test
  void theUpdateUsesTheTrainersLogProbsAndTheMismatchIsReported() {
    ScriptedPolicy plain = SelfPlayTest.randomPolicy();
    Runs.steps(base(plain, corpus()).build(), 3);

    Pair p = Pair.create();
    float delta = -0.25f;
    List<IterationResult> hybrid = Runs.steps(base(p.trainer(), corpus())
        .rollouts(new Shifted(p.server(), delta)).policySync(new CheckpointSync(p.server()), 1).build(), 3);
    double diff = Math.abs((double) (ScriptedPolicy.TOKEN_LOG_PROB + delta) - ScriptedPolicy.TOKEN_LOG_PROB);
    for (IterationResult r : hybrid) {
      assertEquals(diff, r.metrics().get(MetricNames.ROLLOUT_LOGPROB_DIFF_MAX), 1e-12);
      assertEquals(diff, r.metrics().get(MetricNames.ROLLOUT_LOGPROB_DIFF_MEAN), 1e-12);
    }
    for (List<TrainingSample> batch : p.trainer().updates()) {
      for (TrainingSample s : batch) {
        for (float lp : s.oldLogProbs()) {
          assertEquals(ScriptedPolicy.TOKEN_LOG_PROB, lp, 0, "pi_old is the trainer's log-prob, not the server's");
        }
      }
    }
    assertEquals(plain.updates(), p.trainer().updates());
  }

  @Test
  void syncEveryTwoUpdatesServesVersionsUpToOneOld() {
    Pair p = Pair.create();
    CheckpointSync sync = new CheckpointSync(p.server());
    List<Long> servedAtGeneration = new ArrayList<>();
    PolicyBackend recording = new Shifted(p.server(), 0f) {
      @Override
      public List<Completion> generate(List<Prompt> prompts, SamplingParams params) {
        servedAtGeneration.add(p.server().version());
        return super.generate(prompts, params);
      }
    };
    List<IterationResult> rs = Runs.steps(base(p.trainer(), corpus()).rollouts(recording).policySync(sync, 2)
        .maxStaleness(1).build(), 5);
    assertEquals(List.of(0L, 2L, 4L), sync.published);
    assertEquals(sync.published, sync.trainerVersions);
    double[] version = rs.stream().mapToDouble(r -> r.metrics().get(MetricNames.ROLLOUT_POLICY_VERSION)).toArray();
    double[] staleness = rs.stream().mapToDouble(r -> r.metrics().get(MetricNames.ROLLOUT_STALENESS)).toArray();
    assertArrayEquals(new double[] {0, 0, 2, 2, 4}, version);
    assertArrayEquals(new double[] {0, 1, 0, 1, 0}, staleness);
    assertEquals(5, p.trainer().version());
    assertTrue(servedAtGeneration.contains(0L) && servedAtGeneration.contains(2L) && servedAtGeneration.contains(4L));
    assertTrue(servedAtGeneration.stream().noneMatch(v -> v == 1L || v == 3L), "odd versions are never served");
  }

  @Test
  void theBuilderRefusesAStalenessBoundTheScheduleCannotKeep() {
    Pair p = Pair.create();
    PolicySync sync = new CheckpointSync(p.server());
    SpiceException.ConfigurationException e = assertThrows(SpiceException.ConfigurationException.class,
        () -> base(p.trainer(), corpus()).rollouts(p.server()).policySync(sync, 3).maxStaleness(1).build());
    assertTrue(e.getMessage().contains("policySync every 3 updates trains on rollouts up to 2 versions old, but"
        + " maxStaleness is 1; set maxStaleness(2) or more, or sync more often (everyUpdates <= 2)"), e.getMessage());
    e = assertThrows(SpiceException.ConfigurationException.class,
        () -> base(p.trainer(), corpus()).rollouts(p.server()).build());
    assertTrue(e.getMessage().contains("rollouts(...) is set without policySync(...)"), e.getMessage());
    e = assertThrows(SpiceException.ConfigurationException.class,
        () -> base(p.trainer(), corpus()).policySync(sync, 1).build());
    assertTrue(e.getMessage().contains("policySync(...) is set without rollouts(...)"), e.getMessage());
    e = assertThrows(SpiceException.ConfigurationException.class,
        () -> base(p.trainer(), corpus()).rollouts(p.server()).policySync(sync, 0).build());
    assertTrue(e.getMessage().contains("policySync everyUpdates must be >= 1, got 0"), e.getMessage());
    e = assertThrows(SpiceException.ConfigurationException.class,
        () -> base(p.trainer(), corpus()).rollouts(p.server()).policySync(sync, 1).maxStaleness(-1).build());
    assertTrue(e.getMessage().contains("maxStaleness must be >= 0 versions, got -1"), e.getMessage());
    e = assertThrows(SpiceException.ConfigurationException.class,
        () -> base(p.trainer(), corpus()).rollouts(p.trainer()).policySync(sync, 1).build());
    assertTrue(e.getMessage().contains("rollouts(...) is the trained policy itself"), e.getMessage());
  }

  @Test
  void aFailedPublishFailsTheIterationAndLeavesTheStateUnchanged() {
    Pair ref = Pair.create();
    List<IterationResult> expected = Runs.steps(base(ref.trainer(), corpus()).rollouts(ref.server())
        .policySync(new CheckpointSync(ref.server()), 1).build(), 3);

    Pair p = Pair.create();
    CheckpointSync sync = new CheckpointSync(p.server());
    ListCorpus c = corpus();
    EventLog log = new EventLog();
    SelfPlay e = base(p.trainer(), c).rollouts(p.server()).policySync(sync, 1).listener(log).build();
    List<IterationResult> got = new ArrayList<>();
    got.add(e.step());
    sync.failAtVersion = 1;
    String cursor = c.cursor().state();
    SpiceException err = assertThrows(SpiceException.BackendException.class, e::step);
    assertTrue(err.getMessage().contains("publishing policy version 1 of scripted to the rollout backend scripted"
        + " failed (nothing was trained; the next iteration publishes again): the server refused adapter v1"),
        err.getMessage());
    assertEquals(1, e.iteration());
    assertEquals(cursor, c.cursor().state());
    assertEquals(1, p.trainer().version());
    assertEquals(1, p.trainer().updates().size());
    assertTrue(log.events.stream().anyMatch(x -> x.startsWith("failed 1 publishing policy version 1")),
        log.events.toString());
    got.add(e.step());
    got.add(e.step());
    for (int i = 0; i < 3; i++) {
      assertEquals(comparable(expected.get(i).metrics()), comparable(got.get(i).metrics()), "iteration " + i);
    }
    assertEquals(ref.trainer().updates(), p.trainer().updates());
    assertEquals(List.of(0L, 1L, 2L), sync.published);
  }

  @Test
  void resumingFromACheckpointWithSyncContinuesExactly(@TempDir Path dir) {
    for (int k : new int[] {1, 2}) {
      Pair straight = Pair.create();
      CheckpointSync straightSync = new CheckpointSync(straight.server());
      SelfPlay s = base(straight.trainer(), corpus()).rollouts(straight.server()).policySync(straightSync, k)
          .maxStaleness(k - 1).build();
      List<IterationResult> all = new ArrayList<>(Runs.steps(s, 3));
      Path ck = s.saveCheckpoint(dir.resolve("k" + k));
      int publishedBefore = straightSync.published.size();
      all.addAll(Runs.steps(s, 3));

      Pair resumed = Pair.create();
      CheckpointSync resumedSync = new CheckpointSync(resumed.server());
      SelfPlay r = base(resumed.trainer(), corpus()).rollouts(resumed.server()).policySync(resumedSync, k)
          .maxStaleness(k - 1).build();
      r.restore(ck);
      List<IterationResult> after = Runs.steps(r, 3);
      for (int i = 0; i < 3; i++) {
        Map<String, Double> want = new HashMap<>(comparable(all.get(3 + i).metrics()));
        assertEquals(want, comparable(after.get(i).metrics()), "k=" + k + ", iteration " + (3 + i));
        for (String m : List.of(MetricNames.ROLLOUT_POLICY_VERSION, MetricNames.ROLLOUT_STALENESS,
            MetricNames.ROLLOUT_LOGPROB_DIFF_MAX)) {
          assertEquals(all.get(3 + i).metrics().get(m), after.get(i).metrics().get(m), m);
        }
      }
      assertEquals(straightSync.published.subList(publishedBefore, straightSync.published.size()),
          resumedSync.published, "k=" + k);
      assertEquals(3L, resumedSync.published.get(0), "the restored trainer is published first");
      // token ids differ (the fakes number words in order of first sight), so compare what else the batches hold
      assertEquals(straight.trainer().updates().subList(3, 6).toString(), resumed.trainer().updates().toString());
    }
  }

  @Test
  void aCheckpointWithoutThePolicyVersionIsRefused(@TempDir Path dir) throws IOException {
    Pair p = Pair.create();
    SelfPlay e = base(p.trainer(), corpus()).rollouts(p.server()).policySync(new CheckpointSync(p.server()), 1)
        .build();
    e.step();
    Path ck = e.saveCheckpoint(dir);
    Path engineJson = ck.resolve("engine.json");
    String json = Files.readString(engineJson);
    assertTrue(json.contains("\"policy_version\":1"), json);
    Files.writeString(engineJson, json.replace("\"policy_version\":1", "\"policy_version\":-4"));
    writeManifest(ck);
    Pair q = Pair.create();
    SelfPlay other = base(q.trainer(), corpus()).rollouts(q.server()).policySync(new CheckpointSync(q.server()), 1)
        .build();
    SpiceException err = assertThrows(SpiceException.CheckpointException.class, () -> other.restore(ck));
    assertTrue(err.getMessage().contains("field 'policy_version' (hybrid training's policy version) is missing or"
        + " invalid"), err.getMessage());
    assertEquals(0, other.iteration());
  }

  @Test
  void promptTokensThatDifferFromTheTrainersFailClearly() {
    ScriptedPolicy trainer = SelfPlayTest.randomPolicy();
    ScriptedPolicy otherTokenizer = SelfPlayTest.randomPolicy();
    otherTokenizer.tokenize("words the trainer never saw shift every id");
    SelfPlay e = base(trainer, corpus()).rollouts(otherTokenizer).policySync(PolicySync.sharedWeights(), 1).build();
    SpiceException err = assertThrows(SpiceException.BackendException.class, e::step);
    assertTrue(err.getMessage().contains("the rollout backend scripted fed prompt tokens ["), err.getMessage());
    assertTrue(err.getMessage().contains("but the trainer scripted renders it as ["), err.getMessage());
    assertTrue(err.getMessage().contains("must share tokenizer, template and special tokens"), err.getMessage());
    assertEquals(0, trainer.updates().size());
    assertEquals(0, e.iteration());
  }

  private static void writeManifest(Path dir) throws IOException {
    Files.delete(dir.resolve(Checkpoints.MANIFEST));
    Map<String, Object> files = new java.util.TreeMap<>();
    try (var s = Files.walk(dir)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        files.put(dir.relativize(p).toString().replace('\\', '/'), Files.size(p));
      }
    }
    Files.writeString(dir.resolve(Checkpoints.MANIFEST), dev.spice.core.internal.json.Json.write(
        Map.of("format", Checkpoints.FORMAT, "files", files)) + "\n");
  }
}
