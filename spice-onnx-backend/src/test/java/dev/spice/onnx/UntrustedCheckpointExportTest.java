package dev.spice.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.SpiceException;
import dev.spice.core.internal.json.Json;
import dev.spice.core.internal.model.SafeTensors;
import dev.spice.core.model.TransformerConfig;
import dev.spice.core.text.Tokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exporter trusts neither config.json nor the weights: a config the safetensors header
 * contradicts fails before anything is allocated or written, non-finite weights are refused unless
 * allowed, and a damaged tokenizer.json is named by {@link HfTokenizer#load}.
 */
class UntrustedCheckpointExportTest {
  @TempDir Path tmp;

  Path checkpoint(String name) {
    return Fixtures.checkpoint(tmp.resolve(name), Fixtures.qwen3(50), 5);
  }

  static void edit(Path ckpt, String field, Object value) throws Exception {
    Path f = ckpt.resolve("config.json");
    Map<String, Object> m = new LinkedHashMap<>(Json.parseObject(Files.readString(f)));
    m.put(field, value);
    Files.writeString(f, Json.write(m));
  }

  <T extends SpiceException> T refused(Class<T> type, Path ckpt, String... parts) {
    Path out = tmp.resolve("out-" + ckpt.getFileName());
    T e = assertTimeoutPreemptively(Duration.ofSeconds(5),
        () -> assertThrows(type, () -> OnnxExporter.export(ckpt, out)));
    for (String p : parts) {
      assertTrue(e.getMessage().contains(p), "message lacks '" + p + "': " + e.getMessage());
    }
    assertFalse(Files.exists(out.resolve(OnnxExporter.WEIGHTS_FILE)), "nothing exported");
    assertFalse(Files.exists(out.resolve(OnnxExporter.WEIGHTS_FILE + ".tmp")), "no partial file left");
    return e;
  }

  @Test
  void hugeConfigValuesFailAtOnceNamingConfigFieldAndTensor() throws Exception {
    Path c = checkpoint("hidden");
    edit(c, "hidden_size", 2147483647L);
    refused(SpiceException.ConfigurationException.class, c, c.resolve("config.json").toString(),
        "field 'hidden_size' (2147483647) disagrees with the weights",
        "tensor 'model.embed_tokens.weight' in " + c.resolve("model.safetensors") + " has shape [50, 32]");
    Path l = checkpoint("layers");
    edit(l, "num_hidden_layers", 2147483647L);
    refused(SpiceException.ConfigurationException.class, l, "field 'num_hidden_layers' (2147483647)",
        "holds layers 0 to 1 only");
    Path d = checkpoint("headdim");
    edit(d, "head_dim", 1073741824L);
    refused(SpiceException.ConfigurationException.class, d, "head_dim (1073741824)", "exceed 2147483647");
    Path m = checkpoint("million");
    edit(m, "hidden_size", 1000000L);
    refused(SpiceException.ConfigurationException.class, m, "field 'hidden_size' (1000000)", "[50, 1000000]");
    Path e = checkpoint("eos");
    edit(e, "eos_token_id", "1");
    refused(SpiceException.ConfigurationException.class, e, "field 'eos_token_id' must be an integer");
  }

  @Test
  void unusedWeightsAreRefusedNotDropped() throws Exception {
    TransformerConfig withBias = new TransformerConfig("llama", 50, 32, 48, 2, 4, 2, 8, 1e-6, 1e4, 64, false, true,
        false, -1, List.of(1));
    Path c = Fixtures.checkpoint(tmp.resolve("bias"), withBias, 1);
    edit(c, "attention_bias", false);
    refused(SpiceException.ConfigurationException.class, c, "field 'attention_bias' is false", "_proj.bias'");
  }

  @Test
  void nonFiniteWeightsAreRefusedUnlessAllowed() throws Exception {
    Path c = checkpoint("nan");
    List<SafeTensors.Tensor> ts = new ArrayList<>();
    try (SafeTensors.Reader r = SafeTensors.openDirectory(c)) {
      for (String n : r.names()) {
        float[] v = r.floats(n);
        if (n.equals("model.layers.0.self_attn.k_proj.weight")) {
          v[70] = Float.POSITIVE_INFINITY;
        }
        ts.add(new SafeTensors.Tensor(n, r.info(n).shape(), v));
      }
    }
    SafeTensors.write(c.resolve("model.safetensors"), ts, Map.of());
    refused(SpiceException.BackendException.class, c, c.resolve("model.safetensors") + ": tensor "
        + "'model.layers.0.self_attn.k_proj.weight' holds 1 non-finite value(s); the first is +Infinity at flat index"
        + " 70 (element [2, 6] of shape [16, 32])", "OnnxExporter.export(checkpointDir, outputDir, withCache, true)");
    OnnxExporter.Result r = OnnxExporter.export(c, tmp.resolve("allowed"), true, true);
    assertTrue(Files.size(r.weights()) > 0);
  }

  @Test
  void garbageTokenizerFilesAreNamed() throws Exception {
    Path f = tmp.resolve("tokenizer.json");
    Files.write(f, new byte[] {'{', (byte) 0xc0, '}'});
    // Before: "cannot load tokenizer ...: Input length = 1"
    var e = assertThrows(SpiceException.ConfigurationException.class, () -> HfTokenizer.load(f));
    assertEquals("tokenizer file " + f + " is not UTF-8 text (invalid byte at offset 1); a Hugging Face "
        + "tokenizer.json is a UTF-8 JSON file", e.getMessage());
    Files.writeString(f, "<html>not found</html>");
    e = assertThrows(SpiceException.ConfigurationException.class, () -> HfTokenizer.load(f));
    assertTrue(e.getMessage().startsWith("tokenizer file " + f + " is not a JSON object"), e.getMessage());
    Files.writeString(f, "{\"model\": {\"type\": \"WordLevel\"}}");
    e = assertThrows(SpiceException.ConfigurationException.class, () -> HfTokenizer.load(f));
    assertTrue(e.getMessage().contains("has no 'model.vocab'"), e.getMessage());
    Files.writeString(f, "{\"added_tokens\": []}");
    e = assertThrows(SpiceException.ConfigurationException.class, () -> HfTokenizer.load(f));
    assertTrue(e.getMessage().contains("has no 'model' object"), e.getMessage());
    Path good = Fixtures.tokenizerJson(tmp.resolve("tok"));
    try (Tokenizer t = HfTokenizer.load(good)) {
      assertEquals("hello world", t.decode(t.encode("hello world")));
    }
  }
}
