package dev.spice.core.model;

import dev.spice.core.SpiceException;
import dev.spice.core.json.Json;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
   * @param name tensor name
   * @param dtype element type
   * @param shape dimensions (empty for a scalar)
   * @param begin data start, relative to the end of the header
   * @param end data end (exclusive)
   */
  public record TensorInfo(String name, DType dtype, long[] shape, long begin, long end) {
    /** Number of elements. */
    public long elementCount() {
      long n = 1;
      for (long d : shape) {
        n *= d;
      }
      return n;
    }

    @Override
    public String toString() {
      return name + " " + dtype + Arrays.toString(shape);
    }
  }

  /** A tensor to write: float32 data in row-major order. */
  public record Tensor(String name, long[] shape, float[] data) {
    /** Validates the element count. */
    public Tensor {
      long n = 1;
      for (long d : shape) {
        n *= d;
      }
      if (n != data.length) {
        throw new IllegalArgumentException("tensor " + name + ": shape " + Arrays.toString(shape)
            + " needs " + n + " values, got " + data.length);
      }
    }
  }

  /** Read access to tensors of one file or of a sharded checkpoint. Not thread-safe; close it. */
  public interface Reader extends AutoCloseable {
    /** Tensor names in a stable (sorted) order. */
    List<String> names();

    /** The entry of a tensor. @throws SpiceException.BackendException if absent */
    TensorInfo info(String name);

    /** The raw little-endian bytes of a tensor, read-only. */
    ByteBuffer bytes(String name);

    /** A tensor's values converted to float (F32, F16, BF16, F64). */
    default float[] floats(String name) {
      TensorInfo info = info(name);
      ByteBuffer b = bytes(name);
      long n = info.elementCount();
      if (n > Integer.MAX_VALUE - 8) {
        throw new SpiceException.BackendException("tensor " + name + " has too many elements for one array: " + n);
      }
      float[] out = new float[(int) n];
      switch (info.dtype()) {
        case F32 -> b.asFloatBuffer().get(out);
        case F64 -> {
          for (int i = 0; i < out.length; i++) {
            out[i] = (float) b.getDouble(i * 8);
          }
        }
        case F16 -> {
          for (int i = 0; i < out.length; i++) {
            out[i] = halfToFloat(b.getShort(i * 2));
          }
        }
        case BF16 -> {
          for (int i = 0; i < out.length; i++) {
            out[i] = Float.intBitsToFloat((b.getShort(i * 2) & 0xffff) << 16);
          }
        }
        default -> throw new SpiceException.BackendException(
            "tensor " + name + " has dtype " + info.dtype() + ", not a floating-point type");
      }
      return out;
    }

    /** Free-form string metadata of the file(s). */
    Map<String, String> metadata();

    @Override
    void close();
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
      long len = 4L * t.data().length;
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("dtype", "F32");
      List<Long> shape = new ArrayList<>();
      for (long d : t.shape()) {
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
        float[] d = t.data();
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
      throw new SpiceException.CheckpointException("cannot write " + file + ": " + e.getMessage(), e);
    }
    try {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new SpiceException.CheckpointException("cannot move " + tmp + " to " + file + ": " + e.getMessage(), e);
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
        throw new SpiceException.BackendException("cannot open safetensors file " + file + ": " + e, e);
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
        String json = new String(hb.array(), StandardCharsets.UTF_8);
        this.dataStart = 8 + headerLen;
        long dataSize = size - dataStart;
        Map<String, Object> header;
        try {
          header = Json.parseObject(json);
        } catch (Json.JsonException e) {
          throw bad("header is not a JSON object: " + e.getMessage());
        }
        Map<String, TensorInfo> m = new TreeMap<>();
        Map<String, String> meta = new TreeMap<>();
        for (Map.Entry<String, Object> e : header.entrySet()) {
          if (e.getKey().equals("__metadata__")) {
            if (e.getValue() instanceof Map<?, ?> mm) {
              mm.forEach((k, v) -> meta.put(String.valueOf(k), String.valueOf(v)));
            }
            continue;
          }
          m.put(e.getKey(), parseInfo(e.getKey(), e.getValue(), dataSize));
        }
        List<TensorInfo> sorted = new ArrayList<>(m.values());
        sorted.sort((a, b) -> Long.compare(a.begin(), b.begin()));
        for (int i = 1; i < sorted.size(); i++) {
          if (sorted.get(i).begin() < sorted.get(i - 1).end()) {
            throw bad("tensors " + sorted.get(i - 1).name() + " and " + sorted.get(i).name() + " overlap");
          }
        }
        this.infos = Collections.unmodifiableMap(m);
        this.metadata = Collections.unmodifiableMap(meta);
      } catch (IOException e) {
        closeQuietly();
        throw new SpiceException.BackendException("cannot read " + file + ": " + e, e);
      } catch (RuntimeException e) {
        closeQuietly();
        throw e;
      }
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
          throw bad("tensor '" + name + "' has a bad shape " + sl);
        }
        shape[i] = d;
        count = Math.multiplyExact(count, d);
      }
      if (!(e.get("data_offsets") instanceof List<?> ol) || ol.size() != 2
          || !(ol.get(0) instanceof Long b) || !(ol.get(1) instanceof Long en)) {
        throw bad("tensor '" + name + "' has no data_offsets [begin, end]");
      }
      if (b < 0 || en < b || en > dataSize) {
        throw bad("tensor '" + name + "' data_offsets [" + b + ", " + en + "] lie outside the "
            + dataSize + " data bytes (truncated file?)");
      }
      if (count * dtype.bytes() != en - b) {
        throw bad("tensor '" + name + "' shape " + sl + " of " + dtype + " needs " + count * dtype.bytes()
            + " bytes but data_offsets span " + (en - b));
      }
      return new TensorInfo(name, dtype, shape, b, en);
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
    public TensorInfo info(String name) {
      TensorInfo i = infos.get(name);
      if (i == null) {
        throw new SpiceException.BackendException("tensor '" + name + "' not found in " + file);
      }
      return i;
    }

    @Override
    public ByteBuffer bytes(String name) {
      TensorInfo i = info(name);
      try {
        if (i.end() == i.begin()) {
          return ByteBuffer.allocate(0).order(ByteOrder.LITTLE_ENDIAN);
        }
        return channel.map(FileChannel.MapMode.READ_ONLY, dataStart + i.begin(), i.end() - i.begin())
            .order(ByteOrder.LITTLE_ENDIAN);
      } catch (IOException e) {
        throw new SpiceException.BackendException("cannot map tensor '" + name + "' of " + file + ": " + e, e);
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
        idx = Json.parseObject(Files.readString(index, StandardCharsets.UTF_8));
      } catch (IOException | Json.JsonException e) {
        throw new SpiceException.BackendException("cannot read " + index + ": " + e.getMessage(), e);
      }
      if (!(idx.get("weight_map") instanceof Map<?, ?> wm)) {
        throw new SpiceException.BackendException(index + ": missing object 'weight_map'");
      }
      Map<String, Reader> byFile = new LinkedHashMap<>();
      try {
        for (Map.Entry<?, ?> e : wm.entrySet()) {
          String shard = String.valueOf(e.getValue());
          if (shard.contains("/") || shard.contains("\\")) {
            throw new SpiceException.BackendException(index + ": shard name '" + shard + "' must be a plain file name");
          }
          Reader r = byFile.get(shard);
          if (r == null) {
            r = open(dir.resolve(shard));
            byFile.put(shard, r);
            shards.add(r);
          }
          String name = String.valueOf(e.getKey());
          if (!r.names().contains(name)) {
            throw new SpiceException.BackendException(index + " maps tensor '" + name + "' to " + shard
                + ", which does not contain it");
          }
          byTensor.put(name, r);
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
    public ByteBuffer bytes(String name) {
      return shard(name).bytes(name);
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
