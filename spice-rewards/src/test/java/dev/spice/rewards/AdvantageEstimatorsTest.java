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
  void infiniteRewardsAreRejectedNamingTheItem() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> AdvantageEstimators.drGrpo().estimate(new double[][] {{0}, {1, Double.POSITIVE_INFINITY}}));
    assertTrue(e.getMessage().contains("group 1, item 1"), e.getMessage());
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
