package dev.spice.core.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.SpiceException;
import dev.spice.core.internal.json.Json;
import dev.spice.core.internal.model.TokenizerJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** WordTokenizer as its Javadoc describes it: id = index, special tokens by name, single-space decoding. */
class WordTokenizerTest {
  @TempDir Path dir;

  @Test
  void idsAreListIndicesAndSpecialTokensAreFoundWhereverTheyAre() {
    WordTokenizer t = WordTokenizer.of(List.of("<unk>", "<eos>", "a", "b"));
    assertArrayEquals(new int[] {2, 3, 0, 2}, t.encode("a b zzz a"), "unknown words map to <unk>, even at id 0");
    assertArrayEquals(new int[] {1}, t.eosIds());
    assertEquals(-1, t.padId(), "no <pad> in the list");
    assertEquals("a b", t.decode(new int[] {2, 1, 3}), "<eos> is dropped");
    assertEquals("<unk> a", t.decode(new int[] {0, 2}));
    assertEquals(4, t.vocabSize());
    assertEquals(List.of("<unk>", "<eos>", "a", "b"), t.vocabulary());
    WordTokenizer eosFirst = WordTokenizer.of(List.of("<eos>", "<pad>", "x"));
    assertArrayEquals(new int[] {0}, eosFirst.eosIds());
    assertEquals(1, eosFirst.padId());
    assertEquals("x", eosFirst.decode(new int[] {1, 2, 0, 1}));
    assertArrayEquals(new int[0], WordTokenizer.of(List.of("x")).eosIds());
    WordTokenizer special = WordTokenizer.withSpecialTokens(List.of("p", "q"));
    assertEquals(List.of("<pad>", "<unk>", "<bos>", "<eos>", "p", "q"), special.vocabulary());
    assertEquals(0, special.padId());
    assertEquals(2, special.tokenId("<bos>"));
    assertEquals(5, special.tokenId(" q "));
    assertEquals(-1, special.tokenId("r"));
  }

  @Test
  void blankTextHasNoTokens() {
    WordTokenizer t = WordTokenizer.of(List.of("a"));
    assertArrayEquals(new int[0], t.encode(""));
    assertArrayEquals(new int[0], t.encode(" \t\n "));
    assertEquals("", t.decode(new int[0]));
  }

  @Test
  void idsOutsideTheVocabularyAndUnknownWordsAreNamed() {
    WordTokenizer t = WordTokenizer.of(List.of("a", "b"));
    assertEquals("a", t.decode(new int[] {0}));
    for (int bad : new int[] {-1, 2, 7}) {
      var e = assertThrows(SpiceException.BackendException.class, () -> t.decode(new int[] {0, bad}));
      assertEquals("token id " + bad + " is outside the vocabulary [0, 2)", e.getMessage());
    }
    var e = assertThrows(SpiceException.BackendException.class, () -> t.encode("a  c"));
    assertEquals("word 'c' (word 1 of the text) is not in the vocabulary of 2 words, and the vocabulary has no <unk>"
        + " token", e.getMessage());
    WordTokenizer withSpecials = WordTokenizer.withSpecialTokens(List.of("a"));
    assertThrows(SpiceException.BackendException.class, () -> withSpecials.decode(new int[] {-1}),
        "-1 is not a token even though <pad> and <eos> exist");
  }

  @Test
  void badVocabulariesAreRefusedByEntry() {
    assertEquals("vocabulary entry 2 ('a') is a duplicate of entry 0", assertThrows(
        SpiceException.ConfigurationException.class, () -> WordTokenizer.of(List.of("a", "b", "a"))).getMessage());
    assertEquals("vocabulary entry 1 ('') is empty or contains whitespace", assertThrows(
        SpiceException.ConfigurationException.class, () -> WordTokenizer.of(List.of("a", ""))).getMessage());
    assertEquals("vocabulary entry 0 ('a\tb') is empty or contains whitespace", assertThrows(
        SpiceException.ConfigurationException.class, () -> WordTokenizer.of(List.of("a\tb"))).getMessage());
    assertEquals("vocabulary is empty", assertThrows(SpiceException.ConfigurationException.class,
        () -> WordTokenizer.of(List.of())).getMessage());
    assertThrows(SpiceException.ConfigurationException.class,
        () -> WordTokenizer.withSpecialTokens(List.of("x", "<eos>")));
    assertTrue(WordTokenizer.of(List.of("a", "b", "c")).toString().contains("3"));
  }

  @Test
  void theHuggingFaceFileHasTheSameIdsAndMarksTheSpecialTokens() throws Exception {
    WordTokenizer t = WordTokenizer.of(List.of("w0", "<eos>", "w1", "<unk>", "<pad>", "w2"));
    Path f = dir.resolve("tokenizer.json");
    t.writeHuggingFaceJson(f);
    Map<String, Object> root = Json.parseObject(Files.readString(f));
    @SuppressWarnings("unchecked")
    Map<String, Object> model = (Map<String, Object>) root.get("model");
    assertEquals("WordLevel", model.get("type"));
    assertEquals("<unk>", model.get("unk_token"));
    assertEquals(Map.of("w0", 0L, "<eos>", 1L, "w1", 2L, "<unk>", 3L, "<pad>", 4L, "w2", 5L), model.get("vocab"));
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> added = (List<Map<String, Object>>) root.get("added_tokens");
    assertEquals(List.of("<pad>", "<unk>", "<eos>"), added.stream().map(a -> a.get("content")).toList());
    assertEquals(List.of(4L, 3L, 1L), added.stream().map(a -> a.get("id")).toList());
    added.forEach(a -> assertEquals(true, a.get("special")));
    TokenizerJson.Info info = TokenizerJson.read(f, SpiceException.BackendException::new);
    assertEquals(6, info.vocabSize());
    // no special tokens at all: nothing added
    WordTokenizer plain = WordTokenizer.of(List.of("x", "y"));
    Path p = dir.resolve("plain.json");
    plain.writeHuggingFaceJson(p);
    assertEquals(List.of(), Json.parseObject(Files.readString(p)).get("added_tokens"));
    var e = assertThrows(SpiceException.CheckpointException.class,
        () -> plain.writeHuggingFaceJson(dir.resolve("no/such/dir/tokenizer.json")));
    assertTrue(e.getMessage().startsWith("cannot write " + dir.resolve("no/such/dir/tokenizer.json")), e.getMessage());
  }
}
