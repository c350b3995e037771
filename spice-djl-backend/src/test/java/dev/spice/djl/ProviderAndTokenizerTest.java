package dev.spice.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.Completion;
import dev.spice.core.Policies;
import dev.spice.core.PolicyBackend;
import dev.spice.core.Prompt;
import dev.spice.core.Role;
import dev.spice.core.SamplingParams;
import dev.spice.core.SpiceException;
import dev.spice.core.text.PromptTemplate;
import dev.spice.core.text.WordTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProviderAndTokenizerTest {

  @Test
  void wordTokenizerEncodesDecodesAndRejectsUnknownWords() {
    WordTokenizer t = Fixtures.tokenizer();
    assertArrayEquals(new int[] {5, 6, 4}, t.encode("  w1 w2\tw0 "));
    assertEquals("w1 w2", t.decode(new int[] {5, 6, 3, 0}));
    assertEquals(1, t.encode("nope")[0], "unknown word maps to <unk>");
    assertEquals(3, t.eosIds()[0]);
    assertEquals(0, t.padId());
    assertEquals(-1, t.tokenId("w1 w2"));
    WordTokenizer strict = WordTokenizer.of(List.of("a", "b"));
    SpiceException e = assertThrows(SpiceException.class, () -> strict.encode("a c"));
    assertTrue(e.getMessage().contains("'c'"), e.getMessage());
    assertThrows(SpiceException.ConfigurationException.class, () -> WordTokenizer.of(List.of("a", "a")));
    assertThrows(SpiceException.ConfigurationException.class, () -> WordTokenizer.of(List.of("a b")));
  }

  @Test
  void templatesRender() {
    Prompt p = Prompt.of(Role.REASONER, "2+2?");
    assertEquals("2+2?", PromptTemplate.RAW.render(p));
    assertEquals("2+2?\n", PromptTemplate.PLAIN.render(p));
    assertEquals("<|im_start|>user\n2+2?<|im_end|>\n<|im_start|>assistant\n", PromptTemplate.CHATML.render(p));
    assertTrue(PromptTemplate.chatMl("be brief").render(p).startsWith("<|im_start|>system\nbe brief<|im_end|>\n"));
    assertThrows(SpiceException.ConfigurationException.class, () -> PromptTemplate.named("jinja"));
  }

  @Test
  void constrainedDecodingOnlyEmitsAllowedTokensAndRenormalises() {
    try (DjlPolicy p = DjlPolicy.builder().randomInit(Fixtures.qwen3(), 4).tokenizer(Fixtures.tokenizer())
        .eosWhenConstrained(false).build()) {
      Prompt q = new Prompt(Role.REASONER, "w1 w2", List.of("w7", "w8", "w9"));
      List<Completion> cs = p.generate(List.of(q, q, q, q, q, q), new SamplingParams(1, 1, 0, 1, List.of(), 3));
      for (Completion c : cs) {
        assertTrue(Set.of("w7", "w8", "w9").contains(c.text()), c.text());
      }
      List<float[]> s = p.scoreContinuations(List.of(q, q, q),
          List.of(new int[] {p.tokenize("w7")[0]}, new int[] {p.tokenize("w8")[0]}, new int[] {p.tokenize("w9")[0]}));
      double total = 0;
      for (float[] f : s) {
        total += Math.exp(f[0]);
      }
      assertEquals(1.0, total, 1e-5);
      Prompt bad = new Prompt(Role.REASONER, "w1", List.of("w7 w8"));
      SpiceException e = assertThrows(SpiceException.class,
          () -> p.generate(List.of(bad), SamplingParams.defaults(1)));
      assertTrue(e.getMessage().contains("w7 w8"), e.getMessage());
    }
  }

  @Test
  void eosStaysAllowedUnderConstraintsByDefaultAndStopsGeneration() {
    try (DjlPolicy p = DjlPolicy.builder().randomInit(Fixtures.qwen3(), 4).tokenizer(Fixtures.tokenizer()).build()) {
      Prompt q = new Prompt(Role.REASONER, "w1 w2", List.of("w7"));
      int sawEos = 0;
      for (Completion c : p.generate(java.util.Collections.nCopies(40, q), new SamplingParams(1, 1, 0, 5, List.of(), 8))) {
        for (int i = 0; i < c.tokens().length; i++) {
          int t = c.tokens()[i];
          assertTrue(t == 3 || t == p.tokenize("w7")[0]);
          if (t == 3) {
            assertEquals(c.tokens().length - 1, i, "eos ends the completion");
            assertEquals(Completion.FinishReason.STOP, c.finishReason());
            sawEos++;
          }
        }
      }
      assertTrue(sawEos > 0, "a random model draws <eos> sometimes");
    }
  }

  @Test
  void stopStringsEndGenerationAndStayInTheText() {
    try (DjlPolicy p = DjlPolicy.builder().randomInit(Fixtures.qwen3(), 4).tokenizer(Fixtures.tokenizer()).build()) {
      Prompt q = new Prompt(Role.REASONER, "w1", List.of("w7", "w8"));
      for (Completion c : p.generate(java.util.Collections.nCopies(10, q),
          new SamplingParams(1, 1, 0, 8, List.of("w8"), 2))) {
        if (c.finishReason() == Completion.FinishReason.STOP && !c.text().isEmpty() && c.tokens()[c.tokens().length - 1] != 3) {
          assertTrue(c.text().endsWith("w8"), c.text());
          assertEquals(1, c.text().split("w8", -1).length - 1);
        }
      }
    }
  }

  @Test
  void providerIsFoundAndRejectsUnknownKeys(@TempDir Path dir) throws Exception {
    assertTrue(Policies.providers().stream().anyMatch(p -> p.name().equals("djl")));
    Path cfg = dir.resolve("config.json");
    Fixtures.qwen3().write(cfg);
    Path vocab = dir.resolve("vocab.txt");
    Files.write(vocab, Fixtures.tokenizer().vocabulary());
    try (PolicyBackend b = Policies.create("djl", Map.of("config", cfg.toString(), "vocab", vocab.toString(),
        "seed", "3", "learning_rate", "1e-3"))) {
      assertEquals("djl-pytorch", b.name());
      assertEquals(1, b.generate(List.of(Prompt.of(Role.REASONER, "w1")), SamplingParams.defaults(2)).size());
    }
    SpiceException e = assertThrows(SpiceException.ConfigurationException.class,
        () -> Policies.create("djl", Map.of("config", cfg.toString(), "vocab", vocab.toString(), "lr", "1")));
    assertTrue(e.getMessage().contains("'lr'") && e.getMessage().contains("learning_rate"), e.getMessage());
    assertThrows(SpiceException.ConfigurationException.class, () -> Policies.create("djl", Map.of()));
  }

  @Test
  void builderRejectsBadSettings() {
    assertThrows(SpiceException.ConfigurationException.class, () -> DjlPolicy.builder().build());
    assertThrows(SpiceException.ConfigurationException.class,
        () -> DjlPolicy.builder().randomInit(Fixtures.qwen3(), 1).build());
    SpiceException e = assertThrows(SpiceException.ConfigurationException.class,
        () -> DjlPolicy.builder().randomInit(Fixtures.qwen3(), 1).tokenizer(Fixtures.tokenizer()).device("tpu").build());
    assertTrue(e.getMessage().contains("cpu, gpu"), e.getMessage());
    assertThrows(SpiceException.ConfigurationException.class,
        () -> DjlPolicy.builder().randomInit(Fixtures.qwen3(), 1)
            .tokenizer(WordTokenizer.withSpecialTokens(Fixtures.words(100))).build());
    assertThrows(SpiceException.ConfigurationException.class, () -> OptimizerSettings.adamW(-1));
  }
}
