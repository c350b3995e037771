package dev.spice.core.model;

import dev.spice.core.internal.model.SafeTensors;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.SpiceException;
import dev.spice.core.internal.json.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * config.json values are untrusted: they are checked against the safetensors header before
 * anything model-sized exists, and overflowing sizes are refused by the config itself.
 */
class ConfigAgainstWeightsTest {
  @TempDir Path dir;

  static final TransformerConfig TINY = new TransformerConfig("qwen3", 44, 32, 48, 2, 4, 2, 8, 1e-6, 10_000, 256,
      false, false, true, -1, List.of(3));

  /** Writes config.json and a real model.safetensors of {@code cfg} into a new folder. */
  static Path checkpoint(Path dir, TransformerConfig cfg) throws Exception {
    Files.createDirectories(dir);
    List<SafeTensors.Tensor> ts = new ArrayList<>();
    for (Map.Entry<String, long[]> e : cfg.tensorShapes().entrySet()) {
      long n = 1;
      for (long d : e.getValue()) {
        n *= d;
      }
      ts.add(new SafeTensors.Tensor(e.getKey(), e.getValue(), new float[(int) n]));
    }
    SafeTensors.write(dir.resolve("model.safetensors"), ts, Map.of());
    cfg.write(dir.resolve("config.json"));
    return dir;
  }

  /** Sets one config.json field of a checkpoint folder (raw JSON value). */
  static void edit(Path ckpt, String field, Object value) throws Exception {
    Path f = ckpt.resolve("config.json");
    Map<String, Object> m = new LinkedHashMap<>(Json.parseObject(Files.readString(f)));
    m.put(field, value);
    Files.writeString(f, Json.write(m));
  }

  /** Reads the config and checks it against the weights, as both backends do before loading. */
  static List<String> load(Path ckpt) {
    TransformerConfig c = TransformerConfig.read(ckpt.resolve("config.json"));
    try (SafeTensors.Reader r = SafeTensors.openDirectory(ckpt)) {
      return c.checkTensors(r, ckpt.resolve("config.json"));
    }
  }

