package dev.spice.core.internal.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.spice.core.SpiceException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The safetensors format as the reference implementation defines it (little-endian values, an
 * 8-byte header length, a JSON header padded with spaces to a multiple of 8 bytes), IEEE half
 * precision, and readers that give their file handles back.
 */
class SafeTensorsFormatTest {
  @TempDir Path dir;

  private static String t(String name, String dtype, String shape, long begin, long end) {
    return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":[" + begin + ","
        + end + "]}";
  }

  /** A file with this header and these data bytes; {@code headerLength} overrides the length field if >= 0. */
  private Path raw(String name, String header, byte[] data, long headerLength) throws IOException {
    byte[] h = header.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(headerLength >= 0 ? headerLength : h.length).put(h).put(data);
    return Files.write(dir.resolve(name), b.array());
  }

  private static byte[] shorts(int... values) {
    ByteBuffer b = ByteBuffer.allocate(2 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (int v : values) {
      b.putShort((short) v);
    }
    return b.array();
  }

  @Test
  void halfPrecisionFollowsIeee754() throws Exception {
    int[] bits = {0x0000, 0x8000, 0x0001, 0x8001, 0x03FF, 0x0400, 0x3C00, 0x3E00, 0xBE00, 0x3555, 0x7BFF, 0xFBFF,
        0x7C00, 0xFC00, 0x7E00, 0xFE01};
    float[] want = {0f, -0f, 0x1p-24f, -0x1p-24f, 1023 * 0x1p-24f, 0x1p-14f, 1f, 1.5f, -1.5f, 0.333251953125f, 65504f,
        -65504f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, Float.NaN};
    Path f = raw("h.safetensors", "{" + t("h", "F16", "[" + bits.length + "]", 0, 2L * bits.length) + "}",
        shorts(bits), -1);
    try (SafeTensors.Reader r = SafeTensors.open(f)) {
      float[] got = r.floats("h");
      for (int i = 0; i < bits.length; i++) {
        assertEquals(Float.floatToIntBits(want[i]) & (Float.isNaN(want[i]) ? 0 : -1),
            Float.floatToIntBits(got[i]) & (Float.isNaN(got[i]) ? 0 : -1), String.format("0x%04X", bits[i]));
        assertEquals(Float.isNaN(want[i]), Float.isNaN(got[i]), String.format("0x%04X", bits[i]));
      }
    }
  }

  @Test
  void bfloat16AndFloat64ArraysConvertElementByElement() throws Exception {
    ByteBuffer d = ByteBuffer.allocate(6 + 24).order(ByteOrder.LITTLE_ENDIAN);
    d.putShort((short) 0x3F80).putShort((short) 0xC040).putShort((short) 0x4049); // 1, -3, 3.140625
    d.putDouble(0.5).putDouble(-2.25).putDouble(1e10);
    Path f = raw("bd.safetensors", "{" + t("b", "BF16", "[3]", 0, 6) + "," + t("d", "F64", "[3]", 6, 30) + "}",
        d.array(), -1);
    try (SafeTensors.Reader r = SafeTensors.open(f)) {
      assertArrayEquals(new float[] {1f, -3f, 3.140625f}, r.floats("b"));
      assertArrayEquals(new float[] {0.5f, -2.25f, 1e10f}, r.floats("d"));
    }
  }

  @Test
  void writtenHeadersArePaddedWithSpacesToAMultipleOfEight() throws Exception {
    for (int len = 1; len <= 9; len++) {
      Path f = dir.resolve("pad" + len + ".safetensors");
      SafeTensors.write(f, List.of(new SafeTensors.Tensor("x".repeat(len), new long[] {1}, new float[] {2.5f})),
          Map.of());
      byte[] all = Files.readAllBytes(f);
      long n = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
      assertEquals(0, n % 8, "header length " + n);
      String header = new String(all, 8, (int) n, StandardCharsets.UTF_8);
      String json = header.stripTrailing();
      assertTrue(json.endsWith("}") && n - json.length() < 8, "at most 7 spaces of padding: '" + header + "'");
      assertEquals(8 + n + 4, all.length);
      assertEquals(2.5f, ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN).getFloat((int) (8 + n)));
    }
  }

