package dev.spice.core.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.AnswerType;
import dev.spice.core.Challenger;
import dev.spice.core.ChallengerAttempt;
import dev.spice.core.Completion;
import dev.spice.core.Document;
import dev.spice.core.Prompt;
import dev.spice.core.Reasoner;
import dev.spice.core.ReasonerAttempt;
import dev.spice.core.RewardFunction;
import dev.spice.core.Rewards;
import dev.spice.core.Role;
import dev.spice.core.SamplingParams;
import dev.spice.core.SpiceException;
import dev.spice.core.Task;
import dev.spice.core.testing.ScriptedPolicy;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CoevolutionEvaluationTest {
  /** Challenger role: the document text is the prompt; output "task N" is a valid task with gold gN. */
  static final Challenger CHALLENGER = new Challenger() {
    @Override
    public Prompt prompt(Document d) {
      return Prompt.of(Role.CHALLENGER, "write " + d.text());
    }

    @Override
    public ChallengerAttempt parse(Document d, Prompt p, Completion c) {
      String[] w = c.text().split(" ");
      if (w.length == 2 && w[0].equals("task")) {
        return ChallengerAttempt.valid(d, p, c, Task.freeForm("q" + w[1], "g" + w[1], AnswerType.STRING));
      }
      return ChallengerAttempt.invalid(d, p, c, "not a task: " + c.text());
    }
  };

  static final Reasoner REASONER = new Reasoner() {
    @Override
    public Prompt prompt(Task t) {
      return Prompt.of(Role.REASONER, "answer " + t.question());
    }

    @Override
    public ReasonerAttempt parse(Task t, Prompt p, Completion c) {
      return new ReasonerAttempt(t, p, c, c.text().isBlank() ? null : c.text());
    }
  };

  static final RewardFunction<ReasonerAttempt> EXACT = new RewardFunction<>() {
    @Override
    public Rewards score(List<ReasonerAttempt> items, dev.spice.core.RewardContext ctx) {
      double[] v = new double[items.size()];
      for (int i = 0; i < v.length; i++) {
        v[i] = ctx.task().goldAnswer().equals(items.get(i).answer()) ? 1 : 0;
      }
      return new Rewards(v, Map.of(Rewards.CORRECT, v));
    }

    @Override
    public String name() {
      return "exact";
    }
  };

  /** Early Challenger: always task 0 for doc a, "bad" for doc b. Late: task 1 (doc a) and task 2 (doc b). */
  static ScriptedPolicy challenger(boolean late) {
    return new ScriptedPolicy((p, row, seed, pol) -> {
      boolean docA = p.text().endsWith("a");
      if (!late) {
        return docA ? "task 0" : "bad";
      }
      return docA ? "task 1" : "task 2";
    });
  }

  /** Early Reasoner knows only g0; late knows g0 and g1 (not g2). */
  static ScriptedPolicy reasoner(boolean late) {
    return new ScriptedPolicy((p, row, seed, pol) -> {
      String q = p.text().substring("answer q".length());
      if (q.equals("0") || (late && q.equals("1"))) {
        return "g" + q;
      }
      return "wrong";
    });
  }

  static CoevolutionEvaluation.Builder base() {
    return CoevolutionEvaluation.builder()
        .challengers(List.of(PolicyCheckpoint.of("early", challenger(false)), PolicyCheckpoint.of("late", challenger(true))))
        .reasoners(List.of(PolicyCheckpoint.of("early", reasoner(false)), PolicyCheckpoint.of("late", reasoner(true))))
        .roles(CHALLENGER, REASONER)
        .documents(List.of(Document.of("1", "a", "t"), Document.of("2", "b", "t")))
        .attemptsPerDocument(3)
        .seed(7);
  }

  @Test
  void sampledMatrixMatchesHandWorkedValues() {
    CoevolutionMatrix m = base().scorer(PassRateScorer.sampled(EXACT.async(), 2, SamplingParams.defaults(8))).build().evaluate();
    assertEquals(List.of("early", "late"), m.challengers());
    // early Challenger: 3 valid tasks (all "task 0"), 3 invalid; late: 6 valid (3 x task 1, 3 x task 2)
    assertArrayEquals(new int[] {3, 6}, m.validTasks());
    assertArrayEquals(new int[] {6, 6}, m.attempts());
    assertEquals(0.5, m.validRate(0), 1e-12);
    assertEquals(1.0, m.passRate(0, 0), 1e-12);
    assertEquals(1.0, m.passRate(0, 1), 1e-12);
    assertEquals(0.0, m.passRate(1, 0), 1e-12);
    assertEquals(0.5, m.passRate(1, 1), 1e-12);
  }

  @Test
  void exactScorerUsesScoredProbabilityOfGold() {
    CoevolutionMatrix m = base().scorer(PassRateScorer.exactGold()).build().evaluate();
    // ScriptedPolicy gives every token log-probability -ln 2; golds are one token
    for (double[] row : m.passRates()) {
      for (double v : row) {
        assertEquals(0.5, v, 1e-6);
      }
    }
  }

  @Test
  void challengerWithoutValidTasksGivesNaNAndLoadedBackendsAreClosed() {
    AtomicInteger closed = new AtomicInteger();
    ScriptedPolicy never = new ScriptedPolicy((p, row, seed, pol) -> "bad");
    CoevolutionMatrix m = base()
        .challengers(List.of(PolicyCheckpoint.loading("never", () -> new ClosingBackend(never, closed))))
        .scorer(PassRateScorer.exactGold()).build().evaluate();
    assertTrue(Double.isNaN(m.passRate(0, 0)));
    assertEquals(0, m.validTasks()[0]);
    assertEquals(1, closed.get());
  }

  @Test
  void resultIsImmutableAndBuilderNamesBadSettings() {
    CoevolutionMatrix m = base().scorer(PassRateScorer.exactGold()).build().evaluate();
    m.passRates()[0][0] = 42;
    assertEquals(0.5, m.passRate(0, 0), 1e-6);
    SpiceException e = assertThrows(SpiceException.ConfigurationException.class,
        () -> CoevolutionEvaluation.builder().attemptsPerDocument(0).build());
    assertTrue(e.getMessage().contains("attemptsPerDocument"), e.getMessage());
    assertTrue(e.getMessage().contains("scorer"), e.getMessage());
  }

  @Test
  void sameSeedSameMatrix() {
    var e = base().scorer(PassRateScorer.sampled(EXACT.async(), 3, SamplingParams.defaults(8))).build();
    assertEquals(e.evaluate(), e.evaluate());
  }

  /** Delegates to a policy and counts close() calls. */
  record ClosingBackend(ScriptedPolicy inner, AtomicInteger closed) implements dev.spice.core.PolicyBackend {
    @Override
    public String name() {
      return "closing";
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
    public void close() {
      closed.incrementAndGet();
    }
  }
}
