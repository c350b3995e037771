package dev.spice.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.Document;
import dev.spice.core.engine.WarmStart;
import dev.spice.core.engine.WarmStartListener;
import dev.spice.core.engine.WarmStartMetricNames;
import dev.spice.core.engine.WarmStartResult;
import dev.spice.core.engine.WarmStartSummary;
import dev.spice.core.testing.ListCorpus;
import dev.spice.core.text.WordTokenizer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link WarmStart} on the DJL backend: the supervised loss falls on a tiny in-memory corpus. */
class WarmStartDjlTest {

  @Test
  void warmStartStepsLowerTheLossOnATinyCorpus() {
    ListCorpus corpus = new ListCorpus("tiny", List.of(
        Document.of("a", "w12 w7 w30 w7 w19 w4 w25 w16 w3 w14", "tiny"),
        Document.of("b", "w3 w14 w22 w9 w14 w35 w1 w28", "tiny"),
        Document.of("c", "w27 w5 w31 w11 w38 w5 w0 w17 w20", "tiny"),
        Document.of("d", "w6 w36 w2 w29 w15 w24 w33", "tiny")), 1);
    int bos = Fixtures.tokenizer().tokenId(WordTokenizer.BOS);
    List<WarmStartResult> results = new ArrayList<>(); // every step, from the listener (run(n) keeps only the last)
    WarmStartListener collect = new WarmStartListener() {
      @Override
      public void onStepEnd(WarmStartResult result) {
        results.add(result);
      }
    };
    try (DjlPolicy p = Fixtures.policy(Fixtures.qwen3(), 3, OptimizerSettings.adamW(1e-2));
        WarmStart warm = WarmStart.builder().policy(p).corpus(corpus).maxTokens(8).startToken(bos)
            .documentsPerStep(4).seed(5).listener(collect).build()) {
      WarmStartSummary head = warm.run(5);
      warm.run(30);
      WarmStartSummary tail = warm.run(5);
      assertEquals(40, results.size());
      for (WarmStartResult r : results) {
        assertFalse(r.update().skipped(), r.update().skipReason());
        assertEquals(0, r.metrics().get(WarmStartMetricNames.SKIPPED_DOCUMENTS));
        assertTrue(r.metrics().get(WarmStartMetricNames.TOKENS) <= 4 * 7);
      }
      double first = head.mean(WarmStartMetricNames.LOSS);
      double last = tail.mean(WarmStartMetricNames.LOSS);
      assertEquals(mean(results.subList(0, 5)), first, 1e-12);
      assertEquals(mean(results.subList(35, 40)), last, 1e-12);
      assertEquals(40, tail.nextStep());
      System.out.printf("warm start on DJL: loss %.3f -> %.3f%n", first, last);
      assertTrue(last < 0.5 * first, "loss " + first + " -> " + last);
      assertEquals(40, p.updateCount());
    }
  }

  private static double mean(List<WarmStartResult> rs) {
    return rs.stream().mapToDouble(r -> r.metrics().get(WarmStartMetricNames.LOSS)).average().orElseThrow();
  }
}
