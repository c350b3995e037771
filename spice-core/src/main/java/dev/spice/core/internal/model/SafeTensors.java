package dev.spice.core.internal.model;

import dev.spice.core.SpiceException;
import dev.spice.core.internal.json.Json;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads and writes the safetensors format: an 8-byte little-endian header length, a JSON header
 * ({@code name -> {dtype, shape, data_offsets}} plus optional {@code __metadata__}), then the raw
 * little-endian data. Reading memory-maps each tensor on demand, so a checkpoint is never copied
 * whole into the heap. The header is validated against the file size before any data is read.
 */
public final class SafeTensors {
  /** Largest header accepted (bytes). */
  public static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;

  private SafeTensors() {}

  /** Element types of the format that this SDK reads. */
  public enum DType {
    /** 32-bit float. */
    F32(4),
    /** 16-bit IEEE half. */
    F16(2),
    /** bfloat16. */
    BF16(2),
    /** 64-bit float. */
    F64(8),
    /** 64-bit signed integer. */
    I64(8),
    /** 32-bit signed integer. */
    I32(4);

    private final int bytes;

    DType(int bytes) {
      this.bytes = bytes;
    }

    /** Bytes per element. */
    public int bytes() {
      return bytes;
    }
  }

  /**
   * One tensor's entry in a header.
   *
   * <p>Immutable: the shape is copied on construction and {@link #shape()} returns a copy
   * ({@link #rank()} and {@link #dim(int)} copy nothing). Equality is by content (the shape as by
   * {@link Arrays#equals(long[], long[])}).
   *
   * @param name tensor name
   * @param dtype element type
   * @param shape dimensions (empty for a scalar)
   * @param begin data start, relative to the end of the header
   * @param end data end (exclusive)
   */
  public record TensorInfo(String name, DType dtype, long[] shape, long begin, long end) {
    /** Copies the shape. */
    public TensorInfo {
      shape = shape.clone();
    }

    /** A copy of the dimensions. */
    @Override
    public long[] shape() {
      return shape.clone();
    }

    /** Number of dimensions. */
    public int rank() {
      return shape.length;
    }

    /** Dimension {@code i}. @throws IndexOutOfBoundsException if there is no such dimension */
    public long dim(int i) {
      return shape[java.util.Objects.checkIndex(i, shape.length)];
    }

    /** Number of elements. @throws ArithmeticException if it does not fit a long */
    public long elementCount() {
      for (long d : shape) {
        if (d == 0) {
          return 0;
        }
      }
      long n = 1;
      for (long d : shape) {
        n = Math.multiplyExact(n, d);
      }
      return n;
    }

    /** Number of data bytes ({@code end - begin}). */
    public long byteCount() {
      return end - begin;
    }

    /** Content equality, see the record comment. */
    @Override
    public boolean equals(Object o) {
      return o instanceof TensorInfo t && java.util.Objects.equals(name, t.name) && dtype == t.dtype && Arrays.equals(shape, t.shape)
          && begin == t.begin && end == t.end;
    }

    @Override
    public int hashCode() {
      return java.util.Objects.hash(name, dtype, Arrays.hashCode(shape), begin, end);
    }

    @Override
    public String toString() {
      return name + " " + dtype + Arrays.toString(shape);
    }
  }

  /**
   * A tensor to write: float32 data in row-major order.
   *
   * <p>The shape is copied on construction and {@link #shape()} returns a copy. The data is
   * <em>not</em> copied on construction, because tensors can hold a whole model's weights: the
   * tensor takes ownership of the array, and the caller must not modify it afterwards.
   * {@link #data()} returns a copy (use {@link #size()} for the element count);
   * {@link SafeTensors#write} reads the data without copying. Equality is by content (shape and
   * data as by {@link Arrays#equals}).
   *
   * @param name tensor name
   * @param shape dimensions (empty for a scalar)
   * @param data the values, row-major; owned by the tensor after construction
   */
  public record Tensor(String name, long[] shape, float[] data) {
    /** Validates the element count and copies the shape (not the data). */
    public Tensor {
      java.util.Objects.requireNonNull(name, "name");
      java.util.Objects.requireNonNull(data, "data");
      shape = shape.clone();
      long n = 1;
      for (long d : shape) {
        if (d < 0) {
          throw new IllegalArgumentException("tensor " + name + ": shape " + Arrays.toString(shape)
              + " has a negative dimension");
        }
        try {
          n = Math.multiplyExact(n, d);
        } catch (ArithmeticException e) {
          throw new IllegalArgumentException("tensor " + name + ": shape " + Arrays.toString(shape)
              + " has more than 2^63 elements");
        }
      }
      if (n != data.length) {
        throw new IllegalArgumentException("tensor " + name + ": shape " + Arrays.toString(shape)
            + " needs " + n + " values, got " + data.length);
      }
    }

