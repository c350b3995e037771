package dev.spice.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.spice.core.SpiceException;
import dev.spice.core.internal.model.SafeTensors;
import dev.spice.core.model.TransformerConfig;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.zip.CRC32C;

/**
 * The frozen base weights of a LoRA {@link Model}: one tensor per {@link Model.Slot} (so no tensor
 * and no host array holds more than one slot, and the model as a whole may exceed 2^31 elements),
 * each in the {@link BaseDtype} of the policy. Loaded slot by slot: each slot's float32 values pass
 * through one host array and one float32 tensor, which is converted and released before the next.
 *
 * <p>{@link #checksum()} identifies the weights: a CRC-32C of the float32 values as loaded (before
 * any conversion to a 16-bit type), in layout order; LoRA checkpoints store it instead of the base.
 */
final class BaseWeights {
  private final List<Model.Slot> slots;
  private final BaseDtype dtype;
  private final NDArray[] tensors;
  private String checksum;
  /** Whether the tensors are handles of this model's own viewing another policy's storage. */
  private final boolean view;

  private BaseWeights(List<Model.Slot> slots, BaseDtype dtype, NDArray[] tensors, String checksum) {
    this.view = checksum == null;
    this.slots = slots;
    this.dtype = dtype;
    this.tensors = tensors;
    this.checksum = checksum;
  }

  /**
   * Creates the tensors of every slot of {@code slots} (in order) from {@code values} (a slot's
   * float32 values in its {@code [in, out]} layout), attached to {@code manager}. On failure the
   * tensors created so far are closed.
   */
  static BaseWeights load(List<Model.Slot> slots, NDManager manager, BaseDtype dtype,
      Function<Model.Slot, float[]> values) {
    NDArray[] t = new NDArray[slots.size()];
    CRC32C crc = new CRC32C();
    try {
      for (int i = 0; i < t.length; i++) {
        Model.Slot s = slots.get(i);
        float[] v = values.apply(s);
        if (v.length != s.count()) {
          throw new IllegalStateException("slot " + s.name() + " got " + v.length + " values, needs " + s.count());
        }
        update(crc, v);
        requireInRange(s, v, dtype);
        t[i] = create(manager, v, new Shape(s.shape()), dtype);
      }
    } catch (RuntimeException e) {
      for (NDArray a : t) {
        if (a != null) {
          a.close();
        }
      }
      throw e;
    }
    return new BaseWeights(slots, dtype, t, hex(crc));
  }

  /**
   * The base of {@code cfg} read tensor by tensor from the safetensors of {@code dir} (already
   * checked against the config), refusing NaN / infinite weights unless {@code allowNonFinite}.
   */
  static BaseWeights pretrained(TransformerConfig cfg, Path dir, NDManager manager, BaseDtype dtype,
      boolean allowNonFinite) {
    try (SafeTensors.Reader r = SafeTensors.openDirectory(dir)) {
      Function<String, float[]> floats = HfWeights.reading(r, allowNonFinite);
      return load(ModelLayout.layoutOf(cfg).slots(), manager, dtype, s -> HfWeights.slotValues(cfg, s, floats));
    }
  }

  /**
   * A float32 base over existing tensors ({@link SharedBase}: views of a full fine-tuning policy's
   * flat tensor, whose values may change), so its checksum is computed on each request.
   */
  static BaseWeights viewing(List<Model.Slot> slots, NDArray[] tensors) {
    return new BaseWeights(slots, BaseDtype.FLOAT32, tensors, null);
  }

  /** Whether this base views another policy's tensors ({@link #viewing}). */
  boolean isView() {
    return view;
  }

  /** A {@link #viewing} base over new handles of the same storage, attached to {@code manager}. */
  BaseWeights viewsIn(NDManager manager) {
    NDArray[] t = new NDArray[tensors.length];
    for (int i = 0; i < t.length; i++) {
      t[i] = tensors[i].reshape(tensors[i].getShape());
      t[i].attach(manager);
    }
    return viewing(slots, t);
  }

  /** The base {@link ModelLayout#randomInit} gives for {@code seed}, slot by slot. */
  static BaseWeights random(TransformerConfig cfg, long seed, NDManager manager, BaseDtype dtype) {
    ModelLayout.RandomSlots rs = new ModelLayout.RandomSlots(seed);
    return load(ModelLayout.layoutOf(cfg).slots(), manager, dtype, rs::next);
  }

