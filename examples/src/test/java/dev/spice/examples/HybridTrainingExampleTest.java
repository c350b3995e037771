package dev.spice.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.engine.IterationResult;
import dev.spice.core.engine.MetricNames;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hybrid example's demo: three iterations through an in-process server, one line each. */
class HybridTrainingExampleTest {
  @TempDir Path dir;

  @Test
  void demoPrintsTheDiffMetricsAndSyncTimes() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    List<IterationResult> results;
    try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      results = HybridTrainingExample.run(HybridTrainingExample.demoModel(dir.resolve("base")),
          HybridTrainingExample.demoCorpus(), dir, 3, true, out);
    }
    String s = bytes.toString(StandardCharsets.UTF_8);
    System.out.print(s);
    assertEquals(3, results.size());
    for (int i = 0; i < 3; i++) {
      double diff = results.get(i).metrics().get(MetricNames.ROLLOUT_LOGPROB_DIFF_MAX);
      assertTrue(diff <= 1e-4, "iteration " + i + ": " + diff);
      assertTrue(s.contains("iteration " + i + ": sampled by spice-v" + i + ", rollout/logprob_diff_max "), s);
    }
    assertTrue(s.contains("timing_s/sync"), s);
    assertTrue(s.contains("server requests: "), s);
  }
}
