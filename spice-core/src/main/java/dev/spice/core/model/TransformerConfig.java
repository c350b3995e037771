package dev.spice.core.model;

import dev.spice.core.SpiceException;
import dev.spice.core.internal.model.SafeTensors;
import dev.spice.core.internal.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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

  /** Largest {@code config.json} accepted (bytes). */
  public static final long MAX_CONFIG_BYTES = 16L * 1024 * 1024;

  /** Model types this SDK can run. */
  public static final List<String> SUPPORTED_TYPES = List.of("llama", "qwen2", "qwen3");

  /**
   * Validates.
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
   * @param ropeScaling rotary frequency scaling ({@link RopeScaling#NONE} for none; null means
   *     none)
   */
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

  /**
   * A config without rotary scaling.
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
   */
  public TransformerConfig(String modelType, int vocabSize, int hiddenSize, int intermediateSize, int numLayers,
      int numHeads, int numKvHeads, int headDim, double rmsNormEps, double ropeTheta, int maxPositionEmbeddings,
      boolean tieWordEmbeddings, boolean attentionBias, boolean qkNorm, int bosTokenId, List<Integer> eosTokenIds) {
    this(modelType, vocabSize, hiddenSize, intermediateSize, numLayers, numHeads, numKvHeads, headDim, rmsNormEps,
        ropeTheta, maxPositionEmbeddings, tieWordEmbeddings, attentionBias, qkNorm, bosTokenId, eosTokenIds,
        RopeScaling.NONE);
  }

  /**
   * This config with other end-of-sequence ids ({@code eos_token_id}; empty for none).
   *
   * @param ids the ids
   * @return this config with other end-of-sequence ids ({@code eos_token_id}; empty for none)
   */
  public TransformerConfig withEosTokenIds(List<Integer> ids) {
    return new TransformerConfig(modelType, vocabSize, hiddenSize, intermediateSize, numLayers, numHeads, numKvHeads,
        headDim, rmsNormEps, ropeTheta, maxPositionEmbeddings, tieWordEmbeddings, attentionBias, qkNorm, bosTokenId,
        ids, ropeScaling);
  }

  /**
   * This config with another rotary scaling.
   *
   * @param scaling the scaling
   * @return this config with another rotary scaling
   */
  public TransformerConfig withRopeScaling(RopeScaling scaling) {
    return new TransformerConfig(modelType, vocabSize, hiddenSize, intermediateSize, numLayers, numHeads, numKvHeads,
        headDim, rmsNormEps, ropeTheta, maxPositionEmbeddings, tieWordEmbeddings, attentionBias, qkNorm, bosTokenId,
        eosTokenIds, scaling);
  }

  /**
   * The rotary inverse frequencies ({@code headDim / 2} of them) with {@link #ropeScaling()}
   * applied, as Hugging Face computes them; both backends build their rotary tables from these.
   *
   * @return the rotary inverse frequencies ({@code headDim / 2} of them) with {@link
   *     #ropeScaling()} applied, as Hugging Face computes them; both backends build their rotary
   *     tables from these
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
   *
   * @param vocabSize the vocab size
   * @param hiddenSize the hidden size
   * @param numLayers the num layers
   * @param numHeads the num heads
   * @param numKvHeads the num kv heads
   * @return a small Qwen3-style config, handy for tests: intermediate size {@code 3 * hiddenSize},
   *     head_dim {@code hiddenSize / numHeads}, RMSNorm epsilon 1e-6, rope theta 10000, 2048
   *     positions, tied embeddings, q/k norms, no biases, no bos or eos ids
   */
  public static TransformerConfig tiny(int vocabSize, int hiddenSize, int numLayers, int numHeads, int numKvHeads) {
    return new TransformerConfig("qwen3", vocabSize, hiddenSize, hiddenSize * 3,
        numLayers, numHeads, numKvHeads, hiddenSize / numHeads, 1e-6, 10_000, 2048, true, false, true, -1, List.of());
  }

  /**
   * Total parameter count (the sum over {@link #tensorShapes()}, computed without listing them).
   *
   * @return total parameter count (the sum over {@link #tensorShapes()}, computed without listing
   *     them)
   */
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
   *
   * @return the Hugging Face tensor names and shapes of this architecture, in a stable order:
   *     {@code model.embed_tokens.weight}, per layer {@code model.layers.{i}.(input_layernorm |
   *     self_attn.{q,k,v,o}_proj | self_attn.{q,k}_norm | post_attention_layernorm |
   *     mlp.{gate,up,down}_proj).weight} (and q/k/v biases with {@code attentionBias}), {@code
   *     model.norm.weight}, and {@code lm_head.weight} unless embeddings are tied
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

  /**
   * One dimension of an expected tensor shape, and the config.json field(s) that set it (named by
   * {@code WeightsCheck} when the weights disagree).
   */
  record Dim(long value, String fields) {}

  Dim vocabDim() {
    return new Dim(vocabSize, "field 'vocab_size' (" + vocabSize + ")");
  }

  Dim hiddenDim() {
    return new Dim(hiddenSize, "field 'hidden_size' (" + hiddenSize + ")");
  }

  static long[] values(Dim... dims) {
    long[] r = new long[dims.length];
    for (int i = 0; i < dims.length; i++) {
      r[i] = dims[i].value();
    }
    return r;
  }

  /** The tensors of layer {@code l} in {@link #tensorShapes()} order. */
  void layerSpecs(int l, java.util.function.BiConsumer<String, Dim[]> out) {
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
    return new WeightsCheck(this, reader, configJson).run();
  }

  /**
   * Reads {@code config.json}. Accepts the fields of the Llama, Qwen2 and Qwen3 configs; missing
   * optional fields take the Hugging Face defaults.
   *
   *
   * @param configJson the config json
   * @return the config read
   * @throws SpiceException.ConfigurationException naming the file and field on bad content
   */
  public static TransformerConfig read(Path configJson) {
    return ConfigJson.read(configJson);
  }

  /**
   * Builds a config from parsed {@code config.json} content.
   *
   * @param m the parsed {@code config.json} content
   * @return the config
   */
  public static TransformerConfig fromMap(Map<String, Object> m) {
    return ConfigJson.fromMap(m);
  }

  /**
   * The config as Hugging Face {@code config.json} fields.
   *
   * @return the config as Hugging Face {@code config.json} fields
   */
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

  /**
   * Writes {@code config.json}.
   *
   * @param configJson the config json
   */
  public void write(Path configJson) {
    try {
      Files.writeString(configJson, Json.write(toMap()), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new SpiceException.CheckpointException("cannot write " + configJson + ": " + SafeTensors.reason(e), e);
    }
  }
}
