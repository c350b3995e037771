package dev.spice.core.eval;

import dev.spice.core.AsyncRewardFunction;
import dev.spice.core.BackendCalls;
import dev.spice.core.PolicyBackend;
import dev.spice.core.Prompt;
import dev.spice.core.Reasoner;
import dev.spice.core.ReasonerAttempt;
import dev.spice.core.Rewards;
import dev.spice.core.SamplingParams;
import dev.spice.core.SpiceException;
import dev.spice.core.Task;
import dev.spice.core.TrainablePolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How a Reasoner's pass rate on a list of tasks is measured. Two ship: {@link #sampled} (the
 * paper's way: sample answers and verify them) and {@link #exactGold()} (the exact expected pass
 * rate when an answer passes only if it is exactly the gold answer's tokens, as with constrained
 * one-token answers). Implementations must be deterministic for a given backend and seed.
 */
@FunctionalInterface
public interface PassRateScorer {
  /** The document passed in the reward context of evaluation answers (the Reasoner never sees one). */
  dev.spice.core.Document EVAL_DOCUMENT = dev.spice.core.Document.of("coevolution-eval", "", "eval");

  /**
   * Pass rate of each task, each in {@code [0, 1]}.
   *
   * @param reasoner the Reasoner's backend
   * @param role the Reasoner role that builds prompts and parses answers
   * @param tasks the tasks, not empty
   * @param seed a seed for any sampling
   * @return one pass rate per task, in task order
   */
  double[] passRates(PolicyBackend reasoner, Reasoner role, List<Task> tasks, long seed);

  /**
   * Samples {@code answers} answers per task with {@code sampling} (its seed replaced by
   * {@code seed}) and returns the mean of the reward's {@value Rewards#CORRECT} sub-score (or of the
   * reward itself without one).
   *
   *
   * @param reward the Reasoner's correctness reward, for example {@code
   *     ReasonerRewards.correctness()}
   * @param answers answers per task, {@code >= 1}
   * @param sampling the Reasoner's sampling settings
   * @return the sampling scorer
   * @throws SpiceException.BackendException (from the scorer) if the backend fails or returns a
   *     wrong number of completions, see {@link BackendCalls#generate}
   */
  static PassRateScorer sampled(AsyncRewardFunction<ReasonerAttempt> reward, int answers, SamplingParams sampling) {
    Objects.requireNonNull(reward, "reward");
    Objects.requireNonNull(sampling, "sampling");
    if (answers < 1) {
      throw new SpiceException.ConfigurationException("answers per task must be >= 1, got " + answers);
    }
    return (backend, role, tasks, seed) -> {
      double[][] pass = AnswerScoring.score(backend, role, reward, tasks, answers, sampling.withSeed(seed),
          Integer.MAX_VALUE, "reasoner generation (pass-rate scoring)", t -> "task " + t).pass();
      double[] rates = new double[tasks.size()];
      for (int t = 0; t < tasks.size(); t++) {
        double s = 0;
        for (double v : pass[t]) {
          s += v;
        }
        rates[t] = s / answers;
      }
      return rates;
    };
  }

  /**
   * The exact expected pass rate: the probability, from
   * {@link PolicyBackend#scoreContinuations}, that the Reasoner's answer is exactly the tokens of
   * {@link Task#goldAnswer()} (the prompt's constrained-decoding mask applied). Exact only when
   * every other answer fails, for example constrained one-token answers; no sampling noise. Backend
   * failures and wrong results raise {@link SpiceException.BackendException} naming the backend,
   * see {@link BackendCalls#score}.
   *
   * @return the exact expected pass rate: the probability, from {@link
   *     PolicyBackend#scoreContinuations}, that the Reasoner's answer is exactly the tokens of
   *     {@link Task#goldAnswer()} (the prompt's constrained-decoding mask applied)
   */
  static PassRateScorer exactGold() {
    return (backend, role, tasks, seed) -> {
      List<Prompt> prompts = new ArrayList<>(tasks.size());
      List<int[]> gold = new ArrayList<>(tasks.size());
      for (Task t : tasks) {
        prompts.add(role.prompt(t));
        gold.add(BackendCalls.tokenize(backend, t.goldAnswer(), "reasoner tokenization of a gold answer"));
      }
      return probabilities(BackendCalls.score(backend, prompts, gold, "reasoner scoring of gold answers"));
    };
  }

  /**
   * The exact probability that the Reasoner writes exactly a canonical correct completion and then
   * stops: {@code answerText.apply(task)} (for example {@code Roles::textDemonstration}, giving
   * {@code answer: <gold>}) encoded as a demonstration by the backend
   * ({@link TrainablePolicy#demonstrationSample}: the completion's tokens and the end token) and
   * scored with {@link PolicyBackend#scoreContinuations}. Other spellings the verifier would accept
   * are not counted, so it is a lower bound of the sampled pass rate, with no sampling noise.
   *
   * @param answerText the canonical correct completion of a task
   * @return the scorer; it throws {@link SpiceException.ConfigurationException} for a backend that is
   *     not a {@link TrainablePolicy}
   */
  static PassRateScorer exactDemonstration(java.util.function.Function<Task, String> answerText) {
    Objects.requireNonNull(answerText, "answerText");
    return (backend, role, tasks, seed) -> {
      if (!(backend instanceof TrainablePolicy tp)) {
        throw new SpiceException.ConfigurationException("exactDemonstration scoring needs a trainable policy (it "
            + "encodes answers as demonstrations), got " + backend.name());
      }
      List<Prompt> prompts = new ArrayList<>(tasks.size());
      List<int[]> answers = new ArrayList<>(tasks.size());
      for (Task t : tasks) {
        Prompt p = role.prompt(t);
        prompts.add(p);
        answers.add(tp.demonstrationSample(new dev.spice.core.Demonstration(p, answerText.apply(t))).targetTokens());
      }
      return probabilities(BackendCalls.score(backend, prompts, answers, "reasoner scoring of canonical answers"));
    };
  }

  /** {@code min(1, exp(sum of log-probs))} of each scored continuation. */
  private static double[] probabilities(List<float[]> logProbs) {
    double[] rates = new double[logProbs.size()];
    for (int t = 0; t < rates.length; t++) {
      double s = 0;
      for (float f : logProbs.get(t)) {
        s += f;
      }
      rates[t] = Math.min(1.0, Math.exp(s));
    }
    return rates;
  }
}
