package dev.spice.core;

import java.util.List;

/**
 * Sampling settings for one {@link PolicyBackend#generate} call.
 *
 * @param temperature softmax temperature, {@code > 0}; the paper uses 1.0
 * @param topP nucleus mass in {@code (0, 1]}; 1 disables it
 * @param topK keep the k most likely tokens, {@code >= 0}; 0 disables it
 * @param maxNewTokens upper bound on generated tokens per prompt, {@code >= 1}
 * @param stop stop strings; generation of a row ends once its text ends with one of them (the
 *     stop string is kept in the text) or the backend's end-of-sequence token is drawn
 * @param seed seed of the sampling streams; row {@code i} of a batch draws from a stream derived
 *     from {@code (seed, i)}, so the same seed, prompts and weights give the same completions
 */
public record SamplingParams(
    double temperature, double topP, int topK, int maxNewTokens, List<String> stop, long seed) {

  /**
   * Validates and copies.
   *
   * @param temperature softmax temperature, {@code > 0}; the paper uses 1.0
   * @param topP nucleus mass in {@code (0, 1]}; 1 disables it
   * @param topK keep the k most likely tokens, {@code >= 0}; 0 disables it
   * @param maxNewTokens upper bound on generated tokens per prompt, {@code >= 1}
   * @param stop stop strings; generation of a row ends once its text ends with one of them (the
   *     stop string is kept in the text) or the backend's end-of-sequence token is drawn
   * @param seed seed of the sampling streams; row {@code i} of a batch draws from a stream derived
   *     from {@code (seed, i)}, so the same seed, prompts and weights give the same completions
   */
  public SamplingParams {
    if (!(temperature > 0) || Double.isInfinite(temperature)) {
      throw new IllegalArgumentException("temperature must be finite and > 0, got " + temperature);
    }
    if (!(topP > 0 && topP <= 1)) {
      throw new IllegalArgumentException("topP must be in (0, 1], got " + topP);
    }
    if (topK < 0) {
      throw new IllegalArgumentException("topK must be >= 0 (0 disables it), got " + topK);
    }
    if (maxNewTokens < 1) {
      throw new IllegalArgumentException("maxNewTokens must be >= 1, got " + maxNewTokens);
    }
    stop = stop == null ? List.of() : List.copyOf(stop);
  }

  /**
   * Temperature 1, no top-p or top-k, the given budget, no stop strings, seed 0.
   *
   * @param maxNewTokens the max new tokens
   * @return the default sampling settings with this budget
   */
  public static SamplingParams defaults(int maxNewTokens) {
    return new SamplingParams(1.0, 1.0, 0, maxNewTokens, List.of(), 0L);
  }

  /**
   * A copy with another seed.
   *
   * @param newSeed the new seed
   * @return a copy with another seed
   */
  public SamplingParams withSeed(long newSeed) {
    return new SamplingParams(temperature, topP, topK, maxNewTokens, stop, newSeed);
  }

  /**
   * A copy with another token budget.
   *
   * @param n the new token budget
   * @return a copy with another token budget
   */
  public SamplingParams withMaxNewTokens(int n) {
    return new SamplingParams(temperature, topP, topK, n, stop, seed);
  }
}
