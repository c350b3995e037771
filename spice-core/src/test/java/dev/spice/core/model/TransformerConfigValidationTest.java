package dev.spice.core.model;

import dev.spice.core.internal.model.SafeTensors;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.spice.core.SpiceException;
import dev.spice.core.internal.json.Json;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** config.json values a user gets wrong are refused with messages naming the field; defaults follow Hugging Face. */
class TransformerConfigValidationTest {
  @TempDir Path dir;

  private static final String BASE = "\"model_type\": \"llama\", \"vocab_size\": 44, \"hidden_size\": 32,"
      + " \"intermediate_size\": 48, \"num_hidden_layers\": 2, \"num_attention_heads\": 4,"
      + " \"num_key_value_heads\": 1, \"head_dim\": 8";

  private static TransformerConfig parse(String extra) {
    return TransformerConfig.fromMap(Json.parseObject("{" + BASE + (extra.isEmpty() ? "" : ", " + extra) + "}"));
  }

  private static String refusedMap(String json) {
    return assertThrows(SpiceException.ConfigurationException.class,
        () -> TransformerConfig.fromMap(Json.parseObject(json))).getMessage();
  }

  /** A llama config with one of the sizes replaced: {vocab, hidden, inter, layers, heads, kv, headDim, maxPos}. */
  private static TransformerConfig sized(int... s) {
    return new TransformerConfig("llama", s[0], s[1], s[2], s[3], s[4], s[5], s[6], 1e-6, 1e4, s[7], false, false,
        false, -1, List.of());
  }

  @Test
  void everySizeMustBePositiveAndTheMessageNamesTheField() {
    int[] good = {44, 32, 48, 2, 4, 2, 8, 256};
    String[] fields = {"vocab_size", "hidden_size", "intermediate_size", "num_hidden_layers", "num_attention_heads",
        "num_key_value_heads", "head_dim", "max_position_embeddings"};
    sized(good); // fine as it is
    for (int f = 0; f < fields.length; f++) {
      for (int bad : new int[] {0, -3}) {
        int[] s = good.clone();
        s[f] = bad;
        var e = assertThrows(SpiceException.ConfigurationException.class, () -> sized(s), fields[f]);
        assertEquals("config field '" + fields[f] + "' must be > 0, got " + bad, e.getMessage());
      }
    }
    var e = assertThrows(SpiceException.ConfigurationException.class, () -> sized(44, 32, 48, 2, 4, 3, 8, 256));
    assertEquals("num_attention_heads (4) must be a multiple of num_key_value_heads (3)", e.getMessage());
    e = assertThrows(SpiceException.ConfigurationException.class, () -> sized(44, 32, 48, 2, 4, 2, 7, 256));
    assertEquals("head_dim must be even for rotary embeddings, got 7", e.getMessage());
  }

  @Test
  void normEpsilonAndRopeThetaMustBeFiniteAndPositive() {
    double[][] bad = {{0, 1e4}, {1e-6, 0}, {-1e-6, 1e4}, {Double.POSITIVE_INFINITY, 1e4}, {1e-6, Double.NaN}};
    for (double[] b : bad) {
      var e = assertThrows(SpiceException.ConfigurationException.class, () -> new TransformerConfig("llama", 44, 32, 48,
          2, 4, 2, 8, b[0], b[1], 256, false, false, false, -1, List.of()));
      assertEquals("rms_norm_eps and rope_theta must be finite and > 0, got " + b[0] + ", " + b[1], e.getMessage());
    }
    assertEquals(Double.MIN_VALUE, new TransformerConfig("llama", 44, 32, 48, 2, 4, 2, 8, Double.MIN_VALUE,
        Double.MIN_VALUE, 256, false, false, false, -1, List.of()).rmsNormEps());
  }

  @Test
  void aNullEndOfSequenceIdIsAConfigurationError() {
    var e = assertThrows(SpiceException.ConfigurationException.class, () -> new TransformerConfig("llama", 44, 32, 48,
        2, 4, 2, 8, 1e-6, 1e4, 256, false, false, false, -1, Arrays.asList(3, null)));
    assertEquals("config field 'eos_token_id' holds null", e.getMessage());
    assertEquals(List.of(), new TransformerConfig("llama", 44, 32, 48, 2, 4, 2, 8, 1e-6, 1e4, 256, false, false, false,
        -1, null).eosTokenIds());
  }

