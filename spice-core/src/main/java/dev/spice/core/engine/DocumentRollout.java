package dev.spice.core.engine;

import dev.spice.core.ChallengerOutcome;
import dev.spice.core.Document;
import dev.spice.core.ReasonerAttempt;
import java.util.List;

/**
 * What happened to one document in one iteration: the kept Challenger attempts with the
 * Reasoner's results on each valid one, the rewards and advantages of both roles' groups.
 * Advantages are {@code NaN} for samples left out of the update.
 *
 * @param document the document
 * @param generatedAttempts how many Challenger attempts were generated (before keeping G)
 * @param generatedValid how many of them were valid
 * @param kept the G kept Challenger attempts, with Reasoner pass indicators for valid ones
 * @param challengerRewards reward of each kept attempt
 * @param challengerAdvantages advantage of each kept attempt
 * @param reasonerTask index into {@code kept} of the task whose answers train the Reasoner, or -1
 *     if the document has no valid task
 * @param reasonerAnswers the Reasoner's answers to that task (empty if none)
 * @param reasonerRewards their rewards
 * @param reasonerAdvantages their advantages
 */
public record DocumentRollout(
    Document document,
    int generatedAttempts,
    int generatedValid,
    List<ChallengerOutcome> kept,
    double[] challengerRewards,
    double[] challengerAdvantages,
    int reasonerTask,
    List<ReasonerAttempt> reasonerAnswers,
    double[] reasonerRewards,
    double[] reasonerAdvantages) {

  /** Copies. */
  public DocumentRollout {
    kept = List.copyOf(kept);
    reasonerAnswers = List.copyOf(reasonerAnswers);
    challengerRewards = challengerRewards.clone();
    challengerAdvantages = challengerAdvantages.clone();
    reasonerRewards = reasonerRewards.clone();
    reasonerAdvantages = reasonerAdvantages.clone();
  }
}
