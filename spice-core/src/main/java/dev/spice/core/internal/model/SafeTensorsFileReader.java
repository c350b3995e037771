package dev.spice.core.internal.model;

import dev.spice.core.SpiceException;
import dev.spice.core.internal.model.SafeTensors.TensorInfo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;

/** Reads one safetensors file, memory-mapping each tensor on demand; see {@link SafeTensors#open}. */
final class SafeTensorsFileReader implements SafeTensors.Reader {
  /** Bytes mapped at once when converting a tensor. */
  private static final long CHUNK_BYTES = 1L << 30;

  private final Path file;
  private final FileChannel channel;
  private final long dataStart;
  private final Map<String, TensorInfo> infos;
  private final Map<String, String> metadata;

  SafeTensorsFileReader(Path file) {
    this.file = file;
    try {
      this.channel = FileChannel.open(file, StandardOpenOption.READ);
    } catch (IOException e) {
      throw new SpiceException.BackendException("cannot open safetensors file " + file + ": " + TextSupport.reason(e), e);
    }
    try {
      SafeTensorsHeader header = SafeTensorsHeader.read(file, channel);
      this.dataStart = header.dataStart();
      this.infos = header.infos();
      this.metadata = header.metadata();
    } catch (IOException e) {
      closeQuietly();
      throw new SpiceException.BackendException("cannot read " + file + ": " + TextSupport.reason(e), e);
    } catch (RuntimeException e) {
      closeQuietly();
      throw e;
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
    float[] out = new float[SafeTensorsValues.arrayLength(info, file)];
    int per = info.dtype().bytes();
    long chunk = CHUNK_BYTES / per;
    try {
      for (long done = 0; done < out.length; ) {
        int k = (int) Math.min(chunk, out.length - done);
        ByteBuffer b = channel.map(FileChannel.MapMode.READ_ONLY, dataStart + info.begin() + done * per, (long) k * per)
            .order(ByteOrder.LITTLE_ENDIAN);
        SafeTensorsValues.convert(info.dtype(), b, out, (int) done, k);
        done += k;
      }
    } catch (IOException e) {
      throw new SpiceException.BackendException("cannot map tensor '" + name + "' of " + file + ": " + TextSupport.reason(e), e);
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
      throw new SpiceException.BackendException("cannot map tensor '" + name + "' of " + file + ": " + TextSupport.reason(e), e);
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
