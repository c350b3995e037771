package dev.spice.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.Completion;
import dev.spice.core.Prompt;
import dev.spice.core.Role;
import dev.spice.core.SamplingParams;
import dev.spice.core.SpiceException;
import dev.spice.core.model.TransformerConfig;
import dev.spice.core.text.PromptTemplate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link DjlPolicy#generateFromTokens} gives exactly what {@link DjlPolicy#generate} gives for the encoded prompts. */
class GenerateFromTokensTest {

  static List<TransformerConfig> configs() {
    return List.of(Fixtures.qwen3(), Fixtures.llama());
  }

  @ParameterizedTest
  @MethodSource("configs")
  void sameCompletionsAsGenerateForTheEncodedPrompts(TransformerConfig cfg) {
    try (DjlPolicy p = DjlPolicy.builder().randomInit(cfg, 5).tokenizer(Fixtures.tokenizer())
        .template(PromptTemplate.CHATML).addBos(true).build()) {
      List<Prompt> prompts = GenerationTest.prompts();
      SamplingParams sp = new SamplingParams(0.9, 0.95, 20, 7, List.of("w5"), 123);
      List<Completion> viaText = p.generate(prompts, sp);
      List<int[]> ids = new ArrayList<>();
      for (Completion c : viaText) {
        ids.add(c.promptTokens());
      }
      assertTrue(ids.get(0).length > 7, "the template and BOS are part of the encoded prompt");
      List<Completion> viaIds = p.generateFromTokens(ids, null, sp);
      assertEquals(viaText, viaIds);
      assertNotEquals(viaIds.get(0), p.generateFromTokens(ids, null, sp.withSeed(124)).get(0));
    }
  }

  @Test
  void constrainedByIdsEqualsConstrainedByStrings() {
    try (DjlPolicy p = Fixtures.policy(Fixtures.qwen3(), 3, OptimizerSettings.adamW(1e-3))) {
      List<String> allowed = List.of("w3", "w8", "w11");
      List<Prompt> prompts = List.of(new Prompt(Role.REASONER, "w1 w2", allowed),
          new Prompt(Role.REASONER, "w4", allowed));
      SamplingParams sp = new SamplingParams(1.0, 1.0, 0, 5, List.of(), 9);
      List<Completion> viaText = p.generate(prompts, sp);
      int[] allowedIds = {p.tokenize("w11")[0], p.tokenize("w3")[0], p.tokenize("w8")[0]};
      List<Completion> viaIds = p.generateFromTokens(List.of(viaText.get(0).promptTokens(),
          viaText.get(1).promptTokens()), allowedIds, sp);
      assertEquals(viaText, viaIds);
    }
  }

  @Test
  void badIdsAreRejectedNamingThePrompt() {
    try (DjlPolicy p = Fixtures.policy(Fixtures.qwen3(), 3, OptimizerSettings.adamW(1e-3))) {
      SamplingParams sp = SamplingParams.defaults(2);
      String msg = assertThrows(SpiceException.InvalidInputException.class,
          () -> p.generateFromTokens(List.of(new int[] {1}, new int[] {2, 4000}), null, sp)).getMessage();
      assertTrue(msg.contains("prompt 1") && msg.contains("4000"), msg);
      assertThrows(SpiceException.InvalidInputException.class, () -> p.generateFromTokens(List.of(new int[0]), null, sp));
      assertThrows(SpiceException.InvalidInputException.class,
          () -> p.generateFromTokens(List.of(new int[] {1}), new int[] {-1}, sp));
      int[] prompt = {1, 2};
      p.generateFromTokens(List.of(prompt), null, sp);
      assertArrayEquals(new int[] {1, 2}, prompt, "the caller's array is not modified");
    }
  }
}
