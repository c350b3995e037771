package dev.spice.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.Prompt;
import dev.spice.core.Role;
import dev.spice.core.SpiceException;
import dev.spice.core.internal.json.Json;
import dev.spice.core.internal.model.SafeTensors;
import dev.spice.core.text.PromptTemplate;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A checkpoint directory is untrusted input: config.json is checked against the safetensors header
 * before anything model-sized is allocated, and bad weights or tokenizer files get errors naming
 * the file and what is wrong. The failing cases need no more than a few MB of heap.
 */
class UntrustedCheckpointTest {
  @TempDir static Path tmp;
  static Path good;

  @BeforeAll
  static void save() {
    good = tmp.resolve("good");
    try (DjlPolicy p = Fixtures.policy(Fixtures.qwen3(), 1, OptimizerSettings.adamW(1e-3))) {
      p.savePretrained(good);
    }
  }

  /** A copy of the good checkpoint. */
  static Path copy(String name) throws Exception {
    Path d = Files.createDirectory(tmp.resolve(name));
    for (String f : List.of("config.json", "model.safetensors", "tokenizer.json")) {
      Files.copy(good.resolve(f), d.resolve(f));
    }
    return d;
  }

  /** A copy of the good checkpoint with one config.json field replaced (raw JSON value). */
  static Path withField(String name, String field, Object value) throws Exception {
    Path d = copy(name);
    Map<String, Object> m = new LinkedHashMap<>(Json.parseObject(Files.readString(d.resolve("config.json"))));
    m.put(field, value);
    Files.writeString(d.resolve("config.json"), Json.write(m));
    return d;
  }

  static <T extends SpiceException> T refused(Class<T> type, Path dir, String... parts) {
    T e = assertTimeoutPreemptively(Duration.ofSeconds(5),
        () -> assertThrows(type, () -> DjlPolicy.builder().pretrained(dir).build().close()));
    for (String p : parts) {
      assertTrue(e.getMessage().contains(p), "message lacks '" + p + "': " + e.getMessage());
    }
    assertTrue(!e.getMessage().contains("Exception"), e.getMessage());
    return e;
  }

  @Test
  void hugeConfigValuesFailAtOnceNamingConfigFieldAndTensor() throws Exception {
    // Before: OutOfMemoryError, NegativeArraySizeException, a hang at 6.5 GB, 13 s and 1.2 GB.
    Path d = withField("hidden", "hidden_size", 2147483647L);
    refused(SpiceException.ConfigurationException.class, d, d.resolve("config.json").toString(),
        "field 'hidden_size' (2147483647) disagrees with the weights",
        "tensor 'model.embed_tokens.weight' in " + d.resolve("model.safetensors") + " has shape [44, 32]",
        "[44, 2147483647]");
    d = withField("hidden1m", "hidden_size", 1000000L);
    refused(SpiceException.ConfigurationException.class, d, "field 'hidden_size' (1000000)", "[44, 1000000]");
    d = withField("layers", "num_hidden_layers", 2147483647L);
    refused(SpiceException.ConfigurationException.class, d, d.resolve("config.json").toString(),
        "field 'num_hidden_layers' (2147483647) disagrees with the weights", "holds layers 0 to 1 only",
        "'model.layers.2.input_layernorm.weight' is missing");
    d = withField("headdim", "head_dim", 1073741824L);
    refused(SpiceException.ConfigurationException.class, d, d.resolve("config.json").toString(),
        "num_attention_heads (4) * head_dim (1073741824) = 4294967296 exceed 2147483647");
    d = withField("headdim2", "head_dim", 1073741824L);
    Map<String, Object> m = new LinkedHashMap<>(Json.parseObject(Files.readString(d.resolve("config.json"))));
    m.put("num_attention_heads", 1L);
    m.put("num_key_value_heads", 1L);
    Files.writeString(d.resolve("config.json"), Json.write(m));
    refused(SpiceException.ConfigurationException.class, d, "'head_dim' (1 * 1073741824) disagree with the weights",
        "model.layers.0.self_attn.q_proj.weight");
  }

