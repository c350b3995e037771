package dev.spice.examples.hybrid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.Completion;
import dev.spice.core.Prompt;
import dev.spice.core.Role;
import dev.spice.core.SamplingParams;
import dev.spice.core.engine.IterationResult;
import dev.spice.core.engine.MetricNames;
import dev.spice.core.engine.SelfPlay;
import dev.spice.core.engine.SelfPlayListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hybrid training over loopback with real models on both sides: a {@code spice serve}
 * {@link dev.spice.serve.PolicyServer} over a tiny random DJL checkpoint generates every rollout,
 * a DJL LoRA policy over the same checkpoint trains, and {@link dev.spice.remote.RemoteAdapterSync}
 * hot-loads the trainer's adapter into the server after every update. Three iterations; after
 * every publish the server's log-probs must equal the trainer's within 1e-4, checked twice: by the
 * engine's {@code rollout/logprob_diff_max} and, independently, by sampling a few continuations
 * through the served adapter and scoring them with the trainer.
 */
class HybridLoopbackTest {
  private static final double TOLERANCE = 1e-4;
  private static final List<Prompt> PROBES = List.of(Prompt.of(Role.REASONER, "question: what follows sky ?"),
      Prompt.of(Role.CHALLENGER, "document: sea is wet\nquestion:"));

  @TempDir Path dir;

  @Test
  void serverLogProbsEqualTheTrainersAfterEverySync() {
    Path base = HybridRig.tinyModel(dir.resolve("base"));
    try (HybridRig rig = new HybridRig(base, dir.resolve("adapters"), 2)) {
      int[] fixed = rig.trainer.tokenize("blue sea is green");
      float[] before = rig.trainer.scoreContinuations(List.of(PROBES.get(0)), List.of(fixed)).get(0);
      List<String> probeFailures = new ArrayList<>();
      List<Double> probeDiffs = new ArrayList<>();
      List<String> probeModels = new ArrayList<>();
      SelfPlayListener probe = new SelfPlayListener() {
        @Override
        public void onUpdateStart(long iteration, int samples) {
          // After the publish and before the update: the server serves exactly the trainer's weights.
          try {
            probeModels.add(rig.remote.model());
            List<Completion> sampled = rig.remote.generate(PROBES,
                new SamplingParams(1.0, 1.0, 0, 4, List.of(), 100 + iteration));
            List<int[]> tokens = sampled.stream().map(Completion::tokens).toList();
            List<float[]> local = rig.trainer.scoreContinuations(PROBES, tokens);
            double max = 0;
            for (int i = 0; i < sampled.size(); i++) {
              float[] served = sampled.get(i).logProbs();
              if (served.length != local.get(i).length || served.length == 0) {
                probeFailures.add("iteration " + iteration + " probe " + i + ": " + served.length + " served vs "
                    + local.get(i).length + " local log-probs");
              }
              for (int t = 0; t < Math.min(served.length, local.get(i).length); t++) {
                max = Math.max(max, Math.abs((double) served[t] - local.get(i)[t]));
              }
            }
            probeDiffs.add(max);
          } catch (RuntimeException e) {
            probeFailures.add("iteration " + iteration + ": " + e);
          }
        }
      };
      List<IterationResult> results = new ArrayList<>();
      try (SelfPlay engine = rig.engine().listener(probe).build()) {
        for (int i = 0; i < 3; i++) {
          results.add(engine.step());
        }
      }
      assertEquals(List.of(), probeFailures);
      assertEquals(List.of("spice-v0", "spice-v1", "spice-v2"), probeModels, "each update sees its own adapter");
      assertEquals(3, probeDiffs.size());
      for (int i = 0; i < 3; i++) {
        var m = results.get(i).metrics();
        double diff = m.get(MetricNames.ROLLOUT_LOGPROB_DIFF_MAX);
        assertTrue(diff <= TOLERANCE, "iteration " + i + ": rollout/logprob_diff_max " + diff);
        assertTrue(m.get(MetricNames.ROLLOUT_LOGPROB_DIFF_MEAN) <= diff, "iteration " + i);
        assertEquals(i, m.get(MetricNames.ROLLOUT_POLICY_VERSION), 0, "iteration " + i);
        assertEquals(0, m.get(MetricNames.ROLLOUT_STALENESS), 0, "iteration " + i);
        assertEquals(0, m.get(MetricNames.UPDATE_SKIPPED), 0, "iteration " + i + " took an optimizer step");
        assertTrue(probeDiffs.get(i) <= TOLERANCE, "iteration " + i + ": probe diff " + probeDiffs.get(i));
        System.out.printf("iteration %d: rollout/logprob_diff_max %.3g, probe diff %.3g, timing_s/sync %.3f%n", i,
            diff, probeDiffs.get(i), m.get(MetricNames.TIMING_SYNC));
      }
      assertEquals(List.of("load spice-v0", "load spice-v1", "unload spice-v0", "load spice-v2", "unload spice-v1"),
          rig.host.calls);
      // Updates happened: the trained adapter moved the trainer's log-probs, so the checks above compared moving weights.
      assertEquals(3, rig.trainer.updateCount());
      float[] after = rig.trainer.scoreContinuations(List.of(PROBES.get(0)), List.of(fixed)).get(0);
      double moved = 0;
      for (int t = 0; t < fixed.length; t++) {
        moved = Math.max(moved, Math.abs(after[t] - before[t]));
      }
      assertTrue(moved > 1e-3, "the adapter changed the trainer's log-probs: " + Arrays.toString(before) + " -> "
          + Arrays.toString(after));
      assertTrue(Files.isDirectory(dir.resolve("adapters").resolve("spice-v2")));
      assertFalse(Files.exists(dir.resolve("adapters").resolve("spice-v0")), "old adapters are pruned");
    }
  }
}
