package dev.spice.rewards;

import dev.spice.core.ChallengerOutcome;
import dev.spice.core.RewardContext;
import dev.spice.core.RewardFunction;
import dev.spice.core.Rewards;
import dev.spice.core.SpiceException.ConfigurationException;
import dev.spice.core.SpiceException.RewardException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.DoubleUnaryOperator;

/** A Challenger reward computed from the pass rate, with a penalty for invalid tasks. */
final class PassRateReward implements RewardFunction<ChallengerOutcome> {
  private final String name;
  private final DoubleUnaryOperator f;
  private final double penalty;

  PassRateReward(String name, DoubleUnaryOperator f, double penalty) {
    if (Double.isInfinite(penalty) || (Double.isNaN(penalty) && !"none".equals(name))) {
      throw new ConfigurationException("invalid-task penalty must be finite, got " + penalty);
    }
    this.name = name;
    this.f = f;
    this.penalty = penalty;
  }

  @Override
  public Rewards score(List<ChallengerOutcome> items, RewardContext context) {
    int n = items.size();
    double[] values = new double[n];
    double[] valid = new double[n];
    double[] pass = new double[n];
    for (int i = 0; i < n; i++) {
      ChallengerOutcome o = items.get(i);
      if (!o.isValid()) {
        values[i] = penalty;
        pass[i] = Double.NaN;
        continue;
      }
      double[] c = o.reasonerCorrect();
      for (int j = 0; j < c.length; j++) {
        if (!(c[j] >= 0 && c[j] <= 1)) {
          throw new RewardException("Challenger reward '" + name + "': item " + i
              + " has pass indicator " + c[j] + " at position " + j + "; expected a value in [0, 1]");
        }
      }
      double p = o.passRate();
      valid[i] = 1;
      pass[i] = p;
      double v = f.applyAsDouble(p);
      if (Double.isInfinite(v) || (Double.isNaN(v) && !"none".equals(name))) {
        throw new RewardException("Challenger reward '" + name + "' gave " + v + " for pass rate " + p
            + " (item " + i + "); rewards must be finite");
      }
      values[i] = v;
    }
    Map<String, double[]> comp = new TreeMap<>();
    comp.put("valid", valid);
    comp.put("pass_rate", pass);
    return new Rewards(values, comp);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String toString() {
    return name + "(penalty=" + penalty + ")";
  }
}
