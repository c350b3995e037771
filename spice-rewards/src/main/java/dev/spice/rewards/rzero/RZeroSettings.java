package dev.spice.rewards.rzero;

import dev.spice.core.ChallengerOutcome;
import dev.spice.core.RewardFunction;
import dev.spice.core.SpiceException.ConfigurationException;
import dev.spice.rewards.ChallengerRewards;
import java.util.ArrayList;
import java.util.List;

/**
 * The settings of R-Zero as a method (separate Challenger and Solver, majority-vote pseudo-labels),
 * validated on construction. {@link #defaults()} gives R-Zero's values; {@link #builder()}
 * changes single ones.
 *
 * <p>The constructor checks every value and throws one {@link ConfigurationException} whose
 * message names each bad setting with its value and valid range.
 *
 * @param solverSamples {@code m}, the Solver answers sampled per question for the majority vote;
 *     {@code >= 1}; default {@value #DEFAULT_SOLVER_SAMPLES}
 * @param bandLow lower bound of the kept agreement band, in {@code [0, 1]}; default 0.25
 * @param bandHigh upper bound of the kept agreement band, in {@code [bandLow, 1]}; default 0.75.
 *     At least one agreement {@code k / m} ({@code k = 1..m}) must lie in the band, or every
 *     question would be dropped
 * @param tau the repetition penalty's merge threshold on BLEU distance, in {@code [0, 1]};
 *     default 0.5
 * @param invalidPenalty Challenger reward of a question that fails the format check, finite;
 *     default -1 ({@link ChallengerRewards#R_ZERO_PENALTY})
 * @param challengerGroupSize GRPO group size of the Challenger phase, {@code >= 2}; default
 *     {@value #DEFAULT_CHALLENGER_GROUP_SIZE}, as in {@code Presets.rZero()}
 * @param solverGroupSize GRPO group size of the Solver phase, {@code >= 2}; default
 *     {@value #DEFAULT_SOLVER_GROUP_SIZE}, as in {@code Presets.rZero()}
 */
