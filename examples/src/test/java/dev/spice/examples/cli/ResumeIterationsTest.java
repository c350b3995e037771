package dev.spice.examples.cli;

import static dev.spice.examples.cli.SpiceSubcommandsTest.spice;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.internal.json.Json;
import dev.spice.examples.cli.SpiceSubcommandsTest.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --resume} with another {@code --iterations}: both run kinds go on to the new length and end
 * as an uninterrupted run of that length; any other changed setting is refused before anything is
 * written.
 */
class ResumeIterationsTest {
  @TempDir Path dir;

  /** The smallest quickstart the settings allow that still has a probe, checkpoints and co-evolution. */
  private Path tinyQuickstartConfig() throws Exception {
    return Files.writeString(dir.resolve("tiny.yaml"), String.join("\n", "countries: 6",
        "fields: [capital, currency, language, independence_year]", "documents_per_country: 2", "min_lines: 2",
        "max_lines: 4", "batch_size: 2", "group_size: 2", "hidden_size: 8", "heads: 1", "layers: 1",
        "probe_free: 4", "probe_mcq: 4", "probe_every: 4", "checkpoint_every: 4", "coevolution_attempts: 1",
        "learning_rate: 1e-2", "seed: 3", ""));
  }

  @Test
  void quickstartResumedWithMoreIterationsEndsAsAnUninterruptedRun() throws Exception {
    Path cfg = tinyQuickstartConfig();
    Path full = dir.resolve("full");
    Path part = dir.resolve("part");
    ok(spice("--config", cfg.toString(), "--iterations", "3", "--out", full.toString()));
    ok(spice("--config", cfg.toString(), "--iterations", "2", "--out", part.toString()));
    assertEquals(2, Files.readAllLines(part.resolve("metrics.jsonl")).size());
    ok(spice("--resume", part.toString(), "--iterations", "3"));
    List<String> metrics = Files.readAllLines(part.resolve("metrics.jsonl"));
    assertEquals(3, metrics.size(), "exactly one more iteration: " + metrics);
    assertEquals(strip(Files.readAllLines(full.resolve("metrics.jsonl"))), strip(metrics));
    Map<String, Object> a = Json.parseObject(Files.readString(full.resolve("report.json")));
    Map<String, Object> b = Json.parseObject(Files.readString(part.resolve("report.json")));
    for (String k : List.of("settings", "iterations", "probe", "coevolution", "difficulty", "entropy", "checks")) {
      assertEquals(Json.write(a.get(k)), Json.write(b.get(k)), k);
    }
    Map<String, Object> stateA = state(full);
    Map<String, Object> stateB = state(part);
    stateA.remove("wall_seconds");
    stateB.remove("wall_seconds");
    assertEquals(Json.write(stateA), Json.write(stateB), "the last checkpoint's quickstart state");
    assertEquals(3L, Json.parseObject(Files.readString(part.resolve(SpiceCli.SAVED_CONFIG))).get("iterations"));
  }

  @Test
  void quickstartResumeRefusesOtherChangesAndFewerIterationsThanDone() throws Exception {
    Path cfg = tinyQuickstartConfig();
    Path run = dir.resolve("run");
    ok(spice("--config", cfg.toString(), "--iterations", "2", "--out", run.toString()));
    String saved = Files.readString(run.resolve(SpiceCli.SAVED_CONFIG));
    Run r = spice("--resume", run.toString(), "--iterations", "4", "--set", "batch_size=3", "--set", "countries=7");
    assertEquals(2, r.code(), r.out());
    assertTrue(r.err().contains("'batch_size' is 2 in the run, 3 from --set batch_size")
        && r.err().contains("'countries' is 6 in the run, 7 from --set countries")
        && r.err().contains("Only iterations, log_completions_every, progress_every, report, tensorboard may change on resume"), r.err());
    r = spice("--resume", run.toString(), "--iterations", "1");
    assertEquals(2, r.code(), r.out());
    assertTrue(r.err().contains("iterations 1 (from --iterations) is below the 2 iterations the run in " + run
        + " has done (checkpoint-00000002); give at least 2"), r.err());
    assertEquals(saved, Files.readString(run.resolve(SpiceCli.SAVED_CONFIG)), "a refused resume writes nothing");
    assertEquals(2, Files.readAllLines(run.resolve("metrics.jsonl")).size());
  }

