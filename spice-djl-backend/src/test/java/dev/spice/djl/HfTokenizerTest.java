package dev.spice.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.SpiceException;
import dev.spice.core.internal.json.Json;
import dev.spice.core.text.Tokenizer;
import dev.spice.core.text.WordTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Hugging Face tokenizer.json through {@link Tokenizer#huggingFace}: ids as the file gives them,
 * end-of-sequence and padding tokens recognised by the names Hugging Face models use for them.
 */
class HfTokenizerTest {
  @TempDir Path dir;

  /**
   * A WordLevel tokenizer.json (whitespace pre-tokenisation, no decoder): the vocabulary is the
   * list (id = index), {@code special} entries are also listed as special added tokens.
   */
  static Path write(Path file, List<String> vocab, List<String> special) throws Exception {
    Map<String, Object> v = new LinkedHashMap<>();
    for (int i = 0; i < vocab.size(); i++) {
      v.put(vocab.get(i), (long) i);
    }
    List<Object> added = new ArrayList<>();
    for (String s : special) {
      Map<String, Object> a = new LinkedHashMap<>();
      a.put("id", (long) vocab.indexOf(s));
      a.put("content", s);
      a.put("single_word", false);
      a.put("lstrip", false);
      a.put("rstrip", false);
      a.put("normalized", false);
      a.put("special", true);
      added.add(a);
    }
    Map<String, Object> model = new LinkedHashMap<>();
    model.put("type", "WordLevel");
    model.put("vocab", v);
    model.put("unk_token", vocab.contains("<unk>") ? "<unk>" : vocab.get(0));
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("version", "1.0");
    root.put("truncation", null);
    root.put("padding", null);
    root.put("added_tokens", added);
    root.put("normalizer", null);
    root.put("pre_tokenizer", Map.of("type", "WhitespaceSplit"));
    root.put("post_processor", null);
    root.put("decoder", null);
    root.put("model", model);
    Files.createDirectories(file.getParent());
    Files.writeString(file, Json.write(root));
    return file;
  }

  @Test
  void endOfSequenceTokensOfTheCommonModelFamiliesAreRecognised() throws Exception {
    // Gemma <eos>, Llama 2 / Mistral </s>, GPT-2 and Qwen <|endoftext|>, ChatML <|im_end|>,
    // Llama 3 <|eot_id|> and <|end_of_text|>; <|im_start|> is special but not an end
    List<String> vocab = List.of("<unk>", "a", "b", "<eos>", "</s>", "<|endoftext|>", "<|im_end|>", "<|eot_id|>",
        "<|end_of_text|>", "<|im_start|>");
    try (Tokenizer t = HfTokenizer.load(write(dir.resolve("tokenizer.json"), vocab, vocab.subList(3, 10)))) {
      assertArrayEquals(new int[] {3, 4, 5, 6, 7, 8}, t.eosIds());
      assertEquals(-1, t.padId());
      assertEquals(10, t.vocabSize());
      assertEquals(6, t.tokenId("<|im_end|>"));
      assertEquals(9, t.tokenId("<|im_start|>"));
      assertEquals(1, t.tokenId("a"));
      assertEquals(-1, t.tokenId("a b"), "two tokens");
      assertEquals(-1, t.tokenId(""), "no token");
      assertArrayEquals(new int[] {1, 2, 1, 9}, t.encode("a b a <|im_start|>"));
      assertEquals("a b a", t.decode(new int[] {1, 3, 2, 4, 5, 6, 7, 8, 1}), "end tokens are dropped");
      assertEquals("<|im_start|> a", t.decode(new int[] {9, 1}), "other special tokens are kept");
    }
  }

  @Test
  void paddingTokensAreRecognisedEvenAtIdZero() throws Exception {
    int i = 0;
    for (String pad : List.of("<pad>", "<|pad|>", "[PAD]")) {
      List<String> vocab = List.of(pad, "<unk>", "a", "</s>");
      try (Tokenizer t = HfTokenizer.load(write(dir.resolve("p" + i++).resolve("tokenizer.json"), vocab,
          List.of(pad, "</s>")))) {
        assertEquals(0, t.padId(), pad);
        assertArrayEquals(new int[] {3}, t.eosIds());
        assertEquals("a a", t.decode(new int[] {0, 2, 0, 2, 3, 0}), pad);
      }
    }
    // the name alone is not enough: it must be a special (added) token
    List<String> vocab = List.of("<pad>", "a");
    try (Tokenizer t = HfTokenizer.load(write(dir.resolve("q/tokenizer.json"), vocab, List.of()))) {
      assertEquals(-1, t.padId());
      assertEquals("<pad> a", t.decode(new int[] {0, 1}));
    }
  }

  @Test
  void theVocabularySizeCoversAddedTokensBeyondTheModel() throws Exception {
    Path f = dir.resolve("tokenizer.json");
    write(f, List.of("<unk>", "a", "b"), List.of());
    Map<String, Object> root = new LinkedHashMap<>(Json.parseObject(Files.readString(f)));
    // as in Hugging Face files, the added token follows the model's vocabulary
    root.put("added_tokens", List.of(Map.of("id", 3L, "content", "<|im_end|>", "single_word", false, "lstrip", false,
        "rstrip", false, "normalized", false, "special", true)));
    Files.writeString(f, Json.write(root));
    try (Tokenizer t = HfTokenizer.load(dir)) {
      assertEquals(4, t.vocabSize());
      assertArrayEquals(new int[] {3}, t.eosIds());
      assertArrayEquals(new int[] {1, 3, 2}, t.encode("a <|im_end|> b"));
      assertEquals(f, ((HfTokenizer) t).file(), "a directory means its tokenizer.json");
    }
  }

  @Test
  void aWordTokenizersHuggingFaceFileGivesTheSameIdsAndText() throws Exception {
    WordTokenizer w = WordTokenizer.withSpecialTokens(Fixtures.words(12));
    Path f = dir.resolve("tokenizer.json");
    w.writeHuggingFaceJson(f);
    try (Tokenizer h = HfTokenizer.load(f)) {
      assertEquals(w.vocabSize(), h.vocabSize());
      assertArrayEquals(w.eosIds(), h.eosIds());
      assertEquals(w.padId(), h.padId());
      for (String text : List.of("w1 w2 w11", "w0", "<bos> w3 w4", "w5  w6\tw7")) {
        assertArrayEquals(w.encode(text), h.encode(text), text);
      }
      int[] ids = {2, 5, 6, 0, 14, 3, 0};
      assertEquals(w.decode(ids), h.decode(ids));
      assertEquals(w.tokenId("w9"), h.tokenId("w9"));
      assertEquals(1, h.encode("nope")[0], "unknown words are <unk>");
    }
  }

  @Test
  void closingIsIdempotentAndReleasesTheTokenizer() throws Exception {
    Tokenizer t = HfTokenizer.load(write(dir.resolve("tokenizer.json"), List.of("<unk>", "a"), List.of()));
    assertArrayEquals(new int[] {1}, t.encode("a"));
    t.close();
    t.close();
    var e = assertThrows(SpiceException.BackendException.class, () -> t.encode("a"));
    assertTrue(e.getMessage().startsWith("tokenizer " + dir.resolve("tokenizer.json") + " cannot encode text: "),
        e.getMessage());
  }

  @Test
  void aBadFileIsNamed() throws Exception {
    Path f = Files.writeString(dir.resolve("tokenizer.json"), "{\"model\": {\"type\": \"BPE\"}}");
    var e = assertThrows(SpiceException.BackendException.class, () -> HfTokenizer.load(f));
    assertTrue(e.getMessage().startsWith("tokenizer file " + f + " has no 'model.vocab'"), e.getMessage());
  }
}
