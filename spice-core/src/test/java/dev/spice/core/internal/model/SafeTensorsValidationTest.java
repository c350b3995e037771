package dev.spice.core.internal.model;

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

/** Headers that lie, repeat or leave bytes unaccounted for are refused, naming the file and tensor. */
class SafeTensorsValidationTest {
  @TempDir Path dir;

  /** A file with this exact header text and {@code dataBytes} zero bytes of data. */
  private Path raw(String name, String header, int dataBytes) throws Exception {
    return raw(name, header.getBytes(StandardCharsets.UTF_8), dataBytes);
  }

  private Path raw(String name, byte[] header, int dataBytes) throws Exception {
    ByteBuffer b = ByteBuffer.allocate(8 + header.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(header.length).put(header);
    Path f = dir.resolve(name);
    Files.write(f, b.array());
    return f;
  }

  private static String t(String name, String dtype, String shape, long begin, long end) {
    return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":[" + begin + ","
        + end + "]}";
  }

  private static String refused(Path f, String... parts) {
    SpiceException e = assertThrows(SpiceException.BackendException.class, () -> SafeTensors.open(f).close());
    assertTrue(e.getMessage().contains(f.toString()), "message names the file: " + e.getMessage());
    for (String p : parts) {
      assertTrue(e.getMessage().contains(p), "message lacks '" + p + "': " + e.getMessage());
    }
    return e.getMessage();
  }

  @Test
  void aDuplicateTensorNameIsRefused() throws Exception {
    // Without the check the parsed map keeps the second entry and silently drops the first.
    Path f = raw("dup.safetensors", "{" + t("w", "F32", "[2]", 0, 8) + "," + t("w", "F32", "[2]", 8, 16) + "}", 16);
    refused(f, "tensor 'w' appears twice");
    Path escaped = raw("dup2.safetensors", "{" + t("a\\u0062", "F32", "[1]", 0, 4) + ","
        + t("ab", "F32", "[1]", 4, 8) + "}", 8);
    refused(escaped, "tensor 'ab' appears twice");
    Path meta = raw("dupmeta.safetensors", "{\"__metadata__\":{\"a\":\"1\"}," + t("w", "F32", "[1]", 0, 4)
        + ",\"__metadata__\":{\"a\":\"2\"}}", 4);
    refused(meta, "two '__metadata__' entries");
    // A nested repeated key is the tensor entry's business, not a duplicate tensor; names that
    // only look alike inside strings do not count.
    Path fine = raw("fine.safetensors", "{\"__metadata__\":{\"x\":\"\\\"w\\\":{\"}," + t("w", "F32", "[1]", 0, 4)
        + "," + t("v", "F32", "[1]", 4, 8) + "}", 8);
    try (SafeTensors.Reader r = SafeTensors.open(fine)) {
      assertEquals(List.of("v", "w"), r.names());
      assertEquals("\"w\":{", r.metadata().get("x"));
    }
  }

  @Test
  void overlappingGappedOrTrailingDataIsRefused() throws Exception {
    refused(raw("overlap.safetensors", "{" + t("a", "F32", "[2]", 0, 8) + "," + t("b", "F32", "[2]", 4, 12) + "}",
        12), "tensors 'a' [0, 8) and 'b' [4, 12) overlap");
    refused(raw("same.safetensors", "{" + t("a", "F32", "[2]", 0, 8) + "," + t("b", "F32", "[2]", 0, 8) + "}", 8),
        "overlap");
    refused(raw("gap.safetensors", "{" + t("a", "F32", "[1]", 0, 4) + "," + t("b", "F32", "[1]", 8, 12) + "}", 12),
        "data bytes [4, 8) between tensors 'a' and 'b' belong to no tensor");
    refused(raw("lead.safetensors", "{" + t("a", "F32", "[1]", 4, 8) + "}", 8),
        "data bytes [0, 4) before tensor 'a' belong to no tensor");
    refused(raw("trail.safetensors", "{" + t("a", "F32", "[1]", 0, 4) + "}", 12),
        "the last 8 of the 12 data bytes (after tensor 'a') belong to no tensor");
    refused(raw("none.safetensors", "{}", 4), "the last 4 of the 4 data bytes belong to no tensor");
    refused(raw("out.safetensors", "{" + t("a", "F32", "[1]", 0, 4) + "," + t("b", "F32", "[1]", 4, 8) + "}", 4),
        "tensor 'b' data_offsets [4, 8] lie outside the 4 data bytes");
    refused(raw("neg.safetensors", "{" + t("a", "F32", "[0]", 4, 0) + "}", 4), "tensor 'a' data_offsets [4, 0]");
    // Zero-size tensors may share an offset; an empty file of tensors is fine.
    try (SafeTensors.Reader r = SafeTensors.open(raw("empty.safetensors", "{" + t("a", "F32", "[0]", 0, 0) + ","
        + t("b", "F32", "[2,0]", 0, 0) + "," + t("c", "F32", "[1]", 0, 4) + "}", 4))) {
      assertEquals(0, r.floats("a").length);
      assertEquals(0, r.floats("b").length);
      assertEquals(0, r.info("b").elementCount());
    }
  }

  @Test
  void hugeShapesAreRefusedWithoutOverflow() throws Exception {
    // 2^32 * 2^32 elements would wrap to 0 in plain long arithmetic and "match" an empty range.
    refused(raw("wrap.safetensors", "{" + t("a", "F32", "[4294967296,4294967296]", 0, 0) + "}", 0),
        "tensor 'a' shape [4294967296, 4294967296] of F32 needs more than 2^63 bytes but data_offsets span 0");
    // count * 4 bytes wraps too
    refused(raw("wrap4.safetensors", "{" + t("a", "F32", "[4611686018427387,1000]", 0, 0) + "}", 0),
        "needs more than 2^63 bytes");
    refused(raw("neg.safetensors", "{" + t("a", "F32", "[-1]", 0, 0) + "}", 0), "bad shape [-1]");
    refused(raw("frac.safetensors", "{" + t("a", "F32", "[1.5]", 0, 0) + "}", 0), "bad shape [1.5]");
    refused(raw("dt.safetensors", "{" + t("a", "U8", "[1]", 0, 1) + "}", 1), "unsupported dtype 'U8'");
    assertThrows(IllegalArgumentException.class,
        () -> new SafeTensors.Tensor("x", new long[] {1L << 32, 1L << 32}, new float[0]));
    assertThrows(IllegalArgumentException.class, () -> new SafeTensors.Tensor("x", new long[] {-1, -1}, new float[1]));
    assertThrows(ArithmeticException.class, () -> new SafeTensors.TensorInfo("x", SafeTensors.DType.F32,
        new long[] {1L << 32, 1L << 32}, 0, 0).elementCount());
  }

  @Test
  void badHeaderTextAndMetadataAreRefused() throws Exception {
    byte[] latin1 = ("{" + t("caf\u00e9", "F32", "[1]", 0, 4) + "}").getBytes(StandardCharsets.ISO_8859_1);
    refused(raw("latin1.safetensors", latin1, 4), "header is not UTF-8 text (invalid byte at header offset 5)");
    refused(raw("notjson.safetensors", "{\"a\": nope}", 0), "header is not a JSON object");
    refused(raw("meta.safetensors", "{\"__metadata__\":[1]}", 0), "'__metadata__' must be an object of strings");
    refused(raw("meta2.safetensors", "{\"__metadata__\":{\"format\":1}}", 0),
        "'__metadata__' entry 'format' must be a string, got 1");
    assertThrows(IllegalArgumentException.class, () -> SafeTensors.write(dir.resolve("m.safetensors"),
        List.of(new SafeTensors.Tensor("__metadata__", new long[] {1}, new float[1])), Map.of()));
  }

  @Test
  void shardsMustListEveryTensorTheyHold() throws Exception {
    SafeTensors.write(dir.resolve("a.safetensors"), List.of(new SafeTensors.Tensor("x", new long[] {1}, new float[] {1}),
        new SafeTensors.Tensor("y", new long[] {1}, new float[] {2})), Map.of());
    SafeTensors.write(dir.resolve("b.safetensors"), List.of(new SafeTensors.Tensor("y", new long[] {1},
        new float[] {3})), Map.of());
    Path index = dir.resolve("model.safetensors.index.json");
    Files.writeString(index, "{\"weight_map\":{\"x\":\"a.safetensors\"}}");
    SpiceException e = assertThrows(SpiceException.BackendException.class, () -> SafeTensors.openDirectory(dir));
    assertTrue(e.getMessage().contains("a.safetensors holds tensor 'y'") && e.getMessage().contains("does not list it"),
        e.getMessage());
    Files.writeString(index, "{\"weight_map\":{\"x\":\"a.safetensors\",\"y\":\"b.safetensors\"}}");
    e = assertThrows(SpiceException.BackendException.class, () -> SafeTensors.openDirectory(dir));
    assertTrue(e.getMessage().contains("a.safetensors holds tensor 'y'") && e.getMessage().contains("maps it to b"),
        e.getMessage());
    Files.writeString(index, "{\"weight_map\":{\"x\":3}}");
    e = assertThrows(SpiceException.BackendException.class, () -> SafeTensors.openDirectory(dir));
    assertTrue(e.getMessage().contains("weight_map entry 'x' must be a shard file name"), e.getMessage());
    Files.write(index, new byte[] {'{', (byte) 0xff, '}'});
    e = assertThrows(SpiceException.BackendException.class, () -> SafeTensors.openDirectory(dir));
    assertTrue(e.getMessage().contains("is not UTF-8 text"), e.getMessage());
    SafeTensors.write(dir.resolve("b.safetensors"), List.of(new SafeTensors.Tensor("z", new long[] {2},
        new float[] {3, 4})), Map.of());
    Files.writeString(index, "{\"weight_map\":{\"x\":\"a.safetensors\",\"y\":\"a.safetensors\",\"z\":\"b.safetensors\"}}");
    try (SafeTensors.Reader r = SafeTensors.openDirectory(dir)) {
      assertEquals(List.of("x", "y", "z"), r.names());
      assertArrayEquals(new float[] {3, 4}, r.floats("z"));
      assertEquals(dir.resolve("b.safetensors"), r.file("z"));
      assertTrue(r.contains("y") && !r.contains("w"));
    }
  }

  @Test
  void nonFiniteValuesAreFoundAndNamed() throws Exception {
    assertEquals(-1, SafeTensors.firstNonFinite(new float[] {0, -0f, Float.MAX_VALUE, -Float.MIN_VALUE}));
    assertEquals(2, SafeTensors.firstNonFinite(new float[] {1, 2, Float.NaN, Float.POSITIVE_INFINITY}));
    assertEquals(0, SafeTensors.firstNonFinite(new float[] {Float.NEGATIVE_INFINITY}));
    Path f = dir.resolve("nan.safetensors");
    float[] v = {1, 2, 3, 4, 5, Float.NaN, 7, Float.POSITIVE_INFINITY};
    SafeTensors.write(f, List.of(new SafeTensors.Tensor("w", new long[] {2, 4}, v)), Map.of());
    try (SafeTensors.Reader r = SafeTensors.open(f)) {
      float[] got = r.floats("w");
      SpiceException e = assertThrows(SpiceException.BackendException.class,
          () -> SafeTensors.requireFinite(got, r.info("w"), r.file("w"), "option X"));
      assertEquals(f + ": tensor 'w' holds 2 non-finite value(s); the first is NaN at flat index 5 (element [1, 1] of"
          + " shape [2, 4]); such weights make every log-prob NaN, so they are refused (to load them anyway: option X)",
          e.getMessage());
    }
    // F64 values beyond float range become infinite on conversion: refused as well, and said so.
    String header = "{" + t("d", "F64", "[2]", 0, 16) + "}";
    byte[] h = header.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(8 + h.length + 16).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(h.length).put(h).putDouble(1.0).putDouble(-1e300);
    Path d = dir.resolve("d.safetensors");
    Files.write(d, b.array());
    try (SafeTensors.Reader r = SafeTensors.open(d)) {
      float[] got = r.floats("d");
      SpiceException e = assertThrows(SpiceException.BackendException.class,
          () -> SafeTensors.requireFinite(got, r.info("d"), r.file("d"), "x"));
      assertTrue(e.getMessage().contains("the first is -Infinity (after conversion to float32) at flat index 1"),
          e.getMessage());
    }
  }
}
