package dev.spice.onnx;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import dev.spice.core.SpiceException;
import dev.spice.core.internal.model.SafeTensors;
import dev.spice.core.model.TransformerConfig;
import dev.spice.core.text.WordTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad model files get errors that name the file and what is wrong. */
class BadModelFilesTest {
  @TempDir static Path tmp;
  static Path exported;
  static OnnxMl.ModelProto proto;

  @BeforeAll
  static void export() throws IOException {
    Path ckpt = Fixtures.checkpoint(tmp.resolve("ckpt"), Fixtures.qwen3(50), 1);
    exported = OnnxExporter.export(ckpt, tmp.resolve("onnx")).model();
    proto = OnnxMl.ModelProto.parseFrom(Files.readAllBytes(exported));
  }

  static SpiceException load(Path model) {
    return assertThrows(SpiceException.class, () -> OnnxPolicy.builder().model(model)
        .tokenizer(WordTokenizer.of(Fixtures.vocabulary())).build().close());
  }

  /** Writes an edited copy of the exported graph next to its weights. */
  static Path edited(String name, Consumer<OnnxMl.GraphProto.Builder> edit) throws IOException {
    OnnxMl.ModelProto.Builder m = proto.toBuilder();
    edit.accept(m.getGraphBuilder());
    Path file = exported.resolveSibling(name + ".onnx");
    Files.write(file, m.build().toByteArray());
    return file;
  }

  static void assertMessage(SpiceException e, String... parts) {
    for (String p : parts) {
      assertTrue(e.getMessage().contains(p), "message lacks '" + p + "': " + e.getMessage());
    }
  }

  @Test
  void missingFile() {
    assertMessage(load(tmp.resolve("nope.onnx")), "nope.onnx", "does not exist");
  }

  @Test
  void truncatedFile() throws IOException {
    byte[] all = Files.readAllBytes(exported);
    Path cut = exported.resolveSibling("cut.onnx");
    Files.write(cut, Arrays.copyOf(all, all.length / 2));
    assertMessage(load(cut), "cut.onnx");
  }

  @Test
  void missingPresentOutput() throws IOException {
    Path f = edited("nopresent", g -> g.removeOutput(g.getOutputCount() - 1));
    assertMessage(load(f), "nopresent.onnx", "past_key_values.1.value", "no output 'present.1.value'");
  }

  @Test
  void missingLogitsMeansNotADecoder() throws IOException {
    Path f = edited("nologits", g -> {
      for (int i = 0; i < g.getOutputCount(); i++) {
        if (g.getOutput(i).getName().equals("logits")) {
          g.removeOutput(i);
          return;
        }
      }
    });
    assertMessage(load(f), "nologits.onnx", "not a decoder", "'logits'");
  }

  @Test
  void aGraphThatIsNotADecoder() throws IOException {
    GraphBuilder g = new GraphBuilder("identity");
    g.input("x", GraphBuilder.FLOAT, "n");
    g.output("y", GraphBuilder.FLOAT, "n");
    g.op("Identity", "y", new String[] {"x"});
    Path f = tmp.resolve("identity.onnx");
    Files.write(f, GraphBuilder.model(g.build(), 17, "test", "0").toByteArray());
    assertMessage(load(f), "identity.onnx", "not a decoder", "input_ids");
  }

  @Test
  void unexpectedDtypeOfInputIds() throws IOException {
    GraphBuilder g = new GraphBuilder("float_ids");
    g.input("input_ids", GraphBuilder.FLOAT, "b", "s");
    g.input("attention_mask", GraphBuilder.INT64, "b", "t");
    g.output("logits", GraphBuilder.FLOAT, "b", "s", 1L);
    g.op("Unsqueeze", "logits", new String[] {"input_ids", g.longs(2)});
    Path f = tmp.resolve("floatids.onnx");
    Files.write(f, GraphBuilder.model(g.build(), 17, "test", "0").toByteArray());
    assertMessage(load(f), "floatids.onnx", "input 'input_ids'", "FLOAT", "unexpected dtype");
  }

  @Test
  void missingAttentionMaskAndUnknownInputs() throws IOException {
    Path noMask = edited("nomask", g -> g.removeInput(1));
    // ONNX Runtime or the signature check must refuse it, naming the file
    assertMessage(load(noMask), "nomask.onnx");
    GraphBuilder g = new GraphBuilder("extra");
    g.input("input_ids", GraphBuilder.INT64, "b", "s");
    g.input("attention_mask", GraphBuilder.INT64, "b", "t");
    g.input("token_type_ids", GraphBuilder.INT64, "b", "s");
    String f = g.op("Cast", null, new String[] {"input_ids"}, "to", (long) GraphBuilder.FLOAT);
    g.output("logits", GraphBuilder.FLOAT, "b", "s", 1L);
    g.op("Unsqueeze", "logits", new String[] {f, g.longs(2)});
    Path file = tmp.resolve("extra.onnx");
    Files.write(file, GraphBuilder.model(g.build(), 17, "test", "0").toByteArray());
    assertMessage(load(file), "extra.onnx", "'token_type_ids'");
  }

  @Test
  void exportOfAnIncompleteOrMisshapenCheckpoint() {
    TransformerConfig c = Fixtures.qwen3(50);
    Path dir = Fixtures.checkpoint(tmp.resolve("bad"), c, 3);
    SafeTensors.write(dir.resolve("model.safetensors"), List.of(new SafeTensors.Tensor("model.embed_tokens.weight",
        new long[] {50, 32}, new float[50 * 32])), Map.of());
    var e = assertThrows(SpiceException.BackendException.class, () -> OnnxExporter.export(dir, tmp.resolve("o1")));
    assertMessage(e, "lacks tensor 'model.layers.0.input_layernorm.weight'");
    SafeTensors.write(dir.resolve("model.safetensors"), List.of(new SafeTensors.Tensor("model.embed_tokens.weight",
        new long[] {32, 50}, new float[50 * 32])), Map.of());
    e = assertThrows(SpiceException.BackendException.class, () -> OnnxExporter.export(dir, tmp.resolve("o2")));
    assertMessage(e, "model.embed_tokens.weight", "[32, 50]", "[50, 32]");
    var noConfig = assertThrows(SpiceException.ConfigurationException.class,
        () -> OnnxExporter.export(tmp.resolve("empty"), tmp.resolve("o3")));
    assertMessage(noConfig, "no config.json");
  }

  @Test
  void badBuilderSettings() {
    var e = assertThrows(SpiceException.ConfigurationException.class,
        () -> OnnxPolicy.builder().model(exported).intraOpThreads(-1).build());
    assertMessage(e, "intraOpThreads", ">= 0");
    e = assertThrows(SpiceException.ConfigurationException.class, () -> OnnxPolicy.builder().build());
    assertMessage(e, "model(path) is required");
    e = assertThrows(SpiceException.ConfigurationException.class, () -> OnnxPolicy.builder().model(exported).build());
    assertMessage(e, "no tokenizer given");
    if (!ai.onnxruntime.OrtEnvironment.getAvailableProviders().contains(ai.onnxruntime.OrtProvider.CUDA)) {
      e = assertThrows(SpiceException.ConfigurationException.class, () -> OnnxPolicy.builder().model(exported)
          .tokenizer(WordTokenizer.of(Fixtures.vocabulary())).cuda(true).build());
      assertMessage(e, "CUDA", "available");
    }
  }
}
