package dev.spice.core.engine;

import dev.spice.core.AdvantageEstimator;
import dev.spice.core.ChallengerOutcome;
import dev.spice.core.LossAggregation;
import dev.spice.core.LossSettings;
import dev.spice.core.ReasonerAttempt;
import dev.spice.core.Recipe;
import dev.spice.core.RewardFunction;
import dev.spice.core.Rewards;
import java.util.Map;

/** Minimal recipe parts written from docs/algorithm.md's formulas (core cannot see spice-rewards). */
final class TestRecipes {
  private TestRecipes() {}

  static final RewardFunction<ChallengerOutcome> VARIANCE = new RewardFunction<>() {
    @Override
    public Rewards score(java.util.List<ChallengerOutcome> items, dev.spice.core.RewardContext c) {
      double[] r = new double[items.size()];
      for (int i = 0; i < r.length; i++) {
        ChallengerOutcome o = items.get(i);
        if (!o.isValid()) {
          r[i] = -0.1;
        } else {
          double p = o.passRate();
          double v = p * (1 - p);
          r[i] = Math.exp(-(v - 0.25) * (v - 0.25) / (2 * 0.01));
        }
      }
      return Rewards.of(r);
    }

    @Override
    public String name() {
      return "variance";
    }
  };

  static final RewardFunction<ReasonerAttempt> EXACT = new RewardFunction<>() {
    @Override
    public Rewards score(java.util.List<ReasonerAttempt> items, dev.spice.core.RewardContext c) {
      double[] r = new double[items.size()];
      for (int i = 0; i < r.length; i++) {
        ReasonerAttempt a = items.get(i);
        r[i] = a.answer() != null && a.answer().equals(a.task().goldAnswer()) ? 1 : 0;
      }
      return new Rewards(r, Map.of(Rewards.CORRECT, r));
    }

    @Override
    public String name() {
      return "exact";
    }
  };

  static final AdvantageEstimator DR_GRPO = new AdvantageEstimator() {
    @Override
    public String name() {
      return "mean_subtracted";
    }

    @Override
    public double[][] estimate(double[][] groups) {
      double[][] out = new double[groups.length][];
      for (int g = 0; g < groups.length; g++) {
        double s = 0;
        int n = 0;
        for (double v : groups[g]) {
          if (!Double.isNaN(v)) {
            s += v;
            n++;
          }
        }
        double mean = n == 0 ? 0 : s / n;
        out[g] = new double[groups[g].length];
        for (int i = 0; i < out[g].length; i++) {
          out[g][i] = groups[g][i] - mean;
        }
      }
      return out;
    }
  };

  static final LossAggregation CONSTANT = new LossAggregation() {
    @Override
    public String name() {
      return "constant(8)";
    }

    @Override
    public double[] sampleWeights(int[] lengths) {
      double[] w = new double[lengths.length];
      java.util.Arrays.fill(w, 1.0 / 8);
      return w;
    }
  };

  static Recipe recipe(int gc, int gr) {
    return new Recipe("test", gc, gr, VARIANCE, EXACT.async(), DR_GRPO, DR_GRPO,
        new LossSettings(0.2, 0.2, 0, CONSTANT));
  }
}
