package dev.spice.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.spice.core.model.TransformerConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The LoRA adapters of a {@link Model}: all {@code A} and {@code B} matrices in one flat float32
 * tensor ({@link #flat}, the only trainable tensor when LoRA is on), in the matmul layout of the
 * model ({@code A} stored {@code [in, r]}, {@code B} stored {@code [r, out]}, i.e. PEFT's
 * {@code lora_A.weight [r, in]} and {@code lora_B.weight [out, r]} transposed; {@link LoraFiles}
 * converts). Order: layer by layer, target modules in {@link LoraSettings#MODULES} order, {@code A}
 * before {@code B}.
 *
 * <p>The forward adds {@code scale * (x A) B} to each targeted projection's output
 * ({@link Views}); with {@code B = 0} the delta is exactly 0, so a fresh adapter reproduces the
 * base model bit for bit.
 */
final class Lora {
  /** One adapter matrix in {@link #flat}. */
  record Slot(int layer, int module, boolean isA, long offset, long rows, long cols) {
    long count() {
      return rows * cols;
    }

    /** The PEFT tensor name. */
    String peftName() {
      String m = LoraSettings.MODULES.get(module);
      String group = module < 4 ? "self_attn." : "mlp.";
      return "base_model.model.model.layers." + layer + "." + group + m + (isA ? ".lora_A.weight" : ".lora_B.weight");
    }
  }

  final LoraSettings settings;
  final List<Slot> slots;
  final long size;
  /** Module index -> targeted. */
  final boolean[] targeted = new boolean[LoraSettings.MODULES.size()];
  final NDArray flat;
  /** {@code alpha / r}, a PyTorch-owned scalar (see {@link Model#epsT} on scalars on the autograd path). */
  private final NDArray scaleT;
  private final long[] cuts;

  Lora(TransformerConfig cfg, LoraSettings settings, NDManager manager, float[] init) {
    this.settings = settings;
    this.slots = layoutOf(cfg, settings);
    long n = 0;
    for (Slot s : slots) {
      n += s.count();
    }
    this.size = n;
    for (String m : settings.targetModules()) {
      targeted[LoraSettings.MODULES.indexOf(m)] = true;
    }
    if (init.length != size) {
      throw new IllegalStateException("adapter init has " + init.length + " values, layout needs " + size);
    }
    this.flat = manager.create(init, new Shape(size));
    this.scaleT = manager.full(new Shape(), (float) settings.scaling());
    this.cuts = new long[slots.size() - 1];
    for (int i = 1; i < slots.size(); i++) {
      cuts[i - 1] = slots.get(i).offset();
    }
  }

  /** {@code {in, out}} of module {@code m} (index into {@link LoraSettings#MODULES}). */
  static long[] dims(TransformerConfig cfg, int m) {
    long h = cfg.hiddenSize();
    long qd = (long) cfg.numHeads() * cfg.headDim();
    long kvd = (long) cfg.numKvHeads() * cfg.headDim();
    long inter = cfg.intermediateSize();
    return switch (m) {
      case 0 -> new long[] {h, qd};
      case 1, 2 -> new long[] {h, kvd};
      case 3 -> new long[] {qd, h};
      case 4, 5 -> new long[] {h, inter};
      case 6 -> new long[] {inter, h};
      default -> throw new IllegalArgumentException("module " + m);
    };
  }

  static List<Slot> layoutOf(TransformerConfig cfg, LoraSettings s) {
    List<Slot> list = new ArrayList<>();
    long off = 0;
    int r = s.rank();
    for (int l = 0; l < cfg.numLayers(); l++) {
      for (int m = 0; m < LoraSettings.MODULES.size(); m++) {
        if (!s.targetModules().contains(LoraSettings.MODULES.get(m))) {
          continue;
        }
        long[] io = dims(cfg, m);
        Slot a = new Slot(l, m, true, off, io[0], r);
        off += a.count();
        Slot b = new Slot(l, m, false, off, r, io[1]);
        off += b.count();
        list.add(a);
        list.add(b);
      }
    }
    return list;
  }

  /** Adapter parameter count of {@code s} on {@code cfg}, without allocating anything. */
  static long parameterCount(TransformerConfig cfg, LoraSettings s) {
    long n = 0;
    for (int m = 0; m < LoraSettings.MODULES.size(); m++) {
      if (s.targetModules().contains(LoraSettings.MODULES.get(m))) {
        long[] io = dims(cfg, m);
        n += (io[0] + io[1]) * s.rank();
      }
    }
    return n * cfg.numLayers();
  }

  /**
   * PEFT's initialisation: {@code A} Kaiming-uniform with {@code a = sqrt(5)}, which for fan-in
   * {@code in} is uniform in {@code [-1/sqrt(in), 1/sqrt(in))}; {@code B} zero. Deterministic in
   * {@link LoraSettings#seed()}.
   */
  static float[] initialWeights(TransformerConfig cfg, LoraSettings s) {
    List<Slot> lay = layoutOf(cfg, s);
    long n = parameterCount(cfg, s);
    if (n > ModelLayout.MAX_PARAMETERS) {
      throw new dev.spice.core.SpiceException.ConfigurationException("the adapter has " + n
          + " parameters, more than this backend keeps in one tensor (" + ModelLayout.MAX_PARAMETERS + ")");
    }
    float[] w = new float[(int) n];
    Random rnd = new Random(s.seed());
    for (Slot sl : lay) {
      if (sl.isA()) {
        double bound = 1.0 / Math.sqrt(sl.rows());
        for (long i = 0; i < sl.count(); i++) {
          w[(int) (sl.offset() + i)] = (float) ((2 * rnd.nextDouble() - 1) * bound);
        }
      }
    }
    return w;
  }

  /** All ones: AdamW's decoupled weight decay applies to every adapter weight (as Hugging Face's Trainer does). */
  float[] decayMask() {
    float[] m = new float[(int) size];
    java.util.Arrays.fill(m, 1f);
    return m;
  }

  /**
   * Views of {@code source} ({@link #flat} or a copy of it, e.g. the KL reference), attached to
   * {@code m}; with {@code trainable} each slot is a detached leaf that requires a gradient. The
   * caller has grad mode on when {@code trainable}.
   */
  Views views(NDManager m, NDArray source, boolean trainable) {
    NDList parts = source.split(cuts, 0);
    int layers = slots.isEmpty() ? 0 : slots.get(slots.size() - 1).layer() + 1;
    Views v = new Views(layers, scaleT);
    v.leaves = new NDArray[slots.size()];
    for (int i = 0; i < slots.size(); i++) {
      Slot s = slots.get(i);
      NDArray x = parts.get(i).reshape(s.rows(), s.cols());
      x.attach(m);
      if (trainable) {
        NDArray leaf = x.stopGradient();
        leaf.attach(m);
        leaf.setRequiresGradient(true);
        x = leaf;
      }
      v.leaves[i] = x;
      (s.isA() ? v.a : v.b)[s.layer()][s.module()] = x;
    }
    parts.attach(m);
    return v;
  }

  /** The adapter matrices of one call, and the forward deltas. */
  static final class Views {
    final NDArray[][] a;
    final NDArray[][] b;
    private final NDArray scale;
    /** The slots in {@link #flat} order (autograd leaves when trainable). */
    NDArray[] leaves;

    Views(int layers, NDArray scale) {
      this.a = new NDArray[layers][LoraSettings.MODULES.size()];
      this.b = new NDArray[layers][LoraSettings.MODULES.size()];
      this.scale = scale;
    }

    private NDArray one(NDArray x, int l, int m) {
      return x.matMul(a[l][m]).matMul(b[l][m]).mul(scale);
    }

    /**
     * The summed delta of modules {@code from..to} (inclusive) on input {@code x}, concatenated
     * along the last axis in module order with zeros for untargeted modules (their widths from
     * {@code widths}); null when none of them is targeted.
     */
    NDArray delta(NDArray x, int l, int from, int to, long[] widths) {
      boolean any = false;
      for (int m = from; m <= to; m++) {
        any |= a[l][m] != null;
      }
      if (!any) {
        return null;
      }
      if (from == to) {
        return one(x, l, from);
      }
      NDList pieces = new NDList();
      Shape lead = x.getShape().slice(0, x.getShape().dimension() - 1);
      for (int m = from; m <= to; m++) {
        if (a[l][m] != null) {
          pieces.add(one(x, l, m));
        } else {
          pieces.add(x.getManager().zeros(lead.add(widths[m - from]), x.getDataType()));
        }
      }
      return NDArrays.concat(pieces, x.getShape().dimension() - 1);
    }
  }
}