  @Test
  void tokenIdsOfTheWrongTypeOrRangeAreRefused() throws Exception {
    refused(SpiceException.ConfigurationException.class, withField("eosstr", "eos_token_id", "3"),
        "config.json: field 'eos_token_id' must be an integer or a list of integers, got the string \"3\"");
    refused(SpiceException.ConfigurationException.class, withField("eosfloat", "eos_token_id", 3.0),
        "field 'eos_token_id' must be an integer or a list of integers, got 3.0");
    refused(SpiceException.ConfigurationException.class, withField("eosbig", "eos_token_id", List.of(3L, 44L)),
        "config field 'eos_token_id' holds 44, outside the vocabulary [0, 44) of vocab_size");
    refused(SpiceException.ConfigurationException.class, withField("bosstr", "bos_token_id", "<s>"),
        "field 'bos_token_id' must be an integer (or null for none), got the string \"<s>\"");
    refused(SpiceException.ConfigurationException.class, withField("bosbig", "bos_token_id", 1000L),
        "config field 'bos_token_id' is 1000, outside the vocabulary [0, 44)");
  }

  /** Rewrites model.safetensors of {@code d} with one value of {@code tensor} replaced. */
  static void poison(Path d, String tensor, int index, float value) {
    rewrite(d.resolve("model.safetensors"), tensor, index, value);
  }

  /** Rewrites the safetensors {@code file} with one value of {@code tensor} replaced. */
  static void rewrite(Path file, String tensor, int index, float value) {
    List<SafeTensors.Tensor> ts = new ArrayList<>();
    try (SafeTensors.Reader r = SafeTensors.open(file)) {
      for (String n : r.names()) {
        float[] v = r.floats(n);
        if (n.equals(tensor)) {
          v[index] = value;
        }
        ts.add(new SafeTensors.Tensor(n, r.info(n).shape(), v));
      }
    }
    SafeTensors.write(file, ts, Map.of());
  }

  @Test
  void nonFiniteWeightsAreRefusedUnlessAllowed() throws Exception {
    Path d = copy("nan");
    poison(d, "model.layers.1.mlp.up_proj.weight", 37, Float.NaN);
    SpiceException e = refused(SpiceException.BackendException.class, d, d.resolve("model.safetensors").toString(),
        "tensor 'model.layers.1.mlp.up_proj.weight' holds 1 non-finite value(s); the first is NaN at flat index 37"
            + " (element [1, 5] of shape [96, 32])", "allowNonFiniteWeights(true)");
    assertEquals(SpiceException.BackendException.class, e.getClass());
    Path inf = copy("inf");
    poison(inf, "model.norm.weight", 0, Float.NEGATIVE_INFINITY);
    refused(SpiceException.BackendException.class, inf, "tensor 'model.norm.weight'", "-Infinity at flat index 0");
    try (DjlPolicy p = DjlPolicy.builder().pretrained(d).allowNonFiniteWeights(true).template(PromptTemplate.RAW)
        .build()) {
      float[] lp = p.scoreContinuations(List.of(Prompt.of(Role.REASONER, "w1 w2")), List.of(new int[] {5})).get(0);
      assertTrue(Float.isNaN(lp[0]), "the opt-in loads the weights as they are");
    }
  }

