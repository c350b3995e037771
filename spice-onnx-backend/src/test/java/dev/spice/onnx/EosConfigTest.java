package dev.spice.onnx;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.SpiceException;
import dev.spice.core.internal.json.Json;
import dev.spice.core.text.WordTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The end-of-sequence ids next to an exported graph are read strictly (as the DJL loader does). */
class EosConfigTest {
  @TempDir
  static Path tmp;
  static Path model;

  @BeforeAll
  static void export() {
    Path ckpt = Fixtures.checkpoint(tmp.resolve("ckpt"), Fixtures.qwen3(50), 1);
    model = OnnxExporter.export(ckpt, tmp.resolve("onnx")).model();
  }

  private static OnnxPolicy withEos(Object eos) throws Exception {
    Path config = model.resolveSibling("config.json");
    Map<String, Object> m = Json.parseObject(Files.readString(config));
    m.put("eos_token_id", eos);
    Files.writeString(config, Json.write(m));
    return OnnxPolicy.builder().model(model).tokenizer(WordTokenizer.of(Fixtures.vocabulary())).build();
  }

  @Test
  void integerIdsAreAccepted() throws Exception {
    withEos(java.util.List.of(1L, 0L)).close();
    withEos(1L).close();
  }

  @Test
  void floatsStringsAndOutOfRangeIdsAreRefusedByName() {
    String m = assertThrows(SpiceException.ConfigurationException.class, () -> withEos(2.5)).getMessage();
    assertTrue(m.contains("config.json: field 'eos_token_id' must be an integer or a list of integers, got 2.5"), m);
    m = assertThrows(SpiceException.ConfigurationException.class, () -> withEos("2")).getMessage();
    assertTrue(m.contains("got the string \"2\""), m);
    m = assertThrows(SpiceException.ConfigurationException.class, () -> withEos(50L)).getMessage();
    assertTrue(m.contains("holds 50, outside the vocabulary [0, 50)"), m);
  }
}
