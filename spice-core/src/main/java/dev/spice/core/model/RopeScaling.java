package dev.spice.core.model;

import dev.spice.core.SpiceException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How a checkpoint rescales its rotary frequencies: Hugging Face's {@code rope_scaling} (transformers
 * 4) or the scaling keys of {@code rope_parameters} (transformers 5).
 *
 * <p>Supported types: {@code default} (no scaling), {@code linear} (every frequency divided by
 * {@code factor}) and {@code llama3} (Llama 3.1/3.2: low frequencies divided by {@code factor},
 * high ones kept, a smooth blend between). Other types ({@code dynamic}, {@code yarn},
 * {@code longrope}, ...) change the model's output in ways this SDK does not implement, so reading
 * them fails instead of silently running a different model.
 *
 * @param type {@code default}, {@code linear} or {@code llama3}
 * @param factor frequency divisor, {@code >= 1} for linear and llama3 (1 for default)
 * @param lowFreqFactor llama3 only: wavelengths above {@code originalMaxPositionEmbeddings /
 *     lowFreqFactor} are fully scaled
 * @param highFreqFactor llama3 only: wavelengths below {@code originalMaxPositionEmbeddings /
 *     highFreqFactor} are kept; {@code > lowFreqFactor}
 * @param originalMaxPositionEmbeddings llama3 only: the context length before scaling
 */
public record RopeScaling(
    String type, double factor, double lowFreqFactor, double highFreqFactor, int originalMaxPositionEmbeddings) {

  /** Supported {@code rope_type} values. */
  public static final List<String> SUPPORTED_TYPES = List.of("default", "linear", "llama3");

  /** No scaling. */
  public static final RopeScaling NONE = new RopeScaling("default", 1, 0, 0, 0);

  /**
   * Validates.
   *
   * @param type {@code default}, {@code linear} or {@code llama3}
   * @param factor frequency divisor, {@code >= 1} for linear and llama3 (1 for default)
   * @param lowFreqFactor llama3 only: wavelengths above {@code originalMaxPositionEmbeddings /
   *     lowFreqFactor} are fully scaled
   * @param highFreqFactor llama3 only: wavelengths below {@code originalMaxPositionEmbeddings /
   *     highFreqFactor} are kept; {@code > lowFreqFactor}
   * @param originalMaxPositionEmbeddings llama3 only: the context length before scaling
   */
  public RopeScaling {
    Objects.requireNonNull(type, "type");
    if (!SUPPORTED_TYPES.contains(type)) {
      throw new SpiceException.ConfigurationException("rope scaling type '" + type
          + "' is not supported (it would change the model's outputs); valid: " + SUPPORTED_TYPES);
    }
    if (!type.equals("default") && (!(factor >= 1) || Double.isInfinite(factor))) {
      throw new SpiceException.ConfigurationException(
          "rope scaling field 'factor' must be finite and >= 1, got " + factor);
    }
    if (type.equals("llama3")) {
      if (!(lowFreqFactor > 0) || !(highFreqFactor > lowFreqFactor) || Double.isInfinite(highFreqFactor)) {
        throw new SpiceException.ConfigurationException("llama3 rope scaling needs 0 < low_freq_factor < "
            + "high_freq_factor, got " + lowFreqFactor + " and " + highFreqFactor);
      }
      if (originalMaxPositionEmbeddings <= 0) {
        throw new SpiceException.ConfigurationException(
            "llama3 rope scaling field 'original_max_position_embeddings' must be > 0, got "
                + originalMaxPositionEmbeddings);
      }
    }
  }

  /**
   * Linear scaling by {@code factor}.
   *
   * @param factor the factor
   * @return linear scaling
   */
  public static RopeScaling linear(double factor) {
    return new RopeScaling("linear", factor, 0, 0, 0);
  }

  /**
   * Llama 3 scaling (Llama 3.1 uses 8, 1, 4, 8192; Llama 3.2 uses 32, 1, 4, 8192).
   *
   * @param factor the factor
   * @param lowFreqFactor the low freq factor
   * @param highFreqFactor the high freq factor
   * @param originalMax the original max
   * @return Llama 3 scaling
   */
  public static RopeScaling llama3(double factor, double lowFreqFactor, double highFreqFactor, int originalMax) {
    return new RopeScaling("llama3", factor, lowFreqFactor, highFreqFactor, originalMax);
  }

  /**
   * Whether this leaves the frequencies unchanged.
   *
   * @return whether this leaves the frequencies unchanged
   */
  public boolean isNone() {
    return type.equals("default");
  }

  /**
   * The rotary inverse frequencies {@code theta^(-2j / headDim)}, {@code j < headDim / 2}, with
   * this scaling applied, in double precision (callers round once).
   *
   * @param theta the theta
   * @param headDim the head dim
   * @return the rotary inverse frequencies {@code theta^(-2j / headDim)}, {@code j < headDim / 2},
   *     with this scaling applied, in double precision (callers round once)
   */
  public double[] inverseFrequencies(double theta, int headDim) {
    int half = headDim / 2;
    double[] inv = new double[half];
    for (int j = 0; j < half; j++) {
      inv[j] = 1.0 / Math.pow(theta, (2.0 * j) / headDim);
    }
    switch (type) {
      case "linear" -> {
        for (int j = 0; j < half; j++) {
          inv[j] /= factor;
        }
      }
      case "llama3" -> {
        double lowWavelen = originalMaxPositionEmbeddings / lowFreqFactor;
        double highWavelen = originalMaxPositionEmbeddings / highFreqFactor;
        for (int j = 0; j < half; j++) {
          double wavelen = 2 * Math.PI / inv[j];
          if (wavelen > lowWavelen) {
            inv[j] /= factor;
          } else if (wavelen >= highWavelen) {
            double smooth = (originalMaxPositionEmbeddings / wavelen - lowFreqFactor) / (highFreqFactor - lowFreqFactor);
            inv[j] = (1 - smooth) * inv[j] / factor + smooth * inv[j];
          }
        }
      }
      default -> {
        // unscaled
      }
    }
    return inv;
  }

  /**
   * The Hugging Face fields of this scaling (without {@code rope_theta}); empty for none.
   *
   * @return the Hugging Face fields of this scaling (without {@code rope_theta}); empty for none
   */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    if (isNone()) {
      return m;
    }
    m.put("rope_type", type);
    m.put("factor", factor);
    if (type.equals("llama3")) {
      m.put("low_freq_factor", lowFreqFactor);
      m.put("high_freq_factor", highFreqFactor);
      m.put("original_max_position_embeddings", originalMaxPositionEmbeddings);
    }
    return m;
  }
}
