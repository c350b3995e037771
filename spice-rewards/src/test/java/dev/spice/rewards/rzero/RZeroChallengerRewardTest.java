package dev.spice.rewards.rzero;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.AnswerType;
import dev.spice.core.ChallengerOutcome;
import dev.spice.core.RewardFunction;
import dev.spice.core.Rewards;
import dev.spice.core.SpiceException.RewardException;
import dev.spice.core.testing.RewardFunctionContract;
import dev.spice.rewards.ChallengerRewards;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class RZeroChallengerRewardTest {
  private static final String Q1 = "what is 2 + 2 ?";
  private static final String Q2 = "name the capital of france";

  private static double[] vote(AnswerType type, String... answers) {
    return MajorityVote.of(Arrays.asList(answers), type).passIndicators();
  }

  @Test
  void uncertaintyIsTheSharedFormula() {
    assertEquals(1.0, ChallengerRewards.rZeroUncertainty(0.5), 0.0);
    assertEquals(0.6, ChallengerRewards.rZeroUncertainty(0.3), 1e-12);
    assertEquals(0.6, ChallengerRewards.rZeroUncertainty(0.7), 1e-12);
    assertEquals(0.5, ChallengerRewards.rZeroUncertainty(0.25), 0.0);
    assertEquals(0.0, ChallengerRewards.rZeroUncertainty(0), 0.0);
    assertEquals(0.0, ChallengerRewards.rZeroUncertainty(1), 0.0);
    assertThrows(RewardException.class, () -> ChallengerRewards.rZeroUncertainty(1.5));
    assertThrows(RewardException.class, () -> ChallengerRewards.rZeroUncertainty(-0.1));
    assertThrows(RewardException.class, () -> ChallengerRewards.rZeroUncertainty(Double.NaN));
  }

  @Test
  void handWorkedBatch() {
    List<ChallengerOutcome> batch = List.of(
        // p = 2/4 ("4", "4.0"): r_unc = 1; cluster {0, 1}: r_rep = 2/5; reward 0.6
        Samples.valid(Q1, vote(AnswerType.INTEGER, "4", "4.0", "5", null)),
        // p = 3/4: r_unc = 0.5; r_rep = 2/5; reward 0.1
        Samples.valid(Q1, vote(AnswerType.INTEGER, "4", "4", "4", "5")),
        // p = 1/4 (four singletons, the first wins): r_unc = 0.5; alone: r_rep = 1/5; reward 0.3
        Samples.valid(Q2, vote(AnswerType.STRING, "paris", "lyon", "nice", null)),
        // p = 1: r_unc = 0; alone: r_rep = 1/5; reward max(0, -0.2) = 0
        Samples.valid("how many legs does a spider have", vote(AnswerType.INTEGER, "8", "8", "8", "8")),
        // invalid: the penalty; still counts in B = 5
        Samples.invalid());
    Rewards r = RZeroSettings.defaults().challengerReward().score(batch, Samples.context());
    assertArrayEquals(new double[] {0.6, 0.1, 0.3, 0, -1}, r.values(), 1e-12);
    assertArrayEquals(new double[] {1, 1, 1, 1, 0}, r.component("valid"), 0.0);
    assertArrayEquals(new double[] {0.5, 0.75, 0.25, 1, Double.NaN}, r.component("pass_rate"), 0.0);
    assertArrayEquals(new double[] {1, 0.5, 0.5, 0, Double.NaN}, r.component("uncertainty"), 0.0);
    assertArrayEquals(new double[] {0.4, 0.4, 0.2, 0.2, Double.NaN}, r.component("repetition"), 0.0);
  }

  @Test
  void penaltyAndThresholdComeFromTheSettings() {
    RZeroSettings s = RZeroSettings.builder().invalidPenalty(-0.5).tau(0).build();
    RewardFunction<ChallengerOutcome> f = s.challengerReward();
    // tau = 0: the two copies stay apart, so each has r_rep = 1/3
    Rewards r = f.score(List.of(Samples.valid(Q1, 1, 0), Samples.valid(Q1, 1, 0), Samples.invalid()), Samples.context());
    assertArrayEquals(new double[] {2.0 / 3, 2.0 / 3, -0.5}, r.values(), 1e-12);
    assertEquals("r_zero_repetition", f.name());
  }

  @Test
  void emptyBatchAndAllInvalid() {
    RewardFunction<ChallengerOutcome> f = RZeroSettings.defaults().challengerReward();
    assertEquals(0, f.score(List.of(), Samples.context()).size());
    assertArrayEquals(new double[] {-1, -1},
        f.score(List.of(Samples.invalid(), Samples.invalid()), Samples.context()).values(), 0.0);
  }

  @Test
  void passIndicatorsOutsideTheUnitIntervalAreRejected() {
    RewardException e = assertThrows(RewardException.class, () -> RZeroSettings.defaults().challengerReward()
        .score(List.of(Samples.valid(Q1, 1, 2)), Samples.context()));
    assertTrue(e.getMessage().contains("item 0") && e.getMessage().contains("2.0"), e.getMessage());
  }

  /** The SDK's reward-function contract. */
  @Nested
  class Contract extends RewardFunctionContract<ChallengerOutcome> {
    @Override
    protected RewardFunction<ChallengerOutcome> createFunction() {
      return RZeroSettings.defaults().challengerReward();
    }

    @Override
    protected List<Group<ChallengerOutcome>> groups() {
      List<Group<ChallengerOutcome>> out = new ArrayList<>();
      List<ChallengerOutcome> mixed = new ArrayList<>();
      for (int k = 0; k <= 4; k++) {
        double[] c = new double[4];
        Arrays.fill(c, 0, k, 1);
        mixed.add(Samples.valid(k % 2 == 0 ? Q1 : Q2, c));
      }
      mixed.add(Samples.invalid());
      out.add(new Group<>(mixed, Samples.context()));
      out.add(new Group<>(List.of(Samples.valid(Q2, 0.5, 0.25)), Samples.context()));
      out.add(new Group<>(List.of(Samples.invalid()), Samples.context()));
      return out;
    }

    @Override
    protected double minReward() {
      return -1;
    }

    @Override
    protected double maxReward() {
      return 1;
    }
  }
}
