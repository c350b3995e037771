package dev.spice.examples.cli;

import static dev.spice.examples.cli.SpiceSubcommandsTest.spice;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.examples.cli.SpiceSubcommandsTest.Run;
import dev.spice.onnx.OnnxExporter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code spice export-onnx} on a tiny random checkpoint made here, then scored through the export; its errors. */
class ExportOnnxCommandTest {
  @TempDir Path dir;

  @Test
  void exportsACheckpointThatEvalCanScore() throws Exception {
    Path model = SpiceSubcommandsTest.tinyModel(dir.resolve("model"));
    Path onnx = dir.resolve("onnx");
    Run r = spice("export-onnx", "--model", model.toString(), "--out", onnx.toString());
    assertEquals(0, r.code(), r.err() + r.out());
    assertTrue(Files.size(onnx.resolve(OnnxExporter.MODEL_FILE)) > 0);
    assertTrue(Files.size(onnx.resolve(OnnxExporter.WEIGHTS_FILE)) > 0);
    assertTrue(Files.isRegularFile(onnx.resolve("config.json")) && Files.isRegularFile(onnx.resolve("tokenizer.json")));
    assertTrue(r.out().contains("with the key-value cache") && r.out().contains("copied: config.json"), r.out());

    // the export loads in ONNX Runtime and answers: eval through it
    Path bench = dir.resolve("bench.jsonl");
    Files.writeString(bench, "{\"question\": \"what is the capital of france\", \"answer\": \"paris\"}\n");
    Run e = spice("eval", "--onnx", onnx.toString(), "--benchmark", bench.toString(), "--template", "raw",
        "--samples", "0", "--max-new-tokens", "2");
    assertEquals(0, e.code(), e.err() + e.out());
    assertTrue(e.out().contains("| **overall** | 1 |"), e.out());
  }

  @Test
  void defaultOutputIsNextToTheCheckpointAndModelOnnxNamesItsFolder() throws Exception {
    Path model = SpiceSubcommandsTest.tinyModel(dir.resolve("final-model"));
    Run r = spice("export-onnx", "--model", model.toString(), "--no-cache");
    assertEquals(0, r.code(), r.err() + r.out());
    assertTrue(Files.isRegularFile(dir.resolve("final-model-onnx").resolve(OnnxExporter.MODEL_FILE)), r.out());
    assertTrue(r.out().contains("logits only"), r.out());
    Path file = dir.resolve("x").resolve(OnnxExporter.MODEL_FILE);
    r = spice("export-onnx", "--model", model.toString(), "--out", file.toString());
    assertEquals(0, r.code(), r.err() + r.out());
    assertTrue(Files.isRegularFile(file) && Files.isRegularFile(file.resolveSibling(OnnxExporter.WEIGHTS_FILE)));
  }

  @Test
  void aMissingOrInvalidFolderIsAClearErrorAndWritesNothing() throws Exception {
    Path out = dir.resolve("out");
    Run r = spice("export-onnx", "--model", dir.resolve("absent").toString(), "--out", out.toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("absent does not exist"), r.err());

    Path file = Files.writeString(dir.resolve("weights.bin"), "x");
    r = spice("export-onnx", "--model", file.toString(), "--out", out.toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("is a file; give the checkpoint folder"), r.err());

    Path torch = Files.createDirectories(dir.resolve("torch"));
    Files.writeString(torch.resolve("pytorch_model.bin"), "x");
    r = spice("export-onnx", "--model", torch.toString(), "--out", out.toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("no config.json and no model.safetensors") && r.err().contains("pytorch_model.bin")
        && r.err().contains("save the model with safetensors") && r.err().contains("spice export-onnx --help"), r.err());

    Path model = SpiceSubcommandsTest.tinyModel(dir.resolve("model"));
    Files.writeString(model.resolve("config.json"), "{\"model_type\": \"llama\", \"hidden_size\": -4}");
    r = spice("export-onnx", "--model", model.toString(), "--out", out.toString());
    assertEquals(2, r.code(), r.out());
    assertTrue(r.err().contains("config.json"), r.err());

    Path good = SpiceSubcommandsTest.tinyModel(dir.resolve("good"));
    r = spice("export-onnx", "--model", good.toString(), "--out", dir.resolve("m.onnx").toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("give the folder, or a path ending in /model.onnx"), r.err());
    r = spice("export-onnx", "--model", good.toString(), "--out", file.toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("is a file; give a folder"), r.err());
    r = spice("export-onnx", "--out", out.toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--model"), r.err());
    assertFalse(Files.exists(out), "nothing was written");
  }
}
