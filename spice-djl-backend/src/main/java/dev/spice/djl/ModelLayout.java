package dev.spice.djl;

import dev.spice.core.SpiceException;
import dev.spice.core.model.TransformerConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * The flat parameter layout of {@link Model} (slot names, offsets and shapes, computed without
 * native memory) and its random initialisation.
 */
final class ModelLayout {
  private ModelLayout() {}

  /** Initial weights: N(0, 0.02) matrices, unit norms, zero biases; deterministic in {@code seed}. */
  static float[] randomInit(TransformerConfig cfg, long seed) {
    requireFlat(cfg);
    Layout l = layoutOf(cfg);
    float[] w = new float[(int) l.size];
    RandomSlots rs = new RandomSlots(seed);
    for (Model.Slot s : l.slots) {
      rs.fill(s, w, (int) s.offset());
    }
    return w;
  }

  /**
   * {@link #randomInit} one slot at a time: successive {@link #next} calls for the slots in layout
   * order give exactly the values {@link #randomInit} puts there, without one model-sized array.
   */
  static final class RandomSlots {
    private final Random rnd;

    RandomSlots(long seed) {
      this.rnd = new Random(seed);
    }

    /** The initial values of {@code s}, the next slot in layout order. */
    float[] next(Model.Slot s) {
      float[] v = new float[(int) s.count()];
      fill(s, v, 0);
      return v;
    }

    private void fill(Model.Slot s, float[] w, int o) {
      int n = (int) s.count();
      if (s.decay()) {
        for (int i = 0; i < n; i++) {
          w[o + i] = (float) (rnd.nextGaussian() * 0.02);
        }
      } else if (!s.name().endsWith("qkv_b")) {
        Arrays.fill(w, o, o + n, 1f);
      }
    }
  }

  /** The slot list without allocating a tensor. */
  record Layout(List<Model.Slot> slots, long size) {}

  /**
   * Most parameters of a full fine-tuning model (they live in one tensor, and on the host in one
   * float[]), and most elements of any one tensor (a slot, a Hugging Face weight, the adapters).
   */
  static final long MAX_PARAMETERS = Integer.MAX_VALUE - 8;

  /** Largest head_dim: the rotary matrix has {@code head_dim^2} entries in one array. */
  static final int MAX_HEAD_DIM = 46_340;

  /** Most layers of a layout (it lists every slot on the heap). */
  static final int MAX_LAYERS = 1 << 16;

  /**
   * Refuses a model whose total parameter count does not fit the one flat tensor of full
   * fine-tuning (LoRA keeps the frozen base per tensor and checks {@link #layoutOf} only).
   */
  static void requireFlat(TransformerConfig cfg) {
    long params = cfg.parameterCount();
    if (params > MAX_PARAMETERS) {
      throw new SpiceException.BackendException("the model has " + params + " parameters (config: vocab_size "
          + cfg.vocabSize() + ", hidden_size " + cfg.hiddenSize() + ", num_hidden_layers " + cfg.numLayers()
          + "); full fine-tuning keeps them in one tensor of at most " + MAX_PARAMETERS + " elements (LoRA, "
          + "with lora(...), stores the frozen base per tensor and has no such total limit)");
    }
  }

  /**
   * The element counts of the largest slot of each kind, in layout names, computed arithmetically
   * (exact: every factor is below 2^31, so each product fits a long).
   */
  static java.util.Map<String, Long> slotSizes(TransformerConfig cfg) {
    long h = cfg.hiddenSize();
    long d = cfg.headDim();
    long c = (cfg.numHeads() + 2L * cfg.numKvHeads()) * d;
    java.util.Map<String, Long> m = new java.util.LinkedHashMap<>();
    m.put("embed", cfg.vocabSize() * h);
    m.put("qkv", h * c);
    m.put("o", cfg.numHeads() * d * h);
    m.put("gate_up", h * 2L * cfg.intermediateSize());
    m.put("down", cfg.intermediateSize() * h);
    if (!cfg.tieWordEmbeddings()) {
      m.put("lm_head", cfg.vocabSize() * h);
    }
    return m;
  }

  /**
   * The slot list (names, offsets, shapes) without allocating a tensor. Refuses, arithmetically
   * and before anything is listed, a slot of more than {@link #MAX_PARAMETERS} elements (naming
   * it), a head_dim above {@link #MAX_HEAD_DIM} and more than {@link #MAX_LAYERS} layers; the total
   * may exceed 2^31 (offsets are longs; full fine-tuning checks {@link #requireFlat} too).
   */
  static Layout layoutOf(TransformerConfig cfg) {
    for (java.util.Map.Entry<String, Long> e : slotSizes(cfg).entrySet()) {
      if (e.getValue() > MAX_PARAMETERS) {
        throw new SpiceException.BackendException("the model's '" + e.getKey() + "' weight has " + e.getValue()
            + " elements (config: vocab_size " + cfg.vocabSize() + ", hidden_size " + cfg.hiddenSize()
            + ", intermediate_size " + cfg.intermediateSize() + ", heads " + cfg.numHeads() + "/"
            + cfg.numKvHeads() + " x head_dim " + cfg.headDim() + "); this backend keeps each weight in one "
            + "tensor of at most " + MAX_PARAMETERS + " elements");
      }
    }
    if (cfg.headDim() > MAX_HEAD_DIM) {
      throw new SpiceException.BackendException("head_dim " + cfg.headDim() + " is larger than this backend supports ("
          + MAX_HEAD_DIM + ")");
    }
    if (cfg.numLayers() > MAX_LAYERS) {
      throw new SpiceException.BackendException("num_hidden_layers " + cfg.numLayers()
          + " is more than this backend supports (" + MAX_LAYERS + ")");
    }
    List<Model.Slot> list = new ArrayList<>();
    long off = 0;
    int h = cfg.hiddenSize();
    int d = cfg.headDim();
    long c = (cfg.numHeads() + 2L * cfg.numKvHeads()) * d;
    off = put(list, "embed", off, true, cfg.vocabSize(), h);
    for (int l = 0; l < cfg.numLayers(); l++) {
      String p = "L" + l + ".";
      off = put(list, p + "in_norm", off, false, h);
      off = put(list, p + "qkv", off, true, h, c);
      if (cfg.attentionBias()) {
        off = put(list, p + "qkv_b", off, false, c);
      }
      if (cfg.qkNorm()) {
        off = put(list, p + "q_norm", off, false, d);
        off = put(list, p + "k_norm", off, false, d);
      }
      off = put(list, p + "o", off, true, (long) cfg.numHeads() * d, h);
      off = put(list, p + "post_norm", off, false, h);
      off = put(list, p + "gate_up", off, true, h, 2L * cfg.intermediateSize());
      off = put(list, p + "down", off, true, cfg.intermediateSize(), h);
    }
    off = put(list, "norm", off, false, h);
    if (!cfg.tieWordEmbeddings()) {
      off = put(list, "lm_head", off, true, cfg.vocabSize(), h);
    }
    return new Layout(list, off);
  }

  private static long put(List<Model.Slot> list, String name, long off, boolean decay, long... shape) {
    Model.Slot s = new Model.Slot(name, off, shape, decay);
    list.add(s);
    return off + s.count();
  }
}