  @Test
  void tinyHasTheDocumentedShape() {
    TransformerConfig t = TransformerConfig.tiny(100, 48, 3, 6, 2);
    assertEquals("qwen3", t.modelType());
    assertEquals(100, t.vocabSize());
    assertEquals(48, t.hiddenSize());
    assertEquals(144, t.intermediateSize());
    assertEquals(3, t.numLayers());
    assertEquals(6, t.numHeads());
    assertEquals(2, t.numKvHeads());
    assertEquals(8, t.headDim());
    assertEquals(1e-6, t.rmsNormEps());
    assertEquals(10_000, t.ropeTheta());
    assertEquals(2048, t.maxPositionEmbeddings());
    assertTrue(t.tieWordEmbeddings() && t.qkNorm() && !t.attentionBias());
    assertEquals(-1, t.bosTokenId());
    assertEquals(List.of(), t.eosTokenIds());
  }

  @Test
  void withRopeScalingChangesOnlyTheScaling() {
    TransformerConfig c = parse("\"bos_token_id\": 1, \"eos_token_id\": [2, 3]");
    TransformerConfig s = c.withRopeScaling(RopeScaling.linear(4));
    assertEquals(RopeScaling.linear(4), s.ropeScaling());
    assertEquals(c, s.withRopeScaling(RopeScaling.NONE));
    assertEquals(c, s.withRopeScaling(null), "null means none");
    assertEquals(c.ropeInverseFrequencies()[1] / 4, s.ropeInverseFrequencies()[1], 1e-18);
  }

  @Test
  void missingFieldsTakeTheHuggingFaceDefaults() {
    // head_dim defaults to hidden_size / num_attention_heads, num_key_value_heads to num_attention_heads
    TransformerConfig c = TransformerConfig.fromMap(Json.parseObject("{\"model_type\": \"llama\", \"vocab_size\": 44,"
        + " \"hidden_size\": 48, \"intermediate_size\": 64, \"num_hidden_layers\": 2, \"num_attention_heads\": 6}"));
    assertEquals(8, c.headDim());
    assertEquals(6, c.numKvHeads());
    assertEquals(2048, c.maxPositionEmbeddings());
    assertEquals(1e-6, c.rmsNormEps());
    assertEquals(10_000.0, c.ropeTheta());
    assertFalse(c.tieWordEmbeddings());
    assertFalse(c.attentionBias());
    assertFalse(c.qkNorm());
    assertEquals(-1, c.bosTokenId());
    // Qwen2 has q/k/v biases unless the file says otherwise; Qwen3 has q/k norms
    assertTrue(TransformerConfig.fromMap(Json.parseObject("{" + BASE.replace("llama", "qwen2") + "}")).attentionBias());
    assertFalse(TransformerConfig.fromMap(Json.parseObject("{" + BASE.replace("llama", "qwen2")
        + ", \"attention_bias\": false}")).attentionBias());
    assertTrue(TransformerConfig.fromMap(Json.parseObject("{" + BASE.replace("llama", "qwen3") + "}")).qkNorm());
    assertTrue(parse("\"tie_word_embeddings\": true").tieWordEmbeddings());
    // without head_dim, zero heads is named as such (not a division by zero)
    assertEquals("config field 'num_attention_heads' must be > 0, got 0", refusedMap("{\"model_type\": \"llama\","
        + " \"vocab_size\": 44, \"hidden_size\": 48, \"intermediate_size\": 64, \"num_hidden_layers\": 2,"
        + " \"num_attention_heads\": 0, \"num_key_value_heads\": 1}"));
  }

