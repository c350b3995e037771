package dev.spice.core.internal.model;

import dev.spice.core.SpiceException;
import dev.spice.core.internal.model.SafeTensors.DType;
import dev.spice.core.internal.model.SafeTensors.TensorInfo;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Tensor values as floats: conversion of the element types to float32 (F32, F16, BF16, F64) and
 * the check that weights are finite.
 */
final class SafeTensorsValues {
  private SafeTensorsValues() {}

  /** Most elements of one Java array the readers hand out. */
  static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

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
  static int firstNonFinite(float[] values) {
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
   * @param values the tensor's values (as read by {@link SafeTensors.Reader#floats})
   * @param info the tensor's entry (name, dtype, shape)
   * @param file the file that holds it
   * @param howToAllow how the caller opts in to such weights, quoted in the message
   * @throws SpiceException.BackendException naming the file, the tensor, the first bad index and
   *     value
   */
  static void requireFinite(float[] values, TensorInfo info, Path file, String howToAllow) {
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
}
