package dev.spice.djl;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import dev.spice.core.model.TransformerConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A decoder-only Llama / Qwen transformer written with DJL NDArray operations. All weights live in
 * one flat float32 parameter tensor ({@link #flat}); each forward pass takes views of it, so the
 * gradient is one flat tensor too and the optimizer works on four tensors in total.
 *
 * <p>Internal layout (per layer, {@code C = (nq + 2 nkv) * D}): fused {@code qkv [H, C]}, optional
 * {@code qkv_b [C]}, {@code q_norm [D]}, {@code k_norm [D]}, {@code o [nq D, H]}, fused
 * {@code gate_up [H, 2I]}, {@code down [I, H]}; linear weights are stored {@code [in, out]}. The
 * Hugging Face names and {@code [out, in]} layout are produced by {@link HfWeights}.
 *
 * <p>NDArray ownership: DJL attaches an operation's result to the manager of its first operand, so
 * every forward starts from arrays attached to the caller's per-call manager.
 *
 * <p>Gradients: {@link #flat} itself never requires a gradient. A training call takes
 * {@link #params(NDManager, NDArray, boolean) trainable} parameters: one detached view per slot,
 * each an autograd leaf sharing the flat storage, so the backward writes one gradient per slot
 * (no full-size slice-backward buffers) and {@link Params#flatGradient()} concatenates them.
 *
 * <p>LoRA ({@link #attachLora}): the adapters ({@link Lora}) become the trainable tensor
 * ({@link #trainable()}), and the forward adds each targeted projection's low-rank delta
 * ({@link Lora.Views#delta}) to its output. The frozen base is then {@link #base}: one tensor per
 * slot in a {@link BaseDtype}, no flat tensor at all. A 16-bit base is multiplied in its own type
 * ({@link #mm}: the float32 input is rounded to it, the product widened back to float32);
 * everything else (embedding rows, norms, attention, residual stream, adapters) is float32.
 */
final class Model implements AutoCloseable {
  static final float NEG = -1e9f;

  final TransformerConfig cfg;
  final NDManager manager;
  final int h;
  final int nq;
  final int nkv;
  final int d;
  final int rep;
  final int inter;
  final int vocab;
  final List<Slot> slots = new ArrayList<>();
  final Map<String, Slot> byName = new LinkedHashMap<>();
  private final Map<String, Integer> slotIndex = new java.util.HashMap<>();
  final long size;
  /** All weights in one float32 tensor (full fine-tuning), or null when {@link #base} holds them. */
  final NDArray flat;
  /** The frozen per-slot base of a LoRA model, or null when {@link #flat} holds the weights. */
  final BaseWeights base;
  /** Offsets where {@link #flat} splits into slots (all but the first slot's). */
  final long[] cuts;
  private final NDArray rotR;
  /**
   * Scalar constants for operations on the autograd path. Never use DJL's {@code NDArray.op(Number)}
   * there: DJL wraps the number in a tensor over a Java direct buffer and closes it as soon as the
   * forward op returns, while PyTorch's autograd keeps a pointer to that memory for the backward
   * (pow, mul, div read it); once the JVM frees the buffer the backward reads garbage. These are
   * PyTorch-owned ({@code full}) and live as long as the model.
   */
  final NDArray epsT;
  final NDArray negHalfT;
  final NDArray scaleT;
  private final RopeTables ropeTables;
  /** The LoRA adapters (then the only trainable weights; {@link #flat} is frozen), or null. */
  private Lora lora;

  /** One tensor in the flat buffer. */
  record Slot(String name, long offset, long[] shape, boolean decay) {
    long count() {
      long n = 1;
      for (long s : shape) {
        n *= s;
      }
      return n;
    }
  }

  /** Views of the weights for one call. */
  static final class Params {
    NDArray embed;
    NDArray lmHeadT;
    NDArray finalNorm;
    NDArray[] inNorm;
    NDArray[] qkv;
    NDArray[] qkvB;
    NDArray[] qkNorm;
    NDArray[] o;
    NDArray[] postNorm;
    NDArray[] gateUp;
    NDArray[] down;
    /** The adapters, or null without LoRA. */
    Lora.Views lora;
    /** The trainable tensors in layout order (autograd leaves when trainable; the adapters' under LoRA). */
    NDArray[] slots;

    /** The gradient of every slot, concatenated in layout order ({@code [size]}). */
    NDArray flatGradient() {
      NDList g = new NDList(slots.length);
      for (NDArray s : slots) {
        NDArray gi = s.getGradient();
        g.add(gi.reshape(-1));
      }
      return NDArrays.concat(g, 0);
    }
  }

  /** Per-layer key/value cache of one generation call. */
  static final class KvCache {
    final NDArray[] k;
    final NDArray[] v;

    KvCache(int layers) {
      k = new NDArray[layers];
      v = new NDArray[layers];
    }
  }

  /**
   * A model whose weights are one flat float32 tensor of {@code init} (at most 2^31 - 9 of them),
   * created in {@code weights} (the {@link SharedBase}'s manager, which this model does not close).
   */
  Model(TransformerConfig cfg, NDManager manager, NDManager weights, float[] init) {
    this(cfg, manager, weights, init, null);
  }

  /**
   * A model whose frozen weights are {@code base} (per slot, no flat tensor); it must get adapters
   * ({@link #attachLora}) before it is used, since nothing else in it can be trained.
   */
  Model(TransformerConfig cfg, NDManager manager, BaseWeights base) {
    this(cfg, manager, null, null, base);
  }

  private Model(TransformerConfig cfg, NDManager manager, NDManager weights, float[] init, BaseWeights base) {
    this.cfg = cfg;
    this.manager = manager;
    this.h = cfg.hiddenSize();
    this.nq = cfg.numHeads();
    this.nkv = cfg.numKvHeads();
    this.d = cfg.headDim();
    this.rep = nq / nkv;
    this.inter = cfg.intermediateSize();
    this.vocab = cfg.vocabSize();
    ModelLayout.Layout lay = ModelLayout.layoutOf(cfg);
    slots.addAll(lay.slots());
    lay.slots().forEach(x -> byName.put(x.name(), x));
    for (int i = 0; i < slots.size(); i++) {
      slotIndex.put(slots.get(i).name(), i);
    }
    this.size = lay.size();
    this.base = base;
    if (init != null) {
      ModelLayout.requireFlat(cfg);
      if (init.length != size) {
        throw new IllegalStateException("init has " + init.length + " values, layout needs " + size);
      }
    }
    this.flat = init == null ? null : weights.create(init, new Shape(size));
    long[] cuts = new long[slots.size() - 1];
    for (int i = 1; i < slots.size(); i++) {
      cuts[i - 1] = slots.get(i).offset();
    }
    this.cuts = cuts;
    float[] r = new float[d * d];
    int half = d / 2;
    for (int j = 0; j < half; j++) {
      r[(j + half) * d + j] = -1f; // out[j] = -x[j + half]
      r[j * d + j + half] = 1f; // out[j + half] = x[j]
    }
    this.rotR = manager.create(r, new Shape(d, d));
    this.epsT = manager.full(new Shape(), (float) cfg.rmsNormEps());
    this.negHalfT = manager.full(new Shape(), -0.5f);
    this.scaleT = manager.full(new Shape(), (float) (1.0 / Math.sqrt(d)));
    this.ropeTables = new RopeTables(cfg);
  }

  /**
   * Copies {@code values} into the 1-D float32 array {@code target} in place (an index-put from a
   * temporary tensor on the same device). Not {@code NDArray.set(float[])}: DJL's native set runs
   * under libtorch's deprecated {@code AutoNonVariableTypeMode}, which prints a C++ deprecation
   * warning to the process's stderr, and it would swap the tensor's storage for a Java buffer.
   */
  static void overwrite(NDArray target, float[] values) {
    if (target.getShape().dimension() != 1 || values.length != target.size()) {
      throw new IllegalArgumentException("cannot copy " + values.length + " values into " + target.getShape());
    }
    try (NDManager scratch = target.getManager().newSubManager()) {
      NDArray source = scratch.create(values, target.getShape());
      JniUtils.indexSet((PtNDArray) target, (PtNDArray) source, new long[] {0}, new long[] {values.length},
          new long[] {1});
    }
  }

  /** 1 for weights that get weight decay, 0 for norms and biases (flat layout). */
  float[] decayMask() {
    ModelLayout.requireFlat(cfg);
    float[] m = new float[(int) size];
    for (Slot s : slots) {
      if (s.decay()) {
        Arrays.fill(m, (int) s.offset(), (int) (s.offset() + s.count()), 1f);
      }
    }
    return m;
  }

  /** Adds LoRA adapters: from now on they are the trainable weights and {@link #flat} is frozen. */
  void attachLora(Lora adapters) {
    if (base == null) {
      throw new IllegalStateException("LoRA adapters go on a model with a per-slot frozen base (BaseWeights)");
    }
    this.lora = adapters;
  }

  /** The adapters, or null. */
  Lora lora() {
    return lora;
  }

  /** The tensor training updates: the adapters' flat tensor under LoRA, else {@link #flat}. */
  NDArray trainable() {
    if (lora == null && flat == null) {
      throw new IllegalStateException("a model with a per-slot frozen base trains adapters only; attach them first");
    }
    return lora != null ? lora.flat : flat;
  }

  /** Element count of {@link #trainable()}. */
  long trainableSize() {
    return lora != null ? lora.size : size;
  }

  /** {@link #decayMask()} of {@link #trainable()}. */
  float[] trainableDecayMask() {
    return lora != null ? lora.decayMask() : decayMask();
  }

  /**
   * Views of the weights for one call, attached to {@code m} ({@link ParamViews#build}).
   * {@code source} is {@link #trainable()} or a copy of it (the KL reference): the flat weights
   * without LoRA, the adapters with LoRA (the base weights then always come from {@link #flat} or
   * {@link #base}, never trainable). With {@code trainable}, each trainable slot is a detached leaf
   * that requires a gradient and shares the storage of {@code source}.
   */
  Params params(NDManager m, NDArray source, boolean trainable) {
    return ParamViews.build(this, m, source, trainable);
  }

  int index(String name) {
    Integer i = slotIndex.get(name);
    if (i == null) {
      throw new IllegalStateException("no slot " + name);
    }
    return i;
  }

  /**
   * {@code x w} for a base weight {@code w}: in {@code w}'s type when that is not {@code x}'s (a
   * 16-bit base: {@code x} is rounded to it, the product widened back to {@code x}'s type).
   */
  static NDArray mm(NDArray x, NDArray w) {
    DataType wt = w.getDataType();
    DataType xt = x.getDataType();
    return wt == xt ? x.matMul(w) : cast(cast(x, wt).matMul(w), xt);
  }

  /**
   * {@code x} converted to {@code t}, recorded on the autograd graph (the gradient is converted
   * back). Not {@code NDArray.toType}: DJL's native cast runs under a no-grad guard, so the backward
   * would stop there. A cumulative product along a new axis of size 1 is the identity, and its
   * {@code dtype} argument converts.
   */
  static NDArray cast(NDArray x, DataType t) {
    NDArray e = x.expandDims(-1);
    return JniUtils.cumProd((PtNDArray) e, -1, t).squeeze(-1);
  }

  private static NDArray slice(NDArray a, long dim, long start, long end) {
    return JniUtils.slice((PtNDArray) a, dim, start, end, 1);
  }

  private NDArray rms(NDArray x, NDArray w) {
    NDArray inv = x.square().mean(new int[] {-1}, true).add(epsT).pow(negHalfT);
    return x.mul(inv).mul(w);
  }

  /**
   * Runs the decoder stack.
   *
   * @param tokens {@code [B, T]} int64 token ids; the result is attached to its manager
   * @param rope {@code {cos, sin}}, each {@code [B or 1, 1, T, D]}
   * @param mask additive attention mask {@code [B or 1, 1, T, S]}, or null
   * @param cache key/value cache to extend, or null
   * @param lastOnly compute the output of the last position only ({@code [B, 1, H]}): the last
   *     layer's queries, attention output and MLP run for that position alone (keys and values,
   *     and so the cache, still cover all positions)
   * @return hidden states {@code [B, T or 1, H]} before the final norm
   */
  NDArray hidden(Params p, NDArray tokens, NDArray[] rope, NDArray mask, KvCache cache, boolean lastOnly) {
    NDManager mm = tokens.getManager();
    long b = tokens.getShape().get(0);
    long t = tokens.getShape().get(1);
    NDArray x = JniUtils.embedding((PtNDArray) tokens, (PtNDArray) p.embed, false);
    x.attach(mm);
    if (x.getDataType() != DataType.FLOAT32) {
      x = cast(x, DataType.FLOAT32);
    }
    int layers = cfg.numLayers();
    long heads = nq + 2L * nkv;
    long[] qkCut = {nq + nkv};
    long[] qCut = {nq};
    long[] guCut = {inter};
    for (int l = 0; l < layers; l++) {
      NDArray hn = rms(x, p.inNorm[l]);
      NDArray qkv = mm(hn, p.qkv[l]);
      NDArray dq = p.lora == null ? null : p.lora.delta(hn, l, 0, 2, new long[] {(long) nq * d, (long) nkv * d, (long) nkv * d});
      if (dq != null) {
        qkv = qkv.add(dq);
      }
      if (p.qkvB[l] != null) {
        qkv = qkv.add(p.qkvB[l]);
      }
      qkv = qkv.reshape(b, t, heads, d).transpose(0, 2, 1, 3);
      NDList qkAndV = qkv.split(qkCut, 1);
      NDArray qk = qkAndV.get(0);
      NDArray v = qkAndV.get(1);
      if (p.qkNorm[l] != null) {
        qk = rms(qk, p.qkNorm[l]);
      }
      qk = qk.mul(rope[0]).add(qk.matMul(rotR).mul(rope[1]));
      NDList qAndK = qk.split(qCut, 1);
      NDArray q = qAndK.get(0);
      NDArray k = qAndK.get(1);
      if (cache != null) {
        if (cache.k[l] != null) {
          NDArray nk = cache.k[l].concat(k, 2);
          NDArray nv = cache.v[l].concat(v, 2);
          cache.k[l].close();
          cache.v[l].close();
          k = nk;
          v = nv;
        }
        cache.k[l] = k;
        cache.v[l] = v;
      }
      long tq = t;
      NDArray mk = mask;
      if (lastOnly && l == layers - 1 && t > 1) {
        q = slice(q, 2, t - 1, t);
        x = slice(x, 1, t - 1, t);
        if (mk != null) {
          mk = slice(mk, 2, mk.getShape().get(2) - 1, mk.getShape().get(2));
        }
        tq = 1;
      }
      long s = k.getShape().get(2);
      NDArray att;
      if (rep == 1) {
        NDArray sc = q.mul(scaleT).matMul(k.transpose(0, 1, 3, 2));
        if (mk != null) {
          sc = sc.add(mk);
        }
        att = sc.softmax(-1).matMul(v);
      } else {
        NDArray q5 = q.mul(scaleT).reshape(b, nkv, rep, tq, d);
        NDArray kt = k.reshape(b, nkv, 1, s, d).transpose(0, 1, 2, 4, 3);
        NDArray sc = q5.matMul(kt);
        if (mk != null) {
          sc = sc.add(mk.expandDims(1));
        }
        att = sc.softmax(-1).matMul(v.reshape(b, nkv, 1, s, d)).reshape(b, nq, tq, d);
      }
      att = att.transpose(0, 2, 1, 3).reshape(b, tq, (long) nq * d);
      NDArray out = mm(att, p.o[l]);
      NDArray dO = p.lora == null ? null : p.lora.delta(att, l, 3, 3, null);
      x = x.add(dO == null ? out : out.add(dO));
      hn = rms(x, p.postNorm[l]);
      NDArray gateUp = mm(hn, p.gateUp[l]);
      NDArray dGu = p.lora == null ? null : p.lora.delta(hn, l, 4, 5, new long[] {inter, inter});
      NDList gu = (dGu == null ? gateUp : gateUp.add(dGu)).split(guCut, 2);
      NDArray g = gu.get(0);
      NDArray act = g.mul(Activation.sigmoid(g)).mul(gu.get(1));
      NDArray down = mm(act, p.down[l]);
      NDArray dD = p.lora == null ? null : p.lora.delta(act, l, 6, 6, null);
      x = x.add(dD == null ? down : down.add(dD));
    }
    return x;
  }

  /** Logits {@code [N, V]} of hidden rows {@code [N, H]} (final norm and output projection). */
  NDArray logits(Params p, NDArray rows) {
    return mm(rms(rows, p.finalNorm), p.lmHeadT);
  }

  /** Rotary tables {@code [B, 1, T, D]} for per-row positions {@code positions[b][t]}. */
  NDArray[] rope(NDManager m, int[][] positions) {
    return ropeTables.rope(m, positions);
  }

  /** Rotary tables {@code [1, 1, T, D]} for positions {@code 0..T-1}. */
  NDArray[] rope(NDManager m, int t) {
    return ropeTables.rope(m, t);
  }

  static long[] toLong(int[] a) {
    long[] r = new long[a.length];
    for (int i = 0; i < a.length; i++) {
      r[i] = a[i];
    }
    return r;
  }

  static DataType int64() {
    return DataType.INT64;
  }

  Device device() {
    return manager.getDevice();
  }

  /** Closes this model's own manager; the weights of a {@link SharedBase} are released by the policy. */
  @Override
  public void close() {
    manager.close();
  }
}
