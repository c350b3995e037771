package dev.spice.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** The default flat form {@code estimateInto} of a third-party estimator: delegation and checks. */
class AdvantageEstimatorFlatTest {

  /** A third-party estimator that only implements {@code estimate}. */
  static AdvantageEstimator estimator(UnaryOperator<double[][]> f) {
    return new AdvantageEstimator() {
      @Override
      public String name() {
        return "third_party";
      }

      @Override
      public double[][] estimate(double[][] rewardsByGroup) {
        return f.apply(rewardsByGroup);
      }
    };
  }

  /** Each reward times (group index + 1) minus its position in the group: order-sensitive. */
  static double[][] positional(double[][] in) {
    double[][] out = new double[in.length][];
    for (int g = 0; g < in.length; g++) {
      out[g] = new double[in[g].length];
      for (int i = 0; i < in[g].length; i++) {
        out[g][i] = in[g][i] * (g + 1) - i;
      }
    }
    return out;
  }

  @Test
  void defaultDelegatesToTheGroupFormGroupByGroup() {
    AdvantageEstimator e = estimator(AdvantageEstimatorFlatTest::positional);
    SplittableRandom rnd = new SplittableRandom(11);
    for (int example = 0; example < 300; example++) {
      int groups = rnd.nextInt(0, 6);
      int[] off = new int[groups + 1];
      for (int g = 0; g < groups; g++) {
        off[g + 1] = off[g] + (rnd.nextInt(3) == 0 ? rnd.nextInt(0, 2) : rnd.nextInt(0, 9));
      }
      double[] rewards = new double[off[groups] + rnd.nextInt(2)];
      for (int i = 0; i < rewards.length; i++) {
        rewards[i] = rnd.nextInt(5) == 0 ? Double.NaN : rnd.nextDouble();
      }
      double[][] nested = new double[groups][];
      for (int g = 0; g < groups; g++) {
        nested[g] = Arrays.copyOfRange(rewards, off[g], off[g + 1]);
      }
      double[][] want = positional(nested);
      double[] out = new double[off[groups] + 2];
      Arrays.fill(out, -7);
      double[] before = rewards.clone();
      e.estimateInto(rewards, off, out);
      for (int g = 0; g < groups; g++) {
        assertArrayEquals(want[g], Arrays.copyOfRange(out, off[g], off[g + 1]), "group " + g);
      }
      assertEquals(-7, out[off[groups]]);
      assertEquals(-7, out[off[groups] + 1]);
      assertArrayEquals(before, rewards);
    }
  }

  @Test
  void argumentsAreCheckedBeforeTheEstimatorRuns() {
    AdvantageEstimator e = estimator(in -> {
      throw new AssertionError("estimate must not run");
    });
    double[] r = {1, 2, 3};
    assertEquals("rewards", assertThrows(NullPointerException.class,
        () -> e.estimateInto(null, new int[] {0, 3}, new double[3])).getMessage());
    assertEquals("groupOffsets", assertThrows(NullPointerException.class,
        () -> e.estimateInto(r, null, new double[3])).getMessage());
    assertEquals("out", assertThrows(NullPointerException.class,
        () -> e.estimateInto(r, new int[] {0, 3}, null)).getMessage());
    assertTrue(assertThrows(IllegalArgumentException.class, () -> e.estimateInto(r, new int[] {0, 2, 1}, new double[3]))
        .getMessage().contains("groupOffsets[2] = 1 is below groupOffsets[1] = 2"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> e.estimateInto(r, new int[] {0, 4}, new double[4]))
        .getMessage().contains("beyond the 3 rewards"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> e.estimateInto(r, new int[] {0, 3}, new double[2]))
        .getMessage().contains("out holds 2 values; the batch needs 3"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> e.estimateInto(r, new int[] {0, 3}, r))
        .getMessage().contains("must not be the rewards array"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> e.estimateInto(r, new int[] {2, 3}, new double[3]))
        .getMessage().contains("groupOffsets[0] is 2"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> e.estimateInto(r, new int[0], new double[3]))
        .getMessage().contains("groupOffsets is empty"));
  }

  @Test
  void aWrongShapeFromTheEstimatorIsReportedNotCopied() {
    double[] r = {1, 2, 3};
    double[] out = {9, 9, 9};
    AdvantageEstimator fewerGroups = estimator(in -> new double[][] {in[0]});
    assertTrue(assertThrows(IllegalStateException.class, () -> fewerGroups.estimateInto(r, new int[] {0, 1, 3}, out))
        .getMessage().contains("returned 1 groups for 2 groups"));
    AdvantageEstimator shortGroup = estimator(in -> new double[][] {in[0], new double[1]});
    assertTrue(assertThrows(IllegalStateException.class, () -> shortGroup.estimateInto(r, new int[] {0, 1, 3}, out))
        .getMessage().contains("returned group 1 with 1 advantages for 2 rewards"));
    AdvantageEstimator nullResult = estimator(in -> null);
    assertTrue(assertThrows(IllegalStateException.class, () -> nullResult.estimateInto(r, new int[] {0, 3}, out))
        .getMessage().contains("returned null"));
  }
}
