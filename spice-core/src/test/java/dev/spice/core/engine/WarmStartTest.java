package dev.spice.core.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.CorpusCursor;
import dev.spice.core.Document;
import dev.spice.core.SpiceException;
import dev.spice.core.SupervisedSample;
import dev.spice.core.UpdateStats;
import dev.spice.core.internal.json.Json;
import dev.spice.core.sampling.Seeds;
import dev.spice.core.testing.ListCorpus;
import dev.spice.core.testing.ScriptedPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The warm-start runner: windows, skipped documents, exact resume, failures, builder, events, metrics. */
class WarmStartTest {
  private static final int VOCAB = 40;

  /** Text of the words {@code w<from>} .. {@code w<from+len-1>} (mod VOCAB): token ids from..from+len-1 once primed. */
  private static String words(int from, int len) {
    return IntStream.range(from, from + len).mapToObj(k -> "w" + (k % VOCAB)).collect(Collectors.joining(" "));
  }

  /** A scripted policy whose word ids are fixed: {@code wK} has id K (ids are given on first sight). */
  private static ScriptedPolicy policy() {
    ScriptedPolicy p = new ScriptedPolicy((prompt, row, seed, pol) -> "");
    assertArrayEquals(IntStream.range(0, VOCAB).toArray(), p.tokenize(words(0, VOCAB)));
    return p;
  }

  /** Documents of 1 to 12 tokens. */
  private static ListCorpus corpus() {
    List<Document> docs = new ArrayList<>();
    for (int i = 0; i < 9; i++) {
      docs.add(Document.of("d" + i, words(3 * i, 2 + (i * 5) % 11), "c"));
    }
    return new ListCorpus("c", docs, 11);
  }

  private static WarmStart.Builder builder(ScriptedPolicy policy) {
    return WarmStart.builder().policy(policy).corpus(corpus()).maxTokens(6).documentsPerStep(4).seed(21);
  }

  private static int[] tokens(SupervisedSample s) {
    int[] p = s.promptTokens();
    int[] t = s.targetTokens();
    int[] all = Arrays.copyOf(p, p.length + t.length);
    System.arraycopy(t, 0, all, p.length, t.length);
    return all;
  }

  @Test
  void eachDocumentGivesOneWindowAtTheSeededPositionWithAtMostMaxTokens() {
    ScriptedPolicy policy = policy();
    ListCorpus mirror = corpus();
    List<WarmStartResult> results;
    try (WarmStart warm = builder(policy).build()) {
      results = Runs.steps(warm, 5);
      assertEquals(5, warm.completedSteps());
    }
    assertEquals(5, policy.supervisedUpdates().size());
    assertEquals(5, policy.version(), "one supervised update per step");
    boolean someCut = false;
    boolean someOffset = false;
    for (int s = 0; s < 5; s++) {
      List<SupervisedSample> batch = policy.supervisedUpdates().get(s);
      assertEquals(4, batch.size());
      for (int i = 0; i < 4; i++) {
        Document d = mirror.next();
        int[] docTokens = policy.tokenize(d.text());
        int n = docTokens.length;
        int w = Math.min(n, 6);
        int offset = (int) Math.floorMod(Seeds.mix(Seeds.mix(21, s), i), (long) (n - w + 1));
        SupervisedSample sample = batch.get(i);
        assertEquals(1, sample.promptLength(), "without a start token the window's first token is the prompt");
        assertTrue(sample.promptLength() + sample.targetLength() <= 6);
        assertArrayEquals(Arrays.copyOfRange(docTokens, offset, offset + w), tokens(sample));
        assertEquals(1.0, sample.weight());
        assertEquals(new WarmStartResult.DocumentWindow(d.id(), n, offset, w), results.get(s).documents().get(i));
        someCut |= w < n;
        someOffset |= offset > 0;
      }
      Metrics m = results.get(s).metrics();
      assertEquals(s, m.iteration());
      assertEquals(batch.stream().mapToInt(SupervisedSample::targetLength).sum(), m.get(WarmStartMetricNames.TOKENS));
      assertEquals(4, m.get(WarmStartMetricNames.SAMPLES));
      assertEquals(results.get(s).documents().stream().filter(WarmStartResult.DocumentWindow::cut).count(),
          (long) m.get(WarmStartMetricNames.CUT_DOCUMENTS));
      assertEquals(Math.log(2), m.get(WarmStartMetricNames.LOSS), 1e-12);
      assertEquals(0, m.get(WarmStartMetricNames.UPDATE_SKIPPED));
      assertTrue(m.get(WarmStartMetricNames.TOKENS_PER_SECOND) > 0);
      assertTrue(m.get(WarmStartMetricNames.STEP_TIME) >= 0);
    }
    assertTrue(someCut && someOffset, "the corpus has documents longer than a chunk, cut at various offsets");
  }

