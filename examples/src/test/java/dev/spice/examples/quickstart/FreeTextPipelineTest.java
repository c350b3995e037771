package dev.spice.examples.quickstart;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.Completion;
import dev.spice.core.Document;
import dev.spice.core.Prompt;
import dev.spice.core.SamplingParams;
import dev.spice.core.SpiceException;
import dev.spice.core.Task;
import dev.spice.djl.DjlPolicy;
import dev.spice.onnx.OnnxExporter;
import dev.spice.onnx.OnnxPolicy;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The free-text pipeline end to end on the second bundled corpus (the chemical elements, not the
 * Factbook) with a model trained from scratch, in a short run: tokenizer learnt from the text, warm
 * start, self-play; the Challenger writes valid tasks and the held-out probe gains. The warm-started
 * model is an ordinary Hugging Face folder that the ONNX exporter exports and ONNX Runtime runs to
 * the same greedy answers.
 */
class FreeTextPipelineTest {

  static PrintStream quiet() {
    return new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
  }

  static FreeTextSettings shortRun() {
    return FreeTextSettings.builder().set("warm_steps", "400").set("iterations", "60").set("probe_every", "20")
        .set("batch_size", "8").set("arms", "spice").set("coevolution_attempts", "1").build();
  }

  @Test
  @SuppressWarnings("unchecked")
  void runsOnTheElementsCorpusFromScratchAndLearns(@TempDir Path dir) throws Exception {
    FreeTextWorld world = FreeTextCorpus.world(shortRun(), "elements", 400, 120, quiet());
    assertEquals(118, world.documents.size());
    Map<String, Object> report = FreeTextQuickstart.run(world, dir, quiet());
    Map<String, Object> checks = (Map<String, Object>) report.get("checks");
    assertTrue((Double) checks.get("valid_rate_end") > 0, "valid rate " + checks);
    assertTrue((Double) checks.get("probe_gain_points") > 0, "probe gain " + checks);
    assertTrue(Files.isRegularFile(dir.resolve("report.json")));
    assertTrue(Files.isRegularFile(dir.resolve("report.html")));
    for (String f : List.of(FreeTextRunner.METRICS_FILE, FreeTextRunner.COMPLETIONS_FILE)) {
      assertTrue(Files.size(dir.resolve("spice").resolve(f)) > 0, f);
    }
    try (var tb = Files.list(dir.resolve("spice").resolve(FreeTextRunner.TENSORBOARD_DIR))) {
      assertTrue(tb.anyMatch(p -> p.getFileName().toString().startsWith("events.out.tfevents.")));
    }
    String samples = Files.readString(dir.resolve("spice").resolve(FreeTextRunner.SAMPLES_FILE));
    assertTrue(samples.startsWith("== iteration 20\ndocument "), samples);
    assertTrue(samples.contains("question"), samples);

    // the warm-started model: a Hugging Face folder that DJL loads and the ONNX exporter exports
    assertTrue(Files.isRegularFile(dir.resolve("spice").resolve(FreeTextRunner.FINAL_MODEL).resolve("config.json")));
    Path hf = dir.resolve("warm-start-model");
    for (String f : List.of("config.json", "model.safetensors", "tokenizer.json")) {
      assertTrue(Files.isRegularFile(hf.resolve(f)), f);
    }
    OnnxExporter.export(hf, dir.resolve("onnx"));
    List<Prompt> prompts = new ArrayList<>();
    for (Task t : world.probeFree.subList(0, 4)) {
      prompts.add(world.reasoner.prompt(t));
    }
    prompts.add(world.challenger.prompt(world.documents.get(0)));
    SamplingParams greedy = new SamplingParams(1.0, 1.0, 1, 12, List.of(), 0);
    try (DjlPolicy djl = world.loadPolicy(hf);
        OnnxPolicy onnx = OnnxPolicy.builder().model(dir.resolve("onnx")).threads(1).build()) {
      List<Completion> a = djl.generate(prompts, greedy);
      List<Completion> b = onnx.generate(prompts, greedy);
      for (int i = 0; i < prompts.size(); i++) {
        assertArrayEquals(a.get(i).promptTokens(), b.get(i).promptTokens(), "prompt " + i);
        assertArrayEquals(a.get(i).tokens(), b.get(i).tokens(), "greedy completion " + i);
        assertEquals(a.get(i).text(), b.get(i).text());
      }
    }
  }

  @Test
  void aCorpusTooSmallForTheSplitsFailsNamingTheCounts() {
    List<Document> docs = List.of(Document.of("a", "alpha beta gamma", "t"));
    var e = assertThrows(SpiceException.ConfigurationException.class,
        () -> new FreeTextWorld(shortRun(), docs, "tiny", Document::id));
    assertTrue(e.getMessage().contains("1 document"), e.getMessage());
  }

  @Test
  void clozeItemsWhoseQuestionShowsTheAnswerAreLeftOutAndCounted() {
    List<Document> docs = new ArrayList<>();
    String[][] rows = {{"Peru", "Lima"}, {"Chile", "Santiago"}, {"Guinea-Bissau", "Bissau"}, {"Kenya", "Nairobi"},
        {"Japan", "Tokyo"}, {"Ghana", "Accra"}, {"Mali", "Bamako"}, {"Chad", "Ndjamena"}};
    for (String[] r : rows) {
      docs.add(Document.of(r[0], r[0] + " capital " + r[1] + "\n" + r[0] + " region region_" + r[0], "t"));
    }
    FreeTextWorld w = new FreeTextWorld(shortRun(), docs, "capitals", Document::id);
    assertEquals(1, w.skippedProbeItems + w.skippedDemonstrationItems);
    for (var d : w.demonstrations) {
      assertTrue(!d.completion().endsWith("answer: Bissau"), d.completion());
    }
    assertTrue(w.probeFree.stream().noneMatch(t -> t.goldAnswer().equals("Bissau")));
  }

  @Test
  void unknownCorpusPathIsNamed(@TempDir Path dir) {
    var e = assertThrows(SpiceException.ConfigurationException.class,
        () -> FreeTextCorpus.world(shortRun(), dir.resolve("missing.jsonl").toString(), 10, 10, quiet()));
    assertTrue(e.getMessage().contains("missing.jsonl: no such file or folder"), e.getMessage());
  }

  @Test
  void longDocumentsAreSkippedAndCounted(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("c.jsonl");
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 12; i++) {
      sb.append("{\"id\":\"d").append(i).append("\",\"text\":\"item").append(i).append(" colour red").append(i)
          .append("\\nitem").append(i).append(" size big").append(i).append("\"}\n");
    }
    sb.append("{\"id\":\"long\",\"text\":\"").append("word ".repeat(50)).append("\"}\n");
    Files.writeString(f, sb.toString());
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    FreeTextWorld w = FreeTextCorpus.world(shortRun(), f.toString(), 100, 20,
        new PrintStream(bytes, true, StandardCharsets.UTF_8));
    assertEquals(12, w.documents.size());
    assertTrue(bytes.toString(StandardCharsets.UTF_8).contains("13 documents read, 12 kept, 1 skipped as longer than 20 "
        + "words"), bytes.toString(StandardCharsets.UTF_8));
  }
}