  @Test
  void integerFieldsOutsideTheIntRangeAreNamed() {
    assertEquals(Integer.MAX_VALUE, parse("\"max_position_embeddings\": 2147483647").maxPositionEmbeddings());
    assertEquals("field 'max_position_embeddings' must be an integer, got 2147483648",
        refusedMap("{" + BASE + ", \"max_position_embeddings\": 2147483648}"));
    assertEquals("config field 'max_position_embeddings' must be > 0, got -2147483648",
        refusedMap("{" + BASE + ", \"max_position_embeddings\": -2147483648}"));
    assertEquals("field 'max_position_embeddings' must be an integer, got -2147483649",
        refusedMap("{" + BASE + ", \"max_position_embeddings\": -2147483649}"));
    assertEquals("field 'max_position_embeddings' must be an integer, got 2.5",
        refusedMap("{" + BASE + ", \"max_position_embeddings\": 2.5}"));
    assertEquals("field 'tie_word_embeddings' must be true or false, got 1",
        refusedMap("{" + BASE + ", \"tie_word_embeddings\": 1}"));
    assertEquals("field 'model_type' must be a string, got 3", refusedMap("{" + BASE.replace("\"llama\"", "3") + "}"));
    assertEquals("field 'rms_norm_eps' must be a number, got small",
        refusedMap("{" + BASE + ", \"rms_norm_eps\": \"small\"}"));
    assertEquals("missing field 'vocab_size'", refusedMap("{" + BASE.replace("\"vocab_size\": 44,", "") + "}"));
    // the largest int is a valid id, but not inside this vocabulary
    assertEquals("config field 'eos_token_id' holds 2147483647, outside the vocabulary [0, 44) of vocab_size",
        refusedMap("{" + BASE + ", \"eos_token_id\": 2147483647}"));
    assertEquals(List.of(0), parse("\"eos_token_id\": 0, \"bos_token_id\": 0").eosTokenIds());
  }

  @Test
  void tokenIdsAreWrittenTheWayHuggingFaceWritesThem() {
    Map<String, Object> one = parse("\"bos_token_id\": 0, \"eos_token_id\": 3").toMap();
    assertEquals(0, one.get("bos_token_id"));
    assertEquals(3, one.get("eos_token_id"), "a single id is written as an integer");
    Map<String, Object> two = parse("\"eos_token_id\": [3, 5]").toMap();
    assertEquals(List.of(3, 5), two.get("eos_token_id"));
    assertFalse(two.containsKey("bos_token_id"), "no bos id: the field is left out");
    assertFalse(parse("").toMap().containsKey("eos_token_id"));
    assertEquals(List.of("LlamaForCausalLM"), one.get("architectures"));
    assertEquals(List.of("Qwen2ForCausalLM"), TransformerConfig.fromMap(Json.parseObject("{"
        + BASE.replace("llama", "qwen2") + "}")).toMap().get("architectures"));
    assertEquals(List.of("Qwen3ForCausalLM"), TransformerConfig.tiny(10, 8, 1, 2, 1).toMap().get("architectures"));
  }

  @Test
  void ropeParametersAndRopeScalingAreReconciled() {
    // rope_parameters without its own rope_theta: the top-level field, else 10000
    assertEquals(500_000.0, parse("\"rope_theta\": 500000.0, \"rope_parameters\": {\"rope_type\": \"default\"}")
        .ropeTheta());
    assertEquals(10_000.0, parse("\"rope_parameters\": {\"rope_type\": \"default\"}").ropeTheta());
    String linear = "{\"rope_type\": \"linear\", \"factor\": 2.0}";
    TransformerConfig both = parse("\"rope_parameters\": {\"rope_theta\": 1e4, \"rope_type\": \"linear\","
        + " \"factor\": 2.0}, \"rope_scaling\": " + linear);
    assertEquals(RopeScaling.linear(2), both.ropeScaling());
    assertEquals("fields 'rope_scaling' and 'rope_parameters' disagree", refusedMap("{" + BASE
        + ", \"rope_parameters\": {\"rope_theta\": 1e4, \"rope_type\": \"linear\", \"factor\": 4.0},"
        + " \"rope_scaling\": " + linear + "}"));
    assertEquals("field 'rope_parameters.rope_theta' must be a number, got big",
        refusedMap("{" + BASE + ", \"rope_parameters\": {\"rope_theta\": \"big\"}}"));
  }

