package dev.spice.rewards;

import dev.spice.core.AnswerExtractor;
import dev.spice.core.ReasonerAttempt;
import dev.spice.core.RewardFunction;
import dev.spice.core.Rewards;
import dev.spice.core.SpiceException.ConfigurationException;
import dev.spice.rewards.verify.AnswerExtractors;
import dev.spice.rewards.verify.AnswerVerifier;
import dev.spice.rewards.verify.Verifiers;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Reasoner rewards ({@code RewardFunction<ReasonerAttempt>}).
 *
 * <p>Every function built here emits the sub-score {@value Rewards#CORRECT} with the 0/1 pass
 * indicator of each answer (the engine computes the Challenger's pass rate from it), is
 * deterministic, stateless and thread-safe, and never throws on any model output.
 *
 * <p>How an answer is judged: the final answer is extracted from the completion text with the
 * configured {@link AnswerExtractor} (default {@link AnswerExtractors#defaults()}); if none is
 * found there, the attempt's own {@link ReasonerAttempt#answer()} is used. It is then verified
 * against the task with {@link AnswerVerifier#verify(String, dev.spice.core.Task)} (multiple
 * choice: letter or option text against the gold letter; free form: by answer type, aliases from
 * the task metadata key {@value Verifiers#ALIASES_KEY}).
 */
public final class ReasonerRewards {
  /** Name of the correctness sub-score and function. */
  public static final String CORRECTNESS = "correctness";
  /** Name of the format sub-score and function. */
  public static final String FORMAT = "format";

  private static final RewardFunction<ReasonerAttempt> DEFAULT =
      new Correctness(AnswerExtractors.defaults(), Verifiers.defaults());

  private ReasonerRewards() {}

  /**
   * The paper's Reasoner reward: 1 if the answer verifies, else 0; name {@code correctness}.
   *
   * @return the shared default correctness reward
   */
  public static RewardFunction<ReasonerAttempt> correctness() {
    return DEFAULT;
  }

  /**
   * Correctness with a chosen extractor and verifier (both thread-safe, non-null).
   *
   * @param extractor finds the final answer in a completion
   * @param verifier judges the answer against the task
   * @return a correctness reward using them
   */
  public static RewardFunction<ReasonerAttempt> correctness(AnswerExtractor extractor, AnswerVerifier verifier) {
    return new Correctness(Objects.requireNonNull(extractor, "extractor"), Objects.requireNonNull(verifier, "verifier"));
  }

  /**
   * Format reward: 1 if the completion follows the paper's convention (a non-empty final
   * {@code \boxed{...}}), else 0; name {@code format}. Its {@value Rewards#CORRECT} sub-score still
   * holds correctness, so it can be used alone.
   *
   * @return a new format reward
   */
  public static RewardFunction<ReasonerAttempt> format() {
    return builder().correctnessWeight(0).formatWeight(1).name(FORMAT).build();
  }

  /**
   * A builder of a weighted composition, seeded with correctness weight 1 and no format reward.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Weighted composition: {@code reward = sum_k weight_k * subscore_k}. Sub-scores are emitted
   * under their names ({@code correctness}, {@code format}, added ones) besides
   * {@value Rewards#CORRECT}. A {@code NaN} sub-score makes the reward {@code NaN}.
   */
  public static final class Builder {
    private AnswerExtractor extractor = AnswerExtractors.defaults();
    private AnswerVerifier verifier = Verifiers.defaults();
    private double correctnessWeight = 1;
    private double formatWeight = 0;
    private String name = CORRECTNESS;
    private final List<String> names = new ArrayList<>();
    private final List<RewardFunction<ReasonerAttempt>> extra = new ArrayList<>();
    private final List<Double> weights = new ArrayList<>();

    private Builder() {}

    /**
     * The extractor used for correctness and format.
     *
     * @param e the extractor
     * @return this builder
     */
    public Builder extractor(AnswerExtractor e) {
      this.extractor = e;
      return this;
    }

    /**
     * The verifier used for correctness.
     *
     * @param v the verifier
     * @return this builder
     */
    public Builder verifier(AnswerVerifier v) {
      this.verifier = v;
      return this;
    }

    /**
     * Weight of correctness (finite); default 1.
     *
     * @param w the weight
     * @return this builder
     */
    public Builder correctnessWeight(double w) {
      this.correctnessWeight = w;
      return this;
    }

    /**
     * Weight of the format sub-score (finite); default 0 (off).
     *
     * @param w the weight
     * @return this builder
     */
    public Builder formatWeight(double w) {
      this.formatWeight = w;
      return this;
    }

    /**
     * Adds a named sub-score; its values must be finite or NaN.
     *
     * @param subScoreName the sub-score's name, not blank and not reserved
     * @param f the function computing the sub-score
     * @param weight the sub-score's weight, finite
     * @return this builder
     */
    public Builder add(String subScoreName, RewardFunction<ReasonerAttempt> f, double weight) {
      names.add(subScoreName);
      extra.add(f);
      weights.add(weight);
      return this;
    }

    /**
     * The function's name in metrics; default {@code correctness}.
     *
     * @param n the name
     * @return this builder
     */
    public Builder name(String n) {
      this.name = n;
      return this;
    }

    /**
     * Builds the function.
     *
     * @return the weighted reward function
     * @throws ConfigurationException for a null extractor or verifier, a blank or duplicate
     *     name, a non-finite weight, or a sub-score named {@value Rewards#CORRECT}
     */
    public RewardFunction<ReasonerAttempt> build() {
      if (extractor == null || verifier == null) {
        throw new ConfigurationException("extractor and verifier must not be null");
      }
      if (name == null || name.isBlank()) {
        throw new ConfigurationException("reward name must not be blank");
      }
      if (!Double.isFinite(correctnessWeight) || !Double.isFinite(formatWeight)) {
        throw new ConfigurationException("weights must be finite, got correctness=" + correctnessWeight
            + ", format=" + formatWeight);
      }
      Set<String> seen = new LinkedHashSet<>(List.of(CORRECTNESS, FORMAT, Rewards.CORRECT));
      for (int k = 0; k < names.size(); k++) {
        String n = names.get(k);
        if (n == null || n.isBlank() || !seen.add(n)) {
          throw new ConfigurationException("sub-score name '" + n + "' is blank or already used; reserved: "
              + CORRECTNESS + ", " + FORMAT + ", " + Rewards.CORRECT);
        }
        if (extra.get(k) == null || !Double.isFinite(weights.get(k))) {
          throw new ConfigurationException("sub-score '" + n + "' needs a function and a finite weight");
        }
      }
      double[] w = new double[weights.size()];
      for (int k = 0; k < w.length; k++) {
        w[k] = weights.get(k);
      }
      return new WeightedReasonerReward(name, new Correctness(extractor, verifier), correctnessWeight,
          formatWeight, List.copyOf(names), List.copyOf(extra), w);
    }
  }
}
