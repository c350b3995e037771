package dev.spice.core.model;

import dev.spice.core.SpiceException;
import dev.spice.core.internal.model.SafeTensors;
import dev.spice.core.internal.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

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

  /** Largest {@code config.json} accepted (bytes). */
  public static final long MAX_CONFIG_BYTES = 16L * 1024 * 1024;

  /** Model types this SDK can run. */
  public static final List<String> SUPPORTED_TYPES = List.of("llama", "qwen2", "qwen3");

  /** Validates. */
  public TransformerConfig {
    Objects.requireNonNull(modelType, "modelType");
    if (eosTokenIds != null && eosTokenIds.stream().anyMatch(Objects::isNull)) {
      throw new SpiceException.ConfigurationException("config field 'eos_token_id' holds null");
    }
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
    if (!(rmsNormEps > 0) || !(ropeTheta > 0) || Double.isInfinite(rmsNormEps) || Double.isInfinite(ropeTheta)) {
      throw new SpiceException.ConfigurationException(
          "rms_norm_eps and rope_theta must be finite and > 0, got " + rmsNormEps + ", " + ropeTheta);
    }
    if ((long) numHeads * headDim > Integer.MAX_VALUE) {
      throw new SpiceException.ConfigurationException("config fields num_attention_heads (" + numHeads
          + ") * head_dim (" + headDim + ") = " + (long) numHeads * headDim + " exceed " + Integer.MAX_VALUE
          + ", the largest supported attention width");
    }
    if (bosTokenId < -1 || bosTokenId >= vocabSize) {
      throw new SpiceException.ConfigurationException("config field 'bos_token_id' is " + bosTokenId
          + ", outside the vocabulary [0, " + vocabSize + ") of vocab_size");
    }
    for (int e : eosTokenIds) {
      if (e < 0 || e >= vocabSize) {
        throw new SpiceException.ConfigurationException("config field 'eos_token_id' holds " + e
            + ", outside the vocabulary [0, " + vocabSize + ") of vocab_size");
      }
    }
    exactParameterCount(vocabSize, hiddenSize, intermediateSize, numLayers, numHeads, numKvHeads, headDim,
        tieWordEmbeddings, attentionBias, qkNorm);
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

  /**
   * A small Qwen3-style config, handy for tests: intermediate size {@code 3 * hiddenSize}, head_dim
   * {@code hiddenSize / numHeads}, RMSNorm epsilon 1e-6, rope theta 10000, 2048 positions, tied
   * embeddings, q/k norms, no biases, no bos or eos ids.
   */
  public static TransformerConfig tiny(int vocabSize, int hiddenSize, int numLayers, int numHeads, int numKvHeads) {
    return new TransformerConfig("qwen3", vocabSize, hiddenSize, hiddenSize * 3,
        numLayers, numHeads, numKvHeads, hiddenSize / numHeads, 1e-6, 10_000, 2048, true, false, true, -1, List.of());
  }

  /** Total parameter count (the sum over {@link #tensorShapes()}, computed without listing them). */
  public long parameterCount() {
    return exactParameterCount(vocabSize, hiddenSize, intermediateSize, numLayers, numHeads, numKvHeads, headDim,
        tieWordEmbeddings, attentionBias, qkNorm);
  }

  private static long exactParameterCount(long v, long h, long inter, long layers, long heads, long kvHeads, long d,
      boolean tied, boolean bias, boolean qkNorm) {
    try {
      long q = heads * d; // both < 2^31: exact
      long kv = kvHeads * d;
      long perLayer = Math.addExact(2 * h, Math.multiplyExact(q + 2 * kv, h)); // norms, q/k/v
      perLayer = Math.addExact(perLayer, Math.multiplyExact(h, q)); // o
      perLayer = Math.addExact(perLayer, Math.multiplyExact(3 * inter, h)); // gate, up, down
      if (bias) {
        perLayer = Math.addExact(perLayer, q + 2 * kv);
      }
      if (qkNorm) {
        perLayer = Math.addExact(perLayer, 2 * d);
      }
      long embed = v * h;
      long n = Math.addExact(Math.multiplyExact(layers, perLayer), h);
      n = Math.addExact(n, embed);
      return tied ? n : Math.addExact(n, embed);
    } catch (ArithmeticException e) {
      throw new SpiceException.ConfigurationException("config fields vocab_size (" + v + "), hidden_size (" + h
          + "), intermediate_size (" + inter + "), num_hidden_layers (" + layers + "), num_attention_heads (" + heads
          + "), num_key_value_heads (" + kvHeads + ") and head_dim (" + d + ") imply more than 2^63 - 1 parameters");
    }
  }

  /**
   * The Hugging Face tensor names and shapes of this architecture, in a stable order:
   * {@code model.embed_tokens.weight}, per layer {@code model.layers.{i}.(input_layernorm |
   * self_attn.{q,k,v,o}_proj | self_attn.{q,k}_norm | post_attention_layernorm |
   * mlp.{gate,up,down}_proj).weight} (and q/k/v biases with {@code attentionBias}),
   * {@code model.norm.weight}, and {@code lm_head.weight} unless embeddings are tied. Linear
   * weights are {@code [out, in]} as in PyTorch. The map has {@code ~10 * numLayers} entries:
   * check an untrusted config with {@link #checkTensors} first.
   */
  public Map<String, long[]> tensorShapes() {
    Map<String, long[]> m = new LinkedHashMap<>();
    m.put("model.embed_tokens.weight", values(vocabDim(), hiddenDim()));
    for (int i = 0; i < numLayers; i++) {
      layerSpecs(i, (name, dims) -> m.put(name, values(dims)));
    }
    m.put("model.norm.weight", values(hiddenDim()));
    if (!tieWordEmbeddings) {
      m.put("lm_head.weight", values(vocabDim(), hiddenDim()));
    }
    return m;
  }

  /** One dimension of an expected tensor shape, and the config.json field(s) that set it. */
  private record Dim(long value, String fields) {}

  private Dim vocabDim() {
    return new Dim(vocabSize, "field 'vocab_size' (" + vocabSize + ")");
  }

  private Dim hiddenDim() {
    return new Dim(hiddenSize, "field 'hidden_size' (" + hiddenSize + ")");
  }

  private static long[] values(Dim... dims) {
    long[] r = new long[dims.length];
    for (int i = 0; i < dims.length; i++) {
      r[i] = dims[i].value();
    }
    return r;
  }

  /** The tensors of layer {@code l} in {@link #tensorShapes()} order. */
  private void layerSpecs(int l, java.util.function.BiConsumer<String, Dim[]> out) {
    Dim h = hiddenDim();
    Dim q = new Dim((long) numHeads * headDim,
        "fields 'num_attention_heads' * 'head_dim' (" + numHeads + " * " + headDim + ")");
    Dim kv = new Dim((long) numKvHeads * headDim,
        "fields 'num_key_value_heads' * 'head_dim' (" + numKvHeads + " * " + headDim + ")");
    Dim d = new Dim(headDim, "field 'head_dim' (" + headDim + ")");
    Dim inter = new Dim(intermediateSize, "field 'intermediate_size' (" + intermediateSize + ")");
    String p = "model.layers." + l + ".";
    out.accept(p + "input_layernorm.weight", new Dim[] {h});
    out.accept(p + "self_attn.q_proj.weight", new Dim[] {q, h});
    out.accept(p + "self_attn.k_proj.weight", new Dim[] {kv, h});
    out.accept(p + "self_attn.v_proj.weight", new Dim[] {kv, h});
    if (attentionBias) {
      out.accept(p + "self_attn.q_proj.bias", new Dim[] {q});
      out.accept(p + "self_attn.k_proj.bias", new Dim[] {kv});
      out.accept(p + "self_attn.v_proj.bias", new Dim[] {kv});
    }
    out.accept(p + "self_attn.o_proj.weight", new Dim[] {h, q});
    if (qkNorm) {
      out.accept(p + "self_attn.q_norm.weight", new Dim[] {d});
      out.accept(p + "self_attn.k_norm.weight", new Dim[] {d});
    }
    out.accept(p + "post_attention_layernorm.weight", new Dim[] {h});
    out.accept(p + "mlp.gate_proj.weight", new Dim[] {inter, h});
    out.accept(p + "mlp.up_proj.weight", new Dim[] {inter, h});
    out.accept(p + "mlp.down_proj.weight", new Dim[] {h, inter});
  }

  /**
   * Checks a checkpoint's tensors (names, shapes, dtypes) against this architecture, before any
   * weight is read: only the safetensors header(s) are consulted, nothing model-sized is
   * allocated, and the work is bounded by the number of tensors in the checkpoint, so an untrusted
   * {@code config.json} (a huge {@code hidden_size} or {@code num_hidden_layers}) fails at once
   * instead of exhausting memory or time. Every tensor of {@link #tensorShapes()} must be present
   * with exactly its shape and a floating-point dtype, and no tensor may be left unused except
   * those a Hugging Face model ignores as well: {@code lm_head.weight} when embeddings are tied and
   * rotary {@code inv_freq} buffers.
   *
   * @param reader the checkpoint's weights
   * @param configJson the {@code config.json} this config was read from (named in messages)
   * @return the checkpoint tensors that are not used (see above), sorted
   * @throws SpiceException.ConfigurationException if a {@code config.json} field disagrees with the
   *     weights: a tensor's element count differs from the one the field implies, the checkpoint
   *     holds fewer or more layers than {@code num_hidden_layers}, or it holds biases or q/k
   *     norms that the config leaves out (the message names config.json, the field, the tensor,
   *     its file and both shapes)
   * @throws SpiceException.BackendException if a tensor is missing, is not floating-point, holds
   *     the expected number of elements in another arrangement (transposed), or is unknown
   */
  public List<String> checkTensors(SafeTensors.Reader reader, Path configJson) {
    List<String> names = reader.names();
    String where = weightsLocation(reader, names, configJson);
    Set<String> used = new HashSet<>();
    expect(reader, configJson, where, used, "model.embed_tokens.weight", vocabDim(), hiddenDim());
    long maxLayer = -1;
    String beyond = null;
    long beyondIndex = -1;
    for (String n : names) {
      long idx = layerIndex(n);
      maxLayer = Math.max(maxLayer, idx);
      if (idx >= numLayers && (beyond == null || idx < beyondIndex)) {
        beyond = n;
        beyondIndex = idx;
      }
    }
    if (maxLayer >= 0 && numLayers > maxLayer + 1) {
      throw new SpiceException.ConfigurationException(configJson + ": field 'num_hidden_layers' (" + numLayers
          + ") disagrees with the weights: " + where + " holds layers 0 to " + maxLayer + " only (tensor 'model.layers."
          + (maxLayer + 1) + ".input_layernorm.weight' is missing)");
    }
    if (beyond != null) {
      throw new SpiceException.ConfigurationException(configJson + ": field 'num_hidden_layers' (" + numLayers
          + ") disagrees with the weights: " + reader.file(beyond) + " holds tensor '" + beyond + "' of layer "
          + beyondIndex + ", which would be ignored");
    }
    // numLayers <= maxLayer + 1 <= names.size() now, or layer 0 is missing and the loop stops there.
    for (int l = 0; l < numLayers; l++) {
      layerSpecs(l, (name, dims) -> expect(reader, configJson, where, used, name, dims));
    }
    expect(reader, configJson, where, used, "model.norm.weight", hiddenDim());
    if (!tieWordEmbeddings) {
      expect(reader, configJson, where, used, "lm_head.weight", vocabDim(), hiddenDim());
    }
    List<String> unused = new ArrayList<>();
    for (String n : names) {
      if (used.contains(n)) {
        continue;
      }
      if (n.equals("lm_head.weight") || n.endsWith(".rotary_emb.inv_freq")) {
        unused.add(n); // Hugging Face ignores these too: the head is tied, inv_freq is recomputed
        continue;
      }
      if (n.matches("model\\.layers\\.\\d+\\.self_attn\\.[qkv]_proj\\.bias")) {
        throw new SpiceException.ConfigurationException(configJson + ": field 'attention_bias' is false"
            + " (the default for model_type '" + modelType + "' when absent) but " + reader.file(n)
            + " holds tensor '" + n + "'; ignoring it would change the model's outputs");
      }
      if (n.matches("model\\.layers\\.\\d+\\.self_attn\\.[qk]_norm\\.weight")) {
        throw new SpiceException.ConfigurationException(configJson + ": field 'model_type' is '" + modelType
            + "', which has no q/k norms, but " + reader.file(n) + " holds tensor '" + n
            + "'; ignoring it would change the model's outputs (qwen3 has q/k norms)");
      }
      throw new SpiceException.BackendException(reader.file(n) + " holds tensor '" + n + "', which a "
          + modelType + " model of this config.json does not use; refusing to ignore it");
    }
    return unused;
  }

  private static String weightsLocation(SafeTensors.Reader reader, List<String> names, Path configJson) {
    Path first = null;
    for (String n : names) {
      Path f = reader.file(n);
      if (first == null) {
        first = f;
      } else if (!first.equals(f)) {
        return "the weight shards in " + f.toAbsolutePath().getParent();
      }
    }
    return first != null ? first.toString() : "the weights next to " + configJson;
  }

  /** The layer index of a {@code model.layers.N.} tensor name (canonical decimal), else -1. */
  private static long layerIndex(String name) {
    String prefix = "model.layers.";
    if (!name.startsWith(prefix)) {
      return -1;
    }
    int dot = name.indexOf('.', prefix.length());
    if (dot < 0) {
      return -1;
    }
    String digits = name.substring(prefix.length(), dot);
    if (digits.isEmpty() || digits.length() > 18 || (digits.length() > 1 && digits.charAt(0) == '0')) {
      return -1;
    }
    for (int i = 0; i < digits.length(); i++) {
      if (digits.charAt(i) < '0' || digits.charAt(i) > '9') {
        return -1;
      }
    }
    return Long.parseLong(digits);
  }

  private void expect(SafeTensors.Reader reader, Path configJson, String where, Set<String> used, String name,
      Dim... dims) {
    long[] want = values(dims);
    if (!reader.contains(name)) {
      throw new SpiceException.BackendException("checkpoint " + where + " lacks tensor '" + name + "' that "
          + configJson + " requires (shape " + Arrays.toString(want) + " for model_type " + modelType + ")");
    }
    SafeTensors.TensorInfo info = reader.info(name);
    Path file = reader.file(name);
    switch (info.dtype()) {
      case F32, F16, BF16, F64 -> { }
      default -> throw new SpiceException.BackendException("tensor '" + name + "' in " + file + " has dtype "
          + info.dtype() + "; weights must be F32, F16, BF16 or F64");
    }
    long[] have = info.shape();
    used.add(name);
    if (Arrays.equals(have, want)) {
      return;
    }
    String shapes = "tensor '" + name + "' in " + file + " has shape " + Arrays.toString(have) + " but "
        + configJson.getFileName() + " implies " + Arrays.toString(want);
    if (have.length != want.length || saturatedCount(have) == saturatedCount(want)) {
      throw new SpiceException.BackendException(shapes
          + (have.length == want.length ? " (the same elements in another arrangement: transposed?)" : ""));
    }
    List<String> fields = new ArrayList<>();
    for (int i = 0; i < want.length; i++) {
      if (have[i] != want[i] && !fields.contains(dims[i].fields())) {
        fields.add(dims[i].fields());
      }
    }
    throw new SpiceException.ConfigurationException(configJson + ": " + String.join(" and ", fields)
        + " disagree" + (fields.size() == 1 && !fields.get(0).startsWith("fields") ? "s" : "")
        + " with the weights: " + shapes);
  }

  private static long saturatedCount(long[] shape) {
    long n = 1;
    for (long d : shape) {
      if (d == 0) {
        return 0;
      }
    }
    for (long d : shape) {
      long hi = Math.multiplyHigh(n, d);
      n = hi != 0 || n * d < 0 ? Long.MAX_VALUE : n * d;
    }
    return n;
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
      long size = Files.size(configJson);
      if (size > MAX_CONFIG_BYTES) {
        throw new SpiceException.ConfigurationException(configJson + " is " + size + " bytes; a config.json is at most "
            + MAX_CONFIG_BYTES + " bytes");
      }
      long[] badAt = new long[1];
      text = SafeTensors.strictUtf8(Files.readAllBytes(configJson), badAt);
      if (text == null) {
        throw new SpiceException.ConfigurationException(configJson + " is not UTF-8 text (invalid byte at offset "
            + badAt[0] + ")");
      }
    } catch (IOException e) {
      throw new SpiceException.ConfigurationException("cannot read " + configJson + ": " + SafeTensors.reason(e));
    }
    Map<String, Object> m;
    try {
      m = Json.parseObject(text);
    } catch (Json.JsonException e) {
      throw new SpiceException.ConfigurationException(configJson + " is not valid JSON: " + e.getMessage());
    }
    Set<String> seen = new HashSet<>();
    for (String k : SafeTensors.topLevelKeys(text)) {
      if (!seen.add(k)) {
        throw new SpiceException.ConfigurationException(configJson + ": field '" + k
            + "' appears twice (which value is meant is ambiguous)");
      }
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
    int headDim;
    if (hd == null) {
      if (heads > 0 && hidden % heads != 0) {
        throw new SpiceException.ConfigurationException("field 'hidden_size' (" + hidden
            + ") is not a multiple of 'num_attention_heads' (" + heads + ") and there is no 'head_dim' field");
      }
      headDim = heads > 0 ? hidden / heads : 0;
    } else {
      headDim = integer(m, "head_dim", null);
    }
    boolean qwen2 = "qwen2".equals(type);
    boolean qwen3 = "qwen3".equals(type);
    List<Integer> eos = new ArrayList<>();
    Object e = m.get("eos_token_id");
    if (e instanceof List<?> l) {
      for (Object o : l) {
        eos.add(tokenId("eos_token_id", o, "an integer or a list of integers"));
      }
    } else if (e != null) {
      eos.add(tokenId("eos_token_id", e, "an integer or a list of integers"));
    }
    Object bosValue = m.get("bos_token_id");
    int bos = bosValue == null ? -1 : tokenId("bos_token_id", bosValue, "an integer (or null for none)");
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
        bos,
        eos,
        scaling);
  }

  /** A token id of config.json: an integer in [0, 2^31). */
  private static int tokenId(String field, Object v, String what) {
    if (!(v instanceof Long l)) {
      throw new SpiceException.ConfigurationException("field '" + field + "' must be " + what + ", got "
          + (v instanceof String str ? "the string \"" + str + "\"" : String.valueOf(v)));
    }
    if (l < 0 || l > Integer.MAX_VALUE) {
      throw new SpiceException.ConfigurationException("field '" + field + "' holds " + l
          + ", which is not a token id (ids are >= 0 and < vocab_size)");
    }
    return l.intValue();
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
            required(m, where, "high_freq_factor"), positiveInt(m, where, "original_max_position_embeddings"));
        default -> new RopeScaling(type, 1, 0, 0, 0);
      };
    } catch (SpiceException.ConfigurationException e) {
      throw new SpiceException.ConfigurationException("field '" + where + "': " + e.getMessage());
    }
  }

  private static int positiveInt(Map<String, Object> m, String where, String k) {
    double v = required(m, where, k);
    if (v != Math.rint(v) || v < 1 || v > Integer.MAX_VALUE) {
      throw new SpiceException.ConfigurationException("field '" + where + "." + k + "' must be a positive integer, got "
          + m.get(k));
    }
    return (int) v;
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
      throw new SpiceException.CheckpointException("cannot write " + configJson + ": " + SafeTensors.reason(e), e);
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
