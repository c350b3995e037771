package dev.spice.djl;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checkpoint files are reproducible: the same state gives the same bytes in any JVM. */
class CheckpointFilesTest {
  @Test
  void trainerStateListsItsOptimizerSettingsInAFixedOrder(@TempDir Path dir) throws Exception {
    try (DjlPolicy p = Fixtures.policy(Fixtures.qwen3(), 3, OptimizerSettings.adamW(1e-3))) {
      p.saveCheckpoint(dir);
    }
    String text = Files.readString(dir.resolve("trainer_state.json"));
    int last = -1;
    for (String key : List.of("learning_rate", "beta1", "beta2", "epsilon", "weight_decay", "grad_clip",
        "warmup_steps")) {
      int at = text.indexOf("\"" + key + "\"");
      assertTrue(at > last, key + " out of order in " + text);
      last = at;
    }
  }
}
