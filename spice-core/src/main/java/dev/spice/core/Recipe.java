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

  /** Null checks only; the engine builder validates the values with its other settings. */
  public Recipe {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(challengerReward, "challengerReward");
    Objects.requireNonNull(reasonerReward, "reasonerReward");
    Objects.requireNonNull(challengerAdvantage, "challengerAdvantage");
    Objects.requireNonNull(reasonerAdvantage, "reasonerAdvantage");
    Objects.requireNonNull(loss, "loss");
  }
}
