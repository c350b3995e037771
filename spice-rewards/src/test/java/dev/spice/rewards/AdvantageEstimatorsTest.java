package dev.spice.rewards;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.AdvantageEstimator;
import dev.spice.core.SpiceException.ConfigurationException;
import org.junit.jupiter.api.Test;

class AdvantageEstimatorsTest {
  private static final double NaN = Double.NaN;

  @Test
  void drGrpoSubtractsTheGroupMean() {
    double[][] a = AdvantageEstimators.drGrpo().estimate(new double[][] {{1, 0, 0, 1}, {1, 1, 1, 0}});
    assertArrayEquals(new double[] {0.5, -0.5, -0.5, 0.5}, a[0], 1e-12);
    assertArrayEquals(new double[] {0.25, 0.25, 0.25, -0.75}, a[1], 1e-12);
  }

  @Test
  void grpoDividesBySampleStdWithAFloor() {
    double[][] a = AdvantageEstimators.grpo().estimate(new double[][] {{1, 0, 0, 1}, {0.5, 0.5, 0.5}});
    double std = Math.sqrt(1.0 / 3); // sample std of 1,0,0,1
    assertArrayEquals(new double[] {0.5 / std, -0.5 / std, -0.5 / std, 0.5 / std}, a[0], 1e-12);
    assertArrayEquals(new double[] {0, 0, 0}, a[1], 0);
    double[][] tiny = AdvantageEstimators.grpo(0.01).estimate(new double[][] {{0, 1e-6}});
    assertEquals(-0.5e-6 / 0.01, tiny[0][0], 1e-15);
  }

  @Test
  void rlooUsesTheLeaveOneOutMean() {
    double[][] a = AdvantageEstimators.rloo().estimate(new double[][] {{1, 0, 0}});
    assertArrayEquals(new double[] {1, -0.5, -0.5}, a[0], 1e-12);
  }

  @Test
  void nanRewardsAreExcludedAndGiveNaN() {
    for (AdvantageEstimator e : new AdvantageEstimator[] {AdvantageEstimators.drGrpo(), AdvantageEstimators.grpo(),
        AdvantageEstimators.rloo(), AdvantageEstimators.reinforcePlusPlus()}) {
      double[][] in = {{1, NaN, 0, NaN}, {NaN, NaN}, {NaN, 3}};
      double[][] copy = {in[0].clone(), in[1].clone(), in[2].clone()};
      double[][] a = e.estimate(in);
      assertTrue(Double.isNaN(a[0][1]) && Double.isNaN(a[0][3]) && Double.isNaN(a[1][0]) && Double.isNaN(a[2][0]), e.name());
      assertTrue(Double.isFinite(a[0][0]) && Double.isFinite(a[0][2]) && Double.isFinite(a[2][1]), e.name());
      for (int g = 0; g < in.length; g++) {
        assertArrayEquals(copy[g], in[g], e.name() + " modified its input");
      }
    }
    assertArrayEquals(new double[] {0.5, NaN, -0.5, NaN},
        AdvantageEstimators.drGrpo().estimate(new double[][] {{1, NaN, 0, NaN}})[0], 1e-12);
    assertArrayEquals(new double[] {NaN, 0}, AdvantageEstimators.drGrpo().estimate(new double[][] {{NaN, 3}})[0], 0);
  }

  @Test
  void reinforcePlusPlusNormalisesOverTheBatch() {
    double[][] a = AdvantageEstimators.reinforcePlusPlus().estimate(new double[][] {{1}, {0}, {1}, {0}});
    double std = Math.sqrt(1.0 / 3);
    assertArrayEquals(new double[] {0.5 / std}, a[0], 1e-12);
    assertArrayEquals(new double[] {-0.5 / std}, a[1], 1e-12);
    assertEquals(1, AdvantageEstimators.reinforcePlusPlus().minGroupSize());
    double[][] b = AdvantageEstimators.reinforcePlusPlus(true, 1e-4).estimate(new double[][] {{1, 0}, {1, 1}});
    assertEquals(0, b[1][0], 0);
    assertEquals(-b[0][1], b[0][0], 1e-12);
  }

