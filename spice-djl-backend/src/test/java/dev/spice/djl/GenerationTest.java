package dev.spice.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.Completion;
import dev.spice.core.Prompt;
import dev.spice.core.Role;
import dev.spice.core.SamplingParams;
import dev.spice.core.model.TransformerConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class GenerationTest {

  static Stream<TransformerConfig> configs() {
    return Stream.of(Fixtures.qwen3(), Fixtures.llama(), Fixtures.qwen2());
  }

  static List<Prompt> prompts() {
    return List.of(
        Prompt.of(Role.CHALLENGER, "w1 w2 w3 w4 w5 w6 w7"),
        Prompt.of(Role.REASONER, "w9"),
        Prompt.of(Role.REASONER, "w10 w11 w12"),
        Prompt.of(Role.CHALLENGER, "w20 w21 w22 w23 w24 w25 w26 w27 w28 w29 w30"),
        // repeated prompts share one prompt pass in generation and in teacher forcing
        Prompt.of(Role.CHALLENGER, "w1 w2 w3 w4 w5 w6 w7"),
        Prompt.of(Role.REASONER, "w10 w11 w12"),
        Prompt.of(Role.REASONER, "w10 w11 w12"));
  }

  @ParameterizedTest
  @MethodSource("configs")
  void sampledLogProbsEqualTeacherForcedLogProbs(TransformerConfig cfg) {
    try (DjlPolicy p = Fixtures.policy(cfg, 7, OptimizerSettings.adamW(1e-3))) {
      List<Prompt> prompts = prompts();
      List<Completion> cs = p.generate(prompts, new SamplingParams(1.0, 1.0, 0, 6, List.of(), 11));
      List<int[]> conts = new ArrayList<>();
      for (Completion c : cs) {
        assertTrue(c.tokens().length >= 1);
        conts.add(c.tokens());
      }
      List<float[]> scored = p.scoreContinuations(prompts, conts);
      for (int i = 0; i < cs.size(); i++) {
        float[] a = cs.get(i).logProbs();
        float[] b = scored.get(i);
        assertEquals(a.length, b.length);
        for (int j = 0; j < a.length; j++) {
          assertEquals(a[j], b[j], 1e-5, "row " + i + " token " + j + " of " + cfg.modelType());
        }
      }
    }
  }
}
