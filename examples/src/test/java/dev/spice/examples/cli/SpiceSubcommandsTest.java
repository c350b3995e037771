package dev.spice.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.internal.json.Json;
import dev.spice.core.model.TransformerConfig;
import dev.spice.core.text.WordTokenizer;
import dev.spice.djl.DjlPolicy;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The subcommands of {@code spice}: help, dispatch, the backwards-compatible run without one, errors. */
class SpiceSubcommandsTest {
  @TempDir Path dir;

  record Run(int code, String out, String err) {}

  /** A tiny random-init checkpoint (Hugging Face layout, word tokenizer) saved into {@code dir}. */
  static Path tinyModel(Path dir) {
    WordTokenizer tok = WordTokenizer.withSpecialTokens(List.of("what", "is", "the", "capital", "of", "france",
        "answer:", "paris", "42", "times"));
    try (DjlPolicy p = DjlPolicy.builder().randomInit(TransformerConfig.tiny(tok.vocabSize(), 16, 1, 2, 2), 3)
        .tokenizer(tok).build()) {
      p.savePretrained(dir);
    }
    return dir;
  }

  static Run spice(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = SpiceCli.execute(args, new PrintWriter(out), new PrintWriter(err));
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void helpListsTheSubcommands() {
    Run r = spice("--help");
    assertEquals(0, r.code(), r.err());
    for (String c : new String[] {"quickstart", "train", "eval", "export-onnx", "serve"}) {
      assertTrue(r.out().contains("  " + c + " "), c + " in:\n" + r.out());
    }
    assertTrue(r.out().contains("--iterations") && r.out().contains("Config keys"), r.out());
  }

  @Test
  void serveHandsItsArgumentsToSpiceServe() {
    Run help = spice("serve", "--help");
    assertEquals(0, help.code(), help.err());
    assertTrue(help.out().contains("--enable-lora") && help.out().contains("--max-loras"), help.out());
    Run bad = spice("serve", "--no-such-option");
    assertEquals(2, bad.code(), bad.out());
    assertTrue(bad.err().contains("--no-such-option"), bad.err());
    Run neither = spice("serve");
    assertEquals(2, neither.code(), neither.out());
  }

  @Test
  void eachSubcommandHasItsHelpWithDefaults() {
    Run q = spice("quickstart", "--help");
    assertEquals(0, q.code(), q.err());
    assertTrue(q.out().contains("--max-documents") && q.out().contains("default 400"), q.out());
    assertTrue(q.out().contains("--max-document-words") && q.out().contains("default 120"), q.out());
    assertTrue(q.out().contains("warm_steps (default 1200)") && q.out().contains("iterations (default 600)"), q.out());
    Run t = spice("train", "--help");
    assertEquals(0, t.code(), t.err());
    assertTrue(t.out().contains("Usage: spice train") && t.out().contains("--model")
        && t.out().contains("  batch_size  [both]  integer >= 1"), t.out());
    Run e = spice("eval", "--help");
    assertEquals(0, e.code(), e.err());
    assertTrue(e.out().contains("Usage: spice eval") && e.out().contains("--samples")
        && e.out().contains("default 4") && e.out().contains("spice eval --onnx"), e.out());
    Run x = spice("export-onnx", "--help");
    assertEquals(0, x.code(), x.err());
    assertTrue(x.out().contains("--model") && x.out().contains("--out") && x.out().contains("--no-cache")
        && x.out().contains("--allow-non-finite"), x.out());
  }

  @Test
  void trainIsTheModelRunOfSpiceWithoutASubcommand() throws Exception {
    Path docs = Files.createDirectories(dir.resolve("docs"));
    Files.writeString(docs.resolve("a.txt"), "the river is long");
    String[] rest = {"--model", dir.toString(), "--corpus", docs.toString(), "--set", "batch_size=4", "--out",
        dir.resolve("run").toString(), "--print-config"};
    Run plain = spice(rest);
    String[] withTrain = new String[rest.length + 1];
    withTrain[0] = "train";
    System.arraycopy(rest, 0, withTrain, 1, rest.length);
    Run train = spice(withTrain);
    assertEquals(0, plain.code(), plain.err());
    assertEquals(0, train.code(), train.err());
    Map<String, Object> m = Json.parseObject(train.out().trim());
    assertEquals(4L, m.get("batch_size"));
    assertEquals(plain.out(), train.out());
  }

  @Test
  void trainNeedsAModel() {
    Run r = spice("train", "--iterations", "3", "--print-config");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("spice train needs --model DIR") && r.err().contains("Run 'spice train --help'"),
        r.err());
  }

