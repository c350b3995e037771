package dev.spice.core;

import java.util.Objects;

/**
 * Everything that defines a training recipe apart from the model and the corpus: group sizes,
 * rewards, advantage estimators and loss. {@code spice-rewards} ships presets for the paper's
 * recipe and each baseline ({@code Presets.spice()}, {@code Presets.rZero()}, ...).
 *
 * @param name a stable name recorded in provenance
 * @param challengerGroupSize G for the Challenger: attempts kept per document, {@code >= 1}
 * @param reasonerGroupSize G for the Reasoner: answers per valid task, {@code >= 2}
 * @param challengerReward scores a document's Challenger attempts (invalid penalty included)
 * @param reasonerReward scores a task's Reasoner answers
 * @param challengerAdvantage advantages of Challenger groups
 * @param reasonerAdvantage advantages of Reasoner groups
 * @param loss loss settings of the update
 */
public record Recipe(
    String name,
    int challengerGroupSize,
    int reasonerGroupSize,
    RewardFunction<ChallengerOutcome> challengerReward,
    AsyncRewardFunction<ReasonerAttempt> reasonerReward,
    AdvantageEstimator challengerAdvantage,
    AdvantageEstimator reasonerAdvantage,
    LossSettings loss) {

  /**
   * Validates: nothing null, {@code G_C >= 1}, {@code G_R >= 2}. Bounds that depend on other
   * settings (an estimator's minimum group size, N) are checked by the engine's builder.
   *
   *
   * @param name a stable name recorded in provenance
   * @param challengerGroupSize G for the Challenger: attempts kept per document, {@code >= 1}
   * @param reasonerGroupSize G for the Reasoner: answers per valid task, {@code >= 2}
   * @param challengerReward scores a document's Challenger attempts (invalid penalty included)
   * @param reasonerReward scores a task's Reasoner answers
   * @param challengerAdvantage advantages of Challenger groups
   * @param reasonerAdvantage advantages of Reasoner groups
   * @param loss loss settings of the update
   * @throws SpiceException.ConfigurationException naming the group size and the recipe
   */
  public Recipe {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(challengerReward, "challengerReward");
    Objects.requireNonNull(reasonerReward, "reasonerReward");
    Objects.requireNonNull(challengerAdvantage, "challengerAdvantage");
    Objects.requireNonNull(reasonerAdvantage, "reasonerAdvantage");
    Objects.requireNonNull(loss, "loss");
    if (challengerGroupSize < 1) {
      throw new SpiceException.ConfigurationException("recipe '" + name
          + "': challenger group size (G_C) must be >= 1, got " + challengerGroupSize);
    }
    if (reasonerGroupSize < 2) {
      throw new SpiceException.ConfigurationException("recipe '" + name
          + "': reasoner group size (G_R) must be >= 2 (a pass rate needs several answers), got " + reasonerGroupSize);
    }
  }
}