    /** A copy of the dimensions. */
    @Override
    public long[] shape() {
      return shape.clone();
    }

    /** A copy of the data. */
    @Override
    public float[] data() {
      return data.clone();
    }

    /** Number of elements, without copying the data. */
    public int size() {
      return data.length;
    }

    /** Content equality, see the record comment. */
    @Override
    public boolean equals(Object o) {
      return o instanceof Tensor t && name.equals(t.name) && Arrays.equals(shape, t.shape) && Arrays.equals(data, t.data);
    }

    @Override
    public int hashCode() {
      return java.util.Objects.hash(name, Arrays.hashCode(shape), Arrays.hashCode(data));
    }

    /** Name and shape (not the data). */
    @Override
    public String toString() {
      return "Tensor[" + name + " " + Arrays.toString(shape) + "]";
    }
  }

  /** Read access to tensors of one file or of a sharded checkpoint. Not thread-safe; close it. */
  public interface Reader extends AutoCloseable {
    /** Tensor names in a stable (sorted) order. */
    List<String> names();

    /** Whether a tensor of this name exists. */
    default boolean contains(String name) {
      return names().contains(name);
    }

    /** The entry of a tensor. @throws SpiceException.BackendException if absent */
    TensorInfo info(String name);

    /**
     * The file that holds a tensor, named in error messages. Readers backed by files override
     * this; the default, for tensors held elsewhere, is a placeholder path.
     *
     * @throws SpiceException.BackendException if absent
     */
    default Path file(String name) {
      info(name);
      return Path.of("(tensors in memory)");
    }

    /**
     * The raw little-endian bytes of a tensor, read-only.
     *
     * @throws SpiceException.BackendException if the tensor is larger than one buffer (2 GiB);
     *     {@link #floats} reads such tensors
     */
    ByteBuffer bytes(String name);

    /** A tensor's values converted to float (F32, F16, BF16, F64). */
    default float[] floats(String name) {
      TensorInfo info = info(name);
      float[] out = new float[arrayLength(info, file(name))];
      convert(info.dtype(), bytes(name), out, 0, out.length);
      return out;
    }

    /** Free-form string metadata of the file(s). */
    Map<String, String> metadata();

    @Override
    void close();
  }

  /** Most elements of one Java array this class hands out. */
  static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

  /** Bytes mapped at once when converting a tensor. */
  private static final long CHUNK_BYTES = 1L << 30;

  /** Checks that a tensor is floating-point and fits one float array; returns its element count. */
  static int arrayLength(TensorInfo info, Path file) {
    switch (info.dtype()) {
      case F32, F16, BF16, F64 -> { }
      default -> throw new SpiceException.BackendException("tensor '" + info.name() + "' in " + file + " has dtype "
          + info.dtype() + ", not a floating-point type (F32, F16, BF16, F64)");
    }
    long n = info.elementCount();
    if (n > MAX_ARRAY) {
      throw new SpiceException.BackendException("tensor '" + info.name() + "' in " + file + " has " + n
          + " elements, more than one array holds (" + MAX_ARRAY + ")");
    }
    return (int) n;
  }

  /** Converts {@code count} little-endian values of {@code dtype} from {@code b} into {@code out[off..]}. */
  static void convert(DType dtype, ByteBuffer b, float[] out, int off, int count) {
    switch (dtype) {
      case F32 -> b.asFloatBuffer().get(out, off, count);
      case F64 -> {
        for (int i = 0; i < count; i++) {
          out[off + i] = (float) b.getDouble(i * 8);
        }
      }
      case F16 -> {
        for (int i = 0; i < count; i++) {
          out[off + i] = halfToFloat(b.getShort(i * 2));
        }
      }
      case BF16 -> {
        for (int i = 0; i < count; i++) {
          out[off + i] = Float.intBitsToFloat((b.getShort(i * 2) & 0xffff) << 16);
        }
      }
      default -> throw new IllegalStateException("not a floating-point dtype: " + dtype);
    }
  }

