package dev.spice.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.Checkpointable;
import dev.spice.core.Document;
import dev.spice.core.Role;
import dev.spice.core.SpiceException;
import dev.spice.core.internal.json.Json;
import dev.spice.core.testing.ListCorpus;
import dev.spice.core.testing.ScriptedPolicy;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Run folders: complete checkpoints only, the lock, reuse modes, leftovers, resume in one call. */
class RunFolderTest {

  private static ListCorpus corpus() {
    List<Document> docs = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      docs.add(Document.of("d" + i, "fact" + i + " value " + (i * 3 % 10), "s"));
    }
    return new ListCorpus("s", docs, 5);
  }

  private static SelfPlay.Builder builder(ScriptedPolicy policy) {
    return SelfPlay.builder().policy(policy).corpus(corpus()).recipe(TestRecipes.recipe(2, 4)).batchSize(3).seed(9);
  }

  private static List<Long> iterations(Path metrics) throws Exception {
    List<Long> out = new ArrayList<>();
    for (String l : Files.readAllLines(metrics)) {
      out.add((Long) Json.parseObject(l).get("iteration"));
    }
    return out;
  }

  /** Metrics of every line, timings removed. */
  private static List<Object> stableLines(Path metrics) throws Exception {
    List<Object> out = new ArrayList<>();
    for (String l : Files.readAllLines(metrics)) {
      @SuppressWarnings("unchecked")
      Map<String, Object> m = (Map<String, Object>) Json.parseObject(l).get("metrics");
      m.remove(MetricNames.STEP_TIME);
      m.remove(MetricNames.TOKENS_PER_SECOND);
      m.keySet().removeIf(k -> k.startsWith(MetricNames.TIMING_PREFIX));
      out.add(m);
    }
    return out;
  }

  /** Application state that must survive with the engine's: a counter of iterations seen. */
  static final class Counter implements Checkpointable, SelfPlayListener {
    long seen;

    @Override
    public void onIterationEnd(IterationResult result) {
      seen++;
    }

    @Override
    public void saveCheckpoint(Path directory) {
      try {
        Files.writeString(directory.resolve("counter.txt"), Long.toString(seen));
      } catch (java.io.IOException e) {
        throw new SpiceException.CheckpointException("cannot write counter", e);
      }
    }

    @Override
    public void loadCheckpoint(Path directory) {
      try {
        seen = Long.parseLong(Files.readString(directory.resolve("counter.txt")).strip());
      } catch (java.io.IOException e) {
        throw new SpiceException.CheckpointException("cannot read counter", e);
      }
    }
  }

  @Test
  void aResumedRunEqualsTheUninterruptedOneAndItsMetricsFileHasEachIterationOnce(@TempDir Path tmp) throws Exception {
    Path straight = tmp.resolve("straight");
    try (SelfPlayListeners.JsonlMetricsListener m = SelfPlayListeners.jsonl(straight.resolve("metrics.jsonl"));
        SelfPlay spice = builder(SelfPlayTest.randomPolicy()).runFolder(straight, RunMode.NEW).listener(m).build()) {
      spice.run(7);
    }
    Path run = tmp.resolve("run");
    Counter counter = new Counter();
    try (SelfPlayListeners.JsonlMetricsListener m = SelfPlayListeners.jsonl(run.resolve("metrics.jsonl"));
        SelfPlay spice = builder(SelfPlayTest.randomPolicy()).runFolder(run, RunMode.NEW).checkpointEvery(2, run)
            .checkpointState("counter", counter).listener(counter).listener(m).build()) {
      spice.run(5); // checkpoints after 2 and 4; iteration 4 (the fifth) is lost in the "crash"
    }
    assertEquals(List.of(0L, 1L, 2L, 3L, 4L), iterations(run.resolve("metrics.jsonl")));
    Counter restored = new Counter();
    try (SelfPlayListeners.JsonlMetricsListener m = SelfPlayListeners.jsonl(run.resolve("metrics.jsonl"));
        SelfPlay spice = builder(SelfPlayTest.randomPolicy()).runFolder(run, RunMode.RESUME).checkpointEvery(2, run)
            .checkpointState("counter", restored).listener(restored).listener(m).build()) {
      assertEquals(4, spice.iteration(), "resumed from the newest complete checkpoint");
      assertEquals(4, restored.seen, "extra state restored with the checkpoint");
      assertEquals(List.of(0L, 1L, 2L, 3L), iterations(run.resolve("metrics.jsonl")), "lines past it dropped");
      spice.run(3);
    }
    assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L), iterations(run.resolve("metrics.jsonl")));
    assertEquals(stableLines(straight.resolve("metrics.jsonl")), stableLines(run.resolve("metrics.jsonl")));
  }

  @Test
  void latestSkipsACheckpointWithoutACompleteManifestAndRestoreRefusesIt(@TempDir Path run) throws Exception {
    Path second;
    try (SelfPlay spice = builder(SelfPlayTest.randomPolicy()).runFolder(run, RunMode.NEW).build()) {
      spice.step();
      spice.saveCheckpoint(run);
      spice.step();
      second = spice.saveCheckpoint(run);
    }
    assertEquals(second, SelfPlay.latestCheckpoint(run).orElseThrow());
    Files.writeString(second.resolve("engine.json"), "{}"); // a size the manifest does not list
    assertEquals(run.resolve("checkpoint-00000001"), SelfPlay.latestCheckpoint(run).orElseThrow());
    Files.delete(second.resolve(Checkpoints.MANIFEST));
    assertEquals(run.resolve("checkpoint-00000001"), SelfPlay.latestCheckpoint(run).orElseThrow());
    try (SelfPlay spice = builder(SelfPlayTest.randomPolicy()).runFolder(run, RunMode.RESUME).build()) {
      assertEquals(1, spice.iteration(), "falls back to the previous complete checkpoint");
      SpiceException.CheckpointException e = assertThrows(SpiceException.CheckpointException.class,
          () -> spice.restore(second));
      assertTrue(e.getMessage().contains("is incomplete: no manifest.json"), e.getMessage());
      assertEquals(1, spice.iteration());
    }
  }

  @Test
  void aSecondEngineOnTheSameFolderFailsAtOnceUntilTheFirstCloses(@TempDir Path run) {
    SelfPlay first = builder(SelfPlayTest.randomPolicy()).runFolder(run, RunMode.NEW).build();
    SpiceException.CheckpointException e = assertThrows(SpiceException.CheckpointException.class,
        () -> builder(SelfPlayTest.randomPolicy()).runFolder(run, RunMode.RESUME).build());
    assertTrue(e.getMessage().contains("run folder " + run + " is in use by another run (pid "
        + ProcessHandle.current().pid() + ")"), e.getMessage());
    first.close();
    builder(SelfPlayTest.randomPolicy()).runFolder(run, RunMode.RESUME).build().close();
  }

  @Test
  void anotherProcessHoldingTheFolderIsNamedByPid(@TempDir Path run) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        RunLockHolder.class.getName(), run.toString()).redirectErrorStream(true).start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
      String line = out.readLine();
      assertTrue(line != null && line.startsWith("locked "), "child said: " + line);
      SpiceException.CheckpointException e = assertThrows(SpiceException.CheckpointException.class,
          () -> builder(SelfPlayTest.randomPolicy()).runFolder(run, RunMode.NEW).build());
      assertTrue(e.getMessage().contains("(pid " + child.pid() + ")"), e.getMessage());
    } finally {
      child.getOutputStream().close();
      assertTrue(child.waitFor(20, TimeUnit.SECONDS));
    }
    builder(SelfPlayTest.randomPolicy()).runFolder(run, RunMode.NEW).build().close();
  }

  @Test
  void aFolderHoldingARunIsRefusedUnlessResumedOrOverwritten(@TempDir Path run) throws Exception {
    try (SelfPlayListeners.JsonlMetricsListener m = SelfPlayListeners.jsonl(run.resolve("metrics.jsonl"));
        SelfPlay spice = builder(SelfPlayTest.randomPolicy()).runFolder(run, RunMode.NEW).checkpointEvery(1, run)
            .listener(m).build()) {
      spice.run(3);
    }
    SpiceException.CheckpointException e = assertThrows(SpiceException.CheckpointException.class,
        () -> builder(SelfPlayTest.randomPolicy()).runFolder(run, RunMode.NEW).build());
    assertTrue(e.getMessage().contains("already holds a run"), e.getMessage());
    Files.createDirectories(run.resolve("checkpoint-00000007.tmp-1-2")); // a killed write
    Files.writeString(run.resolve("notes.txt"), "mine");
    try (SelfPlayListeners.JsonlMetricsListener m = SelfPlayListeners.jsonl(run.resolve("metrics.jsonl"));
        SelfPlay spice = builder(SelfPlayTest.randomPolicy()).runFolder(run, RunMode.OVERWRITE).checkpointEvery(1, run)
            .listener(m).build()) {
      assertEquals(0, spice.iteration());
      try (Stream<Path> s = Files.list(run)) {
        assertEquals(List.of("metrics.jsonl", "notes.txt", "run.lock"),
            s.map(p -> p.getFileName().toString()).sorted().toList(), "old checkpoints and leftovers removed");
      }
      assertEquals(0, Files.size(run.resolve("metrics.jsonl")));
      spice.step();
    }
    assertEquals(List.of(0L), iterations(run.resolve("metrics.jsonl")));
    assertEquals(run.resolve("checkpoint-00000001"), SelfPlay.latestCheckpoint(run).orElseThrow());
  }

  @Test
  void resumingAFolderWithMetricsButNoCheckpointStartsOver(@TempDir Path run) throws Exception {
    try (SelfPlayListeners.JsonlMetricsListener m = SelfPlayListeners.jsonl(run.resolve("metrics.jsonl"));
        SelfPlay spice = builder(SelfPlayTest.randomPolicy()).runFolder(run, RunMode.NEW).listener(m).build()) {
      spice.run(2); // crash before the first checkpoint
    }
    try (SelfPlayListeners.JsonlMetricsListener m = SelfPlayListeners.jsonl(run.resolve("metrics.jsonl"));
        SelfPlay spice = builder(SelfPlayTest.randomPolicy()).runFolder(run, RunMode.RESUME).listener(m).build()) {
      assertEquals(0, spice.iteration());
      assertEquals(0, Files.size(run.resolve("metrics.jsonl")));
      spice.step();
    }
    assertEquals(List.of(0L), iterations(run.resolve("metrics.jsonl")));
  }

  @Test
  void aPolicyOnlyRestoreLoadsWeightsButKeepsIterationAndNewSettings(@TempDir Path run) {
    Path ckpt;
    ScriptedPolicy trained = SelfPlayTest.randomPolicy();
    try (SelfPlay spice = builder(trained).runFolder(run, RunMode.NEW).build()) {
      spice.run(3);
      ckpt = spice.saveCheckpoint(run);
    }
    ScriptedPolicy fresh = SelfPlayTest.randomPolicy();
    SelfPlay other = builder(fresh).recipe(TestRecipes.recipe(4, 8)).build();
    assertThrows(SpiceException.CheckpointException.class, () -> other.restore(ckpt), "other settings");
    other.restorePolicy(ckpt);
    assertEquals(3, fresh.version(), "weights and optimizer state loaded");
    assertEquals(trained.advantageSum(), fresh.advantageSum(), 0);
    assertEquals(0, other.iteration());
    other.step();
    assertEquals(4, fresh.version());
  }

  @Test
  void checkpointStateNamesAreChecked() {
    SpiceException.ConfigurationException e = assertThrows(SpiceException.ConfigurationException.class,
        () -> builder(SelfPlayTest.randomPolicy()).checkpointState("../x", new Counter()));
    assertTrue(e.getMessage().contains("../x"));
    e = assertThrows(SpiceException.ConfigurationException.class,
        () -> builder(SelfPlayTest.randomPolicy()).runFolder(Path.of("a"), RunMode.NEW).checkpointEvery(1, Path.of("b"))
            .build());
    assertTrue(e.getMessage().contains("use one folder"), e.getMessage());
  }

  @Test
  void everyCheckpointHasAManifestListingItsFiles(@TempDir Path run) throws Exception {
    Path ckpt;
    try (SelfPlay spice = builder(SelfPlayTest.randomPolicy()).checkpointState("counter", new Counter()).build()) {
      spice.step();
      ckpt = spice.saveCheckpoint(run);
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> files = (Map<String, Object>) Json.parseObject(
        Files.readString(ckpt.resolve(Checkpoints.MANIFEST))).get("files");
    assertEquals(List.of("engine.json", "policy/scripted.txt", "state/counter/counter.txt"),
        files.keySet().stream().sorted().toList());
    assertFalse(Files.exists(ckpt.resolve(Checkpoints.MANIFEST + ".part")));
  }

  @Test
  void aCheckpointWithoutARegisteredStateIsRefusedBeforeAnythingChanges(@TempDir Path run) {
    Path ckpt;
    try (SelfPlay spice = builder(SelfPlayTest.randomPolicy()).build()) {
      spice.step();
      ckpt = spice.saveCheckpoint(run);
    }
    ScriptedPolicy policy = SelfPlayTest.randomPolicy();
    SelfPlay withState = builder(policy).checkpointState("counter", new Counter()).build();
    SpiceException.CheckpointException e = assertThrows(SpiceException.CheckpointException.class,
        () -> withState.restore(ckpt));
    assertTrue(e.getMessage().contains("has no state 'counter'"), e.getMessage());
    assertEquals(0, withState.iteration());
    assertEquals(0, policy.version(), "the policy was not loaded");
  }
}
