package dev.spice.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.AnswerType;
import dev.spice.core.SamplingParams;
import dev.spice.core.TaskFormat;
import dev.spice.core.eval.BenchmarkEvaluation;
import dev.spice.core.eval.BenchmarkFile;
import dev.spice.core.eval.BenchmarkResult;
import dev.spice.core.eval.BenchmarkSet;
import dev.spice.core.internal.json.Json;
import dev.spice.core.roles.Roles;
import dev.spice.core.testing.ScriptedPolicy;
import dev.spice.rewards.ReasonerRewards;
import dev.spice.rewards.verify.AnswerExtractors;
import dev.spice.core.model.TransformerConfig;
import dev.spice.core.text.WordTokenizer;
import dev.spice.djl.DjlPolicy;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code spice-eval} end to end on a tiny random checkpoint and the bundled sample, and its errors. */
class EvalCommandTest {
  @TempDir static Path shared;
  @TempDir Path dir;
  static Path model;

  @BeforeAll
  static void tinyModel() {
    model = shared.resolve("model");
    WordTokenizer tok = WordTokenizer.withSpecialTokens(List.of("what", "is", "the", "capital", "of", "answer:",
        "\\boxed{paris}", "42", "africa"));
    try (DjlPolicy p = DjlPolicy.builder().randomInit(TransformerConfig.tiny(tok.vocabSize(), 16, 1, 2, 2), 3)
        .tokenizer(tok).build()) {
      p.savePretrained(model);
    }
  }

  record Run(int code, String out, String err) {}

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = EvalCommand.execute(args, new PrintWriter(out), new PrintWriter(err));
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void scoresTheBundledSampleAndWritesEvalJson() throws Exception {
    Path out = dir.resolve("eval");
    Run r = run("--model", model.toString(), "--benchmark", "sample", "--template", "raw", "--samples", "2",
        "--max-new-tokens", "3", "--seed", "5", "--out", out.toString());
    assertEquals(0, r.code(), r.err() + r.out());
    Map<String, Object> m = Json.parseObject(Files.readString(out.resolve(EvalCommand.RESULT_FILE)));
    assertEquals("factbook-sample", m.get("benchmark"));
    assertEquals(2L, m.get("samples"));
    assertEquals(List.of("capitals", "currencies", "numbers", "regions"),
        List.copyOf(((Map<?, ?>) m.get("categories")).keySet()));
    assertEquals(40L, ((Map<?, ?>) m.get("overall")).get("items"));
    for (Object c : ((Map<?, ?>) m.get("categories")).values()) {
      assertEquals(10L, ((Map<?, ?>) c).get("items"));
      double p = ((Number) ((Map<?, ?>) c).get("pass@1")).doubleValue();
      assertTrue(p >= 0 && p <= 1, c.toString());
    }
    assertEquals(40, ((List<?>) m.get("items")).size());
    Map<?, ?> settings = (Map<?, ?>) m.get("settings");
    assertEquals("raw", settings.get("template"));
    assertEquals(5L, settings.get("seed"));
    assertTrue(r.out().contains("| **overall** | 40 |"), r.out());
    assertTrue(r.out().contains("| mean@2 | pass@2 |"), r.out());
    assertEquals(r.out().substring(r.out().indexOf("Benchmark factbook-sample")).split("\n\nWrote")[0],
        Files.readString(out.resolve(EvalCommand.TABLE_FILE)).stripTrailing());
    String html = Files.readString(out.resolve(EvalCommand.HTML_FILE));
    assertTrue(html.contains("<h1>Benchmark factbook-sample on ") && html.contains("<code>capitals</code>")
        && html.contains("<th>mean@2</th>") && html.contains("data:image/png;base64,"), "eval.html");

    Run again = run("--model", model.toString(), "--benchmark", "sample", "--template", "raw", "--samples", "2",
        "--max-new-tokens", "3", "--seed", "5", "--out", dir.resolve("again").toString());
    assertEquals(0, again.code(), again.err());
    assertEquals(Files.readString(out.resolve(EvalCommand.RESULT_FILE)),
        Files.readString(dir.resolve("again").resolve(EvalCommand.RESULT_FILE)), "same seed, same result");
  }

