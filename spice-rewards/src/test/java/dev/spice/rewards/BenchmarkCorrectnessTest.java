package dev.spice.rewards;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.spice.core.Reasoner;
import dev.spice.core.SamplingParams;
import dev.spice.core.eval.BenchmarkEvaluation;
import dev.spice.core.eval.BenchmarkFile;
import dev.spice.core.eval.BenchmarkResult;
import dev.spice.core.eval.BenchmarkSet;
import dev.spice.core.roles.Roles;
import dev.spice.core.testing.ScriptedPolicy;
import dev.spice.rewards.verify.AnswerExtractors;
import java.io.StringReader;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A benchmark file read by {@code BenchmarkFile} and scored with the real Reasoner roles and
 * {@link ReasonerRewards#correctness()}: every answer type, options answered by text, aliases.
 */
class BenchmarkCorrectnessTest {
  static final String FILE = String.join("\n",
      "{\"id\": \"mc\", \"category\": \"regions\", \"question\": \"In which continent is Chad?\","
          + " \"options\": [\"Europe\", \"Africa\", \"Asia\", \"Oceania\"], \"answer\": \"Africa\"}",
      "{\"id\": \"int\", \"category\": \"math\", \"question\": \"What is 17 + 25?\", \"answer\": 42,"
          + " \"answer_type\": \"integer\"}",
      "{\"id\": \"expr\", \"category\": \"math\", \"question\": \"Simplify 2x + 3x\", \"answer\": \"5x\","
          + " \"answer_type\": \"expression\"}",
      "{\"id\": \"str\", \"category\": \"capitals\", \"question\": \"What is the capital of the Netherlands?\","
          + " \"answer\": \"Amsterdam\", \"aliases\": [\"A'dam\"]}",
      "{\"id\": \"wrong\", \"category\": \"capitals\", \"question\": \"What is the capital of Peru?\","
          + " \"answer\": \"Lima\"}");

  /** Answers each question by its id's answer in the given wrapper, e.g. {@code \boxed{%s}}. */
  static ScriptedPolicy answering(String format) {
    return new ScriptedPolicy((p, row, seed, pol) -> {
      String t = p.text();
      String a = t.contains("Chad") ? "Africa" : t.contains("17 + 25") ? "42.0" : t.contains("2x + 3x") ? "x*5"
          : t.contains("Netherlands") ? "A'dam" : "Cusco";
      return String.format(format, a);
    });
  }

  static BenchmarkResult score(Reasoner role, ScriptedPolicy policy) {
    BenchmarkSet set = BenchmarkFile.reader().build().read("mixed.jsonl", new StringReader(FILE));
    return BenchmarkEvaluation.builder().reasoner(role).reward(ReasonerRewards.correctness().async())
        .greedy(SamplingParams.defaults(16)).sampled(SamplingParams.defaults(16), 2).build().evaluate(policy, set);
  }

  @Test
  void boxedReasonerWithCorrectness() {
    BenchmarkResult r = score(Roles.reasoner(AnswerExtractors.defaults()), answering("so \\boxed{%s}"));
    assertEquals(List.of(true, true, true, true, false),
        r.items().stream().map(BenchmarkResult.ItemScore::greedyCorrect).toList());
    assertEquals(0.8, r.overall().passAt1(), 1e-12);
    assertEquals(0.8, r.overall().meanAtK(), 1e-12);
    assertEquals(0.5, r.categories().get("capitals").passAt1(), 1e-12);
    assertEquals(1.0, r.categories().get("math").passAtK(), 1e-12);
    assertEquals(0.0, r.overall().greedyNoAnswerRate(), 1e-12);
  }

  @Test
  void textReasonerWithCorrectnessAndNoAnswers() {
    BenchmarkResult r = score(Roles.textReasoner(AnswerExtractors.defaults()), answering("answer: %s"));
    assertEquals(0.8, r.overall().passAt1(), 1e-12);
    BenchmarkResult none = score(Roles.textReasoner(AnswerExtractors.defaults()), answering(""));
    assertEquals(0.0, none.overall().passAt1(), 1e-12);
    assertEquals(1.0, none.overall().greedyNoAnswerRate(), 1e-12);
    assertEquals(1.0, none.overall().sampledNoAnswerRate(), 1e-12);
  }
}
