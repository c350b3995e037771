package dev.spice.examples.quickstart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.engine.SelfPlay;
import dev.spice.core.internal.json.Json;
import dev.spice.examples.report.QuickstartReport;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the quickstart at a tiny size: completion, report schema, resume. No learning thresholds. */
class QuickstartRunTest {
  static QuickstartSettings tiny() {
    return QuickstartSettings.builder()
        .countries(6).fields(List.of("capital", "currency", "language", "independence_year"))
        .documentsPerCountry(2).minLines(2).maxLines(4).pointers(6)
        .iterations(8).batchSize(4).groupSize(4).hiddenSize(16).heads(2)
        .probeFree(10).probeMcq(10).probeEvery(4).checkpointEvery(4).coevolutionAttempts(2)
        .learningRate(1e-3).seed(3).build();
  }

  static PrintStream quiet() {
    return new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
  }

  @Test
  @SuppressWarnings("unchecked")
  void completesAndWritesWellFormedReport(@TempDir Path dir) throws Exception {
    QuickstartReport report = Quickstart.runReport(tiny(), dir, Optional.empty(), 8, quiet()).orElseThrow();
    String text = Files.readString(dir.resolve(Quickstart.REPORT_FILE));
    assertEquals(report.toJson() + "\n", text);
    assertEquals(report.toJson(), QuickstartReport.read(dir.resolve(Quickstart.REPORT_FILE)).toJson(),
        "the report reads back as written");
    Map<String, Object> written = Json.parseObject(text);
    for (String k : List.of("settings", "seed", "iterations", "wall_seconds", "probe", "coevolution", "difficulty",
        "entropy", "checks")) {
      assertTrue(written.containsKey(k), "report lacks " + k);
    }
    Map<String, Object> probe = (Map<String, Object>) written.get("probe");
    assertEquals(List.of(0L, 4L, 8L), probe.get("iterations"));
    for (String k : List.of("mcq", "free", "overall")) {
      List<Object> v = (List<Object>) probe.get(k);
      assertEquals(3, v.size(), k);
      for (Object x : v) {
        double d = ((Number) x).doubleValue();
        assertTrue(d >= 0 && d <= 1, k + " " + d);
      }
    }
    Map<String, Object> co = (Map<String, Object>) written.get("coevolution");
    List<Object> cps = (List<Object>) co.get("challenger_checkpoints");
    List<List<Object>> matrix = (List<List<Object>>) co.get("matrix");
    assertEquals(cps.size(), matrix.size());
    for (List<Object> row : matrix) {
      assertEquals(((List<Object>) co.get("reasoner_checkpoints")).size(), row.size());
    }
    for (String k : List.of("early_reasoner_on_early_tasks", "early_reasoner_on_late_tasks",
        "late_reasoner_on_early_tasks", "drop_points", "late_gain_points")) {
      assertTrue(co.get(k) instanceof Number, k);
    }
    Map<String, Object> diff = (Map<String, Object>) written.get("difficulty");
    assertEquals(9, ((List<Object>) diff.get("bin_edges")).size());
    assertEquals(8, ((List<Object>) diff.get("early_counts")).size());
    Map<String, Object> checks = (Map<String, Object>) written.get("checks");
    for (String k : List.of("probe_gain_ge_20_points", "coevolution_drop_ge_10_points", "late_reasoner_beats_early")) {
      assertTrue(checks.get(k) instanceof Boolean, k);
    }
    List<String> lines = Files.readAllLines(dir.resolve(Quickstart.METRICS_FILE));
    assertEquals(8, lines.size());
    assertEquals(0L, Json.parseObject(lines.get(0)).get("iteration"));
    assertTrue(SelfPlay.latestCheckpoint(dir).isPresent());
    assertTrue(Files.isRegularFile(SelfPlay.latestCheckpoint(dir).get().resolve("state").resolve("quickstart")
        .resolve(Quickstart.STATE_FILE)), "the quickstart's state is inside the checkpoint's atomic write");
    dev.spice.core.SpiceException e = org.junit.jupiter.api.Assertions.assertThrows(dev.spice.core.SpiceException.class,
        () -> Quickstart.run(tiny(), dir, Optional.empty(), 8, quiet()));
    assertTrue(e.getMessage().contains("already holds a run"), "a finished run is not overwritten: " + e.getMessage());
  }

