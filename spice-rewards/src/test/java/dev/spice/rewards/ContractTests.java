package dev.spice.rewards;

import dev.spice.core.ChallengerOutcome;
import dev.spice.core.ReasonerAttempt;
import dev.spice.core.RewardFunction;
import dev.spice.core.Task;
import dev.spice.core.testing.RewardFunctionContract;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Nested;

/** The core reward-function contract for every reward of this module. */
class ContractTests {

  abstract static class ChallengerContract extends RewardFunctionContract<ChallengerOutcome> {
    @Override
    protected List<Group<ChallengerOutcome>> groups() {
      List<Group<ChallengerOutcome>> out = new ArrayList<>();
      for (int g : new int[] {1, 4, 8}) {
        List<ChallengerOutcome> items = new ArrayList<>();
        for (int k = 0; k <= g; k++) {
          items.add(Fixtures.passed(k, g));
        }
        items.add(Fixtures.invalid());
        out.add(new Group<>(items, Fixtures.challengerContext()));
      }
      out.add(new Group<>(List.of(Fixtures.invalid(), Fixtures.invalid()), Fixtures.challengerContext()));
      out.add(new Group<>(List.of(Fixtures.outcome(0.5, 0.25)), Fixtures.challengerContext()));
      return out;
    }
  }

  @Nested
  class Variance extends ChallengerContract {
    @Override
    protected RewardFunction<ChallengerOutcome> createFunction() {
      return ChallengerRewards.variance();
    }

    @Override
    protected double minReward() {
      return -0.1;
    }

    @Override
    protected double maxReward() {
      return 1;
    }
  }

  @Nested
  class RZero extends ChallengerContract {
    @Override
    protected RewardFunction<ChallengerOutcome> createFunction() {
      return ChallengerRewards.rZero();
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

  @Nested
  class AbsoluteZero extends ChallengerContract {
    @Override
    protected RewardFunction<ChallengerOutcome> createFunction() {
      return ChallengerRewards.absoluteZero();
    }

    @Override
    protected double minReward() {
      return -0.5;
    }

    @Override
    protected double maxReward() {
      return 1;
    }
  }

  @Nested
  class Threshold extends ChallengerContract {
    @Override
    protected RewardFunction<ChallengerOutcome> createFunction() {
      return ChallengerRewards.threshold();
    }

    @Override
    protected double minReward() {
      return -0.1;
    }

    @Override
    protected double maxReward() {
      return 1;
    }
  }

  abstract static class ReasonerContract extends RewardFunctionContract<ReasonerAttempt> {
    @Override
    protected List<Group<ReasonerAttempt>> groups() {
      Task t = Fixtures.INT_TASK;
      Task m = Fixtures.MCQ_TASK;
      return List.of(
          new Group<>(List.of(Fixtures.answer(t, "6*7 = \\boxed{42}"), Fixtures.answer(t, "\\boxed{41}"),
              Fixtures.answer(t, ""), Fixtures.answer(t, "#### 42"), Fixtures.answer(t, "\\boxed{\\frac{84}{2}}"),
              Fixtures.answer(t, "\\boxed{{{{{"), Fixtures.answer(t, "x".repeat(100_000))),
              Fixtures.reasonerContext(t)),
          new Group<>(List.of(Fixtures.answer(m, "The answer is (A)"), Fixtures.answer(m, "\\boxed{Paris}"),
              Fixtures.answer(m, "B"), Fixtures.answer(m, "no idea")), Fixtures.reasonerContext(m)));
    }

    @Override
    protected double minReward() {
      return 0;
    }
  }

  @Nested
  class Correctness extends ReasonerContract {
    @Override
    protected RewardFunction<ReasonerAttempt> createFunction() {
      return ReasonerRewards.correctness();
    }

    @Override
    protected double maxReward() {
      return 1;
    }
  }

  @Nested
  class Weighted extends ReasonerContract {
    @Override
    protected RewardFunction<ReasonerAttempt> createFunction() {
      return ReasonerRewards.builder().correctnessWeight(0.9).formatWeight(0.1).build();
    }

    @Override
    protected double maxReward() {
      return 1;
    }
  }

  @Nested
  class Format extends ReasonerContract {
    @Override
    protected RewardFunction<ReasonerAttempt> createFunction() {
      return ReasonerRewards.format();
    }

    @Override
    protected double maxReward() {
      return 1;
    }
  }
}
