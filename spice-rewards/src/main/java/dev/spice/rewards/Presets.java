package dev.spice.rewards;

import dev.spice.core.AdvantageEstimator;
import dev.spice.core.AsyncRewardFunction;
import dev.spice.core.ChallengerOutcome;
import dev.spice.core.LossAggregation;
import dev.spice.core.LossSettings;
import dev.spice.core.ReasonerAttempt;
import dev.spice.core.Recipe;
import dev.spice.core.RewardFunction;
import dev.spice.core.SpiceException.ConfigurationException;
import java.util.List;

/**
 * Ready recipes: the paper's (SPICE) and one per baseline of its comparison table. Each is a plain
 * {@link Recipe}; {@link #builder(Recipe)} customises one.
 *
 * <table>
 *   <caption>Presets</caption>
 *   <tr><th>name</th><th>G (C/R)</th><th>Challenger reward</th><th>penalty</th><th>advantage</th><th>loss aggregation</th></tr>
 *   <tr><td>{@code spice}</td><td>8/8</td><td>Gaussian of variance</td><td>-0.1</td><td>Dr. GRPO</td><td>Dr. GRPO, L_norm 3000</td></tr>
 *   <tr><td>{@code r-zero}</td><td>4/5</td><td>{@code 1 - 2|p - 0.5|}</td><td>-1</td><td>GRPO</td><td>per-sequence mean</td></tr>
 *   <tr><td>{@code absolute-zero}</td><td>1/8</td><td>{@code 1 - p} if {@code p > 0}</td><td>-0.5</td><td>REINFORCE++ (batch baseline)</td><td>global token mean</td></tr>
 *   <tr><td>{@code threshold}</td><td>8/8</td><td>0 if 0/G or G/G else 1</td><td>-0.1</td><td>Dr. GRPO</td><td>Dr. GRPO, L_norm 3000</td></tr>
 *   <tr><td>{@code fixed-challenger}</td><td>8/8</td><td>none (NaN: Challenger not trained)</td><td>-</td><td>Dr. GRPO</td><td>Dr. GRPO, L_norm 3000</td></tr>
 *   <tr><td>{@code no-corpus}</td><td>8/8</td><td>Gaussian of variance</td><td>-0.1</td><td>Dr. GRPO</td><td>Dr. GRPO, L_norm 3000</td></tr>
 * </table>
 *
 * <p>All use the Reasoner reward {@link ReasonerRewards#correctness()}, KL weight 0 and clip
 * epsilon 0.2/0.2. Choices of ours (the paper is silent): clip epsilon 0.2/0.2 for every preset;
 * R-Zero's and Absolute Zero's loss aggregations (those of GRPO and of REINFORCE++ as commonly
 * implemented); Absolute Zero's Reasoner group of 8 (its table lists one trained sample, but its
 * learnability reward needs a pass rate, which Absolute Zero estimates from 8 solver rollouts; a
 * group of 1 would make {@code 1 - p} always 0); R-Zero's BLEU-cluster repetition penalty is not
 * included. "Fixed strong Challenger" and "no corpus" are engine modes; their recipes only set
 * the name (and, for the fixed Challenger, a reward that trains no Challenger sample).
 */
public final class Presets {
  /** Names accepted by {@link #byName(String)}. */
  public static final List<String> NAMES =
      List.of("spice", "r-zero", "absolute-zero", "threshold", "fixed-challenger", "no-corpus");

  /** Clip epsilon used by every preset (ours: the paper does not state it). */
  public static final double CLIP_EPSILON = 0.2;

  private Presets() {}

  /**
   * The paper's recipe: G 8/8, variance reward, penalty -0.1, Dr. GRPO, L_norm 3000, KL 0.
   *
   * @return the {@code spice} recipe
   */
  public static Recipe spice() {
    return new Recipe("spice", 8, 8, ChallengerRewards.variance(), ReasonerRewards.correctness().async(),
        AdvantageEstimators.drGrpo(), AdvantageEstimators.drGrpo(),
        loss(LossAggregations.drGrpo(LossAggregations.PAPER_L_NORM)));
  }

  /**
   * R-Zero: G 4/5, reward {@code 1 - 2|p - 0.5|}, penalty -1, GRPO, per-sequence token mean.
   *
   * @return the {@code r-zero} recipe
   */
  public static Recipe rZero() {
    return new Recipe("r-zero", 4, 5, ChallengerRewards.rZero(), ReasonerRewards.correctness().async(),
        AdvantageEstimators.grpo(), AdvantageEstimators.grpo(), loss(LossAggregations.sequenceMean()));
  }

