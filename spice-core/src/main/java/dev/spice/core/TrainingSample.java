package dev.spice.core;

import java.util.Objects;

/**
 * One trajectory to train on.
 *
 * <p>Arrays are copied on construction; do not modify the arrays the accessors return.
 *
 * @param role the role that produced it (the prompt already carries the role)
 * @param prompt the prompt it was generated from
 * @param promptTokens prompt token ids as fed to the backend
 * @param completionTokens generated token ids, at least one
 * @param oldLogProbs per-token log-probs under the sampling policy (for the PPO ratio)
 * @param advantage the sample's advantage, finite
 * @param groupId identifies its group (document or task) for logging
 */
public record TrainingSample(
    Role role,
    Prompt prompt,
    int[] promptTokens,
    int[] completionTokens,
    float[] oldLogProbs,
    double advantage,
    String groupId) {

  /** Validates and copies. */
  public TrainingSample {
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(prompt, "prompt");
    Objects.requireNonNull(groupId, "groupId");
    promptTokens = promptTokens.clone();
    completionTokens = completionTokens.clone();
    oldLogProbs = oldLogProbs.clone();
    if (completionTokens.length != oldLogProbs.length) {
      throw new IllegalArgumentException("completionTokens and oldLogProbs differ in length: "
          + completionTokens.length + " vs " + oldLogProbs.length);
    }
    if (!Double.isFinite(advantage)) {
      throw new IllegalArgumentException("advantage must be finite, got " + advantage);
    }
  }

  /** A sample built from a completion. */
  public static TrainingSample of(Role role, Prompt prompt, Completion c, double advantage, String groupId) {
    return new TrainingSample(role, prompt, c.promptTokens(), c.tokens(), c.logProbs(), advantage, groupId);
  }
}
