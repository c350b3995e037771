package dev.spice.rewards;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.Recipe;
import dev.spice.core.SpiceException.ConfigurationException;
import java.util.List;
import org.junit.jupiter.api.Test;

class PresetsTest {

  @Test
  void spiceIsThePapersRecipe() {
    Recipe r = Presets.spice();
    assertEquals("spice", r.name());
    assertEquals(8, r.challengerGroupSize());
    assertEquals(8, r.reasonerGroupSize());
    assertEquals("variance", r.challengerReward().name());
    assertEquals("correctness", r.reasonerReward().name());
    assertEquals("dr_grpo", r.challengerAdvantage().name());
    assertEquals("dr_grpo", r.reasonerAdvantage().name());
    assertEquals("dr_grpo(3000)", r.loss().aggregation().name());
    assertEquals(0.2, r.loss().clipLow());
    assertEquals(0.2, r.loss().clipHigh());
    assertEquals(0.0, r.loss().klBeta());
    double invalid = r.challengerReward().score(List.of(Fixtures.invalid()), Fixtures.challengerContext()).values()[0];
    assertEquals(-0.1, invalid);
  }

  @Test
  void baselinesFollowTheTable() {
    Recipe z = Presets.rZero();
    assertEquals(4, z.challengerGroupSize());
    assertEquals(5, z.reasonerGroupSize());
    assertEquals("grpo", z.reasonerAdvantage().name());
    assertEquals("r_zero", z.challengerReward().name());
    assertEquals(-1.0, z.challengerReward().score(List.of(Fixtures.invalid()), Fixtures.challengerContext()).values()[0]);
    Recipe az = Presets.absoluteZero();
    assertEquals(1, az.challengerGroupSize());
    assertEquals("reinforce_pp", az.challengerAdvantage().name());
    assertEquals(-0.5, az.challengerReward().score(List.of(Fixtures.invalid()), Fixtures.challengerContext()).values()[0]);
    assertEquals("threshold", Presets.threshold().challengerReward().name());
    assertEquals("none", Presets.fixedChallenger().challengerReward().name());
    assertEquals("no-corpus", Presets.noCorpus().name());
    for (String n : Presets.NAMES) {
      assertEquals(n, Presets.byName(n).name());
    }
  }

  @Test
  void builderCustomisesAndValidates() {
    Recipe r = Presets.builder(Presets.spice()).name("mine").reasonerGroupSize(16).klBeta(0.01)
        .challengerReward(ChallengerRewards.variance(0.02, -0.2)).aggregation(LossAggregations.drGrpo(1024)).build();
    assertEquals("mine", r.name());
    assertEquals(16, r.reasonerGroupSize());
    assertEquals(8, r.challengerGroupSize());
    assertEquals(0.01, r.loss().klBeta());
    assertEquals("dr_grpo(1024)", r.loss().aggregation().name());
    ConfigurationException e = assertThrows(ConfigurationException.class,
        () -> Presets.builder(Presets.spice()).reasonerGroupSize(1).build());
    assertTrue(e.getMessage().contains("reasonerGroupSize must be >= 2, got 1"));
    assertThrows(ConfigurationException.class, () -> Presets.builder(Presets.spice()).challengerGroupSize(1).build(),
        "Dr. GRPO needs groups of 2");
    assertThrows(ConfigurationException.class, () -> Presets.builder(Presets.spice()).clip(-1, 0.2).build());
    ConfigurationException unknown = assertThrows(ConfigurationException.class, () -> Presets.byName("ppo"));
    assertTrue(unknown.getMessage().contains("spice, r-zero"));
  }
}
