package dev.spice.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.spice.core.Completion;
import dev.spice.core.Document;
import dev.spice.core.LossSettings;
import dev.spice.core.Prompt;
import dev.spice.core.ReasonerAttempt;
import dev.spice.core.Recipe;
import dev.spice.core.RewardContext;
import dev.spice.core.RewardFunction;
import dev.spice.core.Rewards;
import dev.spice.core.Role;
import dev.spice.core.SamplingParams;
import dev.spice.core.TrainablePolicy;
import dev.spice.core.TrainingSample;
import dev.spice.core.UpdateStats;
import dev.spice.core.testing.ListCorpus;
import dev.spice.core.testing.ScriptedPolicy;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/**
 * The TRL names added to the iteration metrics: {@code clip_ratio/region_mean},
 * {@code learning_rate} and {@code reasoner/rewards/<name>/std}, with hand-worked numbers.
 */
class TrlMetricsTest {
  private static final String TASK =
      "{\"type\":\"free_form\",\"question\":\"Q %s\",\"answer\":\"7\",\"answer_type\":\"Integer\"}";

  /**
   * Every Challenger attempt is a valid task with gold 7. The Reasoner's G_R = 4 answers to each task
   * (rows 4t to 4t+3 of its batch) are, by {@code row % 4}: {@code \boxed{7}} (1 word, correct), then
   * 1, 2 and 3 filler words before a wrong {@code \boxed{1}} (2, 3 and 4 words).
   */
  private static ScriptedPolicy script() {
    return new ScriptedPolicy((p, row, seed, pol) -> {
      if (p.role() == Role.CHALLENGER) {
        return String.format(TASK, row);
      }
      int j = row % 4;
      return j == 0 ? "\\boxed{7}" : "w ".repeat(j) + "\\boxed{1}";
    });
  }

  /** Reward = correct; sub-scores {@code correct} and {@code words} (the completion's token count). */
  private static final RewardFunction<ReasonerAttempt> CORRECT_AND_WORDS = new RewardFunction<>() {
    @Override
    public Rewards score(List<ReasonerAttempt> items, RewardContext c) {
      double[] correct = new double[items.size()];
      double[] words = new double[items.size()];
      for (int i = 0; i < correct.length; i++) {
        ReasonerAttempt a = items.get(i);
        correct[i] = "7".equals(a.answer()) ? 1 : 0;
        words[i] = a.completion().tokenCount();
      }
      return new Rewards(correct, Map.of(Rewards.CORRECT, correct, "words", words));
    }

    @Override
    public String name() {
      return "correct_and_words";
    }
  };

  private static SelfPlay engine(TrainablePolicy policy) {
    Recipe recipe = new Recipe("test", 2, 4, TestRecipes.VARIANCE, CORRECT_AND_WORDS.async(), TestRecipes.DR_GRPO,
        TestRecipes.DR_GRPO, new LossSettings(0.2, 0.2, 0, TestRecipes.CONSTANT));
    List<Document> docs = List.of(Document.of("d0", "doc0", "s"), Document.of("d1", "doc1", "s"));
    return SelfPlay.builder().policy(policy).corpus(new ListCorpus("s", docs, 3)).recipe(recipe).batchSize(2)
        .maxChallengerAttempts(2).seed(5).build();
  }

  @Test
  void subScoreStdIsThePopulationStdOverEveryScoredAnswer() {
    // 2 documents x 2 kept valid tasks x 4 answers = 16 answers, each task's 4 the same:
    //   correct = 1, 0, 0, 0: mean 1/4, std sqrt(1/4 * 3/4) = sqrt(3)/4
    //   words   = 1, 2, 3, 4: mean 5/2, std sqrt((9 + 1 + 1 + 9) / 4 / 4) = sqrt(5)/2 (n, not n - 1)
    Metrics m = engine(script()).step().metrics();
    assertEquals(0.25, m.get(MetricNames.component("reasoner", "correct")), 1e-15);
    assertEquals(Math.sqrt(3) / 4, m.get(MetricNames.componentStd("reasoner", "correct")), 1e-15);
    assertEquals(2.5, m.get(MetricNames.component("reasoner", "words")), 1e-15);
    assertEquals(Math.sqrt(5) / 2, m.get(MetricNames.componentStd("reasoner", "words")), 1e-15);
    assertEquals("reasoner/rewards/words/std", MetricNames.componentStd("reasoner", "words"));
  }

  @Test
  void clipRegionIsLowPlusHighAndTheLearningRateIsTheOneTheUpdateUsed() {
    Reporting policy = new Reporting(script());
    List<IterationResult> run = Runs.steps(engine(policy), 3);
    for (IterationResult r : run) {
      Metrics m = r.metrics();
      assertEquals(0.25, m.get(MetricNames.CLIP_LOW), 0);
      assertEquals(0.125, m.get(MetricNames.CLIP_HIGH), 0);
      assertEquals(0.375, m.get(MetricNames.CLIP_REGION), 0, "1/4 below + 1/8 above, disjoint shares");
      // updates 1, 2, 3 use 1e-3, 2e-3, 3e-3: read before the update, not after it
      assertEquals(1e-3 * (r.iteration() + 1), m.get(MetricNames.LEARNING_RATE), 1e-18);
    }
    assertEquals(3, policy.inner.version());
  }

  @Test
  void withoutALearningRateTheMetricIsAbsent() {
    Metrics m = engine(script()).step().metrics();
    assertFalse(m.values().containsKey(MetricNames.LEARNING_RATE));
    assertEquals(0.0, m.get(MetricNames.CLIP_REGION), 0, "the scripted policy clips nothing");
  }

  /**
   * The scripted policy, reporting clip shares 1/4 below and 1/8 above on every update, and a
   * learning rate of {@code 1e-3 * (updates so far + 1)} for the next one.
   */
  private static final class Reporting implements TrainablePolicy {
    final ScriptedPolicy inner;

    Reporting(ScriptedPolicy inner) {
      this.inner = inner;
    }

    @Override
    public String name() {
      return "reporting";
    }

    @Override
    public List<Completion> generate(List<Prompt> prompts, SamplingParams params) {
      return inner.generate(prompts, params);
    }

    @Override
    public List<float[]> scoreContinuations(List<Prompt> prompts, List<int[]> continuations) {
      return inner.scoreContinuations(prompts, continuations);
    }

    @Override
    public int[] tokenize(String text) {
      return inner.tokenize(text);
    }

    @Override
    public String detokenize(int[] tokens) {
      return inner.detokenize(tokens);
    }

    @Override
    public UpdateStats update(List<TrainingSample> samples, LossSettings loss) {
      UpdateStats s = inner.update(samples, loss);
      return new UpdateStats(s.loss(), s.gradNorm(), 0.25, 0.125, s.entropy(), s.kl(), s.numSamples(),
          s.numTokens(), s.skipped(), s.skipReason());
    }

    @Override
    public OptionalDouble learningRate() {
      return OptionalDouble.of(1e-3 * (inner.version() + 1));
    }

    @Override
    public void saveCheckpoint(Path directory) {
      inner.saveCheckpoint(directory);
    }

    @Override
    public void loadCheckpoint(Path directory) {
      inner.loadCheckpoint(directory);
    }
  }
}
