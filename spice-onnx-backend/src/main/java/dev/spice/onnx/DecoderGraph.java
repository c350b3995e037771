package dev.spice.onnx;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.spice.core.model.TransformerConfig;
import java.util.List;

/**
 * Builds the ONNX graph of a Llama / Qwen2 / Qwen3 decoder: RMSNorm, rotary embeddings in the
 * Hugging Face rotate-half convention, grouped-query attention with a causal and padding mask,
 * SwiGLU MLP, optional tied embeddings, Qwen2 q/k/v biases and Qwen3 per-head q/k norms. Linear
 * layers are {@code Gemm} with {@code transB = 1} on the {@code [out, in]} Hugging Face weights, so
 * the initializers keep the checkpoint's names and layout.
 */
final class DecoderGraph {
  static final String INPUT_IDS = "input_ids";
  static final String ATTENTION_MASK = "attention_mask";
  static final String POSITION_IDS = "position_ids";
  static final String LOGITS = "logits";
  /** Additive mask value: large enough to zero a softmax term, finite so padded rows stay finite. */
  static final float MASKED = -1e9f;

  private final TransformerConfig c;
  private final boolean cache;
  private GraphBuilder g;

  DecoderGraph(TransformerConfig config, boolean withCache) {
    this.c = config;
    this.cache = withCache;
  }

  static String pastKey(int layer) {
    return "past_key_values." + layer + ".key";
  }

  static String pastValue(int layer) {
    return "past_key_values." + layer + ".value";
  }

  static String presentKey(int layer) {
    return "present." + layer + ".key";
  }

  static String presentValue(int layer) {
    return "present." + layer + ".value";
  }

  OnnxMl.GraphProto build(List<TensorProto> weights) {
    g = new GraphBuilder("spice_" + c.modelType() + (cache ? "_with_past" : ""));
    weights.forEach(g::initializer);
    int h = c.hiddenSize();
    int d = c.headDim();
    int nh = c.numHeads();
    int nkv = c.numKvHeads();
    g.input(INPUT_IDS, GraphBuilder.INT64, "batch_size", "sequence_length");
    g.input(ATTENTION_MASK, GraphBuilder.INT64, "batch_size", "total_sequence_length");
    g.input(POSITION_IDS, GraphBuilder.INT64, "batch_size", "sequence_length");
    if (cache) {
      for (int i = 0; i < c.numLayers(); i++) {
        g.input(pastKey(i), GraphBuilder.FLOAT, "batch_size", (long) nkv, "past_sequence_length", (long) d);
        g.input(pastValue(i), GraphBuilder.FLOAT, "batch_size", (long) nkv, "past_sequence_length", (long) d);
      }
    }
    g.output(LOGITS, GraphBuilder.FLOAT, "batch_size", "sequence_length", (long) c.vocabSize());
    if (cache) {
      for (int i = 0; i < c.numLayers(); i++) {
        g.output(presentKey(i), GraphBuilder.FLOAT, "batch_size", (long) nkv, "total_sequence_length", (long) d);
        g.output(presentValue(i), GraphBuilder.FLOAT, "batch_size", (long) nkv, "total_sequence_length", (long) d);
      }
    }

    // Shapes shared by all layers.
    String idsShape = g.op("Shape", INPUT_IDS); // [B, S]
    String qShape = g.op("Concat", null, new String[] {idsShape, g.longs(nh, d)}, "axis", 0L);
    String kvShape = g.op("Concat", null, new String[] {idsShape, g.longs(nkv, d)}, "axis", 0L);
    String logitsShape = g.op("Concat", null, new String[] {idsShape, g.longs(c.vocabSize())}, "axis", 0L);
    String flatHidden = g.longs(-1, h);

    // Rotary tables cos/sin: [B, S, 1, D].
    double[] invD = c.ropeInverseFrequencies(); // rope_theta with rope_scaling applied
    float[] inv = new float[d / 2];
    for (int i = 0; i < inv.length; i++) {
      inv[i] = (float) invD[i];
    }
    String invFreq = g.floats(new long[] {d / 2}, inv);
    String pos = g.op("Cast", null, new String[] {POSITION_IDS}, "to", (long) GraphBuilder.FLOAT);
    String pos3 = g.op("Unsqueeze", pos, g.longs(2));
    String freqs = g.op("Mul", pos3, invFreq);
    String emb = g.op("Concat", null, new String[] {freqs, freqs}, "axis", -1L);
    String emb4 = g.op("Unsqueeze", emb, g.longs(2));
    String cos = g.op("Cos", emb4);
    String sin = g.op("Sin", emb4);

    // Additive attention bias [B, 1, 1, S, T]: causal within the total length, padding from the mask.
    String total = g.op("Shape", null, new String[] {ATTENTION_MASK}, "start", 1L, "end", 2L);
    String seq = g.op("Shape", null, new String[] {INPUT_IDS}, "start", 1L, "end", 2L);
    String past = g.op("Sub", total, seq);
    String zero = g.longs(0);
    String one = g.longs(1);
    String totalS = g.op("Squeeze", total, zero);
    String pastS = g.op("Squeeze", past, zero);
    String oneS = g.op("Squeeze", one, zero);
    String zeroS = g.op("Squeeze", zero, zero);
    String keyIdx = g.op("Unsqueeze", g.op("Range", zeroS, totalS, oneS), zero); // [1, T]
    String qIdx = g.op("Unsqueeze", g.op("Range", pastS, totalS, oneS), one); // [S, 1]
    String causal = g.op("LessOrEqual", keyIdx, qIdx); // [S, T]
    String padOk = g.op("Cast", null, new String[] {ATTENTION_MASK}, "to", (long) GraphBuilder.BOOL);
    String pad5 = g.op("Unsqueeze", padOk, g.longs(1, 2, 3)); // [B, 1, 1, 1, T]
    String allowed = g.op("And", pad5, causal);
    String bias = g.op("Where", allowed, g.scalar(0f), g.scalar(MASKED));

    String x = g.op("Reshape", g.op("Gather", "model.embed_tokens.weight", INPUT_IDS), flatHidden);
    for (int i = 0; i < c.numLayers(); i++) {
      x = layer(i, x, qShape, kvShape, cos, sin, bias);
    }
    String xn = rmsNorm(x, "model.norm.weight");
    String head = c.tieWordEmbeddings() ? "model.embed_tokens.weight" : "lm_head.weight";
    String logits2 = gemm(xn, head, null);
    g.op("Reshape", LOGITS, new String[] {logits2, logitsShape});
    return g.build();
  }

