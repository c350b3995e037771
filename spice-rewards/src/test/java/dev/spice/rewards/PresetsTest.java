package dev.spice.rewards;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.AdvantageEstimator;
import dev.spice.core.ReasonerAttempt;
import dev.spice.core.Recipe;
import dev.spice.core.Rewards;
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

  @Test
  void builderAcceptsTheSmallestValidGroupSizesAndRefusesOneLess() {
    Recipe one = Presets.builder(Presets.spice()).challengerGroupSize(1)
        .challengerAdvantage(AdvantageEstimators.reinforcePlusPlus()).reasonerGroupSize(2).build();
    assertEquals(1, one.challengerGroupSize(), "REINFORCE++ with the batch baseline takes Challenger groups of one");
    assertEquals(2, one.reasonerGroupSize(), "Dr. GRPO's minimum group size is 2");
    ConfigurationException zero = assertThrows(ConfigurationException.class,
        () -> Presets.builder(Presets.absoluteZero()).challengerGroupSize(0).build());
    assertEquals("challengerGroupSize must be >= 1, got 0", zero.getMessage());
    ConfigurationException drGrpo = assertThrows(ConfigurationException.class,
        () -> Presets.builder(Presets.spice()).challengerGroupSize(1).build());
    assertEquals("challengerGroupSize 1 is below dr_grpo's minimum group size 2", drGrpo.getMessage());
  }

  @Test
  void builderEnforcesAnEstimatorsOwnMinimumGroupSize() {
    AdvantageEstimator triples = new AdvantageEstimator() {
      @Override
      public String name() {
        return "triples";
      }

      @Override
      public double[][] estimate(double[][] rewards) {
        return AdvantageEstimators.drGrpo().estimate(rewards);
      }

      @Override
      public int minGroupSize() {
        return 3;
      }
    };
    Recipe r = Presets.builder(Presets.spice()).reasonerAdvantage(triples).reasonerGroupSize(3).build();
    assertEquals(3, r.reasonerGroupSize());
    ConfigurationException e = assertThrows(ConfigurationException.class,
        () -> Presets.builder(Presets.spice()).reasonerAdvantage(triples).reasonerGroupSize(2).build());
    assertEquals("reasonerGroupSize 2 is below triples's minimum group size 3", e.getMessage());
    ConfigurationException c = assertThrows(ConfigurationException.class,
        () -> Presets.builder(Presets.spice()).challengerAdvantage(triples).challengerGroupSize(2).build());
    assertEquals("challengerGroupSize 2 is below triples's minimum group size 3", c.getMessage());
  }

  @Test
  void builderSetsAdvantageEstimatorsPerRoleOrForBoth() {
    Recipe both = Presets.builder(Presets.spice()).advantage(AdvantageEstimators.rloo()).build();
    assertEquals("rloo", both.challengerAdvantage().name());
    assertEquals("rloo", both.reasonerAdvantage().name());
    Recipe split = Presets.builder(Presets.spice()).challengerAdvantage(AdvantageEstimators.grpo())
        .reasonerAdvantage(AdvantageEstimators.rloo()).build();
    assertEquals("grpo", split.challengerAdvantage().name());
    assertEquals("rloo", split.reasonerAdvantage().name());
    ConfigurationException e = assertThrows(ConfigurationException.class,
        () -> Presets.builder(Presets.spice()).advantage(null).build());
    assertTrue(e.getMessage().startsWith("challengerAdvantage and reasonerAdvantage must be set"), e.getMessage());
  }

  @Test
  void builderSetsTheReasonerRewardSyncOrAsync() {
    List<ReasonerAttempt> items = List.of(Fixtures.answer(Fixtures.INT_TASK, "\\boxed{41}"),
        Fixtures.answer(Fixtures.INT_TASK, "Answer: 42"));
    Recipe sync = Presets.builder(Presets.spice()).reasonerReward(ReasonerRewards.format()).build();
    assertEquals("format", sync.reasonerReward().name());
    Rewards r = sync.reasonerReward().scoreAsync(items, Fixtures.reasonerContext(Fixtures.INT_TASK))
        .toCompletableFuture().join();
    assertArrayEquals(new double[] {1, 0}, r.values(), "the format reward, not correctness");
    Recipe async = Presets.builder(Presets.spice()).reasonerRewardAsync(ReasonerRewards.format().async()).build();
    assertEquals("format", async.reasonerReward().name());
    ConfigurationException e = assertThrows(ConfigurationException.class,
        () -> Presets.builder(Presets.spice()).reasonerReward(null).build());
    assertEquals("challengerReward and reasonerReward must be set", e.getMessage());
    assertThrows(ConfigurationException.class, () -> Presets.builder(Presets.spice()).reasonerRewardAsync(null).build());
  }
}
