package dev.spice.rewards.rzero;

import dev.spice.core.AnswerType;
import dev.spice.core.ChallengerAttempt;
import dev.spice.core.ChallengerOutcome;
import dev.spice.core.Completion;
import dev.spice.core.Document;
import dev.spice.core.Prompt;
import dev.spice.core.RewardContext;
import dev.spice.core.Role;
import dev.spice.core.Task;

/** Test fixtures for the R-Zero building blocks. */
final class Samples {
  static final Document DOC = Document.of("doc-1", "", "test");

  private Samples() {}

  static Completion completion(String text) {
    return new Completion(text, new int[] {1}, new int[] {2}, new float[] {-0.1f}, Completion.FinishReason.STOP);
  }

  /** A free-form question; R-Zero's Challenger writes no answer, so the gold answer is a placeholder. */
  static Task question(String text, AnswerType type) {
    return Task.freeForm(text, "0", type);
  }

  static ChallengerOutcome valid(String question, double... passIndicators) {
    ChallengerAttempt a = ChallengerAttempt.valid(DOC, Prompt.of(Role.CHALLENGER, "ask"), completion(question),
        question(question, AnswerType.INTEGER));
    return new ChallengerOutcome(a, passIndicators);
  }

  static ChallengerOutcome invalid() {
    ChallengerAttempt a = ChallengerAttempt.invalid(DOC, Prompt.of(Role.CHALLENGER, "ask"), completion("junk"),
        "no question tag");
    return new ChallengerOutcome(a, new double[0]);
  }

  static RewardContext context() {
    return new RewardContext(0, Role.CHALLENGER, DOC, null);
  }
}