  @Test
  @SuppressWarnings("unchecked")
  void resumedRunContinuesExactlyAsUninterrupted(@TempDir Path dir) throws Exception {
    Path full = dir.resolve("full");
    Path part = dir.resolve("part");
    Map<String, Object> a = Quickstart.run(tiny(), full, Optional.empty(), 8, quiet()).orElseThrow();
    assertEquals(Json.write(a), Json.write(Json.parseObject(Files.readString(full.resolve(Quickstart.REPORT_FILE)))),
        "the map is the JSON of report.json");
    assertFalse(Quickstart.run(tiny(), part, Optional.empty(), 5, quiet()).isPresent());
    Map<String, Object> b = Quickstart.run(tiny(), part, Optional.of(part), 8, quiet()).orElseThrow();
    assertEquals(strip(Files.readAllLines(full.resolve(Quickstart.METRICS_FILE))),
        strip(Files.readAllLines(part.resolve(Quickstart.METRICS_FILE))));
    assertEquals(Json.write(a.get("probe")), Json.write(b.get("probe")));
    assertEquals(Json.write(a.get("coevolution")), Json.write(b.get("coevolution")));
    assertEquals(Json.write(a.get("difficulty")), Json.write(b.get("difficulty")));
    assertEquals(Json.write(a.get("entropy")), Json.write(b.get("entropy")));
  }

  @Test
  @SuppressWarnings("unchecked")
  void aRunResumedToMoreIterationsUsesTheNearestSavedCoevolutionCheckpoints(@TempDir Path dir) throws Exception {
    Path full = dir.resolve("full");
    Path part = dir.resolve("part");
    QuickstartSettings twelve = tiny().toBuilder().iterations(12).build();
    Map<String, Object> a = Quickstart.run(twelve, full, Optional.empty(), 12, quiet()).orElseThrow();
    assertTrue(Quickstart.run(tiny(), part, Optional.empty(), 8, quiet()).isPresent());
    java.io.ByteArrayOutputStream console = new java.io.ByteArrayOutputStream();
    Map<String, Object> b = Quickstart.run(twelve, part, Optional.of(part), 12,
        new PrintStream(console, true, StandardCharsets.UTF_8)).orElseThrow();
    assertEquals(strip(Files.readAllLines(full.resolve(Quickstart.METRICS_FILE))),
        strip(Files.readAllLines(part.resolve(Quickstart.METRICS_FILE))), "training is that of the 12-iteration run");
    assertEquals(Json.write(a.get("probe")), Json.write(b.get("probe")), "8 is a probe iteration of both lengths");
    assertEquals(Json.write(a.get("difficulty")), Json.write(b.get("difficulty")));
    assertEquals(Json.write(a.get("entropy")), Json.write(b.get("entropy")));
    // the 8-iteration part kept checkpoints 1, 2, 4, 7, 8; the 12-iteration run wants 2, 3, 11, 12
    assertEquals(List.of(2L, 3L, 11L, 12L), ((Map<String, Object>) a.get("coevolution")).get("challenger_checkpoints"));
    assertEquals(List.of(2L, 11L, 12L), ((Map<String, Object>) b.get("coevolution")).get("challenger_checkpoints"));
    assertTrue(console.toString(StandardCharsets.UTF_8).contains("no checkpoint at iteration 3 (the run was resumed "
        + "with another iteration count); using the nearest, iteration 2"), console.toString(StandardCharsets.UTF_8));
  }

  @Test
  void aResumeWithOtherSettingsOrFewerIterationsIsRefusedByName(@TempDir Path dir) {
    assertFalse(Quickstart.run(tiny(), dir, Optional.empty(), 5, quiet()).isPresent());
    dev.spice.core.SpiceException e = org.junit.jupiter.api.Assertions.assertThrows(dev.spice.core.SpiceException.class,
        () -> Quickstart.run(tiny().toBuilder().probeEvery(5).learningRate(2e-3).iterations(20).build(), dir,
            Optional.of(dir), 20, quiet()));
    assertTrue(e.getMessage().contains("probe_every: checkpoint 4, this run 5")
        && e.getMessage().contains("learning_rate: checkpoint 0.001, this run 0.002")
        && !e.getMessage().contains("iterations:"), e.getMessage());
    e = org.junit.jupiter.api.Assertions.assertThrows(dev.spice.core.SpiceException.class,
        () -> Quickstart.run(tiny().toBuilder().iterations(3).build(), dir, Optional.of(dir), 3, quiet()));
    assertTrue(e.getMessage().contains("iterations 3 is below the 5 iterations"), e.getMessage());
  }

  /** Metrics lines without the timing metrics. */
  @SuppressWarnings("unchecked")
  static List<String> strip(List<String> lines) {
    List<String> out = new ArrayList<>();
    for (String l : lines) {
      Map<String, Object> o = Json.parseObject(l);
      Map<String, Object> m = new java.util.TreeMap<>((Map<String, Object>) o.get("metrics"));
      m.remove("step_time");
      m.remove("tokens_per_second");
      m.keySet().removeIf(k -> k.startsWith("timing_s/"));
      out.add(o.get("iteration") + " " + Json.write(m));
    }
    return out;
  }
}