  @Test
  void reinforcePlusPlusWithAGroupBaselineCentresEachGroupThenScalesByTheBatchStd() {
    double[][] r = {{1, 0, NaN}, {1, 1}, {NaN, 4}};
    // group means 0.5, 1, 4: centred {0.5, -0.5, NaN}, {0, 0}, {NaN, 0}; 5 values, mean 0,
    // sample variance (0.25 + 0.25) / 4 = 1/8, so each centred value is multiplied by sqrt(8)
    double[][] a = AdvantageEstimators.reinforcePlusPlus(true, 1e-4).estimate(r);
    assertArrayEquals(new double[] {Math.sqrt(2), -Math.sqrt(2), NaN}, a[0], 1e-12);
    assertArrayEquals(new double[] {0, 0}, a[1], 1e-12);
    assertArrayEquals(new double[] {NaN, 0}, a[2], 1e-12);
    // the batch baseline on the same rewards: mean of {1, 0, 1, 1, 4} is 1.4, deviations
    // {-0.4, -1.4, -0.4, -0.4, 2.6}, sample variance 9.2 / 4 = 2.3
    double[][] b = AdvantageEstimators.reinforcePlusPlus().estimate(r);
    double std = Math.sqrt(2.3);
    assertArrayEquals(new double[] {-0.4 / std, -1.4 / std, NaN}, b[0], 1e-12);
    assertArrayEquals(new double[] {-0.4 / std, -0.4 / std}, b[1], 1e-12);
    assertArrayEquals(new double[] {NaN, 2.6 / std}, b[2], 1e-12);
    assertEquals(2, AdvantageEstimators.reinforcePlusPlus(true, 1e-4).minGroupSize());
  }

  @Test
  void aSingleApplicableRewardGetsAdvantageZero() {
    AdvantageEstimator[] all = {AdvantageEstimators.drGrpo(), AdvantageEstimators.grpo(), AdvantageEstimators.rloo(),
        AdvantageEstimators.reinforcePlusPlus(), AdvantageEstimators.reinforcePlusPlus(true, 1e-4)};
    for (AdvantageEstimator e : all) {
      assertArrayEquals(new double[] {NaN, 0}, e.estimate(new double[][] {{NaN, 3}})[0], 0, e.name());
    }
    AdvantageEstimator[] groupBaselines = {AdvantageEstimators.drGrpo(), AdvantageEstimators.grpo(),
        AdvantageEstimators.rloo(), AdvantageEstimators.reinforcePlusPlus(true, 1e-4)};
    for (AdvantageEstimator e : groupBaselines) {
      double[][] eachAlone = e.estimate(new double[][] {{NaN, 3}, {7, NaN}});
      assertArrayEquals(new double[] {NaN, 0}, eachAlone[0], 0, e.name());
      assertArrayEquals(new double[] {0, NaN}, eachAlone[1], 0, e.name());
    }
    // REINFORCE++ with the batch baseline works with groups of one: one reward in the batch gives 0
    assertArrayEquals(new double[] {0}, AdvantageEstimators.reinforcePlusPlus().estimate(new double[][] {{5}})[0], 0);
    // ... and two single rewards are compared with each other: baseline 5, deviations -2 and 2,
    // sample std sqrt(8)
    double[][] b = AdvantageEstimators.reinforcePlusPlus().estimate(new double[][] {{NaN, 3}, {7, NaN}});
    assertArrayEquals(new double[] {NaN, -2 / Math.sqrt(8)}, b[0], 1e-12);
    assertArrayEquals(new double[] {2 / Math.sqrt(8), NaN}, b[1], 1e-12);
  }

