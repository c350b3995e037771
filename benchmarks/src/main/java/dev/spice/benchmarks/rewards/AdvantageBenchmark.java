package dev.spice.benchmarks.rewards;

import dev.spice.core.AdvantageEstimator;
import dev.spice.rewards.AdvantageEstimators;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Advantage estimators over a batch of groups of 8, beside a plain copy of the same data into
 * fresh arrays (the same allocation and memory traffic an estimator cannot avoid). Shapes:
 * {@code 131072x8} (about 1M rewards) and {@code 128x8} (one paper-sized batch). Rewards are 0/1
 * with about 1% NaN.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class AdvantageBenchmark {
  /** Number of groups (of 8). */
  @Param({"131072", "128"})
  public int groups;

  private double[][] rewards;
  private final AdvantageEstimator drGrpo = AdvantageEstimators.drGrpo();
  private final AdvantageEstimator grpo = AdvantageEstimators.grpo();
  private final AdvantageEstimator rloo = AdvantageEstimators.rloo();
  private final AdvantageEstimator reinforce = AdvantageEstimators.reinforcePlusPlus();

  /** Fills the batch with a fixed seed. */
  @Setup
  public void setup() {
    SplittableRandom r = new SplittableRandom(7);
    rewards = new double[groups][8];
    for (double[] g : rewards) {
      for (int i = 0; i < 8; i++) {
        g[i] = r.nextInt(100) == 0 ? Double.NaN : r.nextInt(2);
      }
    }
  }

  /** Baseline: copy every group into a new array. */
  @Benchmark
  public double[][] copy() {
    double[][] in = rewards;
    double[][] out = new double[in.length][];
    for (int g = 0; g < in.length; g++) {
      out[g] = in[g].clone();
    }
    return out;
  }

  /** Dr. GRPO. */
  @Benchmark
  public double[][] drGrpo() {
    return drGrpo.estimate(rewards);
  }

  /** GRPO. */
  @Benchmark
  public double[][] grpo() {
    return grpo.estimate(rewards);
  }

  /** RLOO. */
  @Benchmark
  public double[][] rloo() {
    return rloo.estimate(rewards);
  }

  /** REINFORCE++ with the batch baseline. */
  @Benchmark
  public double[][] reinforcePlusPlus() {
    return reinforce.estimate(rewards);
  }
}
