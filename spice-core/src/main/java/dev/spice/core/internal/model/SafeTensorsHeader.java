package dev.spice.core.internal.model;

import static dev.spice.core.internal.model.SafeTensors.MAX_HEADER_BYTES;

import dev.spice.core.SpiceException;
import dev.spice.core.internal.json.Json;
import dev.spice.core.internal.model.SafeTensors.DType;
import dev.spice.core.internal.model.SafeTensors.TensorInfo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The header of one safetensors file, parsed and validated against the file size before any data
 * is read.
 *
 * @param dataStart file offset of the data section (8 + header length)
 * @param infos the tensors' entries by name (sorted, unmodifiable)
 * @param metadata the {@code __metadata__} strings (sorted, unmodifiable)
 */
record SafeTensorsHeader(long dataStart, Map<String, TensorInfo> infos, Map<String, String> metadata) {
  /**
   * Reads and validates the header of {@code file} from {@code channel}.
   *
   * @throws IOException if reading fails
   * @throws SpiceException.BackendException naming the file if the header is malformed or
   *     inconsistent with the file size
   */
  static SafeTensorsHeader read(Path file, FileChannel channel) throws IOException {
    long size = channel.size();
    if (size < 8) {
      throw bad(file, "file is " + size + " bytes, shorter than the 8-byte header length");
    }
    ByteBuffer lb = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    readFully(file, channel, lb, 0);
    long headerLen = lb.getLong(0);
    if (headerLen < 2 || headerLen > MAX_HEADER_BYTES || headerLen > size - 8) {
      throw bad(file, "header length " + headerLen + " is impossible for a file of " + size + " bytes");
    }
    ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
    readFully(file, channel, hb, 8);
    long[] badAt = new long[1];
    String json = TextSupport.strictUtf8(hb.array(), badAt);
    if (json == null) {
      throw bad(file, "header is not UTF-8 text (invalid byte at header offset " + badAt[0] + ")");
    }
    long dataStart = 8 + headerLen;
    long dataSize = size - dataStart;
    Map<String, Object> header;
    try {
      header = Json.parseObject(json);
    } catch (Json.DuplicateKeyException e) {
      String where = " (header line " + e.line() + ", column " + e.column() + ")";
      if (e.depth() == 0) {
        throw bad(file, (e.key().equals("__metadata__") ? "header has two '__metadata__' entries"
            : "tensor '" + e.key() + "' appears twice in the header") + where);
      }
      throw bad(file, "header is not a JSON object: " + e.getMessage());
    } catch (Json.JsonException e) {
      throw bad(file, "header is not a JSON object: " + e.getMessage());
    }
    Map<String, TensorInfo> m = new TreeMap<>();
    Map<String, String> meta = new TreeMap<>();
    for (Map.Entry<String, Object> e : header.entrySet()) {
      if (e.getKey().equals("__metadata__")) {
        if (!(e.getValue() instanceof Map<?, ?> mm)) {
          throw bad(file, "'__metadata__' must be an object of strings, got " + e.getValue());
        }
        for (Map.Entry<?, ?> me : mm.entrySet()) {
          if (!(me.getValue() instanceof String v)) {
            throw bad(file, "'__metadata__' entry '" + me.getKey() + "' must be a string, got " + me.getValue());
          }
          meta.put(String.valueOf(me.getKey()), v);
        }
        continue;
      }
      m.put(e.getKey(), parseInfo(file, e.getKey(), e.getValue(), dataSize));
    }
    checkCoverage(file, new ArrayList<>(m.values()), dataSize);
    return new SafeTensorsHeader(dataStart, Collections.unmodifiableMap(m), Collections.unmodifiableMap(meta));
  }

  /**
   * The tensors must tile the data section exactly, as the reference implementation demands:
   * no overlap (two tensors sharing bytes), no gap and no trailing bytes (data no tensor owns).
   */
  private static void checkCoverage(Path file, List<TensorInfo> list, long dataSize) {
    list.sort((a, b) -> a.begin() != b.begin() ? Long.compare(a.begin(), b.begin()) : Long.compare(a.end(), b.end()));
    long pos = 0;
    TensorInfo prev = null;
    for (TensorInfo t : list) {
      if (t.begin() < pos) {
        throw bad(file, "tensors '" + prev.name() + "' " + range(prev) + " and '" + t.name() + "' " + range(t)
            + " overlap");
      }
      if (t.begin() > pos) {
        throw bad(file, "data bytes [" + pos + ", " + t.begin() + ") " + (prev == null ? "before tensor '" + t.name()
            + "'" : "between tensors '" + prev.name() + "' and '" + t.name() + "'") + " belong to no tensor");
      }
      pos = t.end();
      prev = t;
    }
    if (pos != dataSize) {
      throw bad(file, "the last " + (dataSize - pos) + " of the " + dataSize + " data bytes "
          + (prev == null ? "" : "(after tensor '" + prev.name() + "') ") + "belong to no tensor");
    }
  }

  private static String range(TensorInfo t) {
    return "[" + t.begin() + ", " + t.end() + ")";
  }

  private static TensorInfo parseInfo(Path file, String name, Object v, long dataSize) {
    if (!(v instanceof Map<?, ?> e)) {
      throw bad(file, "entry of tensor '" + name + "' is not an object");
    }
    DType dtype;
    try {
      dtype = DType.valueOf(String.valueOf(e.get("dtype")));
    } catch (IllegalArgumentException ex) {
      throw bad(file, "tensor '" + name + "' has unsupported dtype '" + e.get("dtype") + "'; supported: "
          + Arrays.toString(DType.values()));
    }
    if (!(e.get("shape") instanceof List<?> sl)) {
      throw bad(file, "tensor '" + name + "' has no shape list");
    }
    long[] shape = new long[sl.size()];
    long count = 1;
    for (int i = 0; i < shape.length; i++) {
      if (!(sl.get(i) instanceof Long d) || d < 0) {
        throw bad(file, "tensor '" + name + "' has a bad shape " + sl + " (dimensions must be integers >= 0)");
      }
      shape[i] = d;
      count = mulOrMax(count, d);
    }
    if (!(e.get("data_offsets") instanceof List<?> ol) || ol.size() != 2
        || !(ol.get(0) instanceof Long b) || !(ol.get(1) instanceof Long en)) {
      throw bad(file, "tensor '" + name + "' has no data_offsets [begin, end]");
    }
    if (b < 0 || en < b || en > dataSize) {
      throw bad(file, "tensor '" + name + "' data_offsets [" + b + ", " + en + "] lie outside the "
          + dataSize + " data bytes (truncated file?)");
    }
    long need = mulOrMax(count, dtype.bytes());
    if (need != en - b) {
      throw bad(file, "tensor '" + name + "' shape " + sl + " of " + dtype + " needs "
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

  private static SpiceException.BackendException bad(Path file, String msg) {
    return new SpiceException.BackendException("invalid safetensors file " + file + ": " + msg);
  }

  private static void readFully(Path file, FileChannel channel, ByteBuffer b, long pos) throws IOException {
    while (b.hasRemaining()) {
      int n = channel.read(b, pos + b.position());
      if (n < 0) {
        throw bad(file, "unexpected end of file");
      }
    }
  }
}
