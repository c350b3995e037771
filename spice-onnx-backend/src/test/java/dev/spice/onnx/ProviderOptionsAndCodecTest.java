package dev.spice.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.SpiceException;
import dev.spice.core.text.Tokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every option of {@link OnnxPolicyProvider} reaches the builder as documented (no graph is
 * loaded), and the Hugging Face tokenizer keeps its documented ids and text.
 */
class ProviderOptionsAndCodecTest {
  @TempDir Path dir;

  private Map<String, String> options(String... kv) {
    Map<String, String> m = new HashMap<>(Map.of("model", dir.resolve("model.onnx").toString()));
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }

  private static String refused(Map<String, String> options) {
    return assertThrows(SpiceException.ConfigurationException.class, () -> OnnxPolicyProvider.configure(options))
        .getMessage();
  }

  @Test
  void defaults() {
    OnnxPolicy.Builder b = OnnxPolicyProvider.configure(options());
    assertEquals(dir.resolve("model.onnx"), b.model);
    assertNull(b.tokenizer, "next to the graph, found by build()");
    assertEquals(0, b.threads);
    assertEquals(0, b.interOpThreads);
    assertEquals(OnnxPolicy.Optimization.ALL, b.optimization);
    assertEquals("cpu", b.device);
    assertNull(b.eosTokenIds, "config.json's, read by build()");
    assertEquals("onnx", new OnnxPolicyProvider().name());
    assertEquals(0, new OnnxPolicyProvider().rank(), "the trainable DJL backend is preferred");
  }

  @Test
  void everyOptionIsApplied() {
    OnnxPolicy.Builder b = OnnxPolicyProvider.configure(options("intraOpThreads", " 2", "interOpThreads", "3",
        "optimization", "Extended", "cuda", "true", "cudaDevice", "1", "eos", " 4, 2 ,7 "));
    assertEquals(2, b.threads);
    assertEquals(3, b.interOpThreads);
    assertEquals(OnnxPolicy.Optimization.EXTENDED, b.optimization);
    assertEquals("gpu:1", b.device);
    assertEquals(List.of(4, 2, 7), b.eosTokenIds);
    assertEquals("gpu:0", OnnxPolicyProvider.configure(options("cuda", "true")).device);
    assertEquals("cpu", OnnxPolicyProvider.configure(options("cuda", "false", "cudaDevice", "3")).device);
    OnnxPolicy.Builder zero = OnnxPolicyProvider.configure(options("intraOpThreads", "0", "eos", " "));
    assertEquals(0, zero.threads);
    assertEquals(List.of(), zero.eosTokenIds, "an empty list: generation stops by length only");
    assertEquals(OnnxPolicy.Optimization.NONE, OnnxPolicyProvider.configure(options("optimization", "none"))
        .optimization);
  }

  @Test
  void aTokenizerOptionIsLoaded() {
    Fixtures.tokenizerJson(dir);
    OnnxPolicy.Builder b = OnnxPolicyProvider.configure(options("tokenizer", dir.resolve("tokenizer.json").toString()));
    assertNotNull(b.tokenizer);
    try (Tokenizer t = b.tokenizer) {
      assertArrayEquals(new int[] {2, 3}, t.encode("hello world"));
      assertEquals(dir.resolve("tokenizer.json"), ((HfTokenizer) t).file());
    }
  }

  @Test
  void badOptionsAreNamed() {
    assertTrue(refused(options("threads", "2")).startsWith("unknown option 'threads' for the onnx backend; valid keys:"
        + " [cuda, cudaDevice, eos, interOpThreads, intraOpThreads, model, optimization, tokenizer]"));
    assertEquals("the onnx backend needs option 'model' (model.onnx or its directory)", refused(Map.of()));
    assertEquals("the onnx backend needs option 'model' (model.onnx or its directory)", refused(Map.of("model", " ")));
    for (String key : List.of("intraOpThreads", "interOpThreads", "cudaDevice")) {
      assertEquals("option '" + key + "' must be an integer >= 0, got '-1'", refused(options(key, "-1")));
      assertEquals("option '" + key + "' must be an integer >= 0, got 'two'", refused(options(key, "two")));
    }
    assertEquals("option 'optimization' is 'max'; valid: none, basic, extended, all",
        refused(options("optimization", "max")));
    assertEquals("option 'cuda' is 'yes'; valid: true, false", refused(options("cuda", "yes")));
    assertEquals("option 'eos' must be comma-separated integers, got '1,x'", refused(options("eos", "1,x")));
  }

  @Test
  void huggingFaceCodecKeepsSpecialTokensAndReleasesOnClose() throws Exception {
    Path tj = Fixtures.tokenizerJson(dir);
    HfTokenizer c = HfTokenizer.load(tj);
    assertArrayEquals(new int[] {4, 5, 6, 7, 8}, c.encode("what is two plus four"));
    assertEquals("<pad> hello <eos>", c.decode(new int[] {0, 2, 1}), "special tokens are kept");
    assertEquals(50, c.vocabSize());
    assertEquals(6, c.tokenId("two"));
    assertEquals(-1, c.tokenId("two plus"));
    assertArrayEquals(new int[0], c.eosIds(), "the fixture lists no added (special) tokens");
    assertEquals(-1, c.padId());
    assertEquals(tj, c.file());
    c.close();
    c.close();
    assertThrows(RuntimeException.class, () -> c.encode("hello"), "a closed tokenizer is released");
    Path bad = Files.writeString(dir.resolve("bad.json"), "[]");
    var e = assertThrows(SpiceException.ConfigurationException.class, () -> HfTokenizer.load(bad));
    assertTrue(e.getMessage().startsWith("tokenizer file " + bad), e.getMessage());
  }

  @Test
  void specialAddedTokensAreTheEndAndPaddingIds() throws Exception {
    Path tj = Fixtures.tokenizerJson(dir);
    String json = Files.readString(tj).replace("\"added_tokens\":[]", "\"added_tokens\":["
        + "{\"id\":0,\"content\":\"<pad>\",\"single_word\":false,\"lstrip\":false,\"rstrip\":false,"
        + "\"normalized\":false,\"special\":true},"
        + "{\"id\":1,\"content\":\"<eos>\",\"single_word\":false,\"lstrip\":false,\"rstrip\":false,"
        + "\"normalized\":false,\"special\":true}]");
    Files.writeString(tj, json);
    try (HfTokenizer c = HfTokenizer.load(tj)) {
      assertArrayEquals(new int[] {1}, c.eosIds());
      assertEquals(0, c.padId());
      assertEquals("<pad> hello <eos>", c.decode(new int[] {0, 2, 1}), "still kept when decoding");
    }
  }
}