  @Test
  void tensorsLargerThanTheWriteBufferRoundTrip() throws Exception {
    float[] big = new float[700_001]; // 2.8 MB: written in several 1 MiB pieces
    for (int i = 0; i < big.length; i++) {
      big[i] = i * 0.5f - 7;
    }
    Path f = dir.resolve("big.safetensors");
    SafeTensors.write(f, List.of(new SafeTensors.Tensor("a", new long[] {3}, new float[] {1, 2, 3}),
        new SafeTensors.Tensor("big", new long[] {700_001}, big),
        new SafeTensors.Tensor("empty", new long[] {0, 4}, new float[0])), Map.of());
    try (SafeTensors.Reader r = SafeTensors.open(f)) {
      assertArrayEquals(big, r.floats("big"));
      assertArrayEquals(new float[] {1, 2, 3}, r.floats("a"));
      assertArrayEquals(new long[] {0, 4}, r.info("empty").shape());
      assertEquals(0, r.floats("empty").length);
    }
  }

  @Test
  void rawBytesAreTheTensorsLittleEndianData() throws Exception {
    Path f = dir.resolve("bytes.safetensors");
    SafeTensors.write(f, List.of(new SafeTensors.Tensor("a", new long[] {2}, new float[] {1, 2}),
        new SafeTensors.Tensor("b", new long[] {3}, new float[] {-1, 0.25f, 8}),
        new SafeTensors.Tensor("c", new long[] {0}, new float[0])), Map.of());
    try (SafeTensors.Reader r = SafeTensors.open(f)) {
      ByteBuffer b = r.bytes("b");
      assertEquals(12, b.remaining());
      assertEquals(ByteOrder.LITTLE_ENDIAN, b.order());
      assertEquals(-1f, b.getFloat(0));
      assertEquals(0.25f, b.getFloat(4));
      assertEquals(8f, b.getFloat(8));
      assertEquals(0, r.bytes("c").remaining());
      SafeTensors.TensorInfo info = r.info("b");
      assertEquals(12, info.byteCount());
      assertEquals(8, info.begin());
      assertEquals("b F32[3]", info.toString());
      assertEquals("tensor 'zz' not found in " + f,
          assertThrows(SpiceException.BackendException.class, () -> r.bytes("zz")).getMessage());
    }
  }

