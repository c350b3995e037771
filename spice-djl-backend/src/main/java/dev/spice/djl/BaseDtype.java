package dev.spice.djl;

import ai.djl.ndarray.types.DataType;

/**
 * The element type of the frozen base weights of a LoRA policy ({@link DjlPolicy.Builder#baseDtype}).
 * The adapters, their gradients and the optimizer state are always float32; with a 16-bit base the
 * projections run in that type (see the module README, "LoRA", for the precision this gives).
 *
 * <p>There is no bfloat16 constant: DJL 0.36.0's PyTorch JNI maps no data type code to bfloat16
 * (creating or casting to one aborts the JVM), so this backend cannot hold a bfloat16 tensor.
 */
public enum BaseDtype {
  /** IEEE float32: 4 bytes per weight; the forward is bit-identical to the full-precision model. */
  FLOAT32(DataType.FLOAT32, 4),
  /**
   * IEEE float16: 2 bytes per weight, 11-bit significand, largest finite value 65504 (a weight
   * beyond it is refused at load), values below 6.1e-5 lose precision (subnormal), below 6e-8 become 0.
   */
  FLOAT16(DataType.FLOAT16, 2);

  private final DataType djl;
  private final int bytes;

  BaseDtype(DataType djl, int bytes) {
    this.djl = djl;
    this.bytes = bytes;
  }

  /** The DJL type (package-private: DJL types stay out of the public API). */
  DataType djl() {
    return djl;
  }

  /** Bytes per element. */
  int bytes() {
    return bytes;
  }

  /**
   * The constant named {@code name}, case-insensitively ({@code float32} or {@code float16}).
   *
   * @param name the name
   * @return the constant
   * @throws dev.spice.core.SpiceException.ConfigurationException for any other name, listing the valid ones
   */
  public static BaseDtype named(String name) {
    for (BaseDtype t : values()) {
      if (t.name().equalsIgnoreCase(name.strip())) {
        return t;
      }
    }
    throw new dev.spice.core.SpiceException.ConfigurationException("unknown base dtype '" + name
        + "'; valid: float32, float16" + (name.strip().equalsIgnoreCase("bfloat16")
        ? " (DJL 0.36.0's PyTorch binding has no bfloat16 tensors)" : ""));
  }
}
