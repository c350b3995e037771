package dev.spice.rewards.rzero;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.SpiceException.ConfigurationException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class RZeroRepetitionPenaltyTest {
  private static final String Q1 = "what is 2 + 2 ?";
  private static final String Q2 = "name the capital of france";
  private static final String Q3 = "how many legs does a spider have";

  @Test
  void identicalQuestionsShareAClusterAndDisjointOnesStandAlone() {
    List<String> batch = List.of(Q1, Q1, Q2, Q3);
    assertArrayEquals(new int[] {0, 0, 1, 2}, RepetitionPenalty.defaults().clusters(batch));
    // |C_i| / B with B = 4
    assertArrayEquals(new double[] {0.5, 0.5, 0.25, 0.25}, RepetitionPenalty.defaults().penalties(batch), 0.0);
    assertArrayEquals(new double[] {1, 1, 1}, RepetitionPenalty.defaults().penalties(List.of(Q2, Q2, Q2)), 0.0);
    assertArrayEquals(new double[] {1}, RepetitionPenalty.defaults().penalties(List.of(Q3)), 0.0);
    assertArrayEquals(new double[0], RepetitionPenalty.defaults().penalties(List.of()), 0.0);
  }

  @Test
  void distanceIsOneMinusSymmetricBleu() {
    assertEquals(0.0, RepetitionPenalty.distance(Q1, Q1), 0.0);
    assertEquals(1.0, RepetitionPenalty.distance(Q1, Q2), 0.0);
    // 1 - (1/18)^(1/4) = 0.51451 (see RZeroBleuTest)
    assertEquals(1 - Math.pow(1.0 / 18, 0.25),
        RepetitionPenalty.distance("the cat sat on the mat", "the cat is on the mat"), 1e-12);
  }

  @Test
  void thresholdDecidesNearCopies() {
    List<String> pair = List.of("the cat sat on the mat", "the cat is on the mat");
    // d = 0.51451: not below tau = 0.5, below 0.52
    assertArrayEquals(new int[] {0, 1}, RepetitionPenalty.defaults().clusters(pair));
    assertArrayEquals(new int[] {0, 0}, RepetitionPenalty.withThreshold(0.52).clusters(pair));
    // tau = 0 merges nothing, not even copies
    assertArrayEquals(new int[] {0, 1}, RepetitionPenalty.withThreshold(0).clusters(List.of(Q1, Q1)));
  }

  @Test
  void averageLinkageDoesNotChain() {
    // d(0,1) = 0.2, d(1,2) = 0.4, d(0,2) = 0.9: merge {0,1}; then d({0,1}, 2) = (0.9 + 0.4) / 2 = 0.65
    double[][] d = {{0, 0.2, 0.9}, {0.2, 0, 0.4}, {0.9, 0.4, 0}};
    assertArrayEquals(new int[] {0, 0, 1}, AverageLinkage.clusters(d, 0.5));
    // with d(0,2) = 0.6 the average is 0.5, still not below tau
    double[][] e = {{0, 0.2, 0.6}, {0.2, 0, 0.4}, {0.6, 0.4, 0}};
    assertArrayEquals(new int[] {0, 0, 1}, AverageLinkage.clusters(e, 0.5));
    // with d(0,2) = 0.55 it is 0.475 and all three merge
    double[][] f = {{0, 0.2, 0.55}, {0.2, 0, 0.4}, {0.55, 0.4, 0}};
    assertArrayEquals(new int[] {0, 0, 0}, AverageLinkage.clusters(f, 0.5));
  }

  @Test
  void clusterIdsFollowFirstAppearance() {
    // pairs {0,2} and {1,3}
    double[][] d = {{0, 0.9, 0.1, 0.9}, {0.9, 0, 0.9, 0.3}, {0.1, 0.9, 0, 0.9}, {0.9, 0.3, 0.9, 0}};
    assertArrayEquals(new int[] {0, 1, 0, 1}, AverageLinkage.clusters(d, 0.5));
    assertArrayEquals(new double[] {0.5, 0.5, 0.5, 0.5}, RepetitionPenalty.penalties(new int[] {0, 1, 0, 1}, 4), 0.0);
  }

  @Test
  void isDeterministic() {
    List<String> batch = List.of(Q3, "how many legs does a spider have ?", Q1, "what is 2 + 3 ?", Q2);
    int[] first = RepetitionPenalty.defaults().clusters(batch);
    // d(Q3, Q3 + " ?") = 1 - (exp(-1/7) + (35/64)^(1/4)) / 2 = 0.137; d(Q1, "what is 2 + 3 ?") = 1 - (1/6)^(1/4)
    // = 0.361; every other pair shares no token (d = 1)
    assertArrayEquals(new int[] {0, 0, 1, 1, 2}, first);
    assertArrayEquals(new double[] {0.4, 0.4, 0.4, 0.4, 0.2}, RepetitionPenalty.defaults().penalties(batch), 0.0);
    for (int i = 0; i < 3; i++) {
      assertTrue(Arrays.equals(first, RepetitionPenalty.defaults().clusters(batch)));
    }
  }

  @Test
  void badThresholdIsRejected() {
    ConfigurationException e = assertThrows(ConfigurationException.class, () -> RepetitionPenalty.withThreshold(1.5));
    assertTrue(e.getMessage().contains("tau") && e.getMessage().contains("1.5"), e.getMessage());
    assertThrows(ConfigurationException.class, () -> RepetitionPenalty.withThreshold(Double.NaN));
    assertThrows(ConfigurationException.class, () -> RepetitionPenalty.withThreshold(-0.1));
    assertEquals(0.5, RepetitionPenalty.defaults().tau());
  }
}
