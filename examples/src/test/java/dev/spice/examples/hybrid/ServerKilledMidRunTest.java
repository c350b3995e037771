package dev.spice.examples.hybrid;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.SpiceException;
import dev.spice.core.engine.IterationResult;
import dev.spice.core.engine.MetricNames;
import dev.spice.core.engine.SelfPlay;
import dev.spice.djl.DjlPolicy;
import dev.spice.remote.RemoteServerException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The inference server dies in the middle of a hybrid run (after iteration 2, with a checkpoint
 * every iteration): the next step fails after the client's retries with an error naming the
 * endpoint and the attempts, and changes nothing. A new server on a new port, a new client and a
 * fresh trainer restored from the latest checkpoint then finish the run, which ends exactly as an
 * uninterrupted 4-iteration hybrid run: the same metrics (timings aside) in every iteration and
 * byte-identical final adapter files.
 */
class ServerKilledMidRunTest {
  @TempDir Path dir;

  @Test
  void aRestartedServerAndARestoredTrainerFinishTheRunAsIfNothingHappened() throws IOException {
    Path base = HybridRig.tinyModel(dir.resolve("base"));

    // The reference: 4 uninterrupted iterations, same settings (checkpoints included: a checkpoint is a sync point).
    List<Map<String, Double>> reference = new ArrayList<>();
    Path referenceAdapter = dir.resolve("reference-adapter");
    try (HybridRig rig = new HybridRig(base, dir.resolve("reference-adapters"), 2);
        SelfPlay engine = rig.engine().checkpointEvery(1, dir.resolve("reference-run")).build()) {
      for (int i = 0; i < 4; i++) {
        reference.add(comparable(engine.step()));
      }
      rig.trainer.saveAdapter(referenceAdapter);
    }

    Path run = dir.resolve("run");
    Path adapters = dir.resolve("adapters");
    List<Map<String, Double>> resumed = new ArrayList<>();
    try (HybridRig rig = new HybridRig(base, adapters, 2);
        SelfPlay engine = rig.engine().checkpointEvery(1, run).build()) {
      for (int i = 0; i < 2; i++) {
        resumed.add(comparable(engine.step()));
      }
      String url = rig.server.uri().toString();
      rig.server.close(); // killed mid-run
      long updates = rig.trainer.updateCount();
      SpiceException e = assertThrows(SpiceException.class, engine::step);
      String message = e.getMessage();
      assertTrue(message.contains("publishing policy version 2"), message);
      assertTrue(message.contains(url) && message.contains("failed after 2 attempts"), message);
      assertTrue(hasCause(e, RemoteServerException.class), message);
      assertEquals(2, engine.iteration(), "the failed step changed nothing");
      assertEquals(updates, rig.trainer.updateCount(), "the failed step did not train");
      System.out.println("the step after the kill failed with: " + message);
    }

    Path checkpoint = SelfPlay.latestCheckpoint(run).orElseThrow();
    Path finalAdapter = dir.resolve("final-adapter");
    try (HybridRig rig = new HybridRig(base, adapters, 2);
        SelfPlay engine = rig.engine().checkpointEvery(1, run).build()) {
      engine.restore(checkpoint);
      assertEquals(2, engine.iteration());
      while (engine.iteration() < 4) {
        resumed.add(comparable(engine.step()));
      }
      assertEquals(List.of("load spice-v2", "load spice-v3", "unload spice-v2"), rig.host.calls,
          "the new server gets the checkpoint's weights first");
      rig.trainer.saveAdapter(finalAdapter);
    }

    assertEquals(reference.size(), resumed.size());
    for (int i = 0; i < reference.size(); i++) {
      assertEquals(reference.get(i), resumed.get(i), "iteration " + i + ": metrics (timings aside)");
    }
    byte[] want = Files.readAllBytes(referenceAdapter.resolve("adapter_model.safetensors"));
    assertArrayEquals(want, Files.readAllBytes(finalAdapter.resolve("adapter_model.safetensors")),
        "final adapter weights");
    assertEquals(Files.readString(referenceAdapter.resolve("adapter_config.json")),
        Files.readString(finalAdapter.resolve("adapter_config.json")));
    // Not trivially equal: training moved the adapter away from the initial one (B = 0) every fresh trainer starts from.
    Path initial = dir.resolve("initial-adapter");
    try (DjlPolicy fresh = DjlPolicy.builder().pretrained(base).lora(HybridRig.LORA).build()) {
      fresh.saveAdapter(initial);
    }
    assertFalse(Arrays.equals(want, Files.readAllBytes(initial.resolve("adapter_model.safetensors"))),
        "four updates changed the adapter");
  }

  /** The metrics that do not depend on the clock. */
  private static Map<String, Double> comparable(IterationResult r) {
    Map<String, Double> m = new TreeMap<>(r.metrics().values());
    m.keySet().removeIf(k -> k.startsWith(MetricNames.TIMING_PREFIX) || k.equals(MetricNames.STEP_TIME)
        || k.equals(MetricNames.TOKENS_PER_SECOND));
    return m;
  }

  private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (type.isInstance(c)) {
        return true;
      }
    }
    return false;
  }
}
