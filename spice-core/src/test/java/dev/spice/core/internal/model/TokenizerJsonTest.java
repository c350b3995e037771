package dev.spice.core.internal.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.spice.core.SpiceException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenizerJsonTest {
  @TempDir Path dir;

  private String refused(String content) throws Exception {
    Path f = dir.resolve("tokenizer.json");
    Files.writeString(f, content);
    return refused(f);
  }

  private static String refused(Path f) {
    return assertThrows(SpiceException.ConfigurationException.class,
        () -> TokenizerJson.read(f, SpiceException.ConfigurationException::new)).getMessage();
  }

  @Test
  void garbageGetsAMessageNamingFileAndProblem() throws Exception {
    Path f = dir.resolve("tokenizer.json");
    Files.write(f, new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 1, 2});
    assertEquals("tokenizer file " + f + " is not UTF-8 text (invalid byte at offset 0); a Hugging Face "
        + "tokenizer.json is a UTF-8 JSON file", refused(f));
    assertEquals("tokenizer file " + f + " is not a JSON object: unexpected character 'h' at line 1, column 1",
        refused("hello"));
    assertEquals("tokenizer file " + f + " is not a JSON object: expected a JSON object at line 1, column 1",
        refused("[1, 2]"));
    assertEquals("tokenizer file " + f + " has no 'model' object (a Hugging Face tokenizer.json has 'model' with "
        + "'type' and 'vocab'), got nothing", refused("{\"version\": \"1.0\"}"));
    assertEquals("tokenizer file " + f + " has no 'model.vocab' (an object of token -> id, or a list of "
        + "[piece, score]), got nothing", refused("{\"model\": {\"type\": \"BPE\"}}"));
    assertEquals("tokenizer file " + f + ": 'model.vocab' entry \"b\" must be a token id (an integer >= 0), got the "
        + "string \"1\"", refused("{\"model\": {\"vocab\": {\"a\": 0, \"b\": \"1\"}}}"));
    assertEquals("tokenizer file " + f + ": 'model.vocab' entry \"b\" must be a token id (an integer >= 0), got -1",
        refused("{\"model\": {\"vocab\": {\"a\": 0, \"b\": -1}}}"));
    assertEquals("tokenizer file " + f + ": 'model.vocab' entry 1 must be a [piece, score] pair, got the string \"x\"",
        refused("{\"model\": {\"type\": \"Unigram\", \"vocab\": [[\"a\", -1.0], \"x\"]}}"));
    assertEquals("tokenizer file " + f + ": 'added_tokens' entry 0 field 'id' must be a token id (an integer >= 0), "
        + "got 1.5", refused("{\"model\": {\"vocab\": {\"a\": 0}}, \"added_tokens\": [{\"id\": 1.5, \"content\": \"x\"}]}"));
    assertEquals("tokenizer file " + f + ": 'added_tokens' entry 0 field 'content' must be a string, got nothing",
        refused("{\"model\": {\"vocab\": {\"a\": 0}}, \"added_tokens\": [{\"id\": 1}]}"));
    assertEquals("tokenizer file " + f + " has an empty vocabulary", refused("{\"model\": {\"vocab\": {}}}"));
    assertEquals("tokenizer file " + dir.resolve("none.json") + " does not exist", refused(dir.resolve("none.json")));
  }

  @Test
  void aValidFileGivesVocabularySizeAndAddedTokens() throws Exception {
    Path f = dir.resolve("tokenizer.json");
    Files.writeString(f, "{\"model\": {\"type\": \"WordLevel\", \"vocab\": {\"a\": 0, \"b\": 1}}, \"added_tokens\": "
        + "[{\"id\": 5, \"content\": \"</s>\"}]}");
    TokenizerJson.Info i = TokenizerJson.read(f, SpiceException.BackendException::new);
    assertEquals(6, i.vocabSize());
    assertEquals(List.of("</s>"), i.addedTokens());
    Files.writeString(f, "{\"model\": {\"type\": \"Unigram\", \"vocab\": [[\"a\", -1.0], [\"b\", -2]]}}");
    assertEquals(2, TokenizerJson.read(f, SpiceException.BackendException::new).vocabSize());
  }

  @Test
  void specialIdsAreTheNamedAddedTokensTheTokenizerEncodesAsOneToken() {
    TokenizerJson.Info i = new TokenizerJson.Info(Path.of("tokenizer.json"), 10,
        List.of("<pad>", "</s>", "<unk>", "<|im_end|>", "[PAD]", "<eos>"));
    // "<eos>" is not one token for this tokenizer; "[PAD]" is the last padding name
    java.util.Map<String, Integer> ids = java.util.Map.of("<pad>", 0, "</s>", 1, "<unk>", 2, "<|im_end|>", 3,
        "[PAD]", 4);
    TokenizerJson.SpecialIds s = i.specialIds(t -> ids.getOrDefault(t, -1));
    assertArrayEquals(new int[] {1, 3}, s.eosIds());
    assertEquals(4, s.padId());
    TokenizerJson.SpecialIds none = new TokenizerJson.Info(Path.of("t.json"), 3, List.of("<unk>"))
        .specialIds(t -> 0);
    assertArrayEquals(new int[0], none.eosIds());
    assertEquals(-1, none.padId());
  }
}