  /** Largest finite float16. */
  static final float FLOAT16_MAX = 65504f;

  /** Refuses a value that {@code dtype} cannot hold (it would become infinite). */
  static void requireInRange(Model.Slot s, float[] v, BaseDtype dtype) {
    if (dtype != BaseDtype.FLOAT16) {
      return;
    }
    for (int i = 0; i < v.length; i++) {
      if (Math.abs(v[i]) > FLOAT16_MAX) {
        throw new SpiceException.BackendException("weight '" + s.name() + "' (internal layout " + Arrays.toString(
            s.shape()) + ") holds " + v[i] + " at index " + i + ", beyond float16's range (+-65504); build the "
            + "policy with baseDtype(BaseDtype.FLOAT32)");
      }
    }
  }

  private static NDArray create(NDManager manager, float[] v, Shape shape, BaseDtype dtype) {
    NDArray f = manager.create(v, shape);
    if (dtype == BaseDtype.FLOAT32) {
      return f;
    }
    NDArray c = f.toType(dtype.djl(), true);
    f.close();
    return c;
  }

  /** The checksum {@link #load} computes, of host slot arrays in layout order. */
  static String checksumOf(List<float[]> values) {
    CRC32C crc = new CRC32C();
    values.forEach(v -> update(crc, v));
    return hex(crc);
  }

  private static void update(CRC32C crc, float[] v) {
    ByteBuffer b = ByteBuffer.allocate(4 * 65_536).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < v.length; i += 65_536) {
      b.clear();
      int n = Math.min(65_536, v.length - i);
      b.asFloatBuffer().put(v, i, n);
      crc.update(b.array(), 0, 4 * n);
    }
  }

  private static String hex(CRC32C crc) {
    return "crc32c:" + String.format("%08x", crc.getValue());
  }

  /** The tensor of slot {@code i} (layout order), in {@link #dtype()}. */
  NDArray get(int i) {
    return tensors[i];
  }

  BaseDtype dtype() {
    return dtype;
  }

  String checksum() {
    if (checksum != null) {
      return checksum;
    }
    CRC32C crc = new CRC32C();
    for (int i = 0; i < tensors.length; i++) {
      update(crc, floats(i));
    }
    return hex(crc);
  }

  /** Slot {@code i} as float32 values on the host (exact: every 16-bit value is a float32). */
  float[] floats(int i) {
    NDArray t = tensors[i];
    if (t.getDataType() == DataType.FLOAT32) {
      return t.toFloatArray();
    }
    try (NDArray f = t.toType(DataType.FLOAT32, true)) {
      return f.toFloatArray();
    }
  }

  /** The slots in layout order. */
  List<Model.Slot> slots() {
    return slots;
  }

  /** Bytes held by the base tensors. */
  long byteSize() {
    long n = 0;
    for (NDArray t : tensors) {
      n += t.size() * t.getDataType().getNumOfBytes();
    }
    return n;
  }

  /**
   * Replaces every slot's values with {@code values} (layout order; validated and converted
   * first, so nothing changes when a length is wrong or an allocation fails) and recomputes the
   * checksum.
   */
  void overwrite(List<float[]> values) {
    if (values.size() != tensors.length) {
      throw new IllegalArgumentException("expected " + tensors.length + " slots, got " + values.size());
    }
    for (int i = 0; i < tensors.length; i++) {
      if (values.get(i).length != slots.get(i).count()) {
        throw new IllegalArgumentException("slot " + slots.get(i).name() + " needs " + slots.get(i).count()
            + " values, got " + values.get(i).length);
      }
      requireInRange(slots.get(i), values.get(i), dtype);
    }
    NDArray[] fresh = new NDArray[tensors.length];
    try {
      for (int i = 0; i < tensors.length; i++) {
        fresh[i] = create(tensors[i].getManager(), values.get(i), tensors[i].getShape(), dtype);
      }
    } catch (RuntimeException e) {
      for (NDArray a : fresh) {
        if (a != null) {
          a.close();
        }
      }
      throw e;
    }
    for (int i = 0; i < tensors.length; i++) {
      tensors[i].close();
      tensors[i] = fresh[i];
    }
    this.checksum = checksumOf(values);
  }
}
