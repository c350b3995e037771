package dev.spice.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.Prompt;
import dev.spice.core.Role;
import dev.spice.core.SpiceException;
import dev.spice.core.model.TransformerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The deprecated {@code dev.spice.djl} Tokenizer, WordTokenizer and PromptTemplate still compile
 * and behave exactly as the core types they alias, in the policy too.
 */
@SuppressWarnings("deprecation")
class DeprecatedAliasesTest {
  @TempDir Path dir;

  @Test
  void theWordTokenizerAliasIsTheCoreOne() throws Exception {
    WordTokenizer old = WordTokenizer.withSpecialTokens(Fixtures.WORDS);
    dev.spice.core.text.WordTokenizer now = dev.spice.core.text.WordTokenizer.withSpecialTokens(Fixtures.WORDS);
    assertInstanceOf(dev.spice.core.text.WordTokenizer.class, old);
    Tokenizer asOldInterface = old;
    assertEquals(now.vocabulary(), old.vocabulary());
    assertArrayEquals(now.encode("w1 nope w39"), asOldInterface.encode("w1 nope w39"));
    assertEquals(now.decode(new int[] {0, 5, 3, 6}), old.decode(new int[] {0, 5, 3, 6}));
    assertArrayEquals(now.eosIds(), old.eosIds());
    assertEquals(now.padId(), old.padId());
    assertEquals(now.vocabSize(), old.vocabSize());
    assertEquals(now.tokenId(WordTokenizer.BOS), old.tokenId(WordTokenizer.BOS));
    assertEquals(now.toString(), old.toString());
    assertEquals(List.of("a", "b"), WordTokenizer.of(List.of("a", "b")).vocabulary());
    assertThrows(SpiceException.ConfigurationException.class, () -> WordTokenizer.of(List.of("a", "a")));
    old.writeHuggingFaceJson(dir.resolve("old.json"));
    now.writeHuggingFaceJson(dir.resolve("now.json"));
    assertEquals(Files.readString(dir.resolve("now.json")), Files.readString(dir.resolve("old.json")));
  }

  @Test
  void theTokenizerAliasLoadsTheHuggingFaceTokenizer() throws Exception {
    Path f = dir.resolve("tokenizer.json");
    dev.spice.core.text.WordTokenizer.withSpecialTokens(Fixtures.words(5)).writeHuggingFaceJson(f);
    try (Tokenizer t = Tokenizer.huggingFace(dir); HfTokenizer h = HfTokenizer.load(f)) {
      assertEquals(f, assertInstanceOf(HfTokenizer.class, t).file());
      assertArrayEquals(h.encode("w1 w4 <eos>"), t.encode("w1 w4 <eos>"));
      assertArrayEquals(h.eosIds(), t.eosIds());
      assertEquals(h.vocabSize(), t.vocabSize());
    }
    assertThrows(SpiceException.BackendException.class, () -> Tokenizer.huggingFace(dir.resolve("missing.json")));
  }

  @Test
  void thePromptTemplateAliasRendersAsTheCoreOne() {
    Prompt p = Prompt.of(Role.REASONER, "2+2?");
    assertEquals(dev.spice.core.text.PromptTemplate.RAW.render(p), PromptTemplate.RAW.render(p));
    assertEquals(dev.spice.core.text.PromptTemplate.PLAIN.render(p), PromptTemplate.PLAIN.render(p));
    assertEquals(dev.spice.core.text.PromptTemplate.CHATML.render(p), PromptTemplate.CHATML.render(p));
    assertEquals(dev.spice.core.text.PromptTemplate.chatMl("be brief").render(p),
        PromptTemplate.chatMl("be brief").render(p));
    assertSame(PromptTemplate.RAW, PromptTemplate.named("raw"));
    assertSame(PromptTemplate.PLAIN, PromptTemplate.named("Plain"));
    assertSame(PromptTemplate.CHATML, PromptTemplate.named("CHATML"));
    assertEquals("unknown prompt template 'jinja'; valid: raw, plain, chatml",
        assertThrows(SpiceException.ConfigurationException.class, () -> PromptTemplate.named("jinja")).getMessage());
    PromptTemplate lambda = q -> q.text() + "?";
    assertEquals("2+2??", lambda.render(p));
  }

  /** {@code <|im_end|>} stops generation for ChatML and custom templates, not for RAW or PLAIN of either type. */
  @Test
  void onlyChatAndCustomTemplatesStopAtImEnd() {
    List<String> words = new ArrayList<>(Fixtures.words(39));
    words.add("<|im_end|>");
    dev.spice.core.text.WordTokenizer tok = dev.spice.core.text.WordTokenizer.withSpecialTokens(words);
    TransformerConfig cfg = Fixtures.qwen3();
    int imEnd = tok.tokenId("<|im_end|>");
    assertEquals(cfg.vocabSize() - 1, imEnd);
    List<dev.spice.core.text.PromptTemplate> plain = List.of(dev.spice.core.text.PromptTemplate.RAW,
        dev.spice.core.text.PromptTemplate.PLAIN, PromptTemplate.RAW, PromptTemplate.PLAIN);
    for (dev.spice.core.text.PromptTemplate t : plain) {
      assertFalse(new PromptEncoder(cfg, tok, t, DjlPolicy.builder().template(t)).isStop(imEnd));
    }
    dev.spice.core.text.PromptTemplate custom = Prompt::text;
    for (dev.spice.core.text.PromptTemplate t : List.of(dev.spice.core.text.PromptTemplate.CHATML,
        PromptTemplate.CHATML, custom, PromptTemplate.chatMl("x"))) {
      assertTrue(new PromptEncoder(cfg, tok, t, DjlPolicy.builder().template(t)).isStop(imEnd));
    }
    assertTrue(new PromptEncoder(cfg, tok, PromptTemplate.RAW, DjlPolicy.builder()).isStop(tok.eosIds()[0]));
  }
}
