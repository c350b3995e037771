package dev.spice.core.engine;

import dev.spice.core.ChallengerOutcome;
import dev.spice.core.Document;
import dev.spice.core.ReasonerAttempt;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * What happened to one document in one iteration: the kept Challenger attempts with the
 * Reasoner's results on each valid one, the rewards and advantages of both roles' groups.
 * Advantages are {@code NaN} for samples left out of the update.
 *
 * <p>Immutable: lists and arrays are copied on construction and every {@code double[]} accessor
 * returns a fresh copy, so read an array once into a local rather than calling the accessor in a
 * loop. Equality is by content: all fields equal, the arrays as by
 * {@link Arrays#equals(double[], double[])} (so {@code NaN} advantages equal {@code NaN}).
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

  /**
   * Copies.
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
  public DocumentRollout {
    kept = List.copyOf(kept);
    reasonerAnswers = List.copyOf(reasonerAnswers);
    challengerRewards = challengerRewards.clone();
    challengerAdvantages = challengerAdvantages.clone();
    reasonerRewards = reasonerRewards.clone();
    reasonerAdvantages = reasonerAdvantages.clone();
  }

  /**
   * A copy of the kept attempts' rewards.
   *
   * @return a copy of the kept attempts' rewards
   */
  @Override
  public double[] challengerRewards() {
    return challengerRewards.clone();
  }

  /**
   * A copy of the kept attempts' advantages.
   *
   * @return a copy of the kept attempts' advantages
   */
  @Override
  public double[] challengerAdvantages() {
    return challengerAdvantages.clone();
  }

  /**
   * A copy of the Reasoner answers' rewards.
   *
   * @return a copy of the Reasoner answers' rewards
   */
  @Override
  public double[] reasonerRewards() {
    return reasonerRewards.clone();
  }

  /**
   * A copy of the Reasoner answers' advantages.
   *
   * @return a copy of the Reasoner answers' advantages
   */
  @Override
  public double[] reasonerAdvantages() {
    return reasonerAdvantages.clone();
  }

  /** Content equality, see the class comment. */
  @Override
  public boolean equals(Object o) {
    return o instanceof DocumentRollout r
        && document.equals(r.document)
        && generatedAttempts == r.generatedAttempts
        && generatedValid == r.generatedValid
        && kept.equals(r.kept)
        && Arrays.equals(challengerRewards, r.challengerRewards)
        && Arrays.equals(challengerAdvantages, r.challengerAdvantages)
        && reasonerTask == r.reasonerTask
        && reasonerAnswers.equals(r.reasonerAnswers)
        && Arrays.equals(reasonerRewards, r.reasonerRewards)
        && Arrays.equals(reasonerAdvantages, r.reasonerAdvantages);
  }

  @Override
  public int hashCode() {
    return Objects.hash(document, generatedAttempts, generatedValid, kept, Arrays.hashCode(challengerRewards),
        Arrays.hashCode(challengerAdvantages), reasonerTask, reasonerAnswers, Arrays.hashCode(reasonerRewards),
        Arrays.hashCode(reasonerAdvantages));
  }

  /** The document id, counts and the four arrays by content (not the attempts). */
  @Override
  public String toString() {
    return "DocumentRollout[document=" + document.id() + ", generatedAttempts=" + generatedAttempts
        + ", generatedValid=" + generatedValid + ", kept=" + kept.size()
        + ", challengerRewards=" + Arrays.toString(challengerRewards)
        + ", challengerAdvantages=" + Arrays.toString(challengerAdvantages)
        + ", reasonerTask=" + reasonerTask + ", reasonerAnswers=" + reasonerAnswers.size()
        + ", reasonerRewards=" + Arrays.toString(reasonerRewards)
        + ", reasonerAdvantages=" + Arrays.toString(reasonerAdvantages) + "]";
  }
}