  @Test
  void checkpointsWithNonFiniteWeightsAreRefusedUnlessAllowed() throws Exception {
    Path ck = tmp.resolve("nan-checkpoint");
    try (DjlPolicy p = Fixtures.policy(Fixtures.qwen3(), 1, OptimizerSettings.adamW(1e-3))) {
      float[] w = ((DjlPolicyImpl) p).weights();
      w[0] = Float.NaN;
      ((DjlPolicyImpl) p).setWeights(w);
      p.saveCheckpoint(ck);
    }
    try (DjlPolicy p = Fixtures.policy(Fixtures.qwen3(), 2, OptimizerSettings.adamW(1e-3))) {
      float[] before = ((DjlPolicyImpl) p).weights();
      var e = assertThrows(SpiceException.CheckpointException.class, () -> p.loadCheckpoint(ck));
      assertTrue(e.getMessage().contains(ck.resolve("model.safetensors") + ": tensor 'model.embed_tokens.weight' holds"
          + " 1 non-finite value(s); the first is NaN at flat index 0"), e.getMessage());
      assertTrue(e.getMessage().contains("DjlPolicy.builder().allowNonFiniteWeights(true)"), e.getMessage());
      assertTrue(java.util.Arrays.equals(before, ((DjlPolicyImpl) p).weights()), "weights unchanged");
    }
    // Before: allowNonFiniteWeights(true) was ignored and the same refusal came back.
    try (DjlPolicy p = DjlPolicy.builder().randomInit(Fixtures.qwen3(), 2).tokenizer(Fixtures.tokenizer())
        .allowNonFiniteWeights(true).build()) {
      p.loadCheckpoint(ck);
      assertTrue(Float.isNaN(((DjlPolicyImpl) p).weights()[0]), "loaded as saved when allowed");
    }
  }

  @Test
  void loraCheckpointsWithNonFiniteAdaptersAreRefusedUnlessAllowed() throws Exception {
    Path ck = tmp.resolve("nan-lora-checkpoint");
    LoraSettings s = LoraTest.settings(2, java.util.Set.of("q_proj"));
    try (DjlPolicy p = LoraTest.lora(Fixtures.qwen3(), s, 1e-2, 0)) {
      float[] w = ((DjlPolicyImpl) p).adapterWeights();
      w[3] = Float.POSITIVE_INFINITY;
      ((DjlPolicyImpl) p).setAdapterWeights(w);
      p.saveCheckpoint(ck);
    }
    try (DjlPolicy p = LoraTest.lora(Fixtures.qwen3(), s, 1e-2, 0)) {
      float[] before = ((DjlPolicyImpl) p).adapterWeights();
      var e = assertThrows(SpiceException.CheckpointException.class, () -> p.loadCheckpoint(ck));
      assertTrue(e.getMessage().contains("tensor 'base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight' "
          + "holds 1 non-finite value(s); the first is +Infinity"), e.getMessage());
      assertTrue(java.util.Arrays.equals(before, ((DjlPolicyImpl) p).adapterWeights()), "adapter unchanged");
    }
    try (DjlPolicy p = DjlPolicy.builder().randomInit(Fixtures.qwen3(), 5).tokenizer(LoraTest.TOK)
        .optimizer(OptimizerSettings.adamW(1e-2)).lora(s).allowNonFiniteWeights(true).build()) {
      p.loadCheckpoint(ck);
      assertEquals(Float.POSITIVE_INFINITY, ((DjlPolicyImpl) p).adapterWeights()[3], "loaded as saved when allowed");
    }
  }

  @Test
  void nonFiniteOptimizerStateOrANegativeSecondMomentIsRefused() throws Exception {
    Path ck = tmp.resolve("adam-checkpoint");
    try (DjlPolicy p = Fixtures.policy(Fixtures.qwen3(), 1, OptimizerSettings.adamW(1e-3))) {
      assertTrue(!p.supervisedUpdate(LoraTest.docs()).skipped());
      p.saveCheckpoint(ck);
    }
    for (String[] c : new String[][] {{"adam.m", "NaN"}, {"adam.v", "+Infinity"}, {"adam.v", "-1.0"}}) {
      Path d = tmp.resolve("adam-" + c[0] + c[1]);
      java.nio.file.Files.createDirectories(d);
      try (var files = java.nio.file.Files.list(ck)) {
        for (Path f : files.toList()) {
          java.nio.file.Files.copy(f, d.resolve(f.getFileName()));
        }
      }
      rewrite(d.resolve("optimizer.safetensors"), c[0], 7, Float.parseFloat(c[1]));
      try (DjlPolicy p = Fixtures.policy(Fixtures.qwen3(), 2, OptimizerSettings.adamW(1e-3))) {
        float[] before = ((DjlPolicyImpl) p).weights();
        var e = assertThrows(SpiceException.CheckpointException.class, () -> p.loadCheckpoint(d));
        String want = c[1].equals("-1.0") ? "tensor 'adam.v' holds -1.0 at index 7; AdamW's second moment is never "
            + "negative" : "tensor '" + c[0] + "' holds 1 non-finite value(s); the first is " + c[1] + " at index 7";
        assertTrue(e.getMessage().contains(want) && e.getMessage().contains(d.resolve("optimizer.safetensors")
            .toString()), e.getMessage());
        assertTrue(java.util.Arrays.equals(before, ((DjlPolicyImpl) p).weights()), "weights unchanged");
      }
    }
  }

