package dev.spice.rewards;

import dev.spice.core.LossAggregation;
import dev.spice.core.SpiceException.ConfigurationException;

/**
 * The loss aggregation modes, as pure functions from the update batch's completion lengths to one
 * weight per sample ({@link LossAggregation}). With {@code N} samples and lengths {@code L_i}:
 *
 * <ul>
 *   <li>{@link #drGrpo(int)}: {@code w_i = 1 / (L_norm * N)}: each sample's token sum is divided
 *       by the constant {@code L_norm} (the maximum generation length, 3000 in the paper's recipe)
 *       and the samples are averaged. The weight does not depend on the sample's own length.
 *   <li>{@link #sequenceMean()}: {@code w_i = 1 / (L_i * N)}: per-sequence token mean, then the
 *       mean over samples (original GRPO). A zero-length sample gets weight 0.
 *   <li>{@link #tokenMean()}: {@code w_i = 1 / sum_j L_j}: one mean over all tokens of the batch
 *       (DAPO). All weights are 0 if the batch has no tokens.
 * </ul>
 *
 * <p>Weights depend only on the whole update batch, never on micro-batching. All instances are
 * stateless and thread-safe. A negative length is rejected with an
 * {@link IllegalArgumentException} naming its index.
 */
public final class LossAggregations {
  /** The paper's (and Dr. GRPO's reference recipe's) constant normaliser. */
  public static final int PAPER_L_NORM = 3000;

  private LossAggregations() {}

  /**
   * Dr. GRPO with {@code L_norm = 3000}; name {@code dr_grpo(3000)}.
   *
   * @return the paper's Dr. GRPO aggregation
   */
  public static LossAggregation drGrpo() {
    return drGrpo(PAPER_L_NORM);
  }

  /**
   * Dr. GRPO's constant normaliser: {@code w_i = 1 / (lNorm * N)}; name {@code dr_grpo(lNorm)}.
   *
   * @param lNorm the constant, {@code >= 1} (normally the maximum number of generated tokens)
   * @return a Dr. GRPO aggregation with that normaliser
   * @throws ConfigurationException if {@code lNorm < 1}
   */
  public static LossAggregation drGrpo(int lNorm) {
    if (lNorm < 1) {
      throw new ConfigurationException("L_norm must be >= 1 (the maximum generation length), got " + lNorm);
    }
    return new Aggregation("dr_grpo(" + lNorm + ")", 0, lNorm);
  }

  /**
   * Per-sequence token mean, then the mean over samples: {@code w_i = 1/(L_i N)}; name {@code seq_mean}.
   *
   * @return the sequence-mean aggregation
   */
  public static LossAggregation sequenceMean() {
    return new Aggregation("seq_mean", 1, 0);
  }

  /**
   * Global token mean: {@code w_i = 1 / sum_j L_j}; name {@code token_mean}.
   *
   * @return the token-mean aggregation
   */
  public static LossAggregation tokenMean() {
    return new Aggregation("token_mean", 2, 0);
  }

  /** The three modes, one implementation; {@code mode}: 0 constant, 1 sequence mean, 2 token mean. */
  private static final class Aggregation implements LossAggregation {
    private final String name;
    private final int mode;
    private final int lNorm;

    Aggregation(String name, int mode, int lNorm) {
      this.name = name;
      this.mode = mode;
      this.lNorm = lNorm;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public double[] sampleWeights(int[] lengths) {
      int n = lengths.length;
      double[] w = new double[n];
      long total = 0;
      for (int i = 0; i < n; i++) {
        if (lengths[i] < 0) {
          throw new IllegalArgumentException(
              "completion length of sample " + i + " is negative: " + lengths[i]);
        }
        total += lengths[i];
      }
      if (n == 0) {
        return w;
      }
      switch (mode) {
        case 0: {
          double c = 1.0 / ((double) lNorm * n);
          java.util.Arrays.fill(w, c);
          break;
        }
        case 1:
          for (int i = 0; i < n; i++) {
            w[i] = lengths[i] == 0 ? 0 : 1.0 / ((double) lengths[i] * n);
          }
          break;
        default:
          if (total > 0) {
            java.util.Arrays.fill(w, 1.0 / total);
          }
      }
      return w;
    }

    @Override
    public String toString() {
      return name;
    }
  }
}
