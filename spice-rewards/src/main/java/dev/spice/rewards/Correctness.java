package dev.spice.rewards;

import dev.spice.core.AnswerExtractor;
import dev.spice.core.ReasonerAttempt;
import dev.spice.core.RewardContext;
import dev.spice.core.RewardFunction;
import dev.spice.core.Rewards;
import dev.spice.rewards.verify.AnswerVerifier;
import dev.spice.rewards.verify.ExtractionRule;
import dev.spice.rewards.verify.AnswerExtractors;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** 1 if the extracted answer verifies against the task, else 0. */
final class Correctness implements RewardFunction<ReasonerAttempt> {
  private static final dev.spice.core.AnswerExtractor BOXED = AnswerExtractors.ordered(ExtractionRule.BOXED);

  private final AnswerExtractor extractor;
  private final AnswerVerifier verifier;

  Correctness(AnswerExtractor extractor, AnswerVerifier verifier) {
    this.extractor = extractor;
    this.verifier = verifier;
  }

  double correct(ReasonerAttempt a) {
    Optional<String> ans;
    try {
      ans = extractor.extract(a.completion().text(), a.task());
    } catch (RuntimeException e) {
      ans = Optional.empty();
    }
    String answer = ans.orElse(a.answer());
    return answer != null && verifier.verify(answer, a.task()) ? 1.0 : 0.0;
  }

  static double format(ReasonerAttempt a) {
    Optional<String> b = BOXED.extract(a.completion().text(), a.task());
    return b.isPresent() && !b.get().isBlank() ? 1.0 : 0.0;
  }

  @Override
  public Rewards score(List<ReasonerAttempt> items, RewardContext context) {
    double[] v = new double[items.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = correct(items.get(i));
    }
    return new Rewards(v, Map.of(Rewards.CORRECT, v));
  }

  @Override
  public String name() {
    return ReasonerRewards.CORRECTNESS;
  }
}
