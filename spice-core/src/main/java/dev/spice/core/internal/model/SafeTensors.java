package dev.spice.core.internal.model;

import dev.spice.core.SpiceException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

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

    /** The data itself, not a copy, for {@link SafeTensors#write}; never modify it. */
    float[] ownedData() {
      return data;
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
      float[] out = new float[SafeTensorsValues.arrayLength(info, file(name))];
      SafeTensorsValues.convert(info.dtype(), bytes(name), out, 0, out.length);
      return out;
    }

    /** Free-form string metadata of the file(s). */
    Map<String, String> metadata();

    @Override
    void close();
  }

  /**
   * Index of the first NaN or infinite value, or -1 when all are finite. One pass, no allocation.
   */
  public static int firstNonFinite(float[] values) {
    return SafeTensorsValues.firstNonFinite(values);
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
    SafeTensorsValues.requireFinite(values, info, file, howToAllow);
  }

  /** Why an I/O operation failed, in words (no Java class names). */
  public static String reason(IOException e) {
    return TextSupport.reason(e);
  }

  /** Decodes UTF-8 strictly; returns null when the bytes are not valid UTF-8 (the offset goes to {@code badAt[0]}). */
  public static String strictUtf8(byte[] bytes, long[] badAt) {
    return TextSupport.strictUtf8(bytes, badAt);
  }

  /**
   * Opens one {@code .safetensors} file.
   *
   * @throws SpiceException.BackendException naming the file if it is missing, truncated, or its
   *     header is malformed or inconsistent with the file size
   */
  public static Reader open(Path file) {
    return new SafeTensorsFileReader(file);
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
    return new SafeTensorsShardedReader(dir, index);
  }

  /**
   * Writes float32 tensors to a file atomically (a temporary file renamed into place).
   *
   * @param metadata string metadata stored under {@code __metadata__}
   */
  public static void write(Path file, List<Tensor> tensors, Map<String, String> metadata) {
    SafeTensorsWriter.write(file, tensors, metadata);
  }
}
