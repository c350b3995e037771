package dev.spice.djl;

import dev.spice.core.internal.model.SafeTensors;
import dev.spice.core.model.TransformerConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Conversion between Hugging Face tensors (names and {@code [out, in]} layout of
 * {@link TransformerConfig#tensorShapes()}) and {@link Model}'s flat {@code [in, out]} layout, on
 * host arrays. Pure data movement: no native memory.
 */
final class HfWeights {
  private HfWeights() {}


  /** {@link #fromHuggingFace(TransformerConfig, SafeTensors.Reader, String, boolean)} refusing non-finite weights. */
  static float[] fromHuggingFace(TransformerConfig cfg, SafeTensors.Reader reader, String source) {
    return fromHuggingFace(cfg, reader, source, false);
  }

  /**
   * Converts Hugging Face tensors (names of {@link TransformerConfig#tensorShapes()}) to the flat
   * layout. The config is first checked against the safetensors header
   * ({@link TransformerConfig#checkTensors}), so nothing model-sized is allocated for a config that
   * the weights contradict.
   *
   * @param source the checkpoint directory (its {@code config.json} is named in messages)
   * @param allowNonFinite load NaN / infinite weights instead of refusing them
   */
  static float[] fromHuggingFace(TransformerConfig cfg, SafeTensors.Reader reader, String source,
      boolean allowNonFinite) {
    cfg.checkTensors(reader, java.nio.file.Path.of(source).resolve("config.json"));
    ModelLayout.Layout lay = ModelLayout.layoutOf(cfg);
    float[] w = new float[(int) lay.size()];
    java.util.function.Function<String, float[]> floats = name -> {
      float[] v = reader.floats(name);
      if (!allowNonFinite) {
        SafeTensors.requireFinite(v, reader.info(name), reader.file(name),
            "DjlPolicy.builder().allowNonFiniteWeights(true)");
      }
      return v;
    };
    Map<String, Model.Slot> by = new LinkedHashMap<>();
    lay.slots().forEach(s -> by.put(s.name(), s));
    int h = cfg.hiddenSize();
    int d = cfg.headDim();
    int qd = cfg.numHeads() * d;
    int kvd = cfg.numKvHeads() * d;
    int c = qd + 2 * kvd;
    int inter = cfg.intermediateSize();
    copy(w, by.get("embed"), floats.apply("model.embed_tokens.weight"));
    for (int l = 0; l < cfg.numLayers(); l++) {
      String hf = "model.layers." + l + ".";
      String p = "L" + l + ".";
      copy(w, by.get(p + "in_norm"), floats.apply(hf + "input_layernorm.weight"));
      int qkvOff = (int) by.get(p + "qkv").offset();
      putT(w, qkvOff, c, 0, floats.apply(hf + "self_attn.q_proj.weight"), qd, h);
      putT(w, qkvOff, c, qd, floats.apply(hf + "self_attn.k_proj.weight"), kvd, h);
      putT(w, qkvOff, c, qd + kvd, floats.apply(hf + "self_attn.v_proj.weight"), kvd, h);
      if (cfg.attentionBias()) {
        int bo = (int) by.get(p + "qkv_b").offset();
        System.arraycopy(floats.apply(hf + "self_attn.q_proj.bias"), 0, w, bo, qd);
        System.arraycopy(floats.apply(hf + "self_attn.k_proj.bias"), 0, w, bo + qd, kvd);
        System.arraycopy(floats.apply(hf + "self_attn.v_proj.bias"), 0, w, bo + qd + kvd, kvd);
      }
      if (cfg.qkNorm()) {
        copy(w, by.get(p + "q_norm"), floats.apply(hf + "self_attn.q_norm.weight"));
        copy(w, by.get(p + "k_norm"), floats.apply(hf + "self_attn.k_norm.weight"));
      }
      putT(w, (int) by.get(p + "o").offset(), h, 0, floats.apply(hf + "self_attn.o_proj.weight"), h, qd);
      copy(w, by.get(p + "post_norm"), floats.apply(hf + "post_attention_layernorm.weight"));
      int gu = (int) by.get(p + "gate_up").offset();
      putT(w, gu, 2 * inter, 0, floats.apply(hf + "mlp.gate_proj.weight"), inter, h);
      putT(w, gu, 2 * inter, inter, floats.apply(hf + "mlp.up_proj.weight"), inter, h);
      putT(w, (int) by.get(p + "down").offset(), h, 0, floats.apply(hf + "mlp.down_proj.weight"), h, inter);
    }
    copy(w, by.get("norm"), floats.apply("model.norm.weight"));
    if (!cfg.tieWordEmbeddings()) {
      copy(w, by.get("lm_head"), floats.apply("lm_head.weight"));
    }
    return w;
  }

  /** The flat weights as Hugging Face tensors, in {@link TransformerConfig#tensorShapes()} order. */
  static List<SafeTensors.Tensor> toHuggingFace(TransformerConfig cfg, float[] w) {
    ModelLayout.Layout lay = ModelLayout.layoutOf(cfg);
    Map<String, Model.Slot> by = new LinkedHashMap<>();
    lay.slots().forEach(s -> by.put(s.name(), s));
    int h = cfg.hiddenSize();
    int d = cfg.headDim();
    int qd = cfg.numHeads() * d;
    int kvd = cfg.numKvHeads() * d;
    int c = qd + 2 * kvd;
    int inter = cfg.intermediateSize();
    Map<String, float[]> out = new LinkedHashMap<>();
    out.put("model.embed_tokens.weight", slice(w, by.get("embed")));
    for (int l = 0; l < cfg.numLayers(); l++) {
      String hf = "model.layers." + l + ".";
      String p = "L" + l + ".";
      out.put(hf + "input_layernorm.weight", slice(w, by.get(p + "in_norm")));
      int qkvOff = (int) by.get(p + "qkv").offset();
      out.put(hf + "self_attn.q_proj.weight", getT(w, qkvOff, c, 0, qd, h));
      out.put(hf + "self_attn.k_proj.weight", getT(w, qkvOff, c, qd, kvd, h));
      out.put(hf + "self_attn.v_proj.weight", getT(w, qkvOff, c, qd + kvd, kvd, h));
      if (cfg.attentionBias()) {
        int bo = (int) by.get(p + "qkv_b").offset();
        out.put(hf + "self_attn.q_proj.bias", Arrays.copyOfRange(w, bo, bo + qd));
        out.put(hf + "self_attn.k_proj.bias", Arrays.copyOfRange(w, bo + qd, bo + qd + kvd));
        out.put(hf + "self_attn.v_proj.bias", Arrays.copyOfRange(w, bo + qd + kvd, bo + c));
      }
      out.put(hf + "self_attn.o_proj.weight", getT(w, (int) by.get(p + "o").offset(), h, 0, h, qd));
      if (cfg.qkNorm()) {
        out.put(hf + "self_attn.q_norm.weight", slice(w, by.get(p + "q_norm")));
        out.put(hf + "self_attn.k_norm.weight", slice(w, by.get(p + "k_norm")));
      }
      out.put(hf + "post_attention_layernorm.weight", slice(w, by.get(p + "post_norm")));
      int gu = (int) by.get(p + "gate_up").offset();
      out.put(hf + "mlp.gate_proj.weight", getT(w, gu, 2 * inter, 0, inter, h));
      out.put(hf + "mlp.up_proj.weight", getT(w, gu, 2 * inter, inter, inter, h));
      out.put(hf + "mlp.down_proj.weight", getT(w, (int) by.get(p + "down").offset(), h, 0, h, inter));
    }
    out.put("model.norm.weight", slice(w, by.get("norm")));
    if (!cfg.tieWordEmbeddings()) {
      out.put("lm_head.weight", slice(w, by.get("lm_head")));
    }
    List<SafeTensors.Tensor> list = new ArrayList<>();
    for (Map.Entry<String, long[]> e : cfg.tensorShapes().entrySet()) {
      list.add(new SafeTensors.Tensor(e.getKey(), e.getValue(), out.get(e.getKey())));
    }
    return list;
  }

  private static void copy(float[] w, Model.Slot s, float[] src) {
    System.arraycopy(src, 0, w, (int) s.offset(), (int) s.count());
  }

  private static float[] slice(float[] w, Model.Slot s) {
    return Arrays.copyOfRange(w, (int) s.offset(), (int) (s.offset() + s.count()));
  }

  /** dst[off + in * cols + colOff + out] = src[out * inDim + in]: a PyTorch [out, in] weight into [in, out] storage. */
  private static void putT(float[] dst, int off, int cols, int colOff, float[] src, int outDim, int inDim) {
    for (int o = 0; o < outDim; o++) {
      int row = o * inDim;
      for (int i = 0; i < inDim; i++) {
        dst[off + i * cols + colOff + o] = src[row + i];
      }
    }
  }

  private static float[] getT(float[] src, int off, int cols, int colOff, int outDim, int inDim) {
    float[] r = new float[outDim * inDim];
    for (int o = 0; o < outDim; o++) {
      for (int i = 0; i < inDim; i++) {
        r[o * inDim + i] = src[off + i * cols + colOff + o];
      }
    }
    return r;
  }

}