  @Test
  void modelRunResumedWithMoreIterationsEndsAsAnUninterruptedRun() throws Exception {
    Path model = dir.resolve("model");
    SpiceSubcommandsTest.tinyModel(model);
    Path corpus = Files.writeString(dir.resolve("docs.jsonl"), "{\"text\": \"the capital of france is paris\"}\n"
        + "{\"text\": \"what is 42\"}\n{\"text\": \"paris is the capital\"}\n");
    List<String> common = List.of("--corpus", corpus.toString(), "--set", "batch_size=2", "--set",
        "challenger_max_tokens=4", "--set", "reasoner_max_tokens=4", "--set", "device=cpu", "--set", "template=raw",
        "--set", "segment_tokens=16", "--set", "report=false", "--set", "reasoner_group_size=2", "--set",
        "challenger_group_size=2");
    Path full = dir.resolve("full");
    Path part = dir.resolve("part");
    ok(spice(args(List.of("train", "--model", model.toString(), "--iterations", "3", "--out", full.toString()), common)));
    ok(spice(args(List.of("train", "--model", model.toString(), "--iterations", "2", "--out", part.toString()), common)));
    Run r = spice("train", "--resume", part.toString(), "--iterations", "3", "--set", "report=true");
    ok(r);
    assertTrue(r.out().contains("at iteration 2") && r.out().contains("done: 3 iterations"), r.out());
    assertTrue(Files.isRegularFile(part.resolve("report.html")), "report may change on resume");
    List<String> metrics = Files.readAllLines(part.resolve("metrics.jsonl"));
    assertEquals(3, metrics.size(), "exactly one more iteration: " + metrics);
    assertEquals(strip(Files.readAllLines(full.resolve("metrics.jsonl"))), strip(metrics));
    assertEquals(-1L, Files.mismatch(full.resolve("final-model").resolve("model.safetensors"),
        part.resolve("final-model").resolve("model.safetensors")), "the same final weights");

    r = spice("--resume", part.toString(), "--set", "learning_rate=1e-3", "--set", "temperature=0.5");
    assertEquals(2, r.code(), r.out());
    assertTrue(r.err().contains("'learning_rate' is 1.0E-6 in the run, 0.001 from --set learning_rate")
        && r.err().contains("'temperature' is 1.0 in the run, 0.5 from --set temperature"), r.err());
    r = spice("--resume", part.toString(), "--iterations", "2");
    assertEquals(2, r.code(), r.out());
    assertTrue(r.err().contains("below the 3 iterations"), r.err());
  }

  private static String[] args(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all.toArray(String[]::new);
  }

  private static void ok(Run r) {
    assertEquals(0, r.code(), "stderr: " + r.err() + "\nstdout: " + r.out());
  }

  /** The quickstart state of the run's newest checkpoint. */
  private static Map<String, Object> state(Path run) throws Exception {
    Path ck = dev.spice.core.engine.SelfPlay.latestCheckpoint(run).orElseThrow();
    return new TreeMap<>(Json.parseObject(Files.readString(ck.resolve("state").resolve("quickstart")
        .resolve("quickstart.json"))));
  }

  /** Metrics lines without the timing metrics. */
  @SuppressWarnings("unchecked")
  static List<String> strip(List<String> lines) {
    List<String> out = new ArrayList<>();
    for (String l : lines) {
      Map<String, Object> o = Json.parseObject(l);
      Map<String, Object> m = new TreeMap<>((Map<String, Object>) o.get("metrics"));
      m.remove("step_time");
      m.remove("tokens_per_second");
      m.keySet().removeIf(k -> k.startsWith("timing_s/"));
      out.add(o.get("iteration") + " " + Json.write(m));
    }
    return out;
  }
}