  @Test
  void optionsBeforeASubcommandAreAnError() {
    Run r = spice("--iterations", "3", "quickstart");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("options before the subcommand 'quickstart'") && r.err().contains("--iterations"),
        r.err());
  }

  @Test
  void anUnknownSubcommandIsAUsageError() {
    Run r = spice("trian", "--model", "x");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("trian"), r.err());
  }

  @Test
  void quickstartRefusesBadSettingsBeforeRunning() {
    Path out = dir.resolve("never");
    Run r = spice("quickstart", "--set", "warm_stepz=3", "--out", out.toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("unknown free-text setting 'warm_stepz'") && r.err().contains("warm_steps"), r.err());
    r = spice("quickstart", "--set", "iterations=5", "--out", out.toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("iterations must be >= 10, got 5"), r.err());
    r = spice("quickstart", "--max-documents", "0", "--out", out.toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--max-documents must be >= 1, got 0"), r.err());
    r = spice("quickstart", "--set", "iterations", "--out", out.toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("not of the form key=value"), r.err());
    assertFalse(Files.exists(out), "nothing was written");
  }

  @Test
  void quickstartRunsTheFreeTextQuickstartWithItsOptions() throws Exception {
    Path out = dir.resolve("free-text");
    Run r = spice("quickstart", "--out", out.toString(), "--corpus", "elements", "--max-documents", "24",
        "--max-document-words", "40", "--set", "warm_steps=2", "--set", "iterations=10", "--set", "batch_size=1",
        "--set", "challenger_group=2", "--set", "reasoner_group=2", "--set", "hidden_size=8", "--set", "heads=1",
        "--set", "layers=1", "--set", "arms=spice", "--set", "coevolution_attempts=1", "--set", "probe_every=10",
        "--set", "warm_demonstrations=1", "--set", "warm_documents=1", "--set", "challenger_tokens=8",
        "--set", "reasoner_tokens=3", "--set", "seed=5");
    assertEquals(0, r.code(), r.err() + r.out());
    assertTrue(r.out().contains("Corpus elements: ") && r.out().contains(" kept, ")
        && r.out().contains("longer than 40 words"), r.out());
    assertTrue(r.out().contains("quickstart finished: " + out.toAbsolutePath()), r.out());
    Map<String, Object> report = Json.parseObject(Files.readString(out.resolve("report.json")));
    @SuppressWarnings("unchecked")
    Map<String, Object> settings = (Map<String, Object>) report.get("settings");
    assertEquals(10L, settings.get("iterations"));
    assertEquals(5L, settings.get("seed"));
    assertEquals("spice", settings.get("arms"));
    assertTrue(Files.isRegularFile(out.resolve("report.html")));
  }

  @Test
  void evalIsASubcommand() throws Exception {
    Path bench = dir.resolve("bench.jsonl");
    Files.writeString(bench, "{\"question\": \"what is the capital of france\", \"answer\": \"paris\"}\n"
        + "{\"question\": \"what is 6 times 7\", \"answer\": 42, \"answer_type\": \"integer\"}\n");
    Path model = tinyModel(dir.resolve("model"));
    Run r = spice("eval", "--model", model.toString(), "--benchmark", bench.toString(), "--template",
        "raw", "--samples", "0", "--max-new-tokens", "2");
    assertEquals(0, r.code(), r.err() + r.out());
    assertTrue(r.out().contains("| **overall** | 2 |"), r.out());
    Files.writeString(bench, "{\"question\": \"no answer\"}\n");
    r = spice("eval", "--model", model.toString(), "--benchmark", bench.toString());
    assertEquals(2, r.code(), r.out());
    assertTrue(r.err().contains("bench.jsonl:1") && r.err().contains("Run 'spice eval --help'"), r.err());
  }
}
