package dev.spice.examples;

import dev.spice.core.AnswerExtractor;
import dev.spice.core.AnswerType;
import dev.spice.core.Completion;
import dev.spice.core.Document;
import dev.spice.core.Prompt;
import dev.spice.core.ReasonerAttempt;
import dev.spice.core.Recipe;
import dev.spice.core.RewardContext;
import dev.spice.core.RewardFunction;
import dev.spice.core.Rewards;
import dev.spice.core.Role;
import dev.spice.core.Task;
import dev.spice.rewards.Presets;
import dev.spice.rewards.verify.AnswerExtractors;
import dev.spice.rewards.verify.AnswerVerifier;
import dev.spice.rewards.verify.Verifiers;
import java.util.List;
import java.util.Map;

/**
 * Example: a Reasoner reward of your own, correctness minus a length penalty, with named
 * sub-scores, plugged into the SPICE recipe.
 *
 * <p>The engine logs each sub-score as {@code reasoner/rewards/{name}/mean}. The sub-score named
 * {@link Rewards#CORRECT} is special: it holds the pass indicators (0 or 1) from which the engine
 * computes the pass rate the Challenger is rewarded on, so a shaped Reasoner reward does not
 * change what "solved" means for the Challenger.
 */
public final class CustomRewardExample {
  private CustomRewardExample() {}

  /**
   * Correct answers earn 1; every token beyond {@code freeTokens} costs {@code perToken}, up to
   * {@code maxPenalty}. Deterministic, thread-safe, one value per attempt.
   */
  record CorrectnessWithLengthPenalty(AnswerVerifier verifier, int freeTokens, double perToken, double maxPenalty)
      implements RewardFunction<ReasonerAttempt> {
    @Override
    public Rewards score(List<ReasonerAttempt> items, RewardContext context) {
      double[] total = new double[items.size()];
      double[] correct = new double[items.size()];
      double[] penalty = new double[items.size()];
      for (int i = 0; i < items.size(); i++) {
        ReasonerAttempt a = items.get(i);
        boolean ok = a.answer() != null && verifier.verify(a.answer(), a.task().goldAnswer(), a.task().answerType());
        correct[i] = ok ? 1 : 0;
        int extra = Math.max(0, a.completion().tokenCount() - freeTokens);
        penalty[i] = Math.min(maxPenalty, extra * perToken);
        total[i] = correct[i] - penalty[i];
      }
      return new Rewards(total, Map.of(Rewards.CORRECT, correct, "length_penalty", penalty));
    }

    @Override
    public String name() {
      return "correct_minus_length";
    }
  }

  /** Scores four hand-written answers, then builds the recipe that trains with the reward. */
  public static void main(String[] args) {
    RewardFunction<ReasonerAttempt> reward = new CorrectnessWithLengthPenalty(Verifiers.defaults(), 64, 0.002, 0.3);

    // Score one group: four answers to the same task, as the engine would pass them.
    Task task = Task.freeForm("What is the sum of the prime numbers below 20?", "77", AnswerType.INTEGER);
    AnswerExtractor extractor = AnswerExtractors.defaults();
    List<String> outputs = List.of(
        "2+3+5+7+11+13+17+19 = 77. \\boxed{77}",
        "Adding them step by step " + "and checking again ".repeat(40) + "gives \\boxed{77}",
        "The primes are 2, 3, 5, 7, 11, 13, 17, 19, so \\boxed{76}",
        "I do not know.");
    List<ReasonerAttempt> group = outputs.stream().map(text -> attempt(task, text, extractor)).toList();
    Rewards r = reward.score(group, new RewardContext(0, Role.REASONER,
        Document.of("primes", "The prime numbers below 20 sum to 77.", "example"), task));
    System.out.println("answer  tokens  correct  length_penalty  reward");
    double[] correct = r.component(Rewards.CORRECT);
    double[] penalty = r.component("length_penalty");
    for (int i = 0; i < group.size(); i++) {
      System.out.printf("%-7d %6d  %7.0f  %14.3f  %6.3f%n", i, group.get(i).completion().tokenCount(),
          correct[i], penalty[i], r.value(i));
    }

    // Plug it into the paper's recipe: everything else (G, Challenger reward, Dr. GRPO) stays.
    Recipe recipe = Presets.builder(Presets.spice()).name("spice-length-penalty").reasonerReward(reward).build();
    System.out.println("recipe " + recipe.name() + ": G " + recipe.challengerGroupSize() + "/"
        + recipe.reasonerGroupSize() + ", Challenger reward " + recipe.challengerReward().name()
        + ", Reasoner reward " + recipe.reasonerReward().name());
    // Use it: SelfPlay.builder().policy(policy).corpus(corpus).recipe(recipe)...build()
  }

  /** An attempt as the Reasoner role would produce it; one "token" per word here. */
  private static ReasonerAttempt attempt(Task task, String text, AnswerExtractor extractor) {
    int n = text.split("\\s+").length;
    Completion c = new Completion(text, new int[0], new int[n], new float[n], Completion.FinishReason.STOP);
    Prompt p = Prompt.of(Role.REASONER, task.question());
    return new ReasonerAttempt(task, p, c, extractor.extract(text, task).orElse(null));
  }
}