  static <T extends SpiceException> String refused(Class<T> type, Path ckpt, String... parts) {
    T e = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> assertThrows(type, () -> load(ckpt)));
    for (String p : parts) {
      assertTrue(e.getMessage().contains(p), "message lacks '" + p + "': " + e.getMessage());
    }
    return e.getMessage();
  }

  @Test
  void theCheckpointMatchesItsOwnConfig() throws Exception {
    assertEquals(List.of(), load(checkpoint(dir.resolve("ok"), TINY)));
    long sum = 0;
    for (long[] s : TINY.tensorShapes().values()) {
      long n = 1;
      for (long d : s) {
        n *= d;
      }
      sum += n;
    }
    assertEquals(sum, TINY.parameterCount());
    for (TransformerConfig c : List.of(TransformerConfig.tiny(100, 32, 3, 4, 2),
        new TransformerConfig("qwen2", 10, 12, 20, 3, 6, 2, 4, 1e-6, 1e4, 64, true, true, false, 0, List.of(1, 2)),
        new TransformerConfig("llama", 10, 12, 20, 1, 2, 1, 16, 1e-6, 1e4, 64, false, false, false, 9, List.of()))) {
      long s = c.tensorShapes().values().stream().mapToLong(a -> {
        long n = 1;
        for (long d : a) {
          n *= d;
        }
        return n;
      }).sum();
      assertEquals(s, c.parameterCount(), c.toString());
    }
  }

  @Test
  void aHugeHiddenSizeFailsAtOnceNamingFieldAndTensor() throws Exception {
    Path c = checkpoint(dir.resolve("h"), TINY);
    edit(c, "hidden_size", 2147483647L);
    String m = refused(SpiceException.ConfigurationException.class, c, c.resolve("config.json").toString(),
        "field 'hidden_size' (2147483647) disagrees with the weights",
        "tensor 'model.embed_tokens.weight' in " + c.resolve("model.safetensors") + " has shape [44, 32]",
        "config.json implies [44, 2147483647]");
    edit(c, "hidden_size", 1000000L);
    refused(SpiceException.ConfigurationException.class, c, "field 'hidden_size' (1000000)", "[44, 1000000]");
    assertTrue(!m.contains("Exception"), m);
  }

  @Test
  void aHugeHeadDimIsRefusedByTheConfigOrTheWeights() throws Exception {
    Path c = checkpoint(dir.resolve("d"), TINY);
    edit(c, "head_dim", 1073741824L);
    refused(SpiceException.ConfigurationException.class, c, c.resolve("config.json").toString(),
        "num_attention_heads (4) * head_dim (1073741824) = 4294967296 exceed 2147483647");
    edit(c, "num_attention_heads", 1L);
    edit(c, "num_key_value_heads", 1L);
    refused(SpiceException.ConfigurationException.class, c,
        "fields 'num_attention_heads' * 'head_dim' (1 * 1073741824) disagree with the weights",
        "model.layers.0.self_attn.q_proj.weight", "[32, 32]", "[1073741824, 32]");
  }

  @Test
  void aHugeLayerCountFailsAtOnce() throws Exception {
    Path c = checkpoint(dir.resolve("l"), TINY);
    edit(c, "num_hidden_layers", 2147483647L);
    refused(SpiceException.ConfigurationException.class, c, c.resolve("config.json").toString(),
        "field 'num_hidden_layers' (2147483647) disagrees with the weights",
        c.resolve("model.safetensors") + " holds layers 0 to 1 only",
        "tensor 'model.layers.2.input_layernorm.weight' is missing");
    edit(c, "num_hidden_layers", 1L);
    refused(SpiceException.ConfigurationException.class, c, "field 'num_hidden_layers' (1)",
        "holds tensor 'model.layers.1.", "of layer 1, which would be ignored");
  }

  @Test
  void otherFieldsAreNamedToo() throws Exception {
    Path c = checkpoint(dir.resolve("o"), TINY);
    edit(c, "intermediate_size", 4800000L);
    refused(SpiceException.ConfigurationException.class, c, "field 'intermediate_size' (4800000)",
        "model.layers.0.mlp.gate_proj.weight", "[48, 32]");
    edit(c, "intermediate_size", 48L);
    edit(c, "vocab_size", 100000L);
    refused(SpiceException.ConfigurationException.class, c, "field 'vocab_size' (100000)",
        "model.embed_tokens.weight");
    edit(c, "vocab_size", 44L);
    edit(c, "num_key_value_heads", 4L);
    refused(SpiceException.ConfigurationException.class, c, "fields 'num_key_value_heads' * 'head_dim' (4 * 8)",
        "model.layers.0.self_attn.k_proj.weight", "[16, 32]", "[32, 32]");
  }

  @Test
  void weightsTheConfigLeavesOutAreNotSilentlyIgnored() throws Exception {
    // q/k/v biases in the file, attention_bias false: the biases would be dropped.
    TransformerConfig withBias = new TransformerConfig("llama", 44, 32, 48, 1, 4, 2, 8, 1e-6, 1e4, 256, false, true,
        false, -1, List.of());
    Path c = checkpoint(dir.resolve("b"), withBias);
    edit(c, "attention_bias", false);
    refused(SpiceException.ConfigurationException.class, c, "field 'attention_bias' is false",
        "holds tensor 'model.layers.0.self_attn.", "_proj.bias'");
    // q/k norms in the file, model_type llama
    Path q = checkpoint(dir.resolve("q"), TINY);
    edit(q, "model_type", "llama");
    refused(SpiceException.ConfigurationException.class, q, "field 'model_type' is 'llama', which has no q/k norms",
        "model.layers.0.self_attn.", "_norm.weight");
    // an unknown tensor
    Path u = dir.resolve("u");
    checkpoint(u, TINY);
    List<SafeTensors.Tensor> ts = new ArrayList<>();
    try (SafeTensors.Reader r = SafeTensors.openDirectory(u)) {
      for (String n : r.names()) {
        ts.add(new SafeTensors.Tensor(n, r.info(n).shape(), r.floats(n)));
      }
    }
    ts.add(new SafeTensors.Tensor("model.layers.0.mlp.gate_proj.bias", new long[] {48}, new float[48]));
    SafeTensors.write(u.resolve("model.safetensors"), ts, Map.of());
    refused(SpiceException.BackendException.class, u, "holds tensor 'model.layers.0.mlp.gate_proj.bias'",
        "refusing to ignore it");
    // lm_head with tied embeddings and rotary buffers are ignored by Hugging Face too: reported
    Path t = checkpoint(dir.resolve("t"), TINY);
    edit(t, "tie_word_embeddings", true);
    assertEquals(List.of("lm_head.weight"), load(t));
  }

  @Test
  void missingOrTransposedTensorsAreWeightProblems() throws Exception {
    Path c = checkpoint(dir.resolve("m"), TINY);
    List<SafeTensors.Tensor> ts = new ArrayList<>();
    ts.add(new SafeTensors.Tensor("model.embed_tokens.weight", new long[] {44, 32}, new float[44 * 32]));
    SafeTensors.write(c.resolve("model.safetensors"), ts, Map.of());
    refused(SpiceException.BackendException.class, c, "checkpoint " + c.resolve("model.safetensors")
        + " lacks tensor 'model.layers.0.input_layernorm.weight' that " + c.resolve("config.json") + " requires");
    ts.set(0, new SafeTensors.Tensor("model.embed_tokens.weight", new long[] {32, 44}, new float[44 * 32]));
    SafeTensors.write(c.resolve("model.safetensors"), ts, Map.of());
    refused(SpiceException.BackendException.class, c, "tensor 'model.embed_tokens.weight'", "has shape [32, 44]",
        "implies [44, 32]", "transposed?");
  }

  @Test
  void overflowingSizesAreRefusedByTheConfig() {
    // vocab * hidden and per-layer sizes fit a long, but layers * per-layer does not.
    var e = assertThrows(SpiceException.ConfigurationException.class, () -> new TransformerConfig("llama",
        Integer.MAX_VALUE, 65536, Integer.MAX_VALUE, Integer.MAX_VALUE, 1, 1, 65536, 1e-6, 1e4, 64, false, false,
        false, -1, List.of()));
    assertTrue(e.getMessage().contains("imply more than 2^63 - 1 parameters"), e.getMessage());
    e = assertThrows(SpiceException.ConfigurationException.class, () -> new TransformerConfig("llama", 10, 8, 8, 1,
        65536, 1, 65536, 1e-6, 1e4, 64, false, false, false, -1, List.of()));
    assertTrue(e.getMessage().contains("num_attention_heads (65536) * head_dim (65536) = 4294967296"), e.getMessage());
    // A huge but representable config is fine as a value (the weights check refuses it later).
    TransformerConfig big = new TransformerConfig("llama", 10, 8, 8, Integer.MAX_VALUE, 2, 1, 4, 1e-6, 1e4, 64, true,
        false, false, -1, List.of());
    assertTrue(big.parameterCount() > Integer.MAX_VALUE);
  }

  @Test
  void tokenIdsMustBeIntegersInsideTheVocabulary() throws Exception {
    String base = "\"model_type\": \"llama\", \"vocab_size\": 44, \"hidden_size\": 32, \"intermediate_size\": 48,"
        + " \"num_hidden_layers\": 2, \"num_attention_heads\": 4, \"num_key_value_heads\": 1, \"head_dim\": 8";
    Path f = dir.resolve("config.json");
    Map<String, String> cases = new LinkedHashMap<>();
    cases.put("\"eos_token_id\": \"2\"", "field 'eos_token_id' must be an integer or a list of integers, got the string \"2\"");
    cases.put("\"eos_token_id\": 2.0", "field 'eos_token_id' must be an integer or a list of integers, got 2.0");
    cases.put("\"eos_token_id\": [1, 2.5]", "field 'eos_token_id' must be an integer or a list of integers, got 2.5");
    cases.put("\"eos_token_id\": true", "field 'eos_token_id' must be an integer or a list of integers, got true");
    cases.put("\"eos_token_id\": 44", "config field 'eos_token_id' holds 44, outside the vocabulary [0, 44)");
    cases.put("\"eos_token_id\": [1, 100]", "config field 'eos_token_id' holds 100, outside the vocabulary [0, 44)");
    cases.put("\"eos_token_id\": -1", "field 'eos_token_id' holds -1, which is not a token id");
    cases.put("\"eos_token_id\": 4294967296", "field 'eos_token_id' holds 4294967296, which is not a token id");
    cases.put("\"bos_token_id\": \"<s>\"", "field 'bos_token_id' must be an integer (or null for none), got the string \"<s>\"");
    cases.put("\"bos_token_id\": 1.5", "field 'bos_token_id' must be an integer (or null for none), got 1.5");
    cases.put("\"bos_token_id\": 44", "config field 'bos_token_id' is 44, outside the vocabulary [0, 44)");
    cases.put("\"bos_token_id\": -2", "field 'bos_token_id' holds -2");
    for (Map.Entry<String, String> c : cases.entrySet()) {
      Files.writeString(f, "{" + base + ", " + c.getKey() + "}");
      var e = assertThrows(SpiceException.ConfigurationException.class, () -> TransformerConfig.read(f), c.getKey());
      assertEquals(f + ": " + c.getValue(), e.getMessage().substring(0, Math.min(e.getMessage().length(),
          (f + ": " + c.getValue()).length())), c.getKey());
    }
    Files.writeString(f, "{" + base + ", \"eos_token_id\": [0, 43], \"bos_token_id\": null}");
    TransformerConfig ok = TransformerConfig.read(f);
    assertEquals(List.of(0, 43), ok.eosTokenIds());
    assertEquals(-1, ok.bosTokenId());
    assertThrows(SpiceException.ConfigurationException.class, () -> new TransformerConfig("llama", 10, 8, 8, 1, 2, 1,
        4, 1e-6, 1e4, 64, false, false, false, 10, List.of()));
  }

  @Test
  void unreadableOrAmbiguousConfigFilesAreNamed() throws Exception {
    Path f = dir.resolve("config.json");
    Files.write(f, new byte[] {'{', '"', 'a', (byte) 0xC3, '"', '}'});
    var e = assertThrows(SpiceException.ConfigurationException.class, () -> TransformerConfig.read(f));
    assertEquals(f + " is not UTF-8 text (invalid byte at offset 3)", e.getMessage());
    Files.writeString(f, "{\"model_type\": \"llama\", \"hidden_size\": 32, \"hidden_size\": 64}");
    e = assertThrows(SpiceException.ConfigurationException.class, () -> TransformerConfig.read(f));
    assertEquals(f + ": field 'hidden_size' appears twice (which value is meant is ambiguous) at line 1, column 44",
        e.getMessage());
    Files.writeString(f, "{\"model_type\": \"llama\", \"rope_scaling\": {\"factor\": 2.0, \"factor\": 4.0}}");
    e = assertThrows(SpiceException.ConfigurationException.class, () -> TransformerConfig.read(f));
    assertEquals(f + " is not valid JSON: duplicate key \"factor\" in a nested object at line 1, column 57",
        e.getMessage());
    Files.writeString(f, "not json");
    e = assertThrows(SpiceException.ConfigurationException.class, () -> TransformerConfig.read(f));
    assertTrue(e.getMessage().startsWith(f + " is not valid JSON: "), e.getMessage());
    e = assertThrows(SpiceException.ConfigurationException.class, () -> TransformerConfig.read(dir.resolve("nope.json")));
    assertEquals("cannot read " + dir.resolve("nope.json") + ": no such file", e.getMessage());
    String base = "{\"model_type\": \"llama\", \"vocab_size\": 44, \"hidden_size\": 30, \"intermediate_size\": 48,"
        + " \"num_hidden_layers\": 2, \"num_attention_heads\": 4";
    Files.writeString(f, base + "}");
    e = assertThrows(SpiceException.ConfigurationException.class, () -> TransformerConfig.read(f));
    assertTrue(e.getMessage().contains("field 'hidden_size' (30) is not a multiple of 'num_attention_heads' (4)"),
        e.getMessage());
    Files.writeString(f, base.replace("30", "32") + ", \"rope_scaling\": {\"rope_type\": \"llama3\", \"factor\": 8.0,"
        + " \"low_freq_factor\": 1.0, \"high_freq_factor\": 4.0, \"original_max_position_embeddings\": 8192.5}}");
    e = assertThrows(SpiceException.ConfigurationException.class, () -> TransformerConfig.read(f));
    assertTrue(e.getMessage().contains("'rope_scaling.original_max_position_embeddings' must be a positive integer, "
        + "got 8192.5"), e.getMessage());
    Files.writeString(f, base.replace("30", "32") + ", \"rope_scaling\": {\"rope_type\": \"llama3\", \"factor\": 8.0,"
        + " \"low_freq_factor\": 1.0, \"high_freq_factor\": 4.0, \"original_max_position_embeddings\": 8192}}");
    assertEquals(8192, TransformerConfig.read(f).ropeScaling().originalMaxPositionEmbeddings());
    assertTrue(Files.readString(f, StandardCharsets.UTF_8).contains("8192"));
  }
}