  @Test
  void aTensorOfMoreThanTwoGibibytesIsNotHandedOutAsOneBuffer() throws Exception {
    long n = (1L << 29) + 1; // F32: 2 GiB + 4 bytes, in a sparse file
    Path f = raw("huge.safetensors", "{" + t("w", "F32", "[" + n + "]", 0, 4 * n) + "}", new byte[0], -1);
    try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
      raf.setLength(raf.length() + 4 * n);
    }
    try (SafeTensors.Reader r = SafeTensors.open(f)) {
      var e = assertThrows(SpiceException.BackendException.class, () -> r.bytes("w"));
      assertEquals("tensor 'w' of " + f + " is 2147483652 bytes, more than one buffer holds (2 GiB); read it with"
          + " floats()", e.getMessage());
    }
  }

  @Test
  void headerLengthEdges() throws Exception {
    Path eight = Files.write(dir.resolve("eight.safetensors"), new byte[8]);
    assertEquals("invalid safetensors file " + eight + ": header length 0 is impossible for a file of 8 bytes",
        assertThrows(SpiceException.BackendException.class, () -> SafeTensors.open(eight)).getMessage());
    Path seven = Files.write(dir.resolve("seven.safetensors"), new byte[7]);
    assertEquals("invalid safetensors file " + seven + ": file is 7 bytes, shorter than the 8-byte header length",
        assertThrows(SpiceException.BackendException.class, () -> SafeTensors.open(seven)).getMessage());
    // a header that fills the file: no tensors, no data
    try (SafeTensors.Reader r = SafeTensors.open(raw("empty.safetensors", "{}", new byte[0], -1))) {
      assertEquals(List.of(), r.names());
      assertEquals(Map.of(), r.metadata());
    }
    // a header length a few bytes beyond the end of the file
    Path over = raw("over.safetensors", "{}      ", new byte[0], 12);
    assertEquals("invalid safetensors file " + over + ": header length 12 is impossible for a file of 16 bytes",
        assertThrows(SpiceException.BackendException.class, () -> SafeTensors.open(over)).getMessage());
  }

  @Test
  void offsetsAreReportedAsWritten() throws Exception {
    Path f = raw("span.safetensors", "{" + t("a", "F32", "[1]", 0, 4) + "," + t("b", "F32", "[2]", 4, 8) + "}",
        new byte[8], -1);
    assertEquals("invalid safetensors file " + f + ": tensor 'b' shape [2] of F32 needs 8 bytes but data_offsets span 4",
        assertThrows(SpiceException.BackendException.class, () -> SafeTensors.open(f)).getMessage());
    // a zero-size tensor may sit where another one starts, whatever the names' order
    try (SafeTensors.Reader r = SafeTensors.open(raw("zero.safetensors", "{" + t("a", "F32", "[1]", 0, 4) + ","
        + t("b", "F32", "[0]", 0, 0) + "," + t("c", "F32", "[1]", 4, 8) + "," + t("d", "F32", "[0,3]", 4, 4) + "}",
        new byte[8], -1))) {
      assertEquals(List.of("a", "b", "c", "d"), r.names());
      assertEquals(0, r.floats("d").length);
    }
  }

  @Test
  void zeroSizedDimensionsAreValidShapes() {
    SafeTensors.Tensor t = new SafeTensors.Tensor("e", new long[] {0, 3}, new float[0]);
    assertArrayEquals(new long[] {0, 3}, t.shape());
    var e = assertThrows(IllegalArgumentException.class, () -> new SafeTensors.Tensor("e", new long[] {2, 3},
        new float[5]));
    assertEquals("tensor e: shape [2, 3] needs 6 values, got 5", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new SafeTensors.Tensor("n", new long[] {3, -1},
        new float[0]));
    assertEquals("tensor n: shape [3, -1] has a negative dimension", e.getMessage());
  }

  @Test
  void aNonFiniteFirstValueIsFound() {
    SafeTensors.TensorInfo info = new SafeTensors.TensorInfo("w", SafeTensors.DType.F32, new long[] {3}, 0, 12);
    var e = assertThrows(SpiceException.BackendException.class,
        () -> SafeTensors.requireFinite(new float[] {Float.POSITIVE_INFINITY, 1, 2}, info, Path.of("m.safetensors"),
            "flag"));
    assertEquals("m.safetensors: tensor 'w' holds 1 non-finite value(s); the first is +Infinity at flat index 0"
        + " (element [0] of shape [3]); such weights make every log-prob NaN, so they are refused (to load them"
        + " anyway: flag)", e.getMessage());
    SafeTensors.requireFinite(new float[] {0, -1, 3}, info, Path.of("m.safetensors"), "flag");
  }

  @Test
  void shardedReadersGiveInfoBytesAndTheMergedMetadata() throws Exception {
    SafeTensors.write(dir.resolve("s1.safetensors"), List.of(new SafeTensors.Tensor("x", new long[] {2},
        new float[] {1, 2})), Map.of("format", "pt", "a", "1"));
    SafeTensors.write(dir.resolve("s2.safetensors"), List.of(new SafeTensors.Tensor("y", new long[] {1, 1},
        new float[] {5})), Map.of("b", "2"));
    Files.writeString(dir.resolve("model.safetensors.index.json"),
        "{\"weight_map\": {\"x\": \"s1.safetensors\", \"y\": \"s2.safetensors\"}}");
    try (SafeTensors.Reader r = SafeTensors.openDirectory(dir)) {
      assertArrayEquals(new long[] {1, 1}, r.info("y").shape());
      assertEquals(5f, r.bytes("y").getFloat(0));
      assertEquals(Map.of("format", "pt", "a", "1", "b", "2"), r.metadata());
      assertEquals("tensor 'z' not found in the sharded checkpoint",
          assertThrows(SpiceException.BackendException.class, () -> r.info("z")).getMessage());
    }
  }

  // ------------------------------------------------------------ file handles

  /** How many of this process's open file descriptors point at {@code file} (Linux only). */
  private static long openHandles(Path file) throws IOException {
    Path fds = Path.of("/proc/self/fd");
    long n = 0;
    try (Stream<Path> s = Files.list(fds)) {
      for (Path fd : (Iterable<Path>) s::iterator) {
        try {
          if (Files.readSymbolicLink(fd).equals(file.toAbsolutePath())) {
            n++;
          }
        } catch (IOException gone) {
          // closed while listing
        }
      }
    }
    return n;
  }

  @Test
  void readersGiveTheirFileHandlesBack() throws Exception {
    assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "needs /proc");
    Path good = dir.resolve("good.safetensors");
    SafeTensors.write(good, List.of(new SafeTensors.Tensor("x", new long[] {1}, new float[] {1})), Map.of());
    SafeTensors.Reader r = SafeTensors.open(good);
    assertEquals(1, openHandles(good));
    r.close();
    assertEquals(0, openHandles(good), "close() releases the file");
    Path bad = raw("bad.safetensors", "{" + t("a", "F32", "[2]", 0, 4) + "}", new byte[4], -1);
    assertThrows(SpiceException.BackendException.class, () -> SafeTensors.open(bad));
    assertEquals(0, openHandles(bad), "a refused file is not left open");
    // shards: a failing index closes the shards it opened; close() closes them all
    Path sharded = Files.createDirectory(dir.resolve("sharded"));
    Path s1 = sharded.resolve("s1.safetensors");
    Path s2 = sharded.resolve("s2.safetensors");
    SafeTensors.write(s1, List.of(new SafeTensors.Tensor("x", new long[] {1}, new float[] {1})), Map.of());
    SafeTensors.write(s2, List.of(new SafeTensors.Tensor("y", new long[] {1}, new float[] {1})), Map.of());
    Path index = sharded.resolve("model.safetensors.index.json");
    Files.writeString(index, "{\"weight_map\": {\"x\": \"s1.safetensors\", \"y\": \"s2.safetensors\","
        + " \"z\": \"s2.safetensors\"}}");
    assertThrows(SpiceException.BackendException.class, () -> SafeTensors.openDirectory(sharded));
    assertEquals(0, openHandles(s1) + openHandles(s2), "a refused index leaves no shard open");
    Files.writeString(index, "{\"weight_map\": {\"x\": \"s1.safetensors\", \"y\": \"s2.safetensors\"}}");
    SafeTensors.Reader sr = SafeTensors.openDirectory(sharded);
    assertEquals(2, openHandles(s1) + openHandles(s2));
    sr.close();
    assertEquals(0, openHandles(s1) + openHandles(s2));
  }

  // ------------------------------------------------------------ readers held elsewhere

  /** Float32 tensors held in memory: only names, info, bytes and metadata are implemented. */
  private static final class MemoryReader implements SafeTensors.Reader {
    private final Map<String, float[]> data = new LinkedHashMap<>();

    MemoryReader put(String name, float... values) {
      data.put(name, values);
      return this;
    }

    @Override
    public List<String> names() {
      return new ArrayList<>(data.keySet());
    }

    @Override
    public SafeTensors.TensorInfo info(String name) {
      float[] v = data.get(name);
      if (v == null) {
        throw new SpiceException.BackendException("no tensor " + name);
      }
      return new SafeTensors.TensorInfo(name, SafeTensors.DType.F32, new long[] {v.length}, 0, 4L * v.length);
    }

    @Override
    public ByteBuffer bytes(String name) {
      float[] v = data.get(name);
      ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
      for (float x : v) {
        b.putFloat(x);
      }
      return b.flip();
    }

    @Override
    public Map<String, String> metadata() {
      return Map.of();
    }

    @Override
    public void close() {}
  }

  @Test
  void readerDefaultsWorkForTensorsHeldInMemory() {
    MemoryReader r = new MemoryReader().put("a", 1, -2, 3.5f).put("b");
    assertTrue(r.contains("a"));
    assertTrue(!r.contains("c"));
    assertArrayEquals(new float[] {1, -2, 3.5f}, r.floats("a"));
    assertEquals(0, r.floats("b").length);
    assertEquals(Path.of("(tensors in memory)"), r.file("a"));
    assertThrows(SpiceException.BackendException.class, () -> r.file("c"));
  }
}