  @Test
  void theSameSeedGivesTheSameSamplesAndAnotherSeedOtherWindows() {
    ScriptedPolicy a = policy();
    ScriptedPolicy b = policy();
    ScriptedPolicy c = policy();
    builder(a).build().run(4);
    builder(b).build().run(4);
    builder(c).seed(22).build().run(4);
    assertEquals(a.supervisedUpdates(), b.supervisedUpdates());
    assertNotEquals(a.supervisedUpdates(), c.supervisedUpdates(), "window positions follow the seed");
  }

  @Test
  void aStartTokenIsTheOnePromptTokenAndEveryWindowTokenIsATarget() {
    ScriptedPolicy policy = policy();
    ListCorpus mirror = corpus();
    try (WarmStart warm = builder(policy).startToken(39).maxTokens(5).build()) {
      warm.run(3);
      assertEquals(39, warm.settings().get("start_token"));
    }
    for (int s = 0; s < 3; s++) {
      List<SupervisedSample> batch = policy.supervisedUpdates().get(s);
      for (int i = 0; i < 4; i++) {
        int[] docTokens = policy.tokenize(mirror.next().text());
        int n = docTokens.length;
        int w = Math.min(n, 4);
        int offset = WarmStartBatch.windowOffset(21, s, i, n, w);
        SupervisedSample sample = batch.get(i);
        assertArrayEquals(new int[] {39}, sample.promptTokens());
        assertArrayEquals(Arrays.copyOfRange(docTokens, offset, offset + w), sample.targetTokens());
        assertTrue(sample.promptLength() + sample.targetLength() <= 5, "maxTokens counts the start token");
      }
    }
  }

  @Test
  void documentsWithFewerThanTwoTokensAreSkippedAndCounted() {
    List<Document> docs = List.of(Document.of("empty", "", "c"), Document.of("one", "w1", "c"),
        Document.of("two", "w1 w2", "c"), Document.of("three", "w3 w4 w5", "c"));
    ScriptedPolicy policy = policy();
    WarmStartResult r;
    try (WarmStart warm = WarmStart.builder().policy(policy).corpus(new ListCorpus("c", docs, 1)).maxTokens(8)
        .documentsPerStep(4).build()) {
      r = warm.step();
    }
    assertEquals(2, r.skippedDocuments());
    assertEquals(2, r.metrics().get(WarmStartMetricNames.SKIPPED_DOCUMENTS));
    assertEquals(2, r.metrics().get(WarmStartMetricNames.SAMPLES));
    assertEquals(1 + 2, r.metrics().get(WarmStartMetricNames.TOKENS));
    assertEquals(Set.of("empty", "one"), r.documents().stream().filter(WarmStartResult.DocumentWindow::skipped)
        .map(WarmStartResult.DocumentWindow::documentId).collect(Collectors.toSet()));
    assertEquals(Set.of(1, 2), policy.supervisedUpdates().get(0).stream().map(SupervisedSample::targetLength)
        .collect(Collectors.toSet()));
  }