  @Test
  void everyEstimatorRejectsInfiniteRewardsNamingTheItem() {
    AdvantageEstimator[] all = {AdvantageEstimators.drGrpo(), AdvantageEstimators.grpo(), AdvantageEstimators.rloo(),
        AdvantageEstimators.reinforcePlusPlus(), AdvantageEstimators.reinforcePlusPlus(true, 1e-4)};
    for (AdvantageEstimator e : all) {
      IllegalArgumentException plus = assertThrows(IllegalArgumentException.class,
          () -> e.estimate(new double[][] {{0, 1}, {1, Double.POSITIVE_INFINITY, NaN}}), e.name());
      assertEquals("reward of group 1, item 1 is Infinity; rewards must be finite or NaN", plus.getMessage());
      IllegalArgumentException minus = assertThrows(IllegalArgumentException.class,
          () -> e.estimate(new double[][] {{Double.NEGATIVE_INFINITY, 1}}), e.name());
      assertEquals("reward of group 0, item 0 is -Infinity; rewards must be finite or NaN", minus.getMessage());
    }
  }

  @Test
  void everyEstimatorRejectsFiniteRewardsWhoseSumOverflows() {
    AdvantageEstimator[] all = {AdvantageEstimators.drGrpo(), AdvantageEstimators.grpo(), AdvantageEstimators.rloo(),
        AdvantageEstimators.reinforcePlusPlus(), AdvantageEstimators.reinforcePlusPlus(true, 1e-4)};
    for (AdvantageEstimator e : all) {
      IllegalArgumentException x = assertThrows(IllegalArgumentException.class,
          () -> e.estimate(new double[][] {{0, 1}, {1e308, 1e308}}), e.name());
      assertEquals("rewards of group 1 overflow when summed", x.getMessage());
    }
    // the batch baseline sums over all groups: each group's sum is finite here, the batch's is not
    IllegalArgumentException batch = assertThrows(IllegalArgumentException.class,
        () -> AdvantageEstimators.reinforcePlusPlus().estimate(new double[][] {{1e308}, {1e308}}));
    assertEquals("rewards of the batch overflow when summed for its baseline", batch.getMessage());
  }

  @Test
  void infiniteRewardsAreRejectedNamingTheItem() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> AdvantageEstimators.drGrpo().estimate(new double[][] {{0}, {1, Double.POSITIVE_INFINITY}}));
    assertTrue(e.getMessage().contains("group 1, item 1"), e.getMessage());
  }

  @Test
  void byNameReturnsTheDefaultEstimatorOfEachRecordedName() {
    // the names are what metrics and checkpoint settings record; byName must read them back
    for (String n : new String[] {"dr_grpo", "grpo", "rloo", "reinforce_pp"}) {
      assertEquals(n, AdvantageEstimators.byName(n).name());
    }
    double[][] r = {{1, 0, 0}};
    assertArrayEquals(AdvantageEstimators.rloo().estimate(r)[0], AdvantageEstimators.byName("rloo").estimate(r)[0], 0);
    // grpo by name has the default floor 1e-4: sample std of {0, 1e-6} is 7.1e-7, below it
    assertEquals(-0.5e-6 / 1e-4, AdvantageEstimators.byName("grpo").estimate(new double[][] {{0, 1e-6}})[0][0], 1e-15);
    assertEquals(1, AdvantageEstimators.byName("reinforce_pp").minGroupSize(), "batch baseline: groups of one work");
    ConfigurationException none = assertThrows(ConfigurationException.class, () -> AdvantageEstimators.byName(null));
    assertEquals("unknown advantage estimator 'null'; valid: dr_grpo, grpo, rloo, reinforce_pp", none.getMessage());
  }

  @Test
  void namesAndFactoriesValidate() {
    assertEquals("dr_grpo", AdvantageEstimators.byName("dr_grpo").name());
    assertEquals("reinforce_pp", AdvantageEstimators.byName("reinforce_pp").name());
    ConfigurationException e = assertThrows(ConfigurationException.class, () -> AdvantageEstimators.byName("ppo"));
    assertTrue(e.getMessage().contains("dr_grpo, grpo, rloo, reinforce_pp"));
    assertThrows(ConfigurationException.class, () -> AdvantageEstimators.grpo(0));
    assertThrows(ConfigurationException.class, () -> AdvantageEstimators.reinforcePlusPlus(false, Double.NaN));
    assertEquals(0, AdvantageEstimators.drGrpo().estimate(new double[0][]).length);
  }
}
