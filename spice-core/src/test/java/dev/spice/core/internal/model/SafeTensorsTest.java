package dev.spice.core.internal.model;

import dev.spice.core.model.TransformerConfig;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.SpiceException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTensorsTest {
  @Test
  void roundTripsFloatTensors(@TempDir Path dir) {
    Path f = dir.resolve("model.safetensors");
    float[] a = {1, -2.5f, 3e-8f, 4, 5, 6};
    SafeTensors.write(f, List.of(new SafeTensors.Tensor("w", new long[] {2, 3}, a),
        new SafeTensors.Tensor("b", new long[] {1}, new float[] {7})), Map.of("format", "pt"));
    try (SafeTensors.Reader r = SafeTensors.openDirectory(dir)) {
      assertEquals(List.of("b", "w"), r.names());
      assertArrayEquals(a, r.floats("w"));
      assertArrayEquals(new long[] {2, 3}, r.info("w").shape());
      assertEquals("pt", r.metadata().get("format"));
    }
  }

  @Test
  void readsHalfAndBfloat16(@TempDir Path dir) throws Exception {
    String header = "{\"h\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]},"
        + "\"b\":{\"dtype\":\"BF16\",\"shape\":[1],\"data_offsets\":[4,6]}}";
    ByteBuffer buf = ByteBuffer.allocate(8 + header.length() + 6).order(ByteOrder.LITTLE_ENDIAN);
    buf.putLong(header.length()).put(header.getBytes(StandardCharsets.US_ASCII));
    buf.putShort((short) 0x3C00).putShort((short) 0xC000).putShort((short) 0x3FC0);
    Path f = dir.resolve("x.safetensors");
    Files.write(f, buf.array());
    try (SafeTensors.Reader r = SafeTensors.open(f)) {
      assertArrayEquals(new float[] {1f, -2f}, r.floats("h"));
      assertArrayEquals(new float[] {1.5f}, r.floats("b"));
    }
  }

  @Test
  void truncatedOrLyingHeadersGiveClearErrors(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("model.safetensors");
    SafeTensors.write(f, List.of(new SafeTensors.Tensor("w", new long[] {4}, new float[] {1, 2, 3, 4})), Map.of());
    byte[] full = Files.readAllBytes(f);
    Path truncated = dir.resolve("t.safetensors");
    Files.write(truncated, java.util.Arrays.copyOf(full, full.length - 4));
    SpiceException e = assertThrows(SpiceException.BackendException.class, () -> SafeTensors.open(truncated));
    assertTrue(e.getMessage().contains("t.safetensors") && e.getMessage().contains("'w'"), e.getMessage());
    Path lying = dir.resolve("l.safetensors");
    byte[] l = full.clone();
    ByteBuffer.wrap(l).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 1L << 40);
    Files.write(lying, l);
    e = assertThrows(SpiceException.BackendException.class, () -> SafeTensors.open(lying));
    assertTrue(e.getMessage().contains("header length"), e.getMessage());
    Path tiny = dir.resolve("s.safetensors");
    Files.write(tiny, new byte[3]);
    assertThrows(SpiceException.BackendException.class, () -> SafeTensors.open(tiny));
  }

  @Test
  void configRoundTripsAndNamesBadFields(@TempDir Path dir) throws Exception {
    TransformerConfig c = TransformerConfig.tiny(100, 32, 2, 4, 2);
    Path f = dir.resolve("config.json");
    c.write(f);
    assertEquals(c, TransformerConfig.read(f));
    assertTrue(c.tensorShapes().containsKey("model.layers.1.self_attn.q_norm.weight"));
    Files.writeString(f, "{\"model_type\":\"llama\",\"hidden_size\":\"big\"}");
    SpiceException e = assertThrows(SpiceException.ConfigurationException.class, () -> TransformerConfig.read(f));
    assertTrue(e.getMessage().contains("hidden_size"), e.getMessage());
  }
}