  /**
   * Absolute Zero: G 1/8, reward {@code 1 - p} if {@code p > 0}, penalty -0.5, REINFORCE++, token mean.
   *
   * @return the {@code absolute-zero} recipe
   */
  public static Recipe absoluteZero() {
    return new Recipe("absolute-zero", 1, 8, ChallengerRewards.absoluteZero(),
        ReasonerRewards.correctness().async(), AdvantageEstimators.reinforcePlusPlus(),
        AdvantageEstimators.reinforcePlusPlus(), loss(LossAggregations.tokenMean()));
  }

  /**
   * The threshold-reward ablation: SPICE with reward 0 for 0/G or G/G, else 1.
   *
   * @return the {@code threshold} recipe
   */
  public static Recipe threshold() {
    return builder(spice()).name("threshold").challengerReward(ChallengerRewards.threshold()).build();
  }

  /**
   * Fixed strong Challenger: SPICE whose Challenger reward is NaN (its samples are not trained).
   *
   * @return the {@code fixed-challenger} recipe
   */
  public static Recipe fixedChallenger() {
    return builder(spice()).name("fixed-challenger").challengerReward(ChallengerRewards.none()).build();
  }

  /**
   * No corpus: SPICE's recipe under another name; the engine writes tasks without documents.
   *
   * @return the {@code no-corpus} recipe
   */
  public static Recipe noCorpus() {
    return builder(spice()).name("no-corpus").build();
  }

  /**
   * The preset with this name (one of {@link #NAMES}).
   *
   * @param name the preset's name
   * @return a new recipe of that preset
   * @throws ConfigurationException for any other name, listing the valid ones
   */
  public static Recipe byName(String name) {
    switch (name == null ? "" : name) {
      case "spice":
        return spice();
      case "r-zero":
        return rZero();
      case "absolute-zero":
        return absoluteZero();
      case "threshold":
        return threshold();
      case "fixed-challenger":
        return fixedChallenger();
      case "no-corpus":
        return noCorpus();
      default:
        throw new ConfigurationException("unknown preset '" + name + "'; valid: " + String.join(", ", NAMES));
    }
  }

  /**
   * A builder seeded with every setting of {@code base}.
   *
   * @param base the recipe whose settings the builder starts from
   * @return a new builder
   */
  public static Builder builder(Recipe base) {
    return new Builder(base);
  }

  private static LossSettings loss(LossAggregation aggregation) {
    return new LossSettings(CLIP_EPSILON, CLIP_EPSILON, 0.0, aggregation);
  }

  /** Fail-fast builder of a {@link Recipe}, seeded from a preset; validated at {@link #build()}. */
  public static final class Builder {
    private String name;
    private int challengerGroupSize;
    private int reasonerGroupSize;
    private RewardFunction<ChallengerOutcome> challengerReward;
    private AsyncRewardFunction<ReasonerAttempt> reasonerReward;
    private AdvantageEstimator challengerAdvantage;
    private AdvantageEstimator reasonerAdvantage;
    private double clipLow;
    private double clipHigh;
    private double klBeta;
    private LossAggregation aggregation;

    private Builder(Recipe r) {
      name = r.name();
      challengerGroupSize = r.challengerGroupSize();
      reasonerGroupSize = r.reasonerGroupSize();
      challengerReward = r.challengerReward();
      reasonerReward = r.reasonerReward();
      challengerAdvantage = r.challengerAdvantage();
      reasonerAdvantage = r.reasonerAdvantage();
      clipLow = r.loss().clipLow();
      clipHigh = r.loss().clipHigh();
      klBeta = r.loss().klBeta();
      aggregation = r.loss().aggregation();
    }

    /**
     * Recipe name recorded in provenance.
     *
     * @param n the name, not blank
     * @return this builder
     */
    public Builder name(String n) {
      this.name = n;
      return this;
    }

    /**
     * Challenger group size, {@code >= 1}.
     *
     * @param g the group size
     * @return this builder
     */
    public Builder challengerGroupSize(int g) {
      this.challengerGroupSize = g;
      return this;
    }

    /**
     * Reasoner group size, {@code >= 2}.
     *
     * @param g the group size
     * @return this builder
     */
    public Builder reasonerGroupSize(int g) {
      this.reasonerGroupSize = g;
      return this;
    }

    /**
     * Challenger reward (its invalid penalty included), e.g. {@code ChallengerRewards.variance(0.01, -0.2)}.
     *
     * @param f the reward function
     * @return this builder
     */
    public Builder challengerReward(RewardFunction<ChallengerOutcome> f) {
      this.challengerReward = f;
      return this;
    }

