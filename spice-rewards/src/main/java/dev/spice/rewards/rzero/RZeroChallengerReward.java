package dev.spice.rewards.rzero;

import dev.spice.core.ChallengerOutcome;
import dev.spice.core.RewardContext;
import dev.spice.core.RewardFunction;
import dev.spice.core.Rewards;
import dev.spice.core.SpiceException.ConfigurationException;
import dev.spice.core.SpiceException.RewardException;
import dev.spice.rewards.ChallengerRewards;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * R-Zero's Challenger reward over one batch: {@code max(0, r_unc - r_rep)} for a valid question,
 * the format penalty for an invalid one. See {@link RZeroSettings#challengerReward()}.
 */
final class RZeroChallengerReward implements RewardFunction<ChallengerOutcome> {
  static final String NAME = "r_zero_repetition";

  private final RepetitionPenalty repetition;
  private final double invalidPenalty;

  RZeroChallengerReward(RepetitionPenalty repetition, double invalidPenalty) {
    if (!Double.isFinite(invalidPenalty)) {
      throw new ConfigurationException("invalid-question penalty must be finite, got " + invalidPenalty);
    }
    this.repetition = repetition;
    this.invalidPenalty = invalidPenalty;
  }

  @Override
  public Rewards score(List<ChallengerOutcome> items, RewardContext context) {
    int n = items.size();
    double[] values = new double[n];
    double[] valid = new double[n];
    double[] pass = new double[n];
    double[] unc = new double[n];
    double[] rep = new double[n];
    List<String> questions = new ArrayList<>();
    List<Integer> where = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ChallengerOutcome o = items.get(i);
      pass[i] = Double.NaN;
      unc[i] = Double.NaN;
      rep[i] = Double.NaN;
      if (!o.isValid()) {
        values[i] = invalidPenalty;
        continue;
      }
      double[] c = o.reasonerCorrect();
      for (int j = 0; j < c.length; j++) {
        if (!(c[j] >= 0 && c[j] <= 1)) {
          throw new RewardException("Challenger reward '" + NAME + "': item " + i + " has pass indicator "
              + c[j] + " at position " + j + "; expected a value in [0, 1]");
        }
      }
      valid[i] = 1;
      pass[i] = o.passRate();
      unc[i] = ChallengerRewards.rZeroUncertainty(pass[i]);
      questions.add(o.attempt().task().question());
      where.add(i);
    }
    double[] penalties = RepetitionPenalty.penalties(repetition.clusters(questions), n);
    for (int k = 0; k < penalties.length; k++) {
      int i = where.get(k);
      rep[i] = penalties[k];
      values[i] = Math.max(0, unc[i] - rep[i]);
    }
    Map<String, double[]> comp = new TreeMap<>();
    comp.put("valid", valid);
    comp.put("pass_rate", pass);
    comp.put("uncertainty", unc);
    comp.put("repetition", rep);
    return new Rewards(values, comp);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String toString() {
    return NAME + "(tau=" + repetition.tau() + ", penalty=" + invalidPenalty + ")";
  }
}
