package dev.spice.rewards;

import dev.spice.core.ReasonerAttempt;
import dev.spice.core.RewardContext;
import dev.spice.core.RewardFunction;
import dev.spice.core.Rewards;
import dev.spice.core.SpiceException.RewardException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Weighted sum of correctness, format and added sub-scores. */
final class WeightedReasonerReward implements RewardFunction<ReasonerAttempt> {
  private final String name;
  private final Correctness correctness;
  private final double wCorrect;
  private final double wFormat;
  private final List<String> names;
  private final List<RewardFunction<ReasonerAttempt>> extra;
  private final double[] weights;

  WeightedReasonerReward(String name, Correctness correctness, double wCorrect, double wFormat,
      List<String> names, List<RewardFunction<ReasonerAttempt>> extra, double[] weights) {
    this.name = name;
    this.correctness = correctness;
    this.wCorrect = wCorrect;
    this.wFormat = wFormat;
    this.names = names;
    this.extra = extra;
    this.weights = weights;
  }

  @Override
  public Rewards score(List<ReasonerAttempt> items, RewardContext context) {
    int n = items.size();
    double[] correct = new double[n];
    double[] format = new double[n];
    double[] total = new double[n];
    for (int i = 0; i < n; i++) {
      ReasonerAttempt a = items.get(i);
      correct[i] = correctness.correct(a);
      format[i] = wFormat != 0 || name.equals(ReasonerRewards.FORMAT) ? Correctness.format(a) : 0;
      total[i] = wCorrect * correct[i] + wFormat * format[i];
    }
    Map<String, double[]> comp = new TreeMap<>();
    comp.put(Rewards.CORRECT, correct);
    comp.put(ReasonerRewards.CORRECTNESS, correct);
    if (wFormat != 0 || name.equals(ReasonerRewards.FORMAT)) {
      comp.put(ReasonerRewards.FORMAT, format);
    }
    for (int k = 0; k < extra.size(); k++) {
      Rewards r = extra.get(k).score(items, context);
      if (r == null || r.size() != n) {
        throw new RewardException("sub-score '" + names.get(k) + "' returned "
            + (r == null ? "null" : r.size() + " values") + " for " + n + " items");
      }
      double[] v = r.values();
      for (int i = 0; i < n; i++) {
        if (Double.isInfinite(v[i])) {
          throw new RewardException("sub-score '" + names.get(k) + "' gave " + v[i] + " for item " + i);
        }
        total[i] += weights[k] * v[i];
      }
      comp.put(names.get(k), v);
    }
    return new Rewards(total, comp);
  }

  @Override
  public String name() {
    return name;
  }
}
