package dev.spice.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.Document;
import dev.spice.core.TrainingSample;
import dev.spice.core.engine.IterationResult;
import dev.spice.core.engine.MetricNames;
import dev.spice.core.engine.SelfPlay;
import dev.spice.core.testing.ListCorpus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hybrid training end to end over HTTP: the rollouts of both roles come from a {@link RemotePolicy}
 * on a fake vLLM server with runtime LoRA endpoints, the update runs in a local fake trainer, and
 * {@link RemoteAdapterSync} publishes the trainer's adapter after every update.
 */
class HybridSelfPlayTest {
  private static final Pattern FACT = Pattern.compile("(fact\\d+) value (\\d)");

  /** Version v's served model: tasks from the document; answers right when (seed + v) % 3 == 0. */
  private static BiFunction<String, Long, String> script(long v) {
    return (prompt, seed) -> {
      Matcher m = FACT.matcher(prompt);
      if (m.find()) {
        return seed % 4 == 0 ? "I cannot write a task" : "{\"type\":\"free_form\",\"question\":\"What is the value of "
            + m.group(1) + "?\",\"answer\":\"" + m.group(2) + "\",\"answer_type\":\"Integer\"}";
      }
      return "\\boxed{" + Math.floorMod(seed + v, 3) + "}";
    };
  }

  @Test
  void threeIterationsWithRolloutsOnTheServerAndTheUpdateInProcess(@TempDir Path adapters) {
    List<Document> docs = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      docs.add(Document.of("doc" + i, "fact" + i + " value " + (i % 3), "facts"));
    }
    LoraServer lora = new LoraServer(HybridSelfPlayTest::script);
    CharTrainer trainer = new CharTrainer();
    try (lora.server; RemotePolicy remote = RemotePolicy.builder().baseUrl(lora.server.uri()).model(FakeServer.MODEL)
        .maxConcurrentRequests(4).build()) {
      RemoteAdapterSync sync = RemoteAdapterSync.builder(remote).adapterRoot(adapters).prefix("spice")
          .writer(CharTrainer::writeAdapter).keepAdapters(2).build();
      SelfPlay engine = SelfPlay.builder().policy(trainer).rollouts(remote).policySync(sync, 1)
          .corpus(new ListCorpus("facts", docs, 3)).recipe(RemoteChallengerSelfPlayTest.recipe(2, 4)).batchSize(2)
          .seed(5).build();
      List<IterationResult> results = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        int before = lora.completionModels.size();
        results.add(engine.step());
        List<String> models = lora.completionModels.subList(before, lora.completionModels.size());
        assertFalse(models.isEmpty());
        String want = "spice-v" + i;
        assertTrue(models.stream().allMatch(want::equals), "iteration " + i + " samples " + want + " only: " + models);
      }
      assertEquals(List.of(
          "load spice-v0 " + adapters.resolve("spice-v0"),
          "load spice-v1 " + adapters.resolve("spice-v1"), "unload spice-v0",
          "load spice-v2 " + adapters.resolve("spice-v2"), "unload spice-v1"), lora.calls);
      assertEquals(3, trainer.version);
      assertEquals(3, trainer.updates.size());
      double diff = Math.abs((double) (float) -Math.log(2) - CharTrainer.LOG_PROB);
      for (int i = 0; i < 3; i++) {
        IterationResult r = results.get(i);
        assertEquals(i, r.metrics().get(MetricNames.ROLLOUT_POLICY_VERSION), 0);
        assertEquals(0, r.metrics().get(MetricNames.ROLLOUT_STALENESS), 0);
        assertEquals(diff, r.metrics().get(MetricNames.ROLLOUT_LOGPROB_DIFF_MAX), 1e-9);
        assertEquals(diff, r.metrics().get(MetricNames.ROLLOUT_LOGPROB_DIFF_MEAN), 1e-9);
        assertTrue(r.metrics().get(MetricNames.TIMING_SYNC) >= 0);
      }
      for (List<TrainingSample> batch : trainer.updates) {
        for (TrainingSample s : batch) {
          for (float lp : s.oldLogProbs()) {
            assertEquals(CharTrainer.LOG_PROB, lp, 0, "pi_old is the trainer's recomputed log-prob");
          }
        }
      }
      assertEquals("spice-v2", remote.model());
      assertFalse(Files.exists(adapters.resolve("spice-v0")));
      assertTrue(Files.exists(adapters.resolve("spice-v1")));
      assertTrue(Files.exists(adapters.resolve("spice-v2")));
      assertEquals(0, remote.stats().tokenIdFallbacks());
    }
  }
}