  private String layer(int i, String x, String qShape, String kvShape, String cos, String sin, String bias) {
    String p = "model.layers." + i + ".";
    int d = c.headDim();
    int nh = c.numHeads();
    int nkv = c.numKvHeads();
    int groups = nh / nkv;
    String xn = rmsNorm(x, p + "input_layernorm.weight");
    String bq = c.attentionBias() ? p + "self_attn.q_proj.bias" : null;
    String bk = c.attentionBias() ? p + "self_attn.k_proj.bias" : null;
    String bv = c.attentionBias() ? p + "self_attn.v_proj.bias" : null;
    String q = g.op("Reshape", gemm(xn, p + "self_attn.q_proj.weight", bq), qShape); // [B, S, nh, D]
    String k = g.op("Reshape", gemm(xn, p + "self_attn.k_proj.weight", bk), kvShape);
    String v = g.op("Reshape", gemm(xn, p + "self_attn.v_proj.weight", bv), kvShape);
    if (c.qkNorm()) {
      q = rmsNorm(q, p + "self_attn.q_norm.weight");
      k = rmsNorm(k, p + "self_attn.k_norm.weight");
    }
    q = rope(q, cos, sin);
    k = rope(k, cos, sin);
    long[] bhsd = {0, 2, 1, 3};
    String qt = g.op("Transpose", null, new String[] {q}, "perm", bhsd); // [B, nh, S, D]
    String kt = g.op("Transpose", null, new String[] {k}, "perm", bhsd); // [B, nkv, S, D]
    String vt = g.op("Transpose", null, new String[] {v}, "perm", bhsd);
    if (cache) {
      kt = g.op("Concat", presentKey(i), new String[] {pastKey(i), kt}, "axis", 2L);
      vt = g.op("Concat", presentValue(i), new String[] {pastValue(i), vt}, "axis", 2L);
    }
    // Grouped-query attention by broadcasting: q [B, nkv, g, S, D] against k [B, nkv, 1, T, D].
    String q5 = g.op("Reshape", qt, g.longs(0, nkv, groups, -1, d));
    String k5 = g.op("Unsqueeze", kt, g.longs(2));
    String v5 = g.op("Unsqueeze", vt, g.longs(2));
    String kT5 = g.op("Transpose", null, new String[] {k5}, "perm", new long[] {0, 1, 2, 4, 3});
    String scores = g.op("MatMul", q5, kT5);
    scores = g.op("Mul", scores, g.scalar((float) (1.0 / Math.sqrt(d))));
    scores = g.op("Add", scores, bias);
    String probs = g.op("Softmax", null, new String[] {scores}, "axis", -1L);
    String ctx = g.op("MatMul", probs, v5); // [B, nkv, g, S, D]
    ctx = g.op("Reshape", ctx, g.longs(0, nh, -1, d));
    ctx = g.op("Transpose", null, new String[] {ctx}, "perm", bhsd); // [B, S, nh, D]
    ctx = g.op("Reshape", ctx, g.longs(-1, (long) nh * d));
    x = g.op("Add", x, gemm(ctx, p + "self_attn.o_proj.weight", null));
    String xn2 = rmsNorm(x, p + "post_attention_layernorm.weight");
    String gate = gemm(xn2, p + "mlp.gate_proj.weight", null);
    String up = gemm(xn2, p + "mlp.up_proj.weight", null);
    String act = g.op("Mul", g.op("Mul", gate, g.op("Sigmoid", gate)), up);
    return g.op("Add", x, gemm(act, p + "mlp.down_proj.weight", null));
  }

  private String gemm(String a, String weight, String biasName) {
    String[] in = biasName == null ? new String[] {a, weight} : new String[] {a, weight, biasName};
    return g.op("Gemm", null, in, "transB", 1L);
  }

  private String rmsNorm(String x, String weight) {
    String ms = g.op("ReduceMean", null, new String[] {g.op("Mul", x, x)}, "axes", new long[] {-1}, "keepdims", 1L);
    String inv = g.op("Reciprocal", g.op("Sqrt", g.op("Add", ms, g.scalar((float) c.rmsNormEps()))));
    return g.op("Mul", g.op("Mul", x, inv), weight);
  }

  private String rope(String x, String cos, String sin) {
    long half = c.headDim() / 2;
    String[] parts = g.ops("Split", new String[] {g.fresh("x1"), g.fresh("x2")},
        new String[] {x, g.longs(half, half)}, "axis", -1L);
    String rotated = g.op("Concat", null, new String[] {g.op("Neg", parts[1]), parts[0]}, "axis", -1L);
    return g.op("Add", g.op("Mul", x, cos), g.op("Mul", rotated, sin));
  }
}
