package dev.spice.core.internal.model;

import dev.spice.core.SpiceException;
import dev.spice.core.internal.json.Json;
import dev.spice.core.internal.model.SafeTensors.Tensor;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Writes float32 tensors as one safetensors file; see {@link SafeTensors#write}. */
final class SafeTensorsWriter {
  private SafeTensorsWriter() {}

  /**
   * Writes float32 tensors to a file atomically (a temporary file renamed into place).
   *
   * @param metadata string metadata stored under {@code __metadata__}
   */
  static void write(Path file, List<Tensor> tensors, Map<String, String> metadata) {
    Map<String, Object> header = new LinkedHashMap<>();
    if (metadata != null && !metadata.isEmpty()) {
      header.put("__metadata__", new TreeMap<>(metadata));
    }
    long offset = 0;
    for (Tensor t : tensors) {
      if (t.name().equals("__metadata__")) {
        throw new IllegalArgumentException("tensor name __metadata__ is reserved by the safetensors format");
      }
      long len = 4L * t.size();
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
        float[] d = t.ownedData(); // owned by the tensor: no copy of possibly gigabytes
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
      throw new SpiceException.CheckpointException("cannot write " + file + ": " + TextSupport.reason(e), e);
    }
    try {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new SpiceException.CheckpointException("cannot move " + tmp + " to " + file + ": " + TextSupport.reason(e), e);
    }
  }

  private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
    while (b.hasRemaining()) {
      ch.write(b);
    }
  }
}