  @Test
  void theBundledSampleIsAnsweredFullyByAnOracle() throws Exception {
    BenchmarkSet set;
    try (var in = new java.io.InputStreamReader(
        EvalCommand.class.getResourceAsStream("/dev/spice/examples/benchmarks/factbook-sample.jsonl"),
        java.nio.charset.StandardCharsets.UTF_8)) {
      set = BenchmarkFile.reader().build().read("factbook-sample.jsonl", in);
    }
    assertEquals(0, set.skippedLines());
    Map<String, String> gold = new java.util.HashMap<>();
    set.items().forEach(i -> gold.put(i.task().question(), i.task().goldText()));
    ScriptedPolicy oracle = new ScriptedPolicy((p, row, seed, pol) -> gold.entrySet().stream()
        .filter(e -> p.text().contains(e.getKey())).map(e -> "\\boxed{" + e.getValue() + "}").findFirst().orElseThrow());
    BenchmarkResult r = BenchmarkEvaluation.builder().reasoner(Roles.reasoner(AnswerExtractors.defaults()))
        .reward(ReasonerRewards.correctness().async()).greedy(SamplingParams.defaults(32)).build()
        .evaluate(oracle, set);
    assertEquals(1.0, r.overall().passAt1(), () -> r.toMarkdown() + r.items());
    assertEquals(4, r.categories().size());
    assertTrue(set.items().stream().anyMatch(i -> i.task().format() == TaskFormat.MULTIPLE_CHOICE));
    for (AnswerType t : AnswerType.values()) {
      assertTrue(set.items().stream().anyMatch(i -> i.task().answerType() == t), "the sample has " + t + " items");
    }
  }

  @Test
  void badLinesFailNamingFileAndLineOrAreSkipped() throws Exception {
    Path bench = dir.resolve("mine.jsonl");
    Files.writeString(bench, "{\"question\": \"What is the capital of France?\", \"answer\": \"Paris\"}\n"
        + "{\"question\": \"What is 17 + 25?\", \"answer\": \"many\", \"answer_type\": \"integer\"}\n");
    Run r = run("--model", model.toString(), "--benchmark", bench.toString(), "--template", "raw");
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains(bench + ":2: field 'answer'"), r.err());
    assertTrue(r.err().contains("--skip-bad-lines") && !r.err().contains("skipBadLines(true)"), r.err());

    Path out = dir.resolve("skip");
    r = run("--model", model.toString(), "--benchmark", bench.toString(), "--template", "raw", "--skip-bad-lines",
        "--samples", "0", "--max-new-tokens", "2", "--reasoner", "text", "--out", out.toString());
    assertEquals(0, r.code(), r.err());
    Map<String, Object> m = Json.parseObject(Files.readString(out.resolve(EvalCommand.RESULT_FILE)));
    assertEquals(1L, m.get("skipped_lines"));
    assertEquals(0L, m.get("samples"));
    assertEquals(List.of("all"), List.copyOf(((Map<?, ?>) m.get("categories")).keySet()));
    assertFalse(r.out().contains("mean@"), r.out());
  }

  @Test
  void badBenchmarkPathIsExitTwoNamingThePath() {
    Path missing = dir.resolve("no-such-bench.jsonl");
    Run r = run("--model", model.toString(), "--benchmark", missing.toString());
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("--benchmark " + missing + " does not exist"), r.err());
  }

  @Test
  void badOptionsAreExitTwoNamingTheOption() {
    String m = model.toString();
    assertBad(run("--benchmark", "sample"), "--model DIR");
    assertBad(run("--model", m, "--onnx", m, "--benchmark", "sample"), "exactly one of --model DIR");
    assertBad(run("--model", m, "--benchmark", "sample", "--reasoner", "fancy"), "--reasoner 'fancy'");
    assertBad(run("--model", m, "--benchmark", "sample", "--template", "alpaca"), "--template");
    assertBad(run("--model", m, "--benchmark", "sample", "--samples", "-1"), "--samples must be >= 0");
    assertBad(run("--model", m, "--benchmark", "sample", "--temperature", "0"), "--temperature");
    assertBad(run("--model", m, "--benchmark", "sample", "--max-new-tokens", "0"), "--max-new-tokens");
    assertBad(run("--model", m, "--benchmark", "sample", "--samples", "x"), "--samples");
    assertBad(run("--model", dir.resolve("nope").toString(), "--benchmark", "sample"), "--model");
    assertBad(run("--model", m), "--benchmark");
  }

  private static void assertBad(Run r, String names) {
    assertEquals(2, r.code(), r.err() + r.out());
    assertTrue(r.err().contains(names), r.err());
  }
}
