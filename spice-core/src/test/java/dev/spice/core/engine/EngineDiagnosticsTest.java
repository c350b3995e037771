package dev.spice.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.Challenger;
import dev.spice.core.ChallengerAttempt;
import dev.spice.core.Completion;
import dev.spice.core.Document;
import dev.spice.core.Prompt;
import dev.spice.core.Role;
import dev.spice.core.roles.Roles;
import dev.spice.core.testing.ListCorpus;
import dev.spice.core.testing.ScriptedPolicy;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The engine's diagnostics: why Challenger attempts were invalid ({@code challenger/invalid/*}), how
 * often the Reasoner gave no answer ({@code reasoner/no_answer_rate}) and where the iteration's time
 * went ({@code timing_s/*}).
 */
class EngineDiagnosticsTest {
  private static final String FREE =
      "{\"type\":\"free_form\",\"question\":\"Q %s\",\"answer\":\"7\",\"answer_type\":\"Integer\"}";
  private static final String REASON = "reason=";
  private static final String THROW = "throw";
  private static final List<String> TIMINGS = List.of(MetricNames.TIMING_CHALLENGER_GEN,
      MetricNames.TIMING_REASONER_GEN, MetricNames.TIMING_VERIFY, MetricNames.TIMING_REWARD, MetricNames.TIMING_UPDATE);

  /**
   * The JSON Challenger, except that a completion {@code reason=<text>} is invalid with that reason
   * and a completion {@code throw} makes parsing fail (the engine's own "challenger parse failed: ...").
   */
  private static Challenger scriptedReasons() {
    Challenger json = Roles.jsonChallenger();
    return new Challenger() {
      @Override
      public Prompt prompt(Document document) {
        return json.prompt(document);
      }

      @Override
      public ChallengerAttempt parse(Document document, Prompt prompt, Completion completion) {
        String text = completion.text();
        if (text.startsWith(REASON)) {
          return ChallengerAttempt.invalid(document, prompt, completion, text.substring(REASON.length()));
        }
        if (text.equals(THROW)) {
          throw new IllegalStateException("parser bug");
        }
        return json.parse(document, prompt, completion);
      }
    };
  }

  private static SelfPlay.Builder builder(ScriptedPolicy policy) {
    List<Document> docs = List.of(Document.of("d0", "doc0", "s"), Document.of("d1", "doc1", "s"));
    return SelfPlay.builder().policy(policy).corpus(new ListCorpus("s", docs, 3)).recipe(TestRecipes.recipe(4, 4))
        .batchSize(2).maxChallengerAttempts(4).challenger(scriptedReasons()).seed(3);
  }

  @Test
  void invalidReasonsAreCountedByCodeAndMissingAnswersByShare() {
    // Challenger, one round of 4 attempts per document (rows 0-3 and 4-7), all kept:
    //   rows 0, 4: valid; 1, 5: too_long; 2, 6, 7: format; 3: the parser throws (other).
    // Reasoner, 2 valid tasks x 4 answers (rows 0-7): rows 0, 1, 5 give nothing extractable.
    ScriptedPolicy policy = new ScriptedPolicy((p, row, seed, pol) -> {
      if (p.role() == Role.CHALLENGER) {
        return switch (row) {
          case 0, 4 -> String.format(FREE, row);
          case 1, 5 -> REASON + "too_long: " + (5000 + row) + " characters";
          case 3 -> THROW;
          default -> REASON + "format: no JSON object found";
        };
      }
      return row == 0 || row == 1 || row == 5 ? "no idea" : "\\boxed{" + (row % 2 == 0 ? 7 : 1) + "}";
    });
    IterationResult r = builder(policy).build().step();
    Metrics m = r.metrics();

    Map<String, Double> invalid = new TreeMap<>();
    m.values().forEach((k, v) -> {
      if (k.startsWith(MetricNames.CHALLENGER_INVALID_PREFIX)) {
        invalid.put(k, v);
      }
    });
    assertEquals(Map.of("challenger/invalid/format", 3.0 / 8, "challenger/invalid/other", 1.0 / 8,
        "challenger/invalid/too_long", 2.0 / 8), invalid, "only codes that occur; shares of all 8 attempts");
    assertEquals(2.0 / 8, m.get(MetricNames.CHALLENGER_VALID_RATE), 0);
    assertEquals(invalid.get("challenger/invalid/format"), m.get(MetricNames.challengerInvalid("format")), 0);
    assertFalse(m.values().containsKey(MetricNames.challengerInvalid("not_grounded")), "absent means 0");

    assertEquals(3.0 / 8, m.get(MetricNames.REASONER_NO_ANSWER_RATE), 0);
    long nulls = r.documents().stream().flatMap(d -> d.reasonerAnswers().stream()).filter(a -> a.answer() == null)
        .count();
    assertTrue(nulls > 0, "the chosen tasks' answers include unextractable ones");

    assertTimingsAreConsistent(m);
  }

  @Test
  void withoutValidTasksEveryAttemptIsInvalidAndTheNoAnswerRateIsNan() {
    ScriptedPolicy policy = new ScriptedPolicy((p, row, seed, pol) -> "nothing useful");
    Metrics m = builder(policy).challenger(Roles.jsonChallenger()).build().step().metrics();
    double invalid = m.values().entrySet().stream()
        .filter(e -> e.getKey().startsWith(MetricNames.CHALLENGER_INVALID_PREFIX))
        .mapToDouble(Map.Entry::getValue).sum();
    assertEquals(1.0, invalid, 1e-12, "every attempt is invalid with some code: " + m.values());
    assertEquals(0.0, m.get(MetricNames.CHALLENGER_VALID_RATE), 0);
    assertTrue(m.values().containsKey(MetricNames.REASONER_NO_ANSWER_RATE), "present, like reasoner/pass_rate");
    assertTrue(Double.isNaN(m.get(MetricNames.REASONER_NO_ANSWER_RATE)));
    assertTrue(Double.isNaN(m.get(MetricNames.REASONER_PASS_RATE)));
    assertTimingsAreConsistent(m);
  }

  @Test
  void everyIterationReportsItsTimingSplit() {
    ScriptedPolicy policy = new ScriptedPolicy((p, row, seed, pol) -> p.role() == Role.CHALLENGER
        ? String.format(FREE, row) : "\\boxed{" + (row % 2 == 0 ? 7 : 1) + "}");
    for (IterationResult r : Runs.steps(builder(policy).build(), 3)) {
      assertTimingsAreConsistent(r.metrics());
      assertTrue(r.metrics().values().keySet().stream()
          .noneMatch(k -> k.startsWith(MetricNames.CHALLENGER_INVALID_PREFIX)), "no invalid attempt, no code");
      assertEquals(0.0, r.metrics().get(MetricNames.REASONER_NO_ANSWER_RATE), 0);
    }
  }

  /** Present, non-negative, and the five measured parts plus the rest make up the step time. */
  private static void assertTimingsAreConsistent(Metrics m) {
    double step = m.get(MetricNames.STEP_TIME);
    double sum = 0;
    for (String k : TIMINGS) {
      double v = m.get(k);
      assertTrue(v >= 0, k + " = " + v);
      sum += v;
    }
    assertTrue(sum <= step + 1e-9, "measured parts " + sum + " s within the step time " + step + " s");
    double other = m.get(MetricNames.TIMING_OTHER);
    assertTrue(other >= 0, "timing_s/other = " + other);
    assertEquals(Math.max(0, step - sum), other, 1e-9);
  }
}