public record RZeroSettings(
    int solverSamples,
    double bandLow,
    double bandHigh,
    double tau,
    double invalidPenalty,
    int challengerGroupSize,
    int solverGroupSize) {

  /** R-Zero's number of Solver samples per question for the vote. */
  public static final int DEFAULT_SOLVER_SAMPLES = 10;
  /** The Challenger's group size of the SDK's R-Zero recipe. */
  public static final int DEFAULT_CHALLENGER_GROUP_SIZE = 4;
  /** The Solver's group size of the SDK's R-Zero recipe. */
  public static final int DEFAULT_SOLVER_GROUP_SIZE = 5;

  private static final RZeroSettings DEFAULTS = new RZeroSettings(DEFAULT_SOLVER_SAMPLES,
      DifficultyFilter.DEFAULT_LOW, DifficultyFilter.DEFAULT_HIGH, RepetitionPenalty.DEFAULT_TAU,
      ChallengerRewards.R_ZERO_PENALTY, DEFAULT_CHALLENGER_GROUP_SIZE, DEFAULT_SOLVER_GROUP_SIZE);

  /**
   * Validates every value (see the component descriptions).
   *
   * @param solverSamples Solver answers per question for the vote, {@code >= 1}
   * @param bandLow lower bound of the kept agreement band, in {@code [0, 1]}
   * @param bandHigh upper bound of the kept agreement band, in {@code [bandLow, 1]}
   * @param tau the repetition penalty's merge threshold, in {@code [0, 1]}
   * @param invalidPenalty Challenger reward of an invalid question, finite
   * @param challengerGroupSize GRPO group size of the Challenger phase, {@code >= 2}
   * @param solverGroupSize GRPO group size of the Solver phase, {@code >= 2}
   * @throws ConfigurationException listing each bad setting
   */
  public RZeroSettings {
    List<String> bad = new ArrayList<>();
    if (solverSamples < 1) {
      bad.add("solverSamples must be >= 1, got " + solverSamples);
    }
    boolean lowOk = bandLow >= 0 && bandLow <= 1;
    boolean highOk = bandHigh >= 0 && bandHigh <= 1;
    if (!lowOk) {
      bad.add("bandLow must be in [0, 1], got " + bandLow);
    }
    if (!highOk) {
      bad.add("bandHigh must be in [0, 1], got " + bandHigh);
    }
    if (lowOk && highOk && bandLow > bandHigh) {
      bad.add("bandLow must be <= bandHigh, got bandLow " + bandLow + " > bandHigh " + bandHigh);
    } else if (lowOk && highOk && solverSamples >= 1 && !bandReachable(solverSamples, bandLow, bandHigh)) {
      bad.add("no agreement k/" + solverSamples + " (k = 1.." + solverSamples + ") lies in the band ["
          + bandLow + ", " + bandHigh + "], so every question would be dropped; widen the band or change solverSamples");
    }
    if (!(tau >= 0 && tau <= 1)) {
      bad.add("tau must be in [0, 1], got " + tau);
    }
    if (!Double.isFinite(invalidPenalty)) {
      bad.add("invalidPenalty must be finite, got " + invalidPenalty);
    }
    if (challengerGroupSize < 2) {
      bad.add("challengerGroupSize must be >= 2 (GRPO needs a group to compare), got " + challengerGroupSize);
    }
    if (solverGroupSize < 2) {
      bad.add("solverGroupSize must be >= 2 (GRPO needs a group to compare), got " + solverGroupSize);
    }
    if (!bad.isEmpty()) {
      throw new ConfigurationException("invalid R-Zero settings: " + String.join("; ", bad));
    }
  }

  private static boolean bandReachable(int m, double low, double high) {
    DifficultyFilter f = DifficultyFilter.band(low, high);
    for (int k = 1; k <= m; k++) {
      if (f.inBand((double) k / m)) {
        return true;
      }
    }
    return false;
  }

  /**
   * R-Zero's settings: m = 10, band [0.25, 0.75], tau = 0.5, penalty -1, groups 4 and 5.
   *
   * @return the default settings
   */
  public static RZeroSettings defaults() {
    return DEFAULTS;
  }

  /**
   * A builder seeded with {@link #defaults()}.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder(DEFAULTS);
  }

  /**
   * A builder seeded with these settings.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * The difficulty filter of the band {@code [bandLow, bandHigh]}.
   *
   * @return a new filter
   */
  public DifficultyFilter difficultyFilter() {
    return DifficultyFilter.band(bandLow, bandHigh);
  }

  /**
   * The repetition penalty with threshold {@code tau}.
   *
   * @return a new repetition penalty
   */
  public RepetitionPenalty repetitionPenalty() {
    return RepetitionPenalty.withThreshold(tau);
  }

  /**
   * R-Zero's Challenger reward over one batch, as a {@link RewardFunction} whose items are the
   * batch's questions: {@code max(0, r_unc - r_rep)} for a valid question and
   * {@code invalidPenalty} for an invalid one.
   *
   * <ul>
   *   <li>{@code r_unc = ChallengerRewards.rZeroUncertainty(p̂)}, where {@code p̂} is the item's
   *       pass rate: give each {@link ChallengerOutcome} the Solver's
   *       {@link MajorityVote#passIndicators()}, so that {@code p̂} is the majority agreement.
   *   <li>{@code r_rep = |C_i| / B} from {@link #repetitionPenalty()}: the valid questions
   *       ({@code task().question()}) are clustered among themselves, and {@code B} is the number
   *       of items in the call, invalid ones included. Score the whole batch in one call.
   * </ul>
   *
   * <p>Name {@code r_zero_repetition}. Sub-scores: {@code valid} (1/0), {@code pass_rate},
   * {@code uncertainty} and {@code repetition} (the last three {@code NaN} for invalid items).
   * Values lie in {@code [0, 1]} for valid items. Deterministic and thread-safe; a pass indicator
   * outside {@code [0, 1]} raises a {@link dev.spice.core.SpiceException.RewardException}.
   *
   * @return a new Challenger reward
   */
  public RewardFunction<ChallengerOutcome> challengerReward() {
    return new RZeroChallengerReward(repetitionPenalty(), invalidPenalty);
  }

  /** Fluent builder of {@link RZeroSettings}; {@link #build()} validates. Not thread-safe. */
  public static final class Builder {
    private int solverSamples;
    private double bandLow;
    private double bandHigh;
    private double tau;
    private double invalidPenalty;
    private int challengerGroupSize;
    private int solverGroupSize;

    private Builder(RZeroSettings s) {
      solverSamples = s.solverSamples;
      bandLow = s.bandLow;
      bandHigh = s.bandHigh;
      tau = s.tau;
      invalidPenalty = s.invalidPenalty;
      challengerGroupSize = s.challengerGroupSize;
      solverGroupSize = s.solverGroupSize;
    }

    /**
     * Solver samples per question {@code m}, {@code >= 1}.
     *
     * @param m the number of samples
     * @return this builder
     */
    public Builder solverSamples(int m) {
      this.solverSamples = m;
      return this;
    }

    /**
     * The kept agreement band {@code [low, high]}, {@code 0 <= low <= high <= 1}.
     *
     * @param low the lower bound
     * @param high the upper bound
     * @return this builder
     */
    public Builder band(double low, double high) {
      this.bandLow = low;
      this.bandHigh = high;
      return this;
    }

    /**
     * The repetition penalty's merge threshold, in {@code [0, 1]}.
     *
     * @param tau the threshold
     * @return this builder
     */
    public Builder tau(double tau) {
      this.tau = tau;
      return this;
    }

    /**
     * The Challenger reward of an invalid question, finite.
     *
     * @param penalty the reward
     * @return this builder
     */
    public Builder invalidPenalty(double penalty) {
      this.invalidPenalty = penalty;
      return this;
    }

    /**
     * The Challenger phase's GRPO group size, {@code >= 2}.
     *
     * @param g the group size
     * @return this builder
     */
    public Builder challengerGroupSize(int g) {
      this.challengerGroupSize = g;
      return this;
    }

    /**
     * The Solver phase's GRPO group size, {@code >= 2}.
     *
     * @param g the group size
     * @return this builder
     */
    public Builder solverGroupSize(int g) {
      this.solverGroupSize = g;
      return this;
    }

    /**
     * Builds and validates.
     *
     * @return the settings
     * @throws ConfigurationException listing each bad setting
     */
    public RZeroSettings build() {
      return new RZeroSettings(solverSamples, bandLow, bandHigh, tau, invalidPenalty,
          challengerGroupSize, solverGroupSize);
    }
  }
}