    /**
     * Reasoner reward.
     *
     * @param f the reward function, wrapped with {@code async()}
     * @return this builder
     */
    public Builder reasonerReward(RewardFunction<ReasonerAttempt> f) {
      this.reasonerReward = f == null ? null : f.async();
      return this;
    }

    /**
     * Reasoner reward that may be slow or remote (a separate name keeps lambdas unambiguous).
     *
     * @param f the asynchronous reward function
     * @return this builder
     */
    public Builder reasonerRewardAsync(AsyncRewardFunction<ReasonerAttempt> f) {
      this.reasonerReward = f;
      return this;
    }

    /**
     * The same advantage estimator for both roles.
     *
     * @param e the estimator for Challenger and Reasoner groups
     * @return this builder
     */
    public Builder advantage(AdvantageEstimator e) {
      this.challengerAdvantage = e;
      this.reasonerAdvantage = e;
      return this;
    }

    /**
     * Advantage estimator of Challenger groups.
     *
     * @param e the estimator
     * @return this builder
     */
    public Builder challengerAdvantage(AdvantageEstimator e) {
      this.challengerAdvantage = e;
      return this;
    }

    /**
     * Advantage estimator of Reasoner groups.
     *
     * @param e the estimator
     * @return this builder
     */
    public Builder reasonerAdvantage(AdvantageEstimator e) {
      this.reasonerAdvantage = e;
      return this;
    }

    /**
     * Clip epsilons (low, high), each finite and {@code >= 0}.
     *
     * @param low the lower clip epsilon
     * @param high the upper clip epsilon
     * @return this builder
     */
    public Builder clip(double low, double high) {
      this.clipLow = low;
      this.clipHigh = high;
      return this;
    }

    /**
     * KL weight, finite and {@code >= 0} (0: no KL, the paper).
     *
     * @param beta the KL weight
     * @return this builder
     */
    public Builder klBeta(double beta) {
      this.klBeta = beta;
      return this;
    }

    /**
     * Loss aggregation (see {@link LossAggregations}).
     *
     * @param a the aggregation
     * @return this builder
     */
    public Builder aggregation(LossAggregation a) {
      this.aggregation = a;
      return this;
    }

    /**
     * Builds the recipe.
     *
     * @return the validated recipe
     * @throws ConfigurationException naming the first invalid setting and its valid values
     */
    public Recipe build() {
      if (name == null || name.isBlank()) {
        throw new ConfigurationException("recipe name must not be blank");
      }
      if (challengerGroupSize < 1) {
        throw new ConfigurationException("challengerGroupSize must be >= 1, got " + challengerGroupSize);
      }
      if (reasonerGroupSize < 2) {
        throw new ConfigurationException("reasonerGroupSize must be >= 2, got " + reasonerGroupSize);
      }
      if (challengerReward == null || reasonerReward == null) {
        throw new ConfigurationException("challengerReward and reasonerReward must be set");
      }
      if (challengerAdvantage == null || reasonerAdvantage == null) {
        throw new ConfigurationException("challengerAdvantage and reasonerAdvantage must be set; valid: "
            + "AdvantageEstimators.drGrpo(), grpo(), rloo(), reinforcePlusPlus()");
      }
      if (challengerGroupSize < challengerAdvantage.minGroupSize()) {
        throw new ConfigurationException("challengerGroupSize " + challengerGroupSize + " is below "
            + challengerAdvantage.name() + "'s minimum group size " + challengerAdvantage.minGroupSize());
      }
      if (reasonerGroupSize < reasonerAdvantage.minGroupSize()) {
        throw new ConfigurationException("reasonerGroupSize " + reasonerGroupSize + " is below "
            + reasonerAdvantage.name() + "'s minimum group size " + reasonerAdvantage.minGroupSize());
      }
      if (aggregation == null) {
        throw new ConfigurationException("aggregation must be set; valid: LossAggregations.drGrpo(lNorm), "
            + "sequenceMean(), tokenMean()");
      }
      LossSettings loss;
      try {
        loss = new LossSettings(clipLow, clipHigh, klBeta, aggregation);
      } catch (IllegalArgumentException e) {
        throw new ConfigurationException(e.getMessage());
      }
      return new Recipe(name, challengerGroupSize, reasonerGroupSize, challengerReward, reasonerReward,
          challengerAdvantage, reasonerAdvantage, loss);
    }
  }
}
