package dev.spice.core;

import java.util.Objects;

/**
 * What a reward function may know about the batch it scores.
 *
 * @param iteration the engine iteration (0-based)
 * @param role the role whose samples are scored
 * @param document the document of the group (for the Reasoner: the document its task came from)
 * @param task the task of the group for the Reasoner, or {@code null} for a Challenger group
 */
public record RewardContext(long iteration, Role role, Document document, Task task) {
  /**
   * Validates.
   *
   * @param iteration the engine iteration (0-based)
   * @param role the role whose samples are scored
   * @param document the document of the group (for the Reasoner: the document its task came from)
   * @param task the task of the group for the Reasoner, or {@code null} for a Challenger group
   */
  public RewardContext {
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(document, "document");
    if (role == Role.REASONER) {
      Objects.requireNonNull(task, "task (required for the Reasoner)");
    }
  }
}
