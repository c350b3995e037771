package dev.spice.djl;

import dev.spice.core.SpiceException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Low-rank adapter (LoRA) settings of a {@link DjlPolicy}, as in PEFT: each target linear layer
 * {@code y = W x} becomes {@code y = W x + (alpha / rank) B (A x)} with {@code A [rank, in]} and
 * {@code B [out, rank]}; the base weights {@code W} are frozen and only {@code A} and {@code B} are
 * trained (and hold AdamW state). {@code A} starts Kaiming-uniform with {@code a = sqrt(5)} (PEFT's
 * default: uniform in {@code +-1/sqrt(in)}, drawn from {@link #seed()}), {@code B} starts at zero,
 * so a new adapter leaves the model's outputs exactly those of the base.
 *
 * <p>Immutable and validated on {@link Builder#build()}. Dropout on the adapter input is not
 * supported (PEFT's {@code lora_dropout} is always 0 here), nor are biases on the adapters.
 *
 * @param rank the adapter rank {@code r}, at least 1
 * @param alpha the scaling numerator: the adapter output is multiplied by {@code alpha / rank}
 * @param targetModules the adapted projections, a non-empty subset of {@link #MODULES}, in
 *     {@link #MODULES} order
 * @param seed the seed of {@code A}'s initialisation
 */
public record LoraSettings(int rank, double alpha, List<String> targetModules, long seed) {

  /** The projections that can be adapted (Hugging Face names), in layer order. */
  public static final List<String> MODULES =
      List.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj");

  /**
   * Validates the settings.
   *
   * @param rank the adapter rank, at least 1
   * @param alpha the scaling numerator, finite and positive
   * @param targetModules the adapted projections: a non-empty subset of {@link #MODULES}
   * @param seed the seed of {@code A}'s initialisation
   * @throws SpiceException.ConfigurationException naming the bad value and the valid ones
   */
  public LoraSettings {
    if (rank < 1) {
      throw new SpiceException.ConfigurationException("LoRA rank must be >= 1, got " + rank);
    }
    if (!(alpha > 0) || !Double.isFinite(alpha)) {
      throw new SpiceException.ConfigurationException("LoRA alpha must be finite and > 0, got " + alpha);
    }
    Objects.requireNonNull(targetModules, "targetModules");
    if (targetModules.isEmpty()) {
      throw new SpiceException.ConfigurationException("LoRA targetModules is empty; valid modules: " + MODULES);
    }
    Set<String> given = new LinkedHashSet<>();
    for (String m : targetModules) {
      if (m == null || !MODULES.contains(m)) {
        throw new SpiceException.ConfigurationException("unknown LoRA target module '" + m + "'; valid modules: "
            + MODULES);
      }
      given.add(m);
    }
    List<String> ordered = new ArrayList<>();
    for (String m : MODULES) {
      if (given.contains(m)) {
        ordered.add(m);
      }
    }
    targetModules = Collections.unmodifiableList(ordered);
  }

  /**
   * The factor {@code alpha / rank} of the adapter output.
   *
   * @return the scaling factor
   */
  public double scaling() {
    return alpha / rank;
  }

  /**
   * These settings with another initialisation seed.
   *
   * @param newSeed the seed of {@code A}'s initialisation
   * @return a copy with {@code seed = newSeed}
   */
  public LoraSettings withSeed(long newSeed) {
    return new LoraSettings(rank, alpha, targetModules, newSeed);
  }

  /**
   * A new builder: rank 8, alpha 16, all seven projections, seed 0.
   *
   * @return a builder with default settings
   */
  public static Builder builder() {
    return new Builder();
  }

  /** Fail-fast builder of {@link LoraSettings}; not thread-safe. */
  public static final class Builder {
    private int rank = 8;
    private double alpha = 16;
    private double dropout;
    private List<String> targetModules = MODULES;
    private long seed;

    private Builder() {}

    /**
     * The adapter rank {@code r}; default 8.
     *
     * @param r the rank, at least 1
     * @return this builder
     */
    public Builder rank(int r) {
      this.rank = r;
      return this;
    }

    /**
     * The scaling numerator {@code alpha} (the adapter output is scaled by {@code alpha / r});
     * default 16.
     *
     * @param a the alpha, finite and positive
     * @return this builder
     */
    public Builder alpha(double a) {
      this.alpha = a;
      return this;
    }

    /**
     * Adapter input dropout; only 0 (the default) is supported: {@link #build()} refuses any
     * other value.
     *
     * @param p the dropout probability, must be 0
     * @return this builder
     */
    public Builder dropout(double p) {
      this.dropout = p;
      return this;
    }

    /**
     * The adapted projections; default all of {@link LoraSettings#MODULES}.
     *
     * @param modules a non-empty subset of {@link LoraSettings#MODULES}
     * @return this builder
     */
    public Builder targetModules(Set<String> modules) {
      this.targetModules = List.copyOf(Objects.requireNonNull(modules, "modules"));
      return this;
    }

    /**
     * The seed of {@code A}'s Kaiming-uniform initialisation; default 0.
     *
     * @param s the seed
     * @return this builder
     */
    public Builder seed(long s) {
      this.seed = s;
      return this;
    }

    /**
     * Validates and creates the settings.
     *
     * @return the settings
     * @throws SpiceException.ConfigurationException naming the bad setting and the valid values
     */
    public LoraSettings build() {
      if (dropout != 0) {
        throw new SpiceException.ConfigurationException("LoRA dropout " + dropout
            + " is not supported; only 0 (no dropout) is");
      }
      return new LoraSettings(rank, alpha, targetModules, seed);
    }
  }
}
