package dev.spice.benchmarks.rewards;

import dev.spice.core.AdvantageEstimator;
import dev.spice.rewards.AdvantageEstimators;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Advantage estimators over {@code groups} groups of {@code groupSize} rewards (0/1 with about 1%
 * NaN, fixed seed), in both forms of {@link AdvantageEstimator}:
 *
 * <ul>
 *   <li>{@code flat*}: {@link AdvantageEstimator#estimateInto(double[], int[], double[])} from one
 *       flat reward array with group offsets into one preallocated output array (allocates nothing);
 *   <li>{@code nested*}: {@link AdvantageEstimator#estimate(double[][])}, one new array per group.
 * </ul>
 *
 * <p>Anchors: {@code arraycopy} is {@code System.arraycopy} of the same flat array into the same
 * output array, the memory traffic every flat estimator has at least (read n doubles, write n);
 * {@code cloneGroups} clones every group into a new array, the allocation and traffic the nested
 * form has at least. Run with {@code -prof gc} to see the allocation per operation
 * ({@code gc.alloc.rate.norm}); {@code benchmarks/run-advantage-jmh.sh} runs the published
 * configuration. Fixed heap so that the nested runs' garbage collection does not resize it.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 5, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 10, time = 1)
public class AdvantageBenchmark {
  /** Number of groups. */
  @Param({"1024", "131072"})
  public int groups;

  /** Rewards per group. */
  @Param({"8"})
  public int groupSize;

  private double[] flat;
  private int[] offsets;
  private double[] out;
  private double[][] nested;
  private final AdvantageEstimator drGrpo = AdvantageEstimators.drGrpo();
  private final AdvantageEstimator grpo = AdvantageEstimators.grpo();
  private final AdvantageEstimator rloo = AdvantageEstimators.rloo();
  private final AdvantageEstimator reinforce = AdvantageEstimators.reinforcePlusPlus();

  /** Fills the batch with a fixed seed, in both layouts (same values). */
  @Setup
  public void setup() {
    SplittableRandom r = new SplittableRandom(7);
    int n = groups * groupSize;
    flat = new double[n];
    for (int i = 0; i < n; i++) {
      flat[i] = r.nextInt(100) == 0 ? Double.NaN : r.nextInt(2);
    }
    offsets = new int[groups + 1];
    for (int g = 0; g <= groups; g++) {
      offsets[g] = g * groupSize;
    }
    out = new double[n];
    nested = new double[groups][];
    for (int g = 0; g < groups; g++) {
      nested[g] = Arrays.copyOfRange(flat, offsets[g], offsets[g + 1]);
    }
  }

  /** Memory-bandwidth anchor: {@code System.arraycopy} of the flat rewards into the output. */
  @Benchmark
  public double[] arraycopy() {
    System.arraycopy(flat, 0, out, 0, flat.length);
    return out;
  }

  /** Allocation anchor of the nested form: every group cloned into a new array. */
  @Benchmark
  public double[][] cloneGroups() {
    double[][] in = nested;
    double[][] copy = new double[in.length][];
    for (int g = 0; g < in.length; g++) {
      copy[g] = in[g].clone();
    }
    return copy;
  }

  /** Dr. GRPO, flat form. */
  @Benchmark
  public double[] flatDrGrpo() {
    drGrpo.estimateInto(flat, offsets, out);
    return out;
  }

  /** GRPO, flat form. */
  @Benchmark
  public double[] flatGrpo() {
    grpo.estimateInto(flat, offsets, out);
    return out;
  }

  /** RLOO, flat form. */
  @Benchmark
  public double[] flatRloo() {
    rloo.estimateInto(flat, offsets, out);
    return out;
  }

  /** REINFORCE++ (batch baseline), flat form. */
  @Benchmark
  public double[] flatReinforcePlusPlus() {
    reinforce.estimateInto(flat, offsets, out);
    return out;
  }

  /** Dr. GRPO, nested form. */
  @Benchmark
  public double[][] nestedDrGrpo() {
    return drGrpo.estimate(nested);
  }

  /** GRPO, nested form. */
  @Benchmark
  public double[][] nestedGrpo() {
    return grpo.estimate(nested);
  }

  /** RLOO, nested form. */
  @Benchmark
  public double[][] nestedRloo() {
    return rloo.estimate(nested);
  }

  /** REINFORCE++ (batch baseline), nested form. */
  @Benchmark
  public double[][] nestedReinforcePlusPlus() {
    return reinforce.estimate(nested);
  }
}
