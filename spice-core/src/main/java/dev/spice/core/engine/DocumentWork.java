package dev.spice.core.engine;

import dev.spice.core.ChallengerAttempt;
import dev.spice.core.ChallengerOutcome;
import dev.spice.core.Document;
import dev.spice.core.Prompt;
import dev.spice.core.ReasonerAttempt;
import dev.spice.core.Rewards;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything one document accumulates during an iteration, filled in phase by phase: the
 * Challenger's attempts and the kept ones, the Reasoner's answers and rewards per kept task, the
 * Challenger's rewards and advantages, the task chosen to train the Reasoner and its advantages.
 * Ends as a {@link DocumentRollout}.
 */
final class DocumentWork {
  final Document document;
  /** The Challenger prompt of the document. */
  final Prompt challengerPrompt;
  /** Every attempt generated, in generation order. */
  final List<ChallengerAttempt> attempts = new ArrayList<>();
  /** The G_C attempts kept (ratio-preserving), in generation order. */
  List<ChallengerAttempt> kept = List.of();
  /** Per kept attempt: the Reasoner's answers (null for an invalid attempt). */
  List<List<ReasonerAttempt>> answers = List.of();
  /** Per kept attempt: the Reasoner's rewards (null for an invalid attempt). */
  List<Rewards> reasonerRewards = List.of();
  /** Per kept attempt: the pass indicators ({@code correct} sub-score, else the reward). */
  List<double[]> correct = List.of();
  List<ChallengerOutcome> outcomes = List.of();
  double[] challengerRewards = new double[0];
  double[] challengerAdvantages = new double[0];
  /** Index into {@link #kept} of the task that trains the Reasoner, or -1. */
  int chosen = -1;
  double[] reasonerAdvantages = new double[0];

  DocumentWork(Document document, Prompt challengerPrompt) {
    this.document = document;
    this.challengerPrompt = challengerPrompt;
  }

  boolean hasValidAttempt() {
    return attempts.stream().anyMatch(ChallengerAttempt::isValid);
  }

  /** The Reasoner's rewards for the chosen task (empty if none was chosen). */
  double[] chosenRewards() {
    return chosen >= 0 ? reasonerRewards.get(chosen).values() : new double[0];
  }

  /** The Reasoner's answers to the chosen task (empty if none was chosen). */
  List<ReasonerAttempt> chosenAnswers() {
    return chosen >= 0 ? answers.get(chosen) : List.of();
  }

  DocumentRollout toRollout() {
    int valid = (int) attempts.stream().filter(ChallengerAttempt::isValid).count();
    return new DocumentRollout(document, attempts.size(), valid, outcomes, challengerRewards, challengerAdvantages,
        chosen, chosenAnswers(), chosenRewards(), reasonerAdvantages);
  }
}
