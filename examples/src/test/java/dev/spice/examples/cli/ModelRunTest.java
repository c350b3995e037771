package dev.spice.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.model.TransformerConfig;
import dev.spice.core.text.WordTokenizer;
import dev.spice.djl.DjlPolicy;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The --model run end to end on a tiny random checkpoint and a three-document corpus, then resumed. */
class ModelRunTest {
  @TempDir Path dir;

  private int run(StringWriter out, String... args) {
    StringWriter err = new StringWriter();
    int code = SpiceCli.execute(args, new PrintWriter(out), new PrintWriter(err));
    assertEquals(0, code, "stderr: " + err + "\nstdout: " + out);
    return code;
  }

  @Test
  void trainsCheckpointsReportsAndResumes() throws Exception {
    Path model = dir.resolve("model");
    WordTokenizer tok = WordTokenizer.withSpecialTokens(List.of("the", "river", "is", "long", "{", "}", "question"));
    try (DjlPolicy p = DjlPolicy.builder().randomInit(TransformerConfig.tiny(tok.vocabSize(), 16, 1, 2, 2), 3)
        .tokenizer(tok).build()) {
      p.savePretrained(model);
    }
    Path corpus = dir.resolve("docs.jsonl");
    Files.writeString(corpus, "{\"text\": \"the river is long\"}\n{\"text\": \"the long river\"}\n"
        + "{\"text\": \"river is the long\"}\n");
    Path out = dir.resolve("run");
    StringWriter log = new StringWriter();
    run(log, "--model", model.toString(), "--corpus", corpus.toString(), "--iterations", "2", "--out", out.toString(),
        "--set", "batch_size=2", "--set", "challenger_max_tokens=4", "--set", "reasoner_max_tokens=4", "--set",
        "device=cpu", "--set", "template=raw", "--set", "checkpoint_every=1", "--set", "segment_tokens=16");
    assertTrue(Files.isDirectory(out.resolve("checkpoint-00000001")), log.toString());
    assertTrue(Files.isDirectory(out.resolve("checkpoint-00000002")));
    assertTrue(Files.isRegularFile(out.resolve("final-model").resolve("config.json")));
    String report = Files.readString(out.resolve("report.html"));
    assertTrue(report.contains("<td>iterations in metrics.jsonl</td><td>2 (0 to 1)</td>")
        && report.contains("<h2>Training curves</h2>"), "the published run report");
    assertEquals(2, Files.readAllLines(out.resolve("metrics.jsonl")).size());
    try (var events = Files.list(out.resolve("tensorboard"))) {
      assertTrue(events.anyMatch(f -> f.getFileName().toString().startsWith("events.out.tfevents.")),
          "TensorBoard event file");
    }
    assertTrue(Files.readString(out.resolve("completions.jsonl")).contains("\"iteration\":0"),
        "completion log of iteration 0");
    assertTrue(Files.readString(out.resolve(SpiceCli.SAVED_CONFIG)).contains("\"batch_size\":2"));
    @SuppressWarnings("unchecked")
    java.util.Map<String, Object> saved = (java.util.Map<String, Object>) dev.spice.core.internal.json.Json.parse(
        Files.readString(out.resolve(SpiceCli.SAVED_CONFIG)));
    for (ConfigKey k : ConfigKeys.all().values()) {
      assertEquals(k.mode() != ConfigKey.Mode.QUICKSTART, saved.containsKey(k.name()), "saved config has " + k.name());
    }
    assertEquals("dr_grpo", saved.get("advantage_estimator"));

    // a crash after iteration 2's checkpoint could leave a line for an iteration that is done again
    Files.writeString(out.resolve("metrics.jsonl"), "{\"iteration\": 2, \"metrics\": {}}\n",
        java.nio.file.StandardOpenOption.APPEND);
    StringWriter log2 = new StringWriter();
    run(log2, "--resume", out.toString(), "--iterations", "3");
    assertTrue(log2.toString().contains("resumed from") && log2.toString().contains("at iteration 2"), log2.toString());
    List<String> lines = Files.readAllLines(out.resolve("metrics.jsonl"));
    assertEquals(3, lines.size(), "each iteration once: " + lines);
    assertTrue(lines.get(2).startsWith("{\"iteration\":2,\"metrics\":{\"") , lines.get(2));
    assertTrue(Files.isDirectory(out.resolve("checkpoint-00000003")));
  }

  @Test
  void trlNamedRecipeSettingsRunWithAKlReference() throws Exception {
    Path model = dir.resolve("model");
    WordTokenizer tok = WordTokenizer.withSpecialTokens(List.of("the", "river", "is", "long", "{", "}", "question"));
    try (DjlPolicy p = DjlPolicy.builder().randomInit(TransformerConfig.tiny(tok.vocabSize(), 16, 1, 2, 2), 3)
        .tokenizer(tok).build()) {
      p.savePretrained(model);
    }
    Path cfg = dir.resolve("trl.yaml");
    Files.writeString(cfg, "max_steps: 1\nbeta: 0.05\nloss_type: dapo\nscale_rewards: true\nepsilon: 0.1\n"
        + "epsilon_high: 0.28\nnum_generations: 2\nmax_completion_length: 4\nbatch_size: 1\n"
        + "challenger_max_tokens: 4\ndevice: cpu\ntemplate: raw\nsegment_tokens: 0\nreport: false\n");
    Path out = dir.resolve("run");
    StringWriter log = new StringWriter();
    run(log, "--model", model.toString(), "--config", cfg.toString(), "--set", "output_dir=" + out);
    assertTrue(log.toString().contains("done: 1 iterations"), log.toString());
    String saved = Files.readString(out.resolve(SpiceCli.SAVED_CONFIG));
    assertTrue(saved.contains("\"kl_beta\":0.05") && saved.contains("\"loss_aggregation\":\"token_mean\"")
        && saved.contains("\"advantage_estimator\":\"grpo\"") && saved.contains("\"reasoner_group_size\":2"), saved);
  }
}
