package dev.spice.core.internal.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.spice.core.SpiceException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Edges of tokenizer.json checking: id limits, file size, and how wrong values are described. */
class TokenizerJsonLimitsTest {
  @TempDir Path dir;

  private Path file(String content) throws Exception {
    return Files.writeString(dir.resolve("tokenizer.json"), content);
  }

  private String refused(String content) throws Exception {
    Path f = file(content);
    String m = assertThrows(SpiceException.BackendException.class,
        () -> TokenizerJson.read(f, SpiceException.BackendException::new)).getMessage();
    String where = "tokenizer file " + f;
    assertEquals(where, m.substring(0, Math.min(m.length(), where.length())), "names the file: " + m);
    return m.substring(where.length());
  }

  @Test
  void aSingleTokenVocabularyIsNotEmpty() throws Exception {
    TokenizerJson.Info i = TokenizerJson.read(file("{\"model\": {\"vocab\": {\"only\": 0}}}"),
        SpiceException.BackendException::new);
    assertEquals(1, i.vocabSize());
    assertEquals(List.of(), i.addedTokens());
    assertEquals(dir.resolve("tokenizer.json"), i.file());
    assertEquals(" has an empty vocabulary", refused("{\"model\": {\"type\": \"Unigram\", \"vocab\": []}}"));
  }

  @Test
  void idsUpToTheLargestIntMinusOneFit() throws Exception {
    assertEquals(Integer.MAX_VALUE, TokenizerJson.read(file("{\"model\": {\"vocab\": {\"a\": 2147483646}}}"),
        SpiceException.BackendException::new).vocabSize());
    assertEquals(" uses token id 2147483647, more than the largest supported id",
        refused("{\"model\": {\"vocab\": {\"a\": 0}}, \"added_tokens\": [{\"id\": 2147483647, \"content\": \"x\"}]}"));
    assertEquals(" uses token id 4294967296, more than the largest supported id",
        refused("{\"model\": {\"vocab\": {\"a\": 4294967296}}}"));
  }

  @Test
  void wrongValuesAreDescribedInWords() throws Exception {
    String forty = "x".repeat(40);
    assertEquals(" has no 'model' object (a Hugging Face tokenizer.json has 'model' with 'type' and 'vocab'), got the"
        + " string \"" + forty + "\"", refused("{\"model\": \"" + forty + "\"}"));
    assertEquals(" has no 'model' object (a Hugging Face tokenizer.json has 'model' with 'type' and 'vocab'), got the"
        + " string \"" + forty + "...\"", refused("{\"model\": \"" + forty + "y\"}"));
    assertEquals(" has no 'model' object (a Hugging Face tokenizer.json has 'model' with 'type' and 'vocab'), got a"
        + " list", refused("{\"model\": [1]}"));
    assertEquals(": 'model.vocab' entry \"a\" must be a token id (an integer >= 0), got an object",
        refused("{\"model\": {\"vocab\": {\"a\": {}}}}"));
    assertEquals(": 'added_tokens' must be a list, got an object",
        refused("{\"model\": {\"vocab\": {\"a\": 0}}, \"added_tokens\": {}}"));
    assertEquals(": 'added_tokens' entry 0 must be an object, got a list",
        refused("{\"model\": {\"vocab\": {\"a\": 0}}, \"added_tokens\": [[]]}"));
    assertEquals(": 'model.type' must be a string, got 3", refused("{\"model\": {\"type\": 3, \"vocab\": {}}}"));
    assertEquals(" has no 'model.vocab' (an object of token -> id, or a list of [piece, score]), got true",
        refused("{\"model\": {\"vocab\": true}}"));
  }

  @Test
  void aFileLargerThanTheLimitIsRefusedBeforeReading() throws Exception {
    Path f = dir.resolve("tokenizer.json");
    try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
      raf.setLength(TokenizerJson.MAX_BYTES + 1); // sparse: nothing is written
    }
    var e = assertThrows(SpiceException.ConfigurationException.class,
        () -> TokenizerJson.read(f, SpiceException.ConfigurationException::new));
    assertEquals("tokenizer file " + f + " is 1073741825 bytes, more than the 1073741824 a tokenizer.json may have",
        e.getMessage());
    var d = assertThrows(SpiceException.ConfigurationException.class,
        () -> TokenizerJson.read(dir, SpiceException.ConfigurationException::new));
    assertEquals("tokenizer file " + dir + " does not exist", d.getMessage());
  }
}
