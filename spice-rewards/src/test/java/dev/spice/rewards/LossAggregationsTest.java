package dev.spice.rewards;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.spice.core.LossAggregation;
import dev.spice.core.SpiceException.ConfigurationException;
import org.junit.jupiter.api.Test;

class LossAggregationsTest {

  @Test
  void drGrpoWeightIsOneOverLnormTimesN() {
    LossAggregation a = LossAggregations.drGrpo();
    assertEquals("dr_grpo(3000)", a.name());
    assertArrayEquals(new double[] {1.0 / 6000, 1.0 / 6000}, a.sampleWeights(new int[] {10, 2999}), 1e-18);
  }

  @Test
  void sequenceMeanAndTokenMean() {
    assertArrayEquals(new double[] {1.0 / 15, 1.0 / 6, 0}, LossAggregations.sequenceMean().sampleWeights(new int[] {5, 2, 0}), 0);
    assertArrayEquals(new double[] {0.1, 0.1}, LossAggregations.tokenMean().sampleWeights(new int[] {4, 6}), 1e-15);
    assertArrayEquals(new double[] {0, 0}, LossAggregations.tokenMean().sampleWeights(new int[] {0, 0}), 0);
    assertEquals(0, LossAggregations.sequenceMean().sampleWeights(new int[0]).length);
  }

  @Test
  void totalWeightOfTokensIsIndependentOfBatchSplitForTokenMean() {
    int[] lengths = {3, 7, 11, 13};
    double[] w = LossAggregations.tokenMean().sampleWeights(lengths);
    double s = 0;
    for (int i = 0; i < lengths.length; i++) {
      s += w[i] * lengths[i];
    }
    assertEquals(1.0, s, 1e-12);
  }

  @Test
  void drGrpoAcceptsLnormOneAndRefusesZero() {
    LossAggregation one = LossAggregations.drGrpo(1);
    assertEquals("dr_grpo(1)", one.name());
    assertArrayEquals(new double[] {0.5, 0.5}, one.sampleWeights(new int[] {5, 7}), 0);
    ConfigurationException e = assertThrows(ConfigurationException.class, () -> LossAggregations.drGrpo(0));
    assertEquals("L_norm must be >= 1 (the maximum generation length), got 0", e.getMessage());
  }

  @Test
  void badInputIsRejected() {
    assertThrows(ConfigurationException.class, () -> LossAggregations.drGrpo(0));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> LossAggregations.tokenMean().sampleWeights(new int[] {1, -2}));
    assertEquals("completion length of sample 1 is negative: -2", e.getMessage());
  }
}