  /**
   * Index of the first NaN or infinite value, or -1 when all are finite. One pass, no allocation.
   */
  public static int firstNonFinite(float[] values) {
    for (int i = 0; i < values.length; i++) {
      float v = values[i];
      if (v - v != 0f) { // NaN - NaN and Inf - Inf are NaN; finite - itself is 0
        return i;
      }
    }
    return -1;
  }

  /**
   * Refuses weights holding NaN or infinity, which would turn every output into NaN.
   *
   * @param values the tensor's values (as read by {@link Reader#floats})
   * @param info the tensor's entry (name, dtype, shape)
   * @param file the file that holds it
   * @param howToAllow how the caller opts in to such weights, quoted in the message
   * @throws SpiceException.BackendException naming the file, the tensor, the first bad index and
   *     value
   */
  public static void requireFinite(float[] values, TensorInfo info, Path file, String howToAllow) {
    int i = firstNonFinite(values);
    if (i < 0) {
      return;
    }
    int bad = 0;
    for (int j = i; j < values.length; j++) {
      if (values[j] - values[j] != 0f) {
        bad++;
      }
    }
    String value = Float.isNaN(values[i]) ? "NaN" : values[i] > 0 ? "+Infinity" : "-Infinity";
    String note = info.dtype() == DType.F64 && !Float.isNaN(values[i]) ? " (after conversion to float32)" : "";
    throw new SpiceException.BackendException(file + ": tensor '" + info.name() + "' holds " + bad
        + " non-finite value(s); the first is " + value + note + " at flat index " + i + " (element "
        + Arrays.toString(unflatten(i, info.shape())) + " of shape " + Arrays.toString(info.shape())
        + "); such weights make every log-prob NaN, so they are refused (to load them anyway: " + howToAllow + ")");
  }

  private static long[] unflatten(long index, long[] shape) {
    long[] r = new long[shape.length];
    for (int k = shape.length - 1; k >= 0; k--) {
      if (shape[k] > 0) {
        r[k] = index % shape[k];
        index /= shape[k];
      }
    }
    return r;
  }

  /** Why an I/O operation failed, in words (no Java class names). */
  public static String reason(IOException e) {
    if (e instanceof java.nio.file.NoSuchFileException) {
      return "no such file";
    }
    if (e instanceof java.nio.file.AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) {
      return f.getReason();
    }
    return e.getMessage() != null ? e.getMessage() : "I/O error";
  }

  /** Decodes UTF-8 strictly; returns null when the bytes are not valid UTF-8 (the offset goes to {@code badAt[0]}). */
  public static String strictUtf8(byte[] bytes, long[] badAt) {
    java.nio.charset.CharsetDecoder dec = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
        .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    java.nio.CharBuffer out = java.nio.CharBuffer.allocate(bytes.length);
    java.nio.charset.CoderResult r = dec.decode(in, out, true);
    if (r.isError()) {
      badAt[0] = in.position();
      return null;
    }
    r = dec.flush(out);
    if (r.isError()) {
      badAt[0] = in.position();
      return null;
    }
    out.flip();
    return out.toString();
  }

  /**
   * Top-level keys of a JSON object text (one that {@link Json#parse} accepted), in order and
   * with repeats, which the parsed map would hide.
   */
  public static List<String> topLevelKeys(String json) {
    List<String> keys = new ArrayList<>();
    int depth = 0;
    boolean expectKey = false;
    int i = 0;
    int n = json.length();
    while (i < n) {
      char c = json.charAt(i);
      if (c == '"') {
        int start = i++;
        while (i < n) {
          char d = json.charAt(i);
          if (d == '\\') {
            i += 2;
          } else {
            i++;
            if (d == '"') {
              break;
            }
          }
        }
        if (depth == 1 && expectKey) {
          keys.add((String) Json.parse(json.substring(start, Math.min(i, n))));
          expectKey = false;
        }
        continue;
      }
      if (c == '{' || c == '[') {
        depth++;
        expectKey = depth == 1 && c == '{';
      } else if (c == '}' || c == ']') {
        depth--;
      } else if (c == ',' && depth == 1) {
        expectKey = true;
      }
      i++;
    }
    return keys;
  }