  @Test
  void llama3OriginalContextMustBeAPositiveInteger() {
    String head = "\"rope_scaling\": {\"rope_type\": \"llama3\", \"factor\": 8.0, \"low_freq_factor\": 1.0,"
        + " \"high_freq_factor\": 4.0, \"original_max_position_embeddings\": ";
    assertEquals(1, parse(head + "1}").ropeScaling().originalMaxPositionEmbeddings());
    assertEquals(Integer.MAX_VALUE, parse(head + "2147483647}").ropeScaling().originalMaxPositionEmbeddings());
    for (String bad : List.of("0", "-8", "2147483648", "8192.5")) {
      String m = refusedMap("{" + BASE + ", " + head + bad + "}}");
      assertEquals("field 'rope_scaling': field 'rope_scaling.original_max_position_embeddings' must be a positive"
          + " integer, got " + bad, m);
    }
  }

  @Test
  void aConfigFileOfExactlyTheSizeLimitIsRead() throws Exception {
    Path f = dir.resolve("config.json");
    byte[] json = ("{" + BASE + "}").getBytes(StandardCharsets.UTF_8);
    byte[] padded = new byte[(int) TransformerConfig.MAX_CONFIG_BYTES];
    Arrays.fill(padded, (byte) ' ');
    System.arraycopy(json, 0, padded, 0, json.length);
    Files.write(f, padded);
    assertEquals(44, TransformerConfig.read(f).vocabSize());
    try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
      raf.setLength(TransformerConfig.MAX_CONFIG_BYTES + 1);
    }
    var e = assertThrows(SpiceException.ConfigurationException.class, () -> TransformerConfig.read(f));
    assertEquals(f + " is 16777217 bytes; a config.json is at most 16777216 bytes", e.getMessage());
  }

  @Test
  void ioFailuresAreExplainedInWords() throws Exception {
    var e = assertThrows(SpiceException.ConfigurationException.class, () -> TransformerConfig.read(dir));
    assertEquals("cannot read " + dir + ": Is a directory", e.getMessage());
    Path file = Files.writeString(dir.resolve("plain.txt"), "x");
    Path under = file.resolve("config.json");
    e = assertThrows(SpiceException.ConfigurationException.class, () -> TransformerConfig.read(under));
    assertEquals("cannot read " + under + ": Not a directory", e.getMessage());
    Path locked = Files.writeString(dir.resolve("locked.json"), "{}");
    assumeFalse(!locked.toFile().setReadable(false, false) || Files.isReadable(locked), "root reads every file");
    e = assertThrows(SpiceException.ConfigurationException.class, () -> TransformerConfig.read(locked));
    assertEquals("cannot read " + locked + ": permission denied", e.getMessage());
  }

  // ------------------------------------------------------------ config against weights

  /** A small llama config with {@code layers} layers. */
  static TransformerConfig small(int layers) {
    return new TransformerConfig("llama", 8, 8, 8, layers, 2, 1, 4, 1e-6, 1e4, 64, true, false, false, -1, List.of());
  }

  private Path checkpoint(String name, int weightLayers, int configLayers) throws Exception {
    Path c = ConfigAgainstWeightsTest.checkpoint(dir.resolve(name), small(weightLayers));
    small(configLayers).write(c.resolve("config.json"));
    return c;
  }

  @Test
  void theFirstLayerBeyondTheConfigIsNamedWhateverItsDigits() throws Exception {
    for (int n : new int[] {2, 9, 10}) {
      Path c = checkpoint("beyond" + n, n == 2 ? 12 : n + 1, n);
      ConfigAgainstWeightsTest.refused(SpiceException.ConfigurationException.class, c,
          "field 'num_hidden_layers' (" + n + ") disagrees with the weights",
          "holds tensor 'model.layers." + n + ".", "of layer " + n + ", which would be ignored");
    }
    Path one = checkpoint("one", 1, 2);
    ConfigAgainstWeightsTest.refused(SpiceException.ConfigurationException.class, one,
        "field 'num_hidden_layers' (2) disagrees with the weights", "holds layers 0 to 0 only",
        "tensor 'model.layers.1.input_layernorm.weight' is missing");
  }

  /** The tensors of a checkpoint of {@code cfg}, optionally without its layers, plus extra ones. */
  private static List<SafeTensors.Tensor> tensors(TransformerConfig cfg, boolean withLayers, String... extra) {
    List<SafeTensors.Tensor> ts = new ArrayList<>();
    for (Map.Entry<String, long[]> e : cfg.tensorShapes().entrySet()) {
      if (withLayers || !e.getKey().startsWith("model.layers.")) {
        long n = Arrays.stream(e.getValue()).reduce(1, (a, b) -> a * b);
        ts.add(new SafeTensors.Tensor(e.getKey(), e.getValue(), new float[(int) n]));
      }
    }
    for (String x : extra) {
      ts.add(new SafeTensors.Tensor(x, new long[] {1}, new float[1]));
    }
    return ts;
  }

  @Test
  void namesThatOnlyLookLikeLayersAreNotLayers() throws Exception {
    int i = 0;
    for (String odd : List.of("model.layers.7", "model.layers..weight", "model.layers.01.input_layernorm.weight",
        "model.layers.1a.weight", "model.layers.x.weight", "model.layers.:.weight", "model.layers./.weight")) {
      Path c = Files.createDirectories(dir.resolve("odd" + i++));
      small(2).write(c.resolve("config.json"));
      // with the real layers present, the odd tensor is an unknown one
      SafeTensors.write(c.resolve("model.safetensors"), tensors(small(2), true, odd), Map.of());
      ConfigAgainstWeightsTest.refused(SpiceException.BackendException.class, c, "holds tensor '" + odd + "'",
          "refusing to ignore it");
      // without any layer, the missing layer 0 is reported, not a layer count the odd name would imply
      SafeTensors.write(c.resolve("model.safetensors"), tensors(small(2), false, odd), Map.of());
      ConfigAgainstWeightsTest.refused(SpiceException.BackendException.class, c,
          "lacks tensor 'model.layers.0.input_layernorm.weight'");
    }
    Path c = Files.createDirectories(dir.resolve("long"));
    small(2).write(c.resolve("config.json"));
    SafeTensors.write(c.resolve("model.safetensors"),
        tensors(small(2), true, "model.layers.100000000000000000.input_layernorm.weight"), Map.of());
    ConfigAgainstWeightsTest.refused(SpiceException.ConfigurationException.class, c,
        "of layer 100000000000000000, which would be ignored");
  }

  @Test
  void shardedWeightsAreNamedByTheirFolder() throws Exception {
    Path c = Files.createDirectories(dir.resolve("sharded"));
    small(3).write(c.resolve("config.json"));
    List<SafeTensors.Tensor> all = tensors(small(2), true);
    Map<String, Object> weightMap = new LinkedHashMap<>();
    List<SafeTensors.Tensor> a = new ArrayList<>();
    List<SafeTensors.Tensor> b = new ArrayList<>();
    for (SafeTensors.Tensor t : all) {
      boolean first = !t.name().startsWith("model.layers.1.");
      (first ? a : b).add(t);
      weightMap.put(t.name(), first ? "model-00001-of-00002.safetensors" : "model-00002-of-00002.safetensors");
    }
    SafeTensors.write(c.resolve("model-00001-of-00002.safetensors"), a, Map.of());
    SafeTensors.write(c.resolve("model-00002-of-00002.safetensors"), b, Map.of());
    Files.writeString(c.resolve("model.safetensors.index.json"), Json.write(Map.of("weight_map", weightMap)));
    ConfigAgainstWeightsTest.refused(SpiceException.ConfigurationException.class, c,
        "the weight shards in " + c.toAbsolutePath() + " holds layers 0 to 1 only");
    Files.delete(c.resolve("model.safetensors.index.json"));
    Files.delete(c.resolve("model-00002-of-00002.safetensors"));
    Files.move(c.resolve("model-00001-of-00002.safetensors"), c.resolve("model.safetensors"));
    small(1).write(c.resolve("config.json"));
    SafeTensors.write(c.resolve("model.safetensors"), tensors(small(1), false), Map.of());
    ConfigAgainstWeightsTest.refused(SpiceException.BackendException.class, c,
        "checkpoint " + c.resolve("model.safetensors") + " lacks tensor 'model.layers.0.input_layernorm.weight'");
  }
}
