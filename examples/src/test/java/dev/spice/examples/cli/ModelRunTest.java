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
    assertTrue(Files.isRegularFile(out.resolve("report.html")));
    assertEquals(2, Files.readAllLines(out.resolve("metrics.jsonl")).size());
    assertTrue(Files.readString(out.resolve(SpiceCli.SAVED_CONFIG)).contains("\"batch_size\":2"));

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
}
