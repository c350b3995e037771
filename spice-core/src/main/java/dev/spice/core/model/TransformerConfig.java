package dev.spice.core.model;

import dev.spice.core.SpiceException;
import dev.spice.core.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Architecture of a decoder-only transformer of the Llama / Qwen family, read from and written to
 * a Hugging Face {@code config.json}.
 *
 * @param modelType {@code llama}, {@code qwen2} or {@code qwen3}
 * @param vocabSize vocabulary size
 * @param hiddenSize model width
 * @param intermediateSize SwiGLU inner width
 * @param numLayers decoder layers
 * @param numHeads query heads
 * @param numKvHeads key/value heads (grouped-query attention); divides {@code numHeads}
 * @param headDim per-head width (usually {@code hiddenSize / numHeads}); even (rotary)
 * @param rmsNormEps RMSNorm epsilon
 * @param ropeTheta rotary base
 * @param maxPositionEmbeddings longest supported sequence
 * @param tieWordEmbeddings whether the output projection shares the embedding matrix
 * @param attentionBias whether q/k/v projections have biases (Qwen2 does)
 * @param qkNorm whether queries and keys are RMS-normalised per head (Qwen3 does)
 * @param bosTokenId beginning-of-sequence id, or -1
 * @param eosTokenIds end-of-sequence ids (may be empty)
 * @param ropeScaling rotary frequency scaling ({@link RopeScaling#NONE} for none; null means none)
 */
public record TransformerConfig(
    String modelType,
    int vocabSize,
    int hiddenSize,
    int intermediateSize,
    int numLayers,
    int numHeads,
    int numKvHeads,
    int headDim,
    double rmsNormEps,
    double ropeTheta,
    int maxPositionEmbeddings,
    boolean tieWordEmbeddings,
    boolean attentionBias,
    boolean qkNorm,
    int bosTokenId,
    List<Integer> eosTokenIds,
    RopeScaling ropeScaling) {

  /** Model types this SDK can run. */
  public static final List<String> SUPPORTED_TYPES = List.of("llama", "qwen2", "qwen3");

  /** Validates. */
  public TransformerConfig {
    Objects.requireNonNull(modelType, "modelType");
    eosTokenIds = eosTokenIds == null ? List.of() : List.copyOf(eosTokenIds);
    ropeScaling = ropeScaling == null ? RopeScaling.NONE : ropeScaling;
    if (!SUPPORTED_TYPES.contains(modelType)) {
      throw new SpiceException.ConfigurationException(
          "model_type '" + modelType + "' is not supported; valid: " + SUPPORTED_TYPES);
    }
    positive("vocab_size", vocabSize);
    positive("hidden_size", hiddenSize);
    positive("intermediate_size", intermediateSize);
    positive("num_hidden_layers", numLayers);
    positive("num_attention_heads", numHeads);
    positive("num_key_value_heads", numKvHeads);
    positive("head_dim", headDim);
    positive("max_position_embeddings", maxPositionEmbeddings);
    if (numHeads % numKvHeads != 0) {
      throw new SpiceException.ConfigurationException("num_attention_heads (" + numHeads
          + ") must be a multiple of num_key_value_heads (" + numKvHeads + ")");
    }
    if (headDim % 2 != 0) {
      throw new SpiceException.ConfigurationException("head_dim must be even for rotary embeddings, got " + headDim);
    }
    if (!(rmsNormEps > 0) || !(ropeTheta > 0)) {
      throw new SpiceException.ConfigurationException(
          "rms_norm_eps and rope_theta must be > 0, got " + rmsNormEps + ", " + ropeTheta);
    }
  }

  /** A config without rotary scaling. */
  public TransformerConfig(String modelType, int vocabSize, int hiddenSize, int intermediateSize, int numLayers,
      int numHeads, int numKvHeads, int headDim, double rmsNormEps, double ropeTheta, int maxPositionEmbeddings,
      boolean tieWordEmbeddings, boolean attentionBias, boolean qkNorm, int bosTokenId, List<Integer> eosTokenIds) {
    this(modelType, vocabSize, hiddenSize, intermediateSize, numLayers, numHeads, numKvHeads, headDim, rmsNormEps,
        ropeTheta, maxPositionEmbeddings, tieWordEmbeddings, attentionBias, qkNorm, bosTokenId, eosTokenIds,
        RopeScaling.NONE);
  }

  /** This config with another rotary scaling. */
  public TransformerConfig withRopeScaling(RopeScaling scaling) {
    return new TransformerConfig(modelType, vocabSize, hiddenSize, intermediateSize, numLayers, numHeads, numKvHeads,
        headDim, rmsNormEps, ropeTheta, maxPositionEmbeddings, tieWordEmbeddings, attentionBias, qkNorm, bosTokenId,
        eosTokenIds, scaling);
  }

  /**
   * The rotary inverse frequencies ({@code headDim / 2} of them) with {@link #ropeScaling()}
   * applied, as Hugging Face computes them; both backends build their rotary tables from these.
   */
  public double[] ropeInverseFrequencies() {
    return ropeScaling.inverseFrequencies(ropeTheta, headDim);
  }

  private static void positive(String field, int v) {
    if (v <= 0) {
      throw new SpiceException.ConfigurationException("config field '" + field + "' must be > 0, got " + v);
    }
  }

  /** A small Qwen3-style config, handy for tests: tied embeddings, q/k norms, no biases. */
  public static TransformerConfig tiny(int vocabSize, int hiddenSize, int numLayers, int numHeads, int numKvHeads) {
    return new TransformerConfig("qwen3", vocabSize, hiddenSize, hiddenSize * 3,
        numLayers, numHeads, numKvHeads, hiddenSize / numHeads, 1e-6, 10_000, 2048, true, false, true, -1, List.of());
  }

  /** Total parameter count. */
  public long parameterCount() {
    long n = 0;
    for (long[] shape : tensorShapes().values()) {
      long p = 1;
      for (long d : shape) {
        p *= d;
      }
      n += p;
    }
    return n;
  }

  /**
   * The Hugging Face tensor names and shapes of this architecture, in a stable order:
   * {@code model.embed_tokens.weight}, per layer {@code model.layers.{i}.(input_layernorm |
   * self_attn.{q,k,v,o}_proj | self_attn.{q,k}_norm | post_attention_layernorm |
   * mlp.{gate,up,down}_proj).weight} (and q/k/v biases with {@code attentionBias}),
   * {@code model.norm.weight}, and {@code lm_head.weight} unless embeddings are tied. Linear
   * weights are {@code [out, in]} as in PyTorch.
   */
  public Map<String, long[]> tensorShapes() {
    Map<String, long[]> m = new LinkedHashMap<>();
    long h = hiddenSize;
    long q = (long) numHeads * headDim;
    long kv = (long) numKvHeads * headDim;
    m.put("model.embed_tokens.weight", new long[] {vocabSize, h});
    for (int i = 0; i < numLayers; i++) {
      String p = "model.layers." + i + ".";
      m.put(p + "input_layernorm.weight", new long[] {h});
      m.put(p + "self_attn.q_proj.weight", new long[] {q, h});
      m.put(p + "self_attn.k_proj.weight", new long[] {kv, h});
      m.put(p + "self_attn.v_proj.weight", new long[] {kv, h});
      if (attentionBias) {
        m.put(p + "self_attn.q_proj.bias", new long[] {q});
        m.put(p + "self_attn.k_proj.bias", new long[] {kv});
        m.put(p + "self_attn.v_proj.bias", new long[] {kv});
      }
      m.put(p + "self_attn.o_proj.weight", new long[] {h, q});
      if (qkNorm) {
        m.put(p + "self_attn.q_norm.weight", new long[] {headDim});
        m.put(p + "self_attn.k_norm.weight", new long[] {headDim});
      }
      m.put(p + "post_attention_layernorm.weight", new long[] {h});
      m.put(p + "mlp.gate_proj.weight", new long[] {intermediateSize, h});
      m.put(p + "mlp.up_proj.weight", new long[] {intermediateSize, h});
      m.put(p + "mlp.down_proj.weight", new long[] {h, intermediateSize});
    }
    m.put("model.norm.weight", new long[] {h});
    if (!tieWordEmbeddings) {
      m.put("lm_head.weight", new long[] {vocabSize, h});
    }
    return m;
  }

  /**
   * Reads {@code config.json}. Accepts the fields of the Llama, Qwen2 and Qwen3 configs; missing
   * optional fields take the Hugging Face defaults.
   *
   * @throws SpiceException.ConfigurationException naming the file and field on bad content
   */
  public static TransformerConfig read(Path configJson) {
    String text;
    try {
      text = Files.readString(configJson, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new SpiceException.ConfigurationException("cannot read " + configJson + ": " + e.getMessage());
    }
    Map<String, Object> m;
    try {
      m = Json.parseObject(text);
    } catch (Json.JsonException e) {
      throw new SpiceException.ConfigurationException(configJson + ": " + e.getMessage());
    }
    try {
      return fromMap(m);
    } catch (SpiceException.ConfigurationException e) {
      throw new SpiceException.ConfigurationException(configJson + ": " + e.getMessage());
    }
  }

  /** Builds a config from parsed {@code config.json} content. */
  public static TransformerConfig fromMap(Map<String, Object> m) {
    String type = str(m, "model_type", null);
    int hidden = integer(m, "hidden_size", null);
    int heads = integer(m, "num_attention_heads", null);
    int kvHeads = integer(m, "num_key_value_heads", heads);
    Object hd = m.get("head_dim");
    int headDim = hd == null ? (heads > 0 ? hidden / heads : 0) : integer(m, "head_dim", null);
    boolean qwen2 = "qwen2".equals(type);
    boolean qwen3 = "qwen3".equals(type);
    List<Integer> eos = new ArrayList<>();
    Object e = m.get("eos_token_id");
    if (e instanceof Number n) {
      eos.add(n.intValue());
    } else if (e instanceof List<?> l) {
      for (Object o : l) {
        if (!(o instanceof Number n)) {
          throw new SpiceException.ConfigurationException("field 'eos_token_id' must hold integers");
        }
        eos.add(n.intValue());
      }
    }
    Object bos = m.get("bos_token_id");
    String act = str(m, "hidden_act", "silu");
    if (!act.equals("silu")) {
      throw new SpiceException.ConfigurationException("field 'hidden_act' is '" + act + "'; only silu is supported");
    }
    if (bool(m, "mlp_bias", false)) {
      throw new SpiceException.ConfigurationException("field 'mlp_bias' is true; MLP biases are not supported");
    }
    if (bool(m, "use_sliding_window", false)) {
      throw new SpiceException.ConfigurationException(
          "field 'use_sliding_window' is true; sliding-window attention is not supported");
    }
    double theta;
    RopeScaling scaling;
    Object rp = m.get("rope_parameters");
    if (rp != null) {
      // transformers 5: rope_theta and the scaling live in one object.
      Map<String, Object> rpm = object(rp, "rope_parameters");
      theta = nestedNumber(rpm, "rope_parameters", "rope_theta", number(m, "rope_theta", 10_000.0));
      if (m.get("rope_theta") != null && number(m, "rope_theta", 0) != theta) {
        throw new SpiceException.ConfigurationException("fields 'rope_theta' (" + m.get("rope_theta")
            + ") and 'rope_parameters.rope_theta' (" + theta + ") disagree");
      }
      scaling = scaling(rpm, "rope_parameters");
      if (m.get("rope_scaling") != null && !scaling.equals(scaling(object(m.get("rope_scaling"), "rope_scaling"),
          "rope_scaling"))) {
        throw new SpiceException.ConfigurationException("fields 'rope_scaling' and 'rope_parameters' disagree");
      }
    } else {
      theta = number(m, "rope_theta", 10_000.0);
      Object rs = m.get("rope_scaling");
      scaling = rs == null ? RopeScaling.NONE : scaling(object(rs, "rope_scaling"), "rope_scaling");
    }
    return new TransformerConfig(
        type,
        integer(m, "vocab_size", null),
        hidden,
        integer(m, "intermediate_size", null),
        integer(m, "num_hidden_layers", null),
        heads,
        kvHeads,
        headDim,
        number(m, "rms_norm_eps", 1e-6),
        theta,
        integer(m, "max_position_embeddings", 2048),
        bool(m, "tie_word_embeddings", false),
        bool(m, "attention_bias", qwen2),
        qwen3,
        bos instanceof Number n ? n.intValue() : -1,
        eos,
        scaling);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> object(Object v, String field) {
    if (!(v instanceof Map<?, ?> map)) {
      throw new SpiceException.ConfigurationException("field '" + field + "' must be an object, got " + v);
    }
    return (Map<String, Object>) map;
  }

  private static double nestedNumber(Map<String, Object> m, String where, String k, double dflt) {
    Object v = m.get(k);
    if (v == null) {
      return dflt;
    }
    if (!(v instanceof Number n)) {
      throw new SpiceException.ConfigurationException("field '" + where + "." + k + "' must be a number, got " + v);
    }
    return n.doubleValue();
  }

  /** Reads a rope_scaling / rope_parameters object (rope_type, or the older key type). */
  private static RopeScaling scaling(Map<String, Object> m, String where) {
    Object t = m.containsKey("rope_type") ? m.get("rope_type") : m.get("type");
    String type = t == null ? "default" : t.toString();
    try {
      return switch (type) {
        case "default" -> RopeScaling.NONE;
        case "linear" -> RopeScaling.linear(required(m, where, "factor"));
        case "llama3" -> RopeScaling.llama3(
            required(m, where, "factor"), required(m, where, "low_freq_factor"),
            required(m, where, "high_freq_factor"), (int) required(m, where, "original_max_position_embeddings"));
        default -> new RopeScaling(type, 1, 0, 0, 0);
      };
    } catch (SpiceException.ConfigurationException e) {
      throw new SpiceException.ConfigurationException("field '" + where + "': " + e.getMessage());
    }
  }

  private static double required(Map<String, Object> m, String where, String k) {
    if (m.get(k) == null) {
      throw new SpiceException.ConfigurationException("missing field '" + where + "." + k + "'");
    }
    return nestedNumber(m, where, k, Double.NaN);
  }

  /** The config as Hugging Face {@code config.json} fields. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("architectures", List.of(switch (modelType) {
      case "qwen2" -> "Qwen2ForCausalLM";
      case "qwen3" -> "Qwen3ForCausalLM";
      default -> "LlamaForCausalLM";
    }));
    m.put("model_type", modelType);
    m.put("vocab_size", vocabSize);
    m.put("hidden_size", hiddenSize);
    m.put("intermediate_size", intermediateSize);
    m.put("num_hidden_layers", numLayers);
    m.put("num_attention_heads", numHeads);
    m.put("num_key_value_heads", numKvHeads);
    m.put("head_dim", headDim);
    m.put("hidden_act", "silu");
    m.put("rms_norm_eps", rmsNormEps);
    m.put("rope_theta", ropeTheta);
    if (!ropeScaling.isNone()) {
      m.put("rope_scaling", ropeScaling.toMap());
    }
    m.put("max_position_embeddings", maxPositionEmbeddings);
    m.put("tie_word_embeddings", tieWordEmbeddings);
    m.put("attention_bias", attentionBias);
    if (bosTokenId >= 0) {
      m.put("bos_token_id", bosTokenId);
    }
    if (eosTokenIds.size() == 1) {
      m.put("eos_token_id", eosTokenIds.get(0));
    } else if (!eosTokenIds.isEmpty()) {
      m.put("eos_token_id", eosTokenIds);
    }
    m.put("torch_dtype", "float32");
    return m;
  }

  /** Writes {@code config.json}. */
  public void write(Path configJson) {
    try {
      Files.writeString(configJson, Json.write(toMap()), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new SpiceException.CheckpointException("cannot write " + configJson + ": " + e.getMessage(), e);
    }
  }

  private static String str(Map<String, Object> m, String k, String dflt) {
    Object v = m.get(k);
    if (v == null) {
      if (dflt == null) {
        throw new SpiceException.ConfigurationException("missing field '" + k + "'");
      }
      return dflt;
    }
    if (!(v instanceof String s)) {
      throw new SpiceException.ConfigurationException("field '" + k + "' must be a string, got " + v);
    }
    return s;
  }

  private static int integer(Map<String, Object> m, String k, Integer dflt) {
    Object v = m.get(k);
    if (v == null) {
      if (dflt == null) {
        throw new SpiceException.ConfigurationException("missing field '" + k + "'");
      }
      return dflt;
    }
    if (!(v instanceof Long l) || l > Integer.MAX_VALUE || l < Integer.MIN_VALUE) {
      throw new SpiceException.ConfigurationException("field '" + k + "' must be an integer, got " + v);
    }
    return l.intValue();
  }

  private static double number(Map<String, Object> m, String k, double dflt) {
    Object v = m.get(k);
    if (v == null) {
      return dflt;
    }
    if (!(v instanceof Number n)) {
      throw new SpiceException.ConfigurationException("field '" + k + "' must be a number, got " + v);
    }
    return n.doubleValue();
  }

  private static boolean bool(Map<String, Object> m, String k, boolean dflt) {
    Object v = m.get(k);
    if (v == null) {
      return dflt;
    }
    if (!(v instanceof Boolean b)) {
      throw new SpiceException.ConfigurationException("field '" + k + "' must be true or false, got " + v);
    }
    return b;
  }
}
