package dev.spice.core.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.AnswerType;
import dev.spice.core.Completion;
import dev.spice.core.PolicyBackend;
import dev.spice.core.Prompt;
import dev.spice.core.SamplingParams;
import dev.spice.core.SpiceException;
import dev.spice.core.Task;
import dev.spice.core.roles.Roles;
import dev.spice.core.testing.ScriptedPolicy;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExactDemonstrationScorerTest {
  private static final Task PARIS = Task.freeForm("france capital ___ ?", "paris", AnswerType.STRING);
  private static final Task LONG = Task.freeForm("peru climate ___ ?", "dry desert in the west", AnswerType.STRING);

  @Test
  void scoresTheCanonicalCompletionAndItsEndToken() {
    // ScriptedPolicy gives every token log-prob -ln 2: "answer: paris" + <eos> is 3 tokens -> 1/8;
    // "answer: dry desert in the west" + <eos> is 7 tokens -> 1/128
    ScriptedPolicy p = new ScriptedPolicy((prompt, row, seed, policy) -> "x");
    double[] r = PassRateScorer.exactDemonstration(Roles::textDemonstration)
        .passRates(p, Roles.textReasoner((text, task) -> java.util.Optional.empty()), List.of(PARIS, LONG), 0);
    assertArrayEquals(new double[] {1.0 / 8, 1.0 / 128}, r, 1e-9);
  }

  @Test
  void refusesABackendThatCannotEncodeDemonstrations() {
    PolicyBackend frozen = new PolicyBackend() {
      @Override
      public String name() {
        return "frozen";
      }

      @Override
      public List<Completion> generate(List<Prompt> prompts, SamplingParams params) {
        throw new AssertionError();
      }

      @Override
      public List<float[]> scoreContinuations(List<Prompt> prompts, List<int[]> continuations) {
        throw new AssertionError();
      }

      @Override
      public int[] tokenize(String text) {
        return new int[0];
      }

      @Override
      public String detokenize(int[] tokens) {
        return "";
      }
    };
    var e = assertThrows(SpiceException.ConfigurationException.class, () -> PassRateScorer
        .exactDemonstration(Roles::textDemonstration)
        .passRates(frozen, Roles.textReasoner((text, task) -> java.util.Optional.empty()), List.of(PARIS), 0));
    assertTrue(e.getMessage().contains("needs a trainable policy") && e.getMessage().contains("frozen"),
        e.getMessage());
  }
}
