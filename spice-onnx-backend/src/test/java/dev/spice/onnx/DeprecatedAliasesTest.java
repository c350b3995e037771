package dev.spice.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.spice.core.Prompt;
import dev.spice.core.Role;
import dev.spice.core.SpiceException;
import dev.spice.core.text.PromptTemplate;
import dev.spice.core.text.Tokenizer;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The deprecated {@link TokenCodec} and {@code promptTemplate(Function)} keep working for one
 * release, with their old behaviour: the word-level codec is strict and keeps special tokens.
 */
@SuppressWarnings("deprecation")
class DeprecatedAliasesTest {
  @TempDir Path dir;

  @Test
  void wordLevelCodec() {
    TokenCodec c = TokenCodec.wordLevel(List.of("a", "b", "c"));
    assertArrayEquals(new int[] {0, 2, 1}, c.encode(" a  c\tb "));
    assertArrayEquals(new int[0], c.encode(" \n "));
    assertEquals("c a b", c.decode(new int[] {2, 0, 1}));
    assertEquals("", c.decode(new int[0]));
    for (int bad : new int[] {-1, 3}) {
      assertEquals("token id " + bad + " is outside the vocabulary [0, 3)",
          assertThrows(SpiceException.InvalidInputException.class, () -> c.decode(new int[] {0, bad})).getMessage());
    }
    assertEquals("word 'd' is not in the 3-word vocabulary",
        assertThrows(SpiceException.InvalidInputException.class, () -> c.encode("a d")).getMessage());
    assertEquals("vocabulary word 'a' appears twice (ids 0, 2)", assertThrows(IllegalArgumentException.class,
        () -> TokenCodec.wordLevel(List.of("a", "b", "a"))).getMessage());
    assertEquals("vocabulary word 1 ' b' is empty or contains whitespace", assertThrows(IllegalArgumentException.class,
        () -> TokenCodec.wordLevel(List.of("a", " b"))).getMessage());
    c.close(); // nothing to release
  }

  @Test
  void aWordLevelCodecIsACoreTokenizer() {
    Tokenizer t = TokenCodec.wordLevel(List.of("<pad>", "<eos>", "a"));
    assertEquals("<pad> a <eos>", t.decode(new int[] {0, 2, 1}), "special tokens are kept");
    assertEquals(3, t.vocabSize());
    assertEquals(2, t.tokenId("a"));
    assertEquals(-1, t.tokenId("b"), "unknown: encode fails, so no single token");
    assertArrayEquals(new int[0], t.eosIds());
    assertEquals(-1, t.padId());
    assertSame(t, OnnxPolicy.builder().tokenizer(TokenCodec.wordLevel(List.of("x"))).tokenizer(t).tokenizer);
  }

  @Test
  void huggingFaceIsTheHfTokenizer() {
    Path tj = Fixtures.tokenizerJson(dir);
    try (TokenCodec c = TokenCodec.huggingFace(tj); HfTokenizer h = HfTokenizer.load(tj)) {
      assertInstanceOf(HfTokenizer.class, c);
      assertArrayEquals(h.encode("what is two plus four"), c.encode("what is two plus four"));
      assertEquals(h.decode(new int[] {0, 2, 1}), c.decode(new int[] {0, 2, 1}));
    }
    assertThrows(SpiceException.ConfigurationException.class, () -> TokenCodec.huggingFace(dir.resolve("no.json")));
  }

  @Test
  void promptTemplateTakesAFunction() {
    Function<Prompt, String> f = p -> "<" + p.text() + ">";
    OnnxPolicy.Builder b = OnnxPolicy.builder().promptTemplate(f);
    assertEquals("<q>", b.template.render(Prompt.of(Role.REASONER, "q")));
    assertSame(PromptTemplate.RAW, OnnxPolicy.builder().template, "the default renders the prompt's text");
    assertThrows(NullPointerException.class, () -> OnnxPolicy.builder().promptTemplate(null));
  }
}
