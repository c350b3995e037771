package dev.spice.djl;

import dev.spice.core.internal.model.SafeTensors;
import dev.spice.core.model.TransformerConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Conversion between Hugging Face tensors (names and {@code [out, in]} layout of
 * {@link TransformerConfig#tensorShapes()}) and {@link Model}'s {@code [in, out]} slot layout, on
 * host arrays, either for the whole flat layout or one slot at a time ({@link #slotValues}, which
 * the per-tensor LoRA base loads from). Pure data movement: no native memory.
 */
final class HfWeights {
  private HfWeights() {}

  /** A slot's values: {@code a[off ..]} in the slot's {@code [in, out]} layout. */
  record Src(float[] a, int off) {}

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
    ModelLayout.requireFlat(cfg);
    ModelLayout.Layout lay = ModelLayout.layoutOf(cfg);
    float[] w = new float[(int) lay.size()];
    Function<String, float[]> floats = reading(reader, allowNonFinite);
    for (Model.Slot s : lay.slots()) {
      float[] v = slotValues(cfg, s, floats);
      System.arraycopy(v, 0, w, (int) s.offset(), v.length);
    }
    return w;
  }

  /** Tensor name -> float32 values from {@code reader}, refusing NaN / infinite ones unless {@code allowNonFinite}. */
  static Function<String, float[]> reading(SafeTensors.Reader reader, boolean allowNonFinite) {
    return name -> {
      float[] v = reader.floats(name);
      if (!allowNonFinite) {
        SafeTensors.requireFinite(v, reader.info(name), reader.file(name),
            "DjlPolicy.builder().allowNonFiniteWeights(true)");
      }
      return v;
    };
  }

  /**
   * The values of slot {@code s} in its {@code [in, out]} layout, built from the Hugging Face
   * tensors {@code floats} returns (read one tensor at a time). A slot that is one Hugging Face
   * tensor as it is (embedding, output head, norms) is that tensor's array itself, not a copy.
   */
  static float[] slotValues(TransformerConfig cfg, Model.Slot s, Function<String, float[]> floats) {
    String direct = switch (s.name()) {
      case "embed" -> "model.embed_tokens.weight";
      case "norm" -> "model.norm.weight";
      case "lm_head" -> "lm_head.weight";
      default -> null;
    };
    if (direct != null) {
      float[] v = floats.apply(direct);
      if (v.length != s.count()) {
        throw new IllegalStateException(direct + " has " + v.length + " values, slot " + s.name() + " needs "
            + s.count());
      }
      return v;
    }
    float[] w = new float[(int) s.count()];
    int h = cfg.hiddenSize();
    int d = cfg.headDim();
    int qd = cfg.numHeads() * d;
    int kvd = cfg.numKvHeads() * d;
    int c = qd + 2 * kvd;
    int inter = cfg.intermediateSize();
    String name = s.name();
    int dot = name.indexOf('.');
    String hf = "model.layers." + name.substring(1, dot) + ".";
    switch (name.substring(dot + 1)) {
      case "in_norm" -> copy(w, floats.apply(hf + "input_layernorm.weight"));
      case "post_norm" -> copy(w, floats.apply(hf + "post_attention_layernorm.weight"));
      case "q_norm" -> copy(w, floats.apply(hf + "self_attn.q_norm.weight"));
      case "k_norm" -> copy(w, floats.apply(hf + "self_attn.k_norm.weight"));
      case "qkv" -> {
        putT(w, 0, c, 0, floats.apply(hf + "self_attn.q_proj.weight"), qd, h);
        putT(w, 0, c, qd, floats.apply(hf + "self_attn.k_proj.weight"), kvd, h);
        putT(w, 0, c, qd + kvd, floats.apply(hf + "self_attn.v_proj.weight"), kvd, h);
      }
      case "qkv_b" -> {
        System.arraycopy(floats.apply(hf + "self_attn.q_proj.bias"), 0, w, 0, qd);
        System.arraycopy(floats.apply(hf + "self_attn.k_proj.bias"), 0, w, qd, kvd);
        System.arraycopy(floats.apply(hf + "self_attn.v_proj.bias"), 0, w, qd + kvd, kvd);
      }
      case "o" -> putT(w, 0, h, 0, floats.apply(hf + "self_attn.o_proj.weight"), h, qd);
      case "gate_up" -> {
        putT(w, 0, 2 * inter, 0, floats.apply(hf + "mlp.gate_proj.weight"), inter, h);
        putT(w, 0, 2 * inter, inter, floats.apply(hf + "mlp.up_proj.weight"), inter, h);
      }
      case "down" -> putT(w, 0, h, 0, floats.apply(hf + "mlp.down_proj.weight"), h, inter);
      default -> throw new IllegalStateException("unknown slot " + name);
    }
    return w;
  }

  /** The flat weights as Hugging Face tensors, in {@link TransformerConfig#tensorShapes()} order. */
  static List<SafeTensors.Tensor> toHuggingFace(TransformerConfig cfg, float[] w) {
    Map<String, Model.Slot> by = new LinkedHashMap<>();
    ModelLayout.layoutOf(cfg).slots().forEach(s -> by.put(s.name(), s));
    return toHuggingFace(cfg, name -> new Src(w, (int) by.get(name).offset()));
  }

  /**
   * Hugging Face tensors, in {@link TransformerConfig#tensorShapes()} order, from per-slot values
   * ({@code slot} maps a slot name to where its values are).
   */
  static List<SafeTensors.Tensor> toHuggingFace(TransformerConfig cfg, Function<String, Src> slot) {
    Map<String, Model.Slot> by = new LinkedHashMap<>();
    ModelLayout.layoutOf(cfg).slots().forEach(s -> by.put(s.name(), s));
    int h = cfg.hiddenSize();
    int d = cfg.headDim();
    int qd = cfg.numHeads() * d;
    int kvd = cfg.numKvHeads() * d;
    int c = qd + 2 * kvd;
    int inter = cfg.intermediateSize();
    Function<String, float[]> whole = n -> {
      Src s = slot.apply(n);
      int o = s.off();
      return Arrays.copyOfRange(s.a(), o, o + (int) by.get(n).count());
    };
    Map<String, float[]> out = new LinkedHashMap<>();
    out.put("model.embed_tokens.weight", whole.apply("embed"));
    for (int l = 0; l < cfg.numLayers(); l++) {
      String hf = "model.layers." + l + ".";
      String p = "L" + l + ".";
      out.put(hf + "input_layernorm.weight", whole.apply(p + "in_norm"));
      Src qkv = slot.apply(p + "qkv");
      out.put(hf + "self_attn.q_proj.weight", getT(qkv, c, 0, qd, h));
      out.put(hf + "self_attn.k_proj.weight", getT(qkv, c, qd, kvd, h));
      out.put(hf + "self_attn.v_proj.weight", getT(qkv, c, qd + kvd, kvd, h));
      if (cfg.attentionBias()) {
        Src b = slot.apply(p + "qkv_b");
        int bo = b.off();
        out.put(hf + "self_attn.q_proj.bias", Arrays.copyOfRange(b.a(), bo, bo + qd));
        out.put(hf + "self_attn.k_proj.bias", Arrays.copyOfRange(b.a(), bo + qd, bo + qd + kvd));
        out.put(hf + "self_attn.v_proj.bias", Arrays.copyOfRange(b.a(), bo + qd + kvd, bo + c));
      }
      out.put(hf + "self_attn.o_proj.weight", getT(slot.apply(p + "o"), h, 0, h, qd));
      if (cfg.qkNorm()) {
        out.put(hf + "self_attn.q_norm.weight", whole.apply(p + "q_norm"));
        out.put(hf + "self_attn.k_norm.weight", whole.apply(p + "k_norm"));
      }
      out.put(hf + "post_attention_layernorm.weight", whole.apply(p + "post_norm"));
      Src gu = slot.apply(p + "gate_up");
      out.put(hf + "mlp.gate_proj.weight", getT(gu, 2 * inter, 0, inter, h));
      out.put(hf + "mlp.up_proj.weight", getT(gu, 2 * inter, inter, inter, h));
      out.put(hf + "mlp.down_proj.weight", getT(slot.apply(p + "down"), h, 0, h, inter));
    }
    out.put("model.norm.weight", whole.apply("norm"));
    if (!cfg.tieWordEmbeddings()) {
      out.put("lm_head.weight", whole.apply("lm_head"));
    }
    List<SafeTensors.Tensor> list = new ArrayList<>();
    for (Map.Entry<String, long[]> e : cfg.tensorShapes().entrySet()) {
      list.add(new SafeTensors.Tensor(e.getKey(), e.getValue(), out.get(e.getKey())));
    }
    return list;
  }

  private static void copy(float[] w, float[] src) {
    System.arraycopy(src, 0, w, 0, w.length);
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

  private static float[] getT(Src s, int cols, int colOff, int outDim, int inDim) {
    float[] src = s.a();
    int off = s.off();
    float[] r = new float[outDim * inDim];
    for (int o = 0; o < outDim; o++) {
      for (int i = 0; i < inDim; i++) {
        r[o * inDim + i] = src[off + i * cols + colOff + o];
      }
    }
    return r;
  }
}
