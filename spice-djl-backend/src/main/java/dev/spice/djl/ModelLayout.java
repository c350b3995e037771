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
    Layout l = layoutOf(cfg);
    float[] w = new float[(int) l.size];
    Random rnd = new Random(seed);
    for (Model.Slot s : l.slots) {
      int o = (int) s.offset();
      int n = (int) s.count();
      if (s.decay()) {
        for (int i = 0; i < n; i++) {
          w[o + i] = (float) (rnd.nextGaussian() * 0.02);
        }
      } else if (!s.name().endsWith("qkv_b")) {
        Arrays.fill(w, o, o + n, 1f);
      }
    }
    return w;
  }

  /** The slot list without allocating a tensor. */
  record Layout(List<Model.Slot> slots, long size) {}

  /** Most parameters of one model: they live in one tensor, and on the host in one float[]. */
  static final long MAX_PARAMETERS = Integer.MAX_VALUE - 8;

  /** Largest head_dim: the rotary matrix has {@code head_dim^2} entries in one array. */
  static final int MAX_HEAD_DIM = 46_340;

  static Layout layoutOf(TransformerConfig cfg) {
    // Mirror of the constructor's layout, computed without native memory. Sizes are checked first
    // (arithmetically) so that a huge config fails here instead of looping or overflowing below.
    long params = cfg.parameterCount();
    if (params > MAX_PARAMETERS) {
      throw new SpiceException.BackendException("the model has " + params + " parameters (config: vocab_size "
          + cfg.vocabSize() + ", hidden_size " + cfg.hiddenSize() + ", num_hidden_layers " + cfg.numLayers()
          + "); this backend keeps them in one tensor of at most " + MAX_PARAMETERS + " elements");
    }
    if (cfg.headDim() > MAX_HEAD_DIM) {
      throw new SpiceException.BackendException("head_dim " + cfg.headDim() + " is larger than this backend supports ("
          + MAX_HEAD_DIM + ")");
    }
    List<Model.Slot> list = new ArrayList<>();
    long off = 0;
    int h = cfg.hiddenSize();
    int d = cfg.headDim();
    int c = (cfg.numHeads() + 2 * cfg.numKvHeads()) * d;
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
