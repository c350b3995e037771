package dev.spice.rewards;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.ChallengerOutcome;
import dev.spice.core.RewardFunction;
import dev.spice.core.Rewards;
import dev.spice.core.SpiceException.ConfigurationException;
import dev.spice.core.SpiceException.RewardException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChallengerRewardsTest {

  private static double[] scoreAll(RewardFunction<ChallengerOutcome> f, int g) {
    List<ChallengerOutcome> items = new ArrayList<>();
    for (int k = 0; k <= g; k++) {
      items.add(Fixtures.passed(k, g));
    }
    return f.score(items, Fixtures.challengerContext()).values();
  }

  @Test
  void varianceRewardMatchesThePapersCheckValuesForG8() {
    double[] v = scoreAll(ChallengerRewards.variance(), 8);
    double[] expected = {0.044, 0.372, 0.823, 0.988, 1.0, 0.988, 0.823, 0.372, 0.044};
    for (int k = 0; k <= 8; k++) {
      assertEquals(expected[k], v[k], 0.0005, k + "/8");
    }
    assertEquals(1.0, v[4], 0.0);
  }

  @Test
  void invalidTasksGetThePenalty() {
    Rewards r = ChallengerRewards.variance().score(List.of(Fixtures.invalid(), Fixtures.passed(4, 8)),
        Fixtures.challengerContext());
    assertArrayEquals(new double[] {-0.1, 1.0}, r.values(), 1e-12);
    assertArrayEquals(new double[] {0, 1}, r.components().get("valid"));
    assertTrue(Double.isNaN(r.components().get("pass_rate")[0]));
    assertEquals(0.5, r.components().get("pass_rate")[1]);
    assertEquals(-1.0, ChallengerRewards.rZero().score(List.of(Fixtures.invalid()), Fixtures.challengerContext()).values()[0]);
    assertEquals(-0.5, ChallengerRewards.absoluteZero().score(List.of(Fixtures.invalid()), Fixtures.challengerContext()).values()[0]);
    assertEquals(-0.3, ChallengerRewards.variance(0.01, -0.3).score(List.of(Fixtures.invalid()), Fixtures.challengerContext()).values()[0]);
  }

  @Test
  void rZeroAbsoluteZeroAndThresholdFollowTheirFormulas() {
    assertArrayEquals(new double[] {0, 0.5, 1, 0.5, 0}, scoreAll(ChallengerRewards.rZero(), 4), 1e-12);
    assertArrayEquals(new double[] {0, 0.75, 0.5, 0.25, 0}, scoreAll(ChallengerRewards.absoluteZero(), 4), 1e-12);
    assertArrayEquals(new double[] {0, 1, 1, 1, 0}, scoreAll(ChallengerRewards.threshold(), 4), 1e-12);
  }

  @Test
  void rZeroUsesTheSharedUncertaintyFunction() {
    double[] v = scoreAll(ChallengerRewards.rZero(), 8);
    for (int k = 0; k <= 8; k++) {
      assertEquals(ChallengerRewards.rZeroUncertainty(k / 8.0), v[k], 0.0, k + "/8");
    }
    assertThrows(RewardException.class, () -> ChallengerRewards.rZeroUncertainty(1.01));
  }

  @Test
  void noneGivesNaN() {
    double[] v = scoreAll(ChallengerRewards.none(), 2);
    for (double x : v) {
      assertTrue(Double.isNaN(x));
    }
  }

  @Test
  void badIndicatorsAndConstantsFailClearly() {
    RewardException e = assertThrows(RewardException.class, () -> ChallengerRewards.variance()
        .score(List.of(Fixtures.outcome(1, 2)), Fixtures.challengerContext()));
    assertTrue(e.getMessage().contains("item 0") && e.getMessage().contains("position 1"), e.getMessage());
    assertThrows(ConfigurationException.class, () -> ChallengerRewards.variance(0, -0.1));
    assertThrows(ConfigurationException.class, () -> ChallengerRewards.variance(0.01, Double.NaN));
    assertThrows(ConfigurationException.class, () -> ChallengerRewards.rZero(Double.POSITIVE_INFINITY));
    assertThrows(ConfigurationException.class, () -> ChallengerRewards.of(" ", p -> p, 0));
  }

  @Test
  void customRewardUsesItsFunctionAndName() {
    RewardFunction<ChallengerOutcome> f = ChallengerRewards.of("square", p -> p * p, -2);
    assertEquals("square", f.name());
    assertArrayEquals(new double[] {0, 0.25, 1}, scoreAll(f, 2), 1e-12);
  }
}
