package dev.spice.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.Document;
import dev.spice.core.testing.ListCorpus;
import dev.spice.core.testing.ScriptedPolicy;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The engine's results must not change under refactoring: eight iterations of a scripted policy
 * (random valid and invalid tasks, a Reasoner that improves with updates, every zero-variance
 * policy) are written out in full (every metric but timings, every reward, advantage, kept
 * attempt and trained sample) and compared with a file written by the engine before its redesign.
 * Metrics added after the recording ({@code challenger/invalid/*}, {@code reasoner/no_answer_rate},
 * {@code clip_ratio/region_mean}, {@code reasoner/rewards/<name>/std}, {@code learning_rate}) are not
 * written out, so the recorded metrics stay byte for byte what they were; they are checked here
 * against the recorded ones instead (the invalid shares sum to 1 minus the valid rate, the clip
 * region is low plus high, a sub-score's std lies in [0, 0.5] for 0/1 scores, and the scripted
 * policy reports no learning rate). Timings
 * ({@code step_time}, {@code tokens_per_second}, {@code timing_s/*}) are never written out.
 * Regenerate only for an intended change of results: -Dgolden.write=/path/to/engine-run.txt
 */
class GoldenRunTest {

  static String transcript() {
    StringBuilder sb = new StringBuilder();
    for (ZeroVariancePolicy zv : ZeroVariancePolicy.values()) {
      List<Document> docs = new ArrayList<>();
      for (int i = 0; i < 13; i++) {
        docs.add(Document.of("doc" + i, "fact" + i + " value " + (i * 7 % 10), "facts"));
      }
      ScriptedPolicy policy = SelfPlayTest.randomPolicy();
      SelfPlay engine = SelfPlay.builder().policy(policy).corpus(new ListCorpus("facts", docs, 11))
          .recipe(TestRecipes.recipe(4, 4)).batchSize(5).maxChallengerAttempts(7).seed(42).zeroVariancePolicy(zv)
          .build();
      for (IterationResult r : Runs.steps(engine, 8)) {
        sb.append("== ").append(zv).append(" iteration ").append(r.iteration()).append('\n');
        Map<String, Double> m = new TreeMap<>(r.metrics().values());
        m.remove(MetricNames.STEP_TIME);
        m.remove(MetricNames.TOKENS_PER_SECOND);
        m.keySet().removeIf(k -> k.startsWith(MetricNames.TIMING_PREFIX));
        removeMetricsAddedAfterTheRecording(m, r);
        m.forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
        for (DocumentRollout d : r.documents()) {
          sb.append(d.document().id()).append(" attempts=").append(d.generatedAttempts()).append(" valid=")
              .append(d.generatedValid()).append(" task=").append(d.reasonerTask()).append('\n');
          d.kept().forEach(o -> sb.append("  kept ").append(o.isValid() ? o.attempt().task().question() : "invalid")
              .append(" p=").append(o.passRate()).append('\n'));
          sb.append("  cR=").append(java.util.Arrays.toString(d.challengerRewards()))
              .append(" cA=").append(java.util.Arrays.toString(d.challengerAdvantages()))
              .append(" rR=").append(java.util.Arrays.toString(d.reasonerRewards()))
              .append(" rA=").append(java.util.Arrays.toString(d.reasonerAdvantages())).append('\n');
          d.reasonerAnswers().forEach(a -> sb.append("  answer ").append(a.answer()).append('\n'));
        }
      }
      policy.updates().forEach(batch -> {
        sb.append("update ").append(batch.size()).append('\n');
        batch.forEach(s -> sb.append("  ").append(s.role()).append(' ').append(s.groupId()).append(' ')
            .append(s.advantage()).append(' ').append(java.util.Arrays.toString(s.completionTokens())).append('\n'));
      });
    }
    return sb.toString();
  }

  /**
   * Removes the metrics the recording predates, after checking them against what it does record:
   * every invalid attempt has exactly one code, and the Reasoner answered in every recorded iteration.
   */
  private static void removeMetricsAddedAfterTheRecording(Map<String, Double> m, IterationResult r) {
    double invalid = 0;
    for (var it = m.entrySet().iterator(); it.hasNext();) {
      Map.Entry<String, Double> e = it.next();
      if (e.getKey().startsWith(MetricNames.CHALLENGER_INVALID_PREFIX)) {
        assertTrue(e.getValue() > 0 && e.getValue() <= 1, e.toString());
        invalid += e.getValue();
        it.remove();
      }
    }
    assertEquals(1 - m.get(MetricNames.CHALLENGER_VALID_RATE), invalid, 1e-12, "iteration " + r.iteration());
    double noAnswer = m.remove(MetricNames.REASONER_NO_ANSWER_RATE);
    assertTrue(noAnswer >= 0 && noAnswer <= 1, "iteration " + r.iteration() + ": " + noAnswer);
    assertEquals(m.get(MetricNames.CLIP_LOW) + m.get(MetricNames.CLIP_HIGH), m.remove(MetricNames.CLIP_REGION), 0);
    double correctStd = m.remove(MetricNames.componentStd("reasoner", "correct"));
    double correctMean = m.get(MetricNames.component("reasoner", "correct"));
    assertEquals(Math.sqrt(correctMean * (1 - correctMean)), correctStd, 1e-12, "std of 0/1 scores");
    assertTrue(m.keySet().stream().noneMatch(k -> k.endsWith("/std")), "every sub-score std removed: " + m.keySet());
    assertFalse(m.containsKey(MetricNames.LEARNING_RATE), "the scripted policy has no learning rate");
  }

  @Test
  void theEngineReproducesItsRecordedRun() throws IOException {
    String now = transcript();
    String out = System.getProperty("golden.write");
    if (out != null) {
      Files.writeString(Path.of(out), now, StandardCharsets.UTF_8);
    }
    String recorded;
    try (InputStream in = GoldenRunTest.class.getResourceAsStream("/golden/engine-run.txt")) {
      recorded = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    String[] a = recorded.split("\n");
    String[] b = now.split("\n");
    for (int i = 0; i < Math.min(a.length, b.length); i++) {
      assertEquals(a[i], b[i], "line " + (i + 1) + " of the recorded run differs");
    }
    assertEquals(a.length, b.length, "number of lines");
  }
}
