package dev.spice.core.eval;

import dev.spice.core.AsyncRewardFunction;
import dev.spice.core.BackendCalls;
import dev.spice.core.Completion;
import dev.spice.core.PolicyBackend;
import dev.spice.core.Prompt;
import dev.spice.core.Reasoner;
import dev.spice.core.ReasonerAttempt;
import dev.spice.core.RewardContext;
import dev.spice.core.Rewards;
import dev.spice.core.Role;
import dev.spice.core.SamplingParams;
import dev.spice.core.SpiceException;
import dev.spice.core.Task;
import dev.spice.core.sampling.Seeds;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.function.IntFunction;

/**
 * Samples Reasoner answers to tasks and scores them with a correctness reward: the shared core of
 * {@link PassRateScorer#sampled} and {@link BenchmarkEvaluation}.
 */
final class AnswerScoring {
  private AnswerScoring() {}

  /**
   * What the answers scored.
   *
   * @param pass pass indicator of each answer ({@link Rewards#passIndicators()}), per task then answer
   * @param answers the answer the Reasoner role extracted, {@code null} where none, same shape
   */
  record Scored(double[][] pass, String[][] answers) {}

  /**
   * Generates {@code answers} answers per task ({@code tasks.size() * answers} prompts, the answers
   * to a task adjacent, in batches of at most {@code batchSize} prompts), parses each with the
   * role (a role that throws counts as no answer) and scores each task's answers as one group with
   * the reward (all groups are started before any is awaited). Batch {@code b} samples with seed
   * {@code sampling.seed()} for {@code b = 0} and {@code Seeds.mix(sampling.seed(), b)} after.
   *
   * @param what names the generation call in backend errors
   * @param taskName names task {@code t} in reward errors
   * @throws SpiceException.BackendException if the backend fails or returns a wrong result
   * @throws SpiceException.RewardException if the reward fails or returns a wrong number of rewards
   */
  static Scored score(PolicyBackend backend, Reasoner role, AsyncRewardFunction<ReasonerAttempt> reward,
      List<Task> tasks, int answers, SamplingParams sampling, int batchSize, String what,
      IntFunction<String> taskName) {
    List<Prompt> prompts = new ArrayList<>(tasks.size() * answers);
    for (Task t : tasks) {
      Prompt p = role.prompt(t);
      for (int i = 0; i < answers; i++) {
        prompts.add(p);
      }
    }
    List<Completion> out = new ArrayList<>(prompts.size());
    for (int from = 0, b = 0; from < prompts.size(); b++) {
      int to = (int) Math.min(prompts.size(), (long) from + batchSize);
      long seed = b == 0 ? sampling.seed() : Seeds.mix(sampling.seed(), b);
      out.addAll(BackendCalls.generate(backend, List.copyOf(prompts.subList(from, to)), sampling.withSeed(seed), what));
      from = to;
    }
    String[][] extracted = new String[tasks.size()][answers];
    List<CompletionStage<Rewards>> pending = new ArrayList<>(tasks.size());
    for (int t = 0; t < tasks.size(); t++) {
      List<ReasonerAttempt> attempts = new ArrayList<>(answers);
      for (int i = 0; i < answers; i++) {
        int row = t * answers + i;
        ReasonerAttempt a;
        try {
          a = role.parse(tasks.get(t), prompts.get(row), out.get(row));
        } catch (RuntimeException e) {
          a = null;
        }
        if (a == null) {
          a = new ReasonerAttempt(tasks.get(t), prompts.get(row), out.get(row), null);
        }
        extracted[t][i] = a.answer();
        attempts.add(a);
      }
      RewardContext ctx = new RewardContext(-1, Role.REASONER, PassRateScorer.EVAL_DOCUMENT, tasks.get(t));
      try {
        pending.add(reward.scoreAsync(attempts, ctx));
      } catch (SpiceException e) {
        throw e;
      } catch (RuntimeException e) {
        throw new SpiceException.RewardException("reward " + reward.name() + " failed on " + taskName.apply(t)
            + ": " + e, e);
      }
    }
    double[][] pass = new double[tasks.size()][];
    for (int t = 0; t < tasks.size(); t++) {
      Rewards r;
      try {
        CompletionStage<Rewards> stage = pending.get(t);
        r = stage == null ? null : stage.toCompletableFuture().get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new SpiceException.RewardException("interrupted while scoring " + taskName.apply(t), e);
      } catch (ExecutionException e) {
        throw new SpiceException.RewardException("reward " + reward.name() + " failed on " + taskName.apply(t) + ": "
            + e.getCause(), e.getCause());
      }
      if (r == null || r.size() != answers) {
        throw new SpiceException.RewardException("reward " + reward.name() + " returned "
            + (r == null ? "null" : r.size() + " rewards") + " for " + answers + " answers to " + taskName.apply(t));
      }
      pass[t] = r.passIndicators();
    }
    return new Scored(pass, extracted);
  }
}
