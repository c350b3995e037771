package dev.spice.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.Completion;
import dev.spice.core.Prompt;
import dev.spice.core.SamplingParams;
import dev.spice.core.SpiceException;
import dev.spice.core.model.TransformerConfig;
import dev.spice.core.text.PromptTemplate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link DjlPolicy#scoreFromTokens} gives exactly what {@link DjlPolicy#scoreContinuations} gives for the encoded prompts. */
class ScoreFromTokensTest {

  static List<TransformerConfig> configs() {
    return List.of(Fixtures.qwen3(), Fixtures.llama());
  }

  @ParameterizedTest
  @MethodSource("configs")
  void sameLogProbsAsScoreContinuationsForTheEncodedPrompts(TransformerConfig cfg) {
    try (DjlPolicy p = DjlPolicy.builder().randomInit(cfg, 5).tokenizer(Fixtures.tokenizer())
        .template(PromptTemplate.CHATML).addBos(true).build()) {
      List<Prompt> prompts = GenerationTest.prompts();
      List<Completion> sampled = p.generate(prompts, new SamplingParams(1.0, 1.0, 0, 6, List.of(), 77));
      List<int[]> ids = new ArrayList<>();
      List<int[]> conts = new ArrayList<>();
      for (Completion c : sampled) {
        ids.add(c.promptTokens());
        conts.add(c.tokens());
      }
      conts.set(0, new int[0]);
      assertTrue(ids.get(0).length > 7, "the template and BOS are part of the encoded prompt");
      List<float[]> viaText = p.scoreContinuations(prompts, conts);
      List<float[]> viaIds = p.scoreFromTokens(ids, conts);
      assertEquals(viaText.size(), viaIds.size());
      for (int i = 0; i < viaText.size(); i++) {
        assertArrayEquals(viaText.get(i), viaIds.get(i), "row " + i);
      }
      for (int i = 1; i < sampled.size(); i++) {
        float[] want = sampled.get(i).logProbs();
        for (int j = 0; j < want.length; j++) {
          assertEquals(want[j], viaIds.get(i)[j], 1e-4, "row " + i + " token " + j + " equals the sampled log-prob");
        }
      }
    }
  }

  @Test
  void aPromptSplitAnywhereScoresTheSameTokensAlike() {
    try (DjlPolicy p = Fixtures.policy(Fixtures.qwen3(), 3, OptimizerSettings.adamW(1e-3))) {
      int[] all = p.tokenize("w1 w2 w3 w4 w5 w6");
      float[] fromOne = p.scoreFromTokens(List.of(new int[] {all[0]}),
          List.of(java.util.Arrays.copyOfRange(all, 1, all.length))).get(0);
      float[] fromThree = p.scoreFromTokens(List.of(java.util.Arrays.copyOf(all, 3)),
          List.of(java.util.Arrays.copyOfRange(all, 3, all.length))).get(0);
      for (int j = 0; j < fromThree.length; j++) {
        assertEquals(fromOne[j + 2], fromThree[j], 1e-5, "token " + (j + 3));
      }
    }
  }

  @Test
  void badInputIsRejectedNamingTheRow() {
    try (DjlPolicy p = Fixtures.policy(Fixtures.qwen3(), 3, OptimizerSettings.adamW(1e-3))) {
      String msg = assertThrows(SpiceException.InvalidInputException.class,
          () -> p.scoreFromTokens(List.of(new int[] {1}, new int[] {2}), List.of(new int[] {1}, new int[] {4000})))
          .getMessage();
      assertTrue(msg.contains("continuation 1") && msg.contains("4000"), msg);
      msg = assertThrows(SpiceException.InvalidInputException.class,
          () -> p.scoreFromTokens(List.of(new int[0]), List.of(new int[] {1}))).getMessage();
      assertTrue(msg.contains("prompt 0"), msg);
      assertThrows(SpiceException.InvalidInputException.class,
          () -> p.scoreFromTokens(List.of(new int[] {1}), List.of()));
      int[] prompt = {1, 2};
      int[] cont = {3};
      p.scoreFromTokens(List.of(prompt), List.of(cont));
      assertArrayEquals(new int[] {1, 2}, prompt, "the caller's arrays are not modified");
      assertArrayEquals(new int[] {3}, cont);
    }
  }
}