  @Test
  void aStepWhoseDocumentsAreAllSkippedTakesNoUpdateButCounts() {
    List<Document> docs = List.of(Document.of("empty", " ", "c"), Document.of("one", "w1", "c"));
    ScriptedPolicy policy = policy();
    Log log = new Log();
    try (WarmStart warm = WarmStart.builder().policy(policy).corpus(new ListCorpus("c", docs, 1)).maxTokens(8)
        .documentsPerStep(2).listener(log).build()) {
      WarmStartResult r = warm.step();
      assertEquals(1, warm.completedSteps(), "the step counts: its documents were read");
      assertEquals(UpdateStats.empty(), r.update());
      assertEquals(1, r.metrics().get(WarmStartMetricNames.UPDATE_SKIPPED));
      assertEquals(2, r.metrics().get(WarmStartMetricNames.SKIPPED_DOCUMENTS));
      assertEquals(0, r.metrics().get(WarmStartMetricNames.TOKENS));
      assertTrue(Double.isNaN(r.metrics().get(WarmStartMetricNames.LOSS)), "no loss without samples");
    }
    assertEquals(0, policy.version());
    assertEquals(List.of("start 0", "end 0"), log.events, "no update events without an update");
  }

  @Test
  void aResumedRunTrainsOnTheSamplesOfTheUninterruptedOne(@TempDir Path tmp) throws Exception {
    ScriptedPolicy straight = policy();
    Path straightDir = tmp.resolve("straight");
    try (WarmStartListeners.JsonlMetrics m = WarmStartListeners.jsonl(straightDir.resolve("metrics.jsonl"));
        WarmStart warm = builder(straight).runFolder(straightDir, RunMode.NEW).listener(m).build()) {
      warm.run(7);
    }
    Path run = tmp.resolve("run");
    ScriptedPolicy first = policy();
    try (WarmStartListeners.JsonlMetrics m = WarmStartListeners.jsonl(run.resolve("metrics.jsonl"));
        WarmStart warm = builder(first).runFolder(run, RunMode.NEW).checkpointEvery(2).listener(m).build()) {
      warm.run(5); // checkpoints after 2 and 4; step 4 (the fifth) is lost in the "crash"
    }
    assertEquals(List.of(0L, 1L, 2L, 3L, 4L), steps(run.resolve("metrics.jsonl")));
    assertEquals(Path.of("checkpoint-00000004"), WarmStart.latestCheckpoint(run).orElseThrow().getFileName());
    ScriptedPolicy resumed = policy();
    try (WarmStartListeners.JsonlMetrics m = WarmStartListeners.jsonl(run.resolve("metrics.jsonl"));
        WarmStart warm = builder(resumed).runFolder(run, RunMode.RESUME).checkpointEvery(2).listener(m).build()) {
      assertEquals(4, warm.completedSteps(), "resumed from the newest complete checkpoint");
      assertEquals(4, resumed.version(), "the policy was restored from policy/");
      assertEquals(List.of(0L, 1L, 2L, 3L), steps(run.resolve("metrics.jsonl")), "lines past it dropped");
      warm.run(3);
    }
    assertEquals(straight.supervisedUpdates().subList(4, 7), resumed.supervisedUpdates());
    assertEquals(straight.supervisedUpdates().subList(0, 5), first.supervisedUpdates());
    assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L), steps(run.resolve("metrics.jsonl")));
    assertEquals(stableLines(straightDir.resolve("metrics.jsonl")), stableLines(run.resolve("metrics.jsonl")));
  }

  @Test
  void saveAndRestoreByHandContinueExactly(@TempDir Path tmp) {
    ScriptedPolicy straight = policy();
    builder(straight).build().run(5);
    ScriptedPolicy a = policy();
    Path ckpt;
    try (WarmStart warm = builder(a).build()) {
      warm.run(3);
      ckpt = warm.saveCheckpoint(tmp);
      assertEquals("checkpoint-00000003", ckpt.getFileName().toString());
      assertTrue(Files.isRegularFile(ckpt.resolve(Checkpoints.MANIFEST)));
      assertTrue(Files.isRegularFile(ckpt.resolve("policy").resolve("scripted.txt")));
    }
    ScriptedPolicy b = policy();
    Log log = new Log();
    try (WarmStart warm = builder(b).listener(log).build()) {
      warm.restore(ckpt);
      assertEquals(3, warm.completedSteps());
      warm.run(2);
    }
    assertEquals("restore 3 checkpoint-00000003", log.events.get(0));
    assertEquals(straight.supervisedUpdates().subList(3, 5), b.supervisedUpdates());
  }

  @Test
  void restoreRefusesOtherSettingsAndSelfPlayCanTakeTheWarmPolicy(@TempDir Path tmp) {
    Path ckpt;
    try (WarmStart warm = builder(policy()).build()) {
      warm.run(2);
      ckpt = warm.saveCheckpoint(tmp);
    }
    ScriptedPolicy other = policy();
    ListCorpus corpus = corpus();
    corpus.next();
    CorpusCursor before = corpus.cursor();
    WarmStart longer = builder(other).corpus(corpus).maxTokens(7).build();
    SpiceException.CheckpointException e = assertThrows(SpiceException.CheckpointException.class, () -> longer.restore(ckpt));
    assertTrue(e.getMessage().contains("max_tokens: checkpoint has 6, this engine has 7"), e.getMessage());
    assertEquals(0, longer.completedSteps());
    assertEquals(0, other.version());
    // self-play refuses the warm-start run but takes its policy
    ScriptedPolicy selfPlayPolicy = policy();
    try (SelfPlay spice = SelfPlay.builder().policy(selfPlayPolicy).corpus(corpus()).recipe(TestRecipes.recipe(2, 4))
        .batchSize(2).build()) {
      SpiceException.CheckpointException s = assertThrows(SpiceException.CheckpointException.class, () -> spice.restore(ckpt));
      assertTrue(s.getMessage().contains("trainer: only in the checkpoint"), s.getMessage());
      spice.restorePolicy(ckpt);
      assertEquals(2, selfPlayPolicy.version());
      assertEquals(0, spice.iteration());
    }
    assertEquals(before, corpus.cursor(), "a refused checkpoint leaves the corpus position");
  }

  @Test
  void aFailedStepLeavesTheCursorAndTheStepCountAndFiresFailed() {
    ScriptedPolicy reference = policy();
    builder(reference).build().run(2);
    ScriptedPolicy policy = policy();
    ListCorpus corpus = corpus();
    Log log = new Log();
    try (WarmStart warm = builder(policy).corpus(corpus).listener(log).build()) {
      warm.step();
      CorpusCursor before = corpus.cursor();
      policy.failNextUpdate();
      SpiceException.BackendException e = assertThrows(SpiceException.BackendException.class, warm::step);
      assertEquals("scripted update failure", e.getMessage());
      assertEquals(before, corpus.cursor(), "the documents of the failed step will be read again");
      assertEquals(1, warm.completedSteps());
      assertEquals(1, policy.version());
      warm.step(); // the retry trains on what the failed step would have
    }
    assertEquals(reference.supervisedUpdates(), policy.supervisedUpdates());
    assertEquals(List.of("start 0", "update 4", "update-end 4", "end 0",
        "start 1", "update 4", "failed 1 scripted update failure",
        "start 1", "update 4", "update-end 4", "end 1"), log.events);
  }

  @Test
  void aPolicyWithoutSupervisedUpdatesFailsTheStepNamingIt() {
    ScriptedPolicy inner = policy();
    dev.spice.core.TrainablePolicy plain = new dev.spice.core.TrainablePolicy() {
      @Override
      public String name() {
        return "plain";
      }

      @Override
      public List<dev.spice.core.Completion> generate(List<dev.spice.core.Prompt> prompts, dev.spice.core.SamplingParams p) {
        return inner.generate(prompts, p);
      }

      @Override
      public List<float[]> scoreContinuations(List<dev.spice.core.Prompt> prompts, List<int[]> continuations) {
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
      public UpdateStats update(List<dev.spice.core.TrainingSample> samples, dev.spice.core.LossSettings loss) {
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
    };
    ListCorpus corpus = corpus();
    CorpusCursor before = corpus.cursor();
    WarmStart warm = WarmStart.builder().policy(plain).corpus(corpus).maxTokens(4).build();
    SpiceException.BackendException e = assertThrows(SpiceException.BackendException.class, warm::step);
    assertTrue(e.getMessage().contains("'plain' backend"), e.getMessage());
    assertEquals(before, corpus.cursor());
    assertEquals(0, warm.completedSteps());
  }

  @Test
  void theBuilderNamesEveryInvalidSettingAndItsValidValues() {
    SpiceException.ConfigurationException e = assertThrows(SpiceException.ConfigurationException.class,
        () -> WarmStart.builder().build());
    assertTrue(e.getMessage().contains("policy is missing"), e.getMessage());
    assertTrue(e.getMessage().contains("corpus is missing"), e.getMessage());
    assertTrue(e.getMessage().contains("maxTokens is missing"), e.getMessage());
    e = assertThrows(SpiceException.ConfigurationException.class, () -> builder(policy()).maxTokens(1)
        .startToken(-1).documentsPerStep(0).checkpointEvery(-2).build());
    assertTrue(e.getMessage().contains("maxTokens must be >= 2"), e.getMessage());
    assertTrue(e.getMessage().contains("startToken must be a token id >= 0"), e.getMessage());
    assertTrue(e.getMessage().contains("documentsPerStep must be >= 1 (or 0 with demonstrations(...)), got 0"), e.getMessage());
    assertTrue(e.getMessage().contains("checkpointEvery must be >= 1 (or 0: off), got -2"), e.getMessage());
    e = assertThrows(SpiceException.ConfigurationException.class, () -> builder(policy()).checkpointEvery(3).build());
    assertTrue(e.getMessage().contains("checkpointEvery(3) needs a folder: set runFolder(dir, RunMode)"), e.getMessage());
    assertThrows(NullPointerException.class, () -> WarmStart.builder().listener(null));
    assertThrows(NullPointerException.class, () -> WarmStart.builder().runFolder(Path.of("x"), null));
    assertThrows(IllegalArgumentException.class, () -> builder(policy()).build().run(-1));
  }

  @Test
  void runFoldersAreLockedAndNewRefusesAFolderThatHoldsARun(@TempDir Path tmp) {
    try (WarmStart warm = builder(policy()).runFolder(tmp, RunMode.NEW).checkpointEvery(1).build()) {
      SpiceException.CheckpointException locked = assertThrows(SpiceException.CheckpointException.class,
          () -> builder(policy()).runFolder(tmp, RunMode.RESUME).build());
      assertTrue(locked.getMessage().contains("is in use by another run"), locked.getMessage());
      warm.run(2);
    }
    SpiceException.CheckpointException held = assertThrows(SpiceException.CheckpointException.class,
        () -> builder(policy()).runFolder(tmp, RunMode.NEW).build());
    assertTrue(held.getMessage().contains("already holds a run"), held.getMessage());
    try (WarmStart warm = builder(policy()).runFolder(tmp, RunMode.OVERWRITE).build()) {
      assertEquals(0, warm.completedSteps());
      assertTrue(WarmStart.latestCheckpoint(tmp).isEmpty(), "old checkpoints removed");
    }
  }

  @Test
  void listenersSeePairedEventsInOrderAndOneThatThrowsIsIgnored(@TempDir Path tmp) {
    Log log = new Log();
    WarmStartListener throwing = new WarmStartListener() {
      @Override
      public void onStepEnd(WarmStartResult result) {
        throw new IllegalStateException("listener bug");
      }
    };
    try (WarmStart warm = builder(policy()).runFolder(tmp, RunMode.NEW).checkpointEvery(2).listener(throwing)
        .listener(log).build()) {
      warm.run(2);
    }
    assertEquals(List.of("start 0", "update 4", "update-end 4", "end 0",
        "start 1", "update 4", "update-end 4", "end 1", "checkpoint 2 checkpoint-00000002"), log.events);
  }

  @Test
  void theJsonlFileHasOneLinePerStepWithEveryMetric(@TempDir Path tmp) throws Exception {
    Path file = tmp.resolve("m").resolve("metrics.jsonl");
    List<WarmStartResult> results;
    try (WarmStartListeners.JsonlMetrics m = WarmStartListeners.jsonl(file);
        WarmStart warm = builder(policy()).listener(m).listener(WarmStartListeners.logging()).build()) {
      results = Runs.steps(warm, 3);
    }
    List<String> lines = Files.readAllLines(file);
    assertEquals(3, lines.size());
    Set<String> names = Set.of(WarmStartMetricNames.LOSS, WarmStartMetricNames.GRAD_NORM, WarmStartMetricNames.ENTROPY,
        WarmStartMetricNames.SAMPLES, WarmStartMetricNames.TOKENS, WarmStartMetricNames.DEMONSTRATIONS,
        WarmStartMetricNames.DEMONSTRATION_TOKENS, WarmStartMetricNames.SKIPPED_DOCUMENTS,
        WarmStartMetricNames.CUT_DOCUMENTS, WarmStartMetricNames.UPDATE_SKIPPED, WarmStartMetricNames.STEP_TIME,
        WarmStartMetricNames.TOKENS_PER_SECOND);
    for (int i = 0; i < 3; i++) {
      Map<String, Object> line = Json.parseObject(lines.get(i));
      assertEquals((long) i, line.get("iteration"));
      @SuppressWarnings("unchecked")
      Map<String, Object> metrics = (Map<String, Object>) line.get("metrics");
      assertEquals(names, metrics.keySet());
      assertEquals(results.get(i).metrics().get(WarmStartMetricNames.TOKENS),
          ((Number) metrics.get(WarmStartMetricNames.TOKENS)).doubleValue());
      assertEquals(Math.log(2), ((Number) metrics.get(WarmStartMetricNames.LOSS)).doubleValue(), 1e-12);
    }
    assertFalse(results.get(0).metrics().values().isEmpty());
    assertThrows(UnsupportedOperationException.class, () -> results.get(0).metrics().values().put("x", 1.0));
  }

  /** Every event as one line. */
  static final class Log implements WarmStartListener {
    final List<String> events = new ArrayList<>();

    @Override
    public void onStepStart(long step) {
      events.add("start " + step);
    }

    @Override
    public void onStepEnd(WarmStartResult result) {
      events.add("end " + result.step());
    }

    @Override
    public void onStepFailed(long step, Throwable error) {
      events.add("failed " + step + " " + error.getMessage());
    }

    @Override
    public void onUpdateStart(long step, int samples) {
      events.add("update " + samples);
    }

    @Override
    public void onUpdateEnd(long step, UpdateStats stats) {
      events.add("update-end " + stats.numSamples());
    }

    @Override
    public void onCheckpoint(long step, Path directory) {
      events.add("checkpoint " + step + " " + directory.getFileName());
    }

    @Override
    public void onRestore(long step, Path checkpoint) {
      events.add("restore " + step + " " + checkpoint.getFileName());
    }
  }

  private static List<Long> steps(Path metrics) throws Exception {
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
      m.remove(WarmStartMetricNames.STEP_TIME);
      m.remove(WarmStartMetricNames.TOKENS_PER_SECOND);
      out.add(m);
    }
    return out;
  }
}
