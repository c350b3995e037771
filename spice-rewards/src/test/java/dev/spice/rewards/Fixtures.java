package dev.spice.rewards;

import dev.spice.core.AnswerType;
import dev.spice.core.ChallengerAttempt;
import dev.spice.core.ChallengerOutcome;
import dev.spice.core.Completion;
import dev.spice.core.Document;
import dev.spice.core.Prompt;
import dev.spice.core.ReasonerAttempt;
import dev.spice.core.RewardContext;
import dev.spice.core.Role;
import dev.spice.core.Task;
import java.util.List;

/** Test fixtures: attempts, outcomes and contexts. */
final class Fixtures {
  static final Document DOC = Document.of("doc-1", "Some text about 6 times 7.", "test");
  static final Task INT_TASK = Task.freeForm("What is 6*7?", "42", AnswerType.INTEGER);
  static final Task MCQ_TASK =
      Task.multipleChoice("Capital of France?", List.of("Paris", "London", "Berlin", "Madrid"), "A");

  private Fixtures() {}

  static Completion completion(String text) {
    return new Completion(text, new int[] {1, 2}, new int[] {3, 4, 5}, new float[] {-0.1f, -0.2f, -0.3f},
        Completion.FinishReason.STOP);
  }

  static ReasonerAttempt answer(Task task, String text) {
    return new ReasonerAttempt(task, Prompt.of(Role.REASONER, task.question()), completion(text), null);
  }

  static ChallengerOutcome outcome(double... correct) {
    ChallengerAttempt a = ChallengerAttempt.valid(DOC, Prompt.of(Role.CHALLENGER, "write"), completion("{}"), INT_TASK);
    return new ChallengerOutcome(a, correct);
  }

  static ChallengerOutcome invalid() {
    ChallengerAttempt a = ChallengerAttempt.invalid(DOC, Prompt.of(Role.CHALLENGER, "write"), completion("junk"), "no JSON");
    return new ChallengerOutcome(a, new double[0]);
  }

  /** k of g correct. */
  static ChallengerOutcome passed(int k, int g) {
    double[] c = new double[g];
    for (int i = 0; i < k; i++) {
      c[i] = 1;
    }
    return outcome(c);
  }

  static RewardContext challengerContext() {
    return new RewardContext(0, Role.CHALLENGER, DOC, null);
  }

  static RewardContext reasonerContext(Task t) {
    return new RewardContext(0, Role.REASONER, DOC, t);
  }
}
