package dev.spice.core;

import java.util.Arrays;
import java.util.Objects;

/**
 * One trajectory to train on.
 *
 * <p>Immutable: the arrays are copied on construction and every array accessor returns a fresh
 * copy, so read an array once into a local rather than calling the accessor in a loop (or use
 * {@link #promptLength()} and {@link #completionLength()} for lengths). Equality is by content:
 * two samples are equal when their roles, prompts, advantages, group ids and the contents of all
 * three arrays are equal (advantages compared as by {@link Double#compare}, floats as by
 * {@link Arrays#equals(float[], float[])}).
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

  /**
   * Validates and copies.
   *
   * @param role the role that produced it (the prompt already carries the role)
   * @param prompt the prompt it was generated from
   * @param promptTokens prompt token ids as fed to the backend
   * @param completionTokens generated token ids, at least one
   * @param oldLogProbs per-token log-probs under the sampling policy (for the PPO ratio)
   * @param advantage the sample's advantage, finite
   * @param groupId identifies its group (document or task) for logging
   */
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

  /**
   * A copy of the prompt token ids.
   *
   * @return a copy of the prompt token ids
   */
  @Override
  public int[] promptTokens() {
    return promptTokens.clone();
  }

  /**
   * A copy of the generated token ids.
   *
   * @return a copy of the generated token ids
   */
  @Override
  public int[] completionTokens() {
    return completionTokens.clone();
  }

  /**
   * A copy of the per-token log-probs under the sampling policy.
   *
   * @return a copy of the per-token log-probs under the sampling policy
   */
  @Override
  public float[] oldLogProbs() {
    return oldLogProbs.clone();
  }

  /**
   * Number of prompt tokens, without copying them.
   *
   * @return number of prompt tokens, without copying them
   */
  public int promptLength() {
    return promptTokens.length;
  }

  /**
   * Number of completion tokens, without copying them.
   *
   * @return number of completion tokens, without copying them
   */
  public int completionLength() {
    return completionTokens.length;
  }

  /** Content equality, see the class comment. */
  @Override
  public boolean equals(Object o) {
    return o instanceof TrainingSample t
        && role == t.role
        && prompt.equals(t.prompt)
        && Arrays.equals(promptTokens, t.promptTokens)
        && Arrays.equals(completionTokens, t.completionTokens)
        && Arrays.equals(oldLogProbs, t.oldLogProbs)
        && Double.compare(advantage, t.advantage) == 0
        && groupId.equals(t.groupId);
  }

  @Override
  public int hashCode() {
    return Objects.hash(role, prompt, Arrays.hashCode(promptTokens), Arrays.hashCode(completionTokens),
        Arrays.hashCode(oldLogProbs), advantage, groupId);
  }

  /** Role, group, advantage and token counts (not the arrays or the prompt text). */
  @Override
  public String toString() {
    return "TrainingSample[role=" + role + ", groupId=" + groupId + ", advantage=" + advantage
        + ", promptTokens=" + promptTokens.length + ", completionTokens=" + completionTokens.length + "]";
  }

  /**
   * A sample built from a completion.
   *
   * @param role the role
   * @param prompt the prompt
   * @param c the completion
   * @param advantage the advantage
   * @param groupId the group id
   * @return a sample built from a completion
   */
  public static TrainingSample of(Role role, Prompt prompt, Completion c, double advantage, String groupId) {
    return new TrainingSample(role, prompt, c.promptTokens(), c.tokens(), c.logProbs(), advantage, groupId);
  }
}