  /**
   * Opens one {@code .safetensors} file.
   *
   * @throws SpiceException.BackendException naming the file if it is missing, truncated, or its
   *     header is malformed or inconsistent with the file size
   */
  public static Reader open(Path file) {
    return new FileReader(file);
  }

  /**
   * Opens the weights of a Hugging Face checkpoint directory: {@code model.safetensors}, or the
   * shards listed in {@code model.safetensors.index.json}.
   */
  public static Reader openDirectory(Path dir) {
    Path single = dir.resolve("model.safetensors");
    Path index = dir.resolve("model.safetensors.index.json");
    if (Files.isRegularFile(single)) {
      return open(single);
    }
    if (!Files.isRegularFile(index)) {
      throw new SpiceException.BackendException(
          "no model.safetensors or model.safetensors.index.json in " + dir);
    }
    return new ShardedReader(dir, index);
  }

  /**
   * Writes float32 tensors to a file atomically (a temporary file renamed into place).
   *
   * @param metadata string metadata stored under {@code __metadata__}
   */
  public static void write(Path file, List<Tensor> tensors, Map<String, String> metadata) {
    Map<String, Object> header = new LinkedHashMap<>();
    if (metadata != null && !metadata.isEmpty()) {
      header.put("__metadata__", new TreeMap<>(metadata));
    }
    long offset = 0;
    for (Tensor t : tensors) {
      if (t.name().equals("__metadata__")) {
        throw new IllegalArgumentException("tensor name __metadata__ is reserved by the safetensors format");
      }
      long len = 4L * t.data.length;
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("dtype", "F32");
      List<Long> shape = new ArrayList<>();
      for (long d : t.shape) {
        shape.add(d);
      }
      e.put("shape", shape);
      e.put("data_offsets", List.of(offset, offset + len));
      if (header.put(t.name(), e) != null) {
        throw new IllegalArgumentException("duplicate tensor name " + t.name());
      }
      offset += len;
    }
    byte[] h = Json.write(header).getBytes(StandardCharsets.UTF_8);
    int pad = (8 - h.length % 8) % 8;
    byte[] hp = Arrays.copyOf(h, h.length + pad);
    Arrays.fill(hp, h.length, hp.length, (byte) ' ');
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(hp.length).flip();
      writeFully(ch, len);
      writeFully(ch, ByteBuffer.wrap(hp));
      ByteBuffer buf = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
      for (Tensor t : tensors) {
        float[] d = t.data; // owned by the tensor: no copy of possibly gigabytes
        int i = 0;
        while (i < d.length) {
          buf.clear();
          FloatBuffer fb = buf.asFloatBuffer();
          int n = Math.min(fb.capacity(), d.length - i);
          fb.put(d, i, n);
          buf.limit(n * 4);
          writeFully(ch, buf);
          i += n;
        }
      }
      ch.force(true);
    } catch (IOException e) {
      throw new SpiceException.CheckpointException("cannot write " + file + ": " + reason(e), e);
    }
    try {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new SpiceException.CheckpointException("cannot move " + tmp + " to " + file + ": " + reason(e), e);
    }
  }

  /** Converts an IEEE 754 half-precision value to float (Java 17 has no built-in). */
  static float halfToFloat(short h) {
    int bits = h & 0xffff;
    int sign = (bits & 0x8000) << 16;
    int exp = (bits >>> 10) & 0x1f;
    int mant = bits & 0x3ff;
    if (exp == 0x1f) {
      return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
    }
    if (exp == 0) {
      if (mant == 0) {
        return Float.intBitsToFloat(sign);
      }
      float v = mant * (1f / (1 << 24));
      return sign == 0 ? v : -v;
    }
    return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
  }

  private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
    while (b.hasRemaining()) {
      ch.write(b);
    }
  }

  private static final class FileReader implements Reader {
    private final Path file;
    private final FileChannel channel;
    private final long dataStart;
    private final Map<String, TensorInfo> infos;
    private final Map<String, String> metadata;

    FileReader(Path file) {
      this.file = file;
      try {
        this.channel = FileChannel.open(file, StandardOpenOption.READ);
      } catch (IOException e) {
        throw new SpiceException.BackendException("cannot open safetensors file " + file + ": " + reason(e), e);
      }
      try {
        long size = channel.size();
        if (size < 8) {
          throw bad("file is " + size + " bytes, shorter than the 8-byte header length");
        }
        ByteBuffer lb = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(lb, 0);
        long headerLen = lb.getLong(0);
        if (headerLen < 2 || headerLen > MAX_HEADER_BYTES || headerLen > size - 8) {
          throw bad("header length " + headerLen + " is impossible for a file of " + size + " bytes");
        }
        ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
        readFully(hb, 8);
        long[] badAt = new long[1];
        String json = strictUtf8(hb.array(), badAt);
        if (json == null) {
          throw bad("header is not UTF-8 text (invalid byte at header offset " + badAt[0] + ")");
        }
        this.dataStart = 8 + headerLen;
        long dataSize = size - dataStart;
        Map<String, Object> header;
        try {
          header = Json.parseObject(json);
        } catch (Json.JsonException e) {
          throw bad("header is not a JSON object: " + e.getMessage());
        }
        Set<String> seen = new HashSet<>();
        for (String k : topLevelKeys(json)) {
          if (!seen.add(k)) {
            throw bad(k.equals("__metadata__") ? "header has two '__metadata__' entries"
                : "tensor '" + k + "' appears twice in the header");
          }
        }
        Map<String, TensorInfo> m = new TreeMap<>();
        Map<String, String> meta = new TreeMap<>();
        for (Map.Entry<String, Object> e : header.entrySet()) {
          if (e.getKey().equals("__metadata__")) {
            if (!(e.getValue() instanceof Map<?, ?> mm)) {
              throw bad("'__metadata__' must be an object of strings, got " + e.getValue());
            }
            for (Map.Entry<?, ?> me : mm.entrySet()) {
              if (!(me.getValue() instanceof String v)) {
                throw bad("'__metadata__' entry '" + me.getKey() + "' must be a string, got " + me.getValue());
              }
              meta.put(String.valueOf(me.getKey()), v);
            }
            continue;
          }
          m.put(e.getKey(), parseInfo(e.getKey(), e.getValue(), dataSize));
        }
        checkCoverage(new ArrayList<>(m.values()), dataSize);
        this.infos = Collections.unmodifiableMap(m);
        this.metadata = Collections.unmodifiableMap(meta);
      } catch (IOException e) {
        closeQuietly();
        throw new SpiceException.BackendException("cannot read " + file + ": " + reason(e), e);
      } catch (RuntimeException e) {
        closeQuietly();
        throw e;
      }
    }

    /**
     * The tensors must tile the data section exactly, as the reference implementation demands:
     * no overlap (two tensors sharing bytes), no gap and no trailing bytes (data no tensor owns).
     */
    private void checkCoverage(List<TensorInfo> list, long dataSize) {
      list.sort((a, b) -> a.begin() != b.begin() ? Long.compare(a.begin(), b.begin()) : Long.compare(a.end(), b.end()));
      long pos = 0;
      TensorInfo prev = null;
      for (TensorInfo t : list) {
        if (t.begin() < pos) {
          throw bad("tensors '" + prev.name() + "' " + range(prev) + " and '" + t.name() + "' " + range(t)
              + " overlap");
        }
        if (t.begin() > pos) {
          throw bad("data bytes [" + pos + ", " + t.begin() + ") " + (prev == null ? "before tensor '" + t.name()
              + "'" : "between tensors '" + prev.name() + "' and '" + t.name() + "'") + " belong to no tensor");
        }
        pos = t.end();
        prev = t;
      }
      if (pos != dataSize) {
        throw bad("the last " + (dataSize - pos) + " of the " + dataSize + " data bytes "
            + (prev == null ? "" : "(after tensor '" + prev.name() + "') ") + "belong to no tensor");
      }
    }

    private static String range(TensorInfo t) {
      return "[" + t.begin() + ", " + t.end() + ")";
    }

    private TensorInfo parseInfo(String name, Object v, long dataSize) {
      if (!(v instanceof Map<?, ?> e)) {
        throw bad("entry of tensor '" + name + "' is not an object");
      }
      DType dtype;
      try {
        dtype = DType.valueOf(String.valueOf(e.get("dtype")));
      } catch (IllegalArgumentException ex) {
        throw bad("tensor '" + name + "' has unsupported dtype '" + e.get("dtype") + "'; supported: "
            + Arrays.toString(DType.values()));
      }
      if (!(e.get("shape") instanceof List<?> sl)) {
        throw bad("tensor '" + name + "' has no shape list");
      }
      long[] shape = new long[sl.size()];
      long count = 1;
      for (int i = 0; i < shape.length; i++) {
        if (!(sl.get(i) instanceof Long d) || d < 0) {
          throw bad("tensor '" + name + "' has a bad shape " + sl + " (dimensions must be integers >= 0)");
        }
        shape[i] = d;
        count = mulOrMax(count, d);
      }
      if (!(e.get("data_offsets") instanceof List<?> ol) || ol.size() != 2
          || !(ol.get(0) instanceof Long b) || !(ol.get(1) instanceof Long en)) {
        throw bad("tensor '" + name + "' has no data_offsets [begin, end]");
      }
      if (b < 0 || en < b || en > dataSize) {
        throw bad("tensor '" + name + "' data_offsets [" + b + ", " + en + "] lie outside the "
            + dataSize + " data bytes (truncated file?)");
      }
      long need = mulOrMax(count, dtype.bytes());
      if (need != en - b) {
        throw bad("tensor '" + name + "' shape " + sl + " of " + dtype + " needs "
            + (need == Long.MAX_VALUE ? "more than 2^63" : String.valueOf(need))
            + " bytes but data_offsets span " + (en - b));
      }
      return new TensorInfo(name, dtype, shape, b, en);
    }

    /** a * b, or Long.MAX_VALUE when that overflows (both >= 0); such a size never matches a file. */
    private static long mulOrMax(long a, long b) {
      long hi = Math.multiplyHigh(a, b);
      long lo = a * b;
      return hi != 0 || lo < 0 ? Long.MAX_VALUE : lo;
    }

    private SpiceException.BackendException bad(String msg) {
      return new SpiceException.BackendException("invalid safetensors file " + file + ": " + msg);
    }

    private void readFully(ByteBuffer b, long pos) throws IOException {
      while (b.hasRemaining()) {
        int n = channel.read(b, pos + b.position());
        if (n < 0) {
          throw bad("unexpected end of file");
        }
      }
    }

    private void closeQuietly() {
      try {
        channel.close();
      } catch (IOException ignored) {
        // nothing more to do
      }
    }

    @Override
    public List<String> names() {
      return List.copyOf(infos.keySet());
    }

    @Override
    public boolean contains(String name) {
      return infos.containsKey(name);
    }

    @Override
    public TensorInfo info(String name) {
      TensorInfo i = infos.get(name);
      if (i == null) {
        throw new SpiceException.BackendException("tensor '" + name + "' not found in " + file);
      }
      return i;
    }

    @Override
    public Path file(String name) {
      info(name);
      return file;
    }

    @Override
    public float[] floats(String name) {
      TensorInfo info = info(name);
      float[] out = new float[arrayLength(info, file)];
      int per = info.dtype().bytes();
      long chunk = CHUNK_BYTES / per;
      try {
        for (long done = 0; done < out.length; ) {
          int k = (int) Math.min(chunk, out.length - done);
          ByteBuffer b = channel.map(FileChannel.MapMode.READ_ONLY, dataStart + info.begin() + done * per, (long) k * per)
              .order(ByteOrder.LITTLE_ENDIAN);
          convert(info.dtype(), b, out, (int) done, k);
          done += k;
        }
      } catch (IOException e) {
        throw new SpiceException.BackendException("cannot map tensor '" + name + "' of " + file + ": " + reason(e), e);
      }
      return out;
    }

    @Override
    public ByteBuffer bytes(String name) {
      TensorInfo i = info(name);
      if (i.byteCount() > Integer.MAX_VALUE) {
        throw new SpiceException.BackendException("tensor '" + name + "' of " + file + " is " + i.byteCount()
            + " bytes, more than one buffer holds (2 GiB); read it with floats()");
      }
      try {
        if (i.end() == i.begin()) {
          return ByteBuffer.allocate(0).order(ByteOrder.LITTLE_ENDIAN);
        }
        return channel.map(FileChannel.MapMode.READ_ONLY, dataStart + i.begin(), i.end() - i.begin())
            .order(ByteOrder.LITTLE_ENDIAN);
      } catch (IOException e) {
        throw new SpiceException.BackendException("cannot map tensor '" + name + "' of " + file + ": " + reason(e), e);
      }
    }

    @Override
    public Map<String, String> metadata() {
      return metadata;
    }

    @Override
    public void close() {
      closeQuietly();
    }
  }

  private static final class ShardedReader implements Reader {
    private final Map<String, Reader> byTensor = new TreeMap<>();
    private final List<Reader> shards = new ArrayList<>();

    ShardedReader(Path dir, Path index) {
      Map<String, Object> idx;
      try {
        byte[] raw = Files.readAllBytes(index);
        long[] badAt = new long[1];
        String text = strictUtf8(raw, badAt);
        if (text == null) {
          throw new SpiceException.BackendException(index + " is not UTF-8 text (invalid byte at offset " + badAt[0] + ")");
        }
        idx = Json.parseObject(text);
      } catch (IOException e) {
        throw new SpiceException.BackendException("cannot read " + index + ": " + reason(e), e);
      } catch (Json.JsonException e) {
        throw new SpiceException.BackendException(index + " is not valid JSON: " + e.getMessage(), e);
      }
      if (!(idx.get("weight_map") instanceof Map<?, ?> wm)) {
        throw new SpiceException.BackendException(index + ": missing object 'weight_map'");
      }
      Map<String, Reader> byFile = new LinkedHashMap<>();
      try {
        for (Map.Entry<?, ?> e : wm.entrySet()) {
          String name = String.valueOf(e.getKey());
          if (!(e.getValue() instanceof String shard)) {
            throw new SpiceException.BackendException(index + ": weight_map entry '" + name
                + "' must be a shard file name, got " + e.getValue());
          }
          if (shard.isEmpty() || shard.contains("/") || shard.contains("\\") || shard.equals("..")) {
            throw new SpiceException.BackendException(index + ": shard name '" + shard + "' must be a plain file name");
          }
          Reader r = byFile.get(shard);
          if (r == null) {
            r = open(dir.resolve(shard));
            byFile.put(shard, r);
            shards.add(r);
          }
          if (!r.contains(name)) {
            throw new SpiceException.BackendException(index + " maps tensor '" + name + "' to " + shard
                + ", which does not contain it");
          }
          byTensor.put(name, r);
        }
        // Nothing in a shard may be left out: a tensor the index does not list (or lists in
        // another shard) would silently not be loaded.
        for (Map.Entry<String, Reader> e : byFile.entrySet()) {
          for (String name : e.getValue().names()) {
            if (byTensor.get(name) != e.getValue()) {
              Object mapped = wm.get(name);
              throw new SpiceException.BackendException("shard " + dir.resolve(e.getKey()) + " holds tensor '" + name
                  + "' but " + index + (mapped == null ? " does not list it" : " maps it to " + mapped));
            }
          }
        }
      } catch (RuntimeException e) {
        close();
        throw e;
      }
    }

    @Override
    public List<String> names() {
      return List.copyOf(byTensor.keySet());
    }

    @Override
    public boolean contains(String name) {
      return byTensor.containsKey(name);
    }

    private Reader shard(String name) {
      Reader r = byTensor.get(name);
      if (r == null) {
        throw new SpiceException.BackendException("tensor '" + name + "' not found in the sharded checkpoint");
      }
      return r;
    }

    @Override
    public TensorInfo info(String name) {
      return shard(name).info(name);
    }

    @Override
    public Path file(String name) {
      return shard(name).file(name);
    }

    @Override
    public ByteBuffer bytes(String name) {
      return shard(name).bytes(name);
    }

    @Override
    public float[] floats(String name) {
      return shard(name).floats(name);
    }

    @Override
    public Map<String, String> metadata() {
      Map<String, String> m = new TreeMap<>();
      shards.forEach(s -> m.putAll(s.metadata()));
      return m;
    }

    @Override
    public void close() {
      shards.forEach(Reader::close);
    }
  }
}