  @Test
  void aDuplicateTensorNameIsRefused() throws Exception {
    Path d = copy("dup");
    byte[] bytes = Files.readAllBytes(d.resolve("model.safetensors"));
    long hlen = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    String header = new String(bytes, 8, (int) hlen, StandardCharsets.UTF_8);
    // Rename another [32] tensor to model.norm.weight: same size, so offsets and file size still agree.
    String dup = header.replace("\"model.layers.0.input_layernorm.weight\"", "\"model.norm.weight\"");
    assertTrue(!dup.equals(header));
    byte[] h = dup.getBytes(StandardCharsets.UTF_8);
    ByteBuffer out = ByteBuffer.allocate(8 + h.length + bytes.length - 8 - (int) hlen).order(ByteOrder.LITTLE_ENDIAN);
    out.putLong(h.length).put(h).put(bytes, 8 + (int) hlen, bytes.length - 8 - (int) hlen);
    Files.write(d.resolve("model.safetensors"), out.array());
    refused(SpiceException.BackendException.class, d, "invalid safetensors file " + d.resolve("model.safetensors"),
        "tensor 'model.norm.weight' appears twice in the header");
  }

  @Test
  void garbageTokenizerFilesAreNamed() throws Exception {
    Path bin = copy("tokbin");
    Files.write(bin.resolve("tokenizer.json"), new byte[] {(byte) 0xff, (byte) 0xfe, 'x', 0});
    // Before: "cannot read tokenizer ...: Input length = 1"
    refused(SpiceException.BackendException.class, bin, "tokenizer file " + bin.resolve("tokenizer.json")
        + " is not UTF-8 text (invalid byte at offset 0)");
    Path text = copy("toktext");
    Files.writeString(text.resolve("tokenizer.json"), "vocab: a b c");
    refused(SpiceException.BackendException.class, text, "tokenizer file " + text.resolve("tokenizer.json")
        + " is not a JSON object");
    Path noModel = copy("toknomodel");
    Files.writeString(noModel.resolve("tokenizer.json"), "{\"version\": \"1.0\", \"added_tokens\": []}");
    refused(SpiceException.BackendException.class, noModel, "has no 'model' object");
    Path noVocab = copy("toknovocab");
    Files.writeString(noVocab.resolve("tokenizer.json"), "{\"model\": {\"type\": \"BPE\", \"merges\": []}}");
    refused(SpiceException.BackendException.class, noVocab, "has no 'model.vocab'");
    Path badId = copy("tokbadid");
    Files.writeString(badId.resolve("tokenizer.json"), "{\"model\": {\"type\": \"WordLevel\", \"vocab\": {\"a\": \"0\"}}}");
    refused(SpiceException.BackendException.class, badId, "'model.vocab' entry \"a\" must be a token id");
    var e = assertThrows(SpiceException.BackendException.class,
        () -> HfTokenizer.load(bin.resolve("tokenizer.json")));
    assertTrue(e.getMessage().contains("is not UTF-8 text"), e.getMessage());
  }

  @Test
  void theGoodCheckpointStillLoads() {
    try (DjlPolicy p = DjlPolicy.builder().pretrained(good).build()) {
      // savePretrained writes the tokenizer's end-of-sequence id into config.json when the config has none
      int eos = p.tokenizer().eosIds()[0];
      assertEquals(Fixtures.qwen3().withEosTokenIds(java.util.List.of(eos)), p.config());
    }
  }
}
