package dev.spice.core.internal.model;

import dev.spice.core.SpiceException;
import dev.spice.core.internal.json.Json;
import dev.spice.core.internal.model.SafeTensors.Reader;
import dev.spice.core.internal.model.SafeTensors.TensorInfo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads a sharded checkpoint: the shards listed in {@code model.safetensors.index.json}, each
 * opened with {@link SafeTensors#open}; see {@link SafeTensors#openDirectory}.
 */
final class SafeTensorsShardedReader implements Reader {
  private final Map<String, Reader> byTensor = new TreeMap<>();
  private final List<Reader> shards = new ArrayList<>();

  SafeTensorsShardedReader(Path dir, Path index) {
    Map<String, Object> idx;
    try {
      byte[] raw = Files.readAllBytes(index);
      long[] badAt = new long[1];
      String text = TextSupport.strictUtf8(raw, badAt);
      if (text == null) {
        throw new SpiceException.BackendException(index + " is not UTF-8 text (invalid byte at offset " + badAt[0] + ")");
      }
      idx = Json.parseObject(text);
    } catch (IOException e) {
      throw new SpiceException.BackendException("cannot read " + index + ": " + TextSupport.reason(e), e);
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
          r = SafeTensors.open(dir.resolve(shard));
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
