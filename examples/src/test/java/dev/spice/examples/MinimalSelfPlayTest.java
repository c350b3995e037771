package dev.spice.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.internal.json.Json;
import dev.spice.core.engine.MetricNames;
import dev.spice.core.engine.RunSummary;
import dev.spice.core.engine.SelfPlay;
import dev.spice.core.model.TransformerConfig;
import dev.spice.core.text.WordTokenizer;
import dev.spice.djl.DjlPolicy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Smoke test of the README's minimal program ({@link MinimalSelfPlay#run}) on a tiny random
 * Hugging Face checkpoint and a three-document JSONL corpus: 2 iterations of batch 2 with 8 new
 * tokens per completion, a checkpoint every iteration.
 *
 * <p>What it asserts is what such a model honestly does: a random 16-wide model does not write a
 * valid paper-style JSON task in 8 tokens, so the Challenger valid rate is 0 (not asserted above 0)
 * and the Reasoner gets nothing to answer. The update still runs on the Challenger's attempts, each
 * penalised with -0.1 ({@code num_samples > 0}, {@code update_skipped = 0}); as every reward in a
 * group is the same, their advantages (and so the gradient) are 0: this checks the wiring from
 * checkpoint and corpus to metrics and checkpoints, not learning. It also asserts one metrics line
 * per iteration, a checkpoint of iteration 2, and that the README's "Minimal code" snippet is the
 * body of {@code run}.
 */
class MinimalSelfPlayTest {
  @TempDir Path dir;

  @Test
  void runsTwoIterationsOnATinyRandomCheckpoint() throws Exception {
    Path model = dir.resolve("model");
    WordTokenizer tok = WordTokenizer.withSpecialTokens(List.of("the", "river", "is", "long", "{", "}", "question"));
    try (DjlPolicy p = DjlPolicy.builder().randomInit(TransformerConfig.tiny(tok.vocabSize(), 16, 1, 2, 2), 3)
        .tokenizer(tok).build()) {
      p.savePretrained(model);
    }
    Path corpus = dir.resolve("docs.jsonl");
    Files.writeString(corpus, "{\"text\": \"the river is long\"}\n{\"text\": \"the long river\"}\n"
        + "{\"text\": \"river is the long\"}\n");
    Path run = dir.resolve("run");

    RunSummary summary = MinimalSelfPlay.run(new String[] {model.toString(), corpus.toString(), run.toString()}, 2, 2, 8, 1);
    assertEquals(2, summary.iterations());
    assertEquals(2, summary.nextIteration());
    assertEquals(1, summary.last().orElseThrow().iteration());

    List<String> lines = Files.readAllLines(run.resolve("metrics.jsonl"));
    assertEquals(2, lines.size(), "one metrics line per iteration: " + lines);
    for (String line : lines) {
      @SuppressWarnings("unchecked")
      Map<String, Object> m = (Map<String, Object>) Json.parseObject(line).get("metrics");
      double samples = ((Number) m.get(MetricNames.NUM_SAMPLES)).doubleValue();
      assertTrue(samples > 0, "the update trained on samples (the Challenger's penalised attempts at least): " + line);
      assertEquals(0.0, ((Number) m.get(MetricNames.UPDATE_SKIPPED)).doubleValue(), "an optimizer step ran: " + line);
      double valid = ((Number) m.get(MetricNames.CHALLENGER_VALID_RATE)).doubleValue();
      assertTrue(valid >= 0 && valid <= 1, line);
    }
    Path ck = SelfPlay.latestCheckpoint(run).orElseThrow();
    assertTrue(ck.getFileName().toString().endsWith("00000002"), "checkpoint of iteration 2: " + ck);
  }

  @Test
  void readmeSnippetIsTheBodyOfRun() throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8);
    int a = readme.indexOf("```java\ntry (DjlPolicy policy");
    assertTrue(a >= 0, "README.md has the minimal code snippet");
    String snippet = readme.substring(a + "```java\n".length(), readme.indexOf("```", a + 7));
    String source = Files.readString(Path.of("src/main/java/dev/spice/examples/MinimalSelfPlay.java"),
        StandardCharsets.UTF_8);
    int s = source.indexOf("    try (DjlPolicy policy");
    int e = source.indexOf("\n  }\n}", s);
    String body = source.substring(s, e + 1).lines().map(l -> l.startsWith("    ") ? l.substring(4) : l)
        .collect(Collectors.joining("\n", "", "\n"));
    assertEquals(body, snippet, "README.md's minimal code must be MinimalSelfPlay.run's body");
  }
}
