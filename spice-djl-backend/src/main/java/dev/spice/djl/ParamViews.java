package dev.spice.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import dev.spice.core.model.TransformerConfig;

/**
 * Builds {@link Model.Params}, the per-call views of a {@link Model}'s weights: slices of the flat
 * tensor, or under LoRA the frozen per-slot base ({@link Model#base}) plus the adapters' views.
 */
final class ParamViews {
  private ParamViews() {}

  /** {@link Model#params}. */
  static Model.Params build(Model model, NDManager m, NDArray source, boolean trainable) {
    // DJL records autograd only in grad mode, which its engine keeps off outside a
    // GradientCollector. The derived views below (the transposed output projection, the
    // broadcast q/k norms) must be recorded from the leaves, or the backward stops at them and
    // those weights never receive a gradient; so grad mode is on while a trainable set is built,
    // whoever the caller is.
    boolean prevGrad = JniUtils.isGradMode();
    if (trainable) {
      JniUtils.setGradMode(true);
    }
    try {
      Lora lora = model.lora();
      if (lora != null) {
        Model.Params p = frozenSlots(model, m);
        p.lora = lora.views(m, source, trainable);
        p.slots = p.lora.leaves;
        return p;
      }
      return fromFlat(model, m, source, trainable);
    } finally {
      JniUtils.setGradMode(prevGrad);
    }
  }

  /** Views of the flat layout {@code source}; with {@code trainable} each slot is a detached leaf. */
  private static Model.Params fromFlat(Model model, NDManager m, NDArray source, boolean trainable) {
    NDList parts = source.split(model.cuts, 0);
    NDArray[] by = new NDArray[model.slots.size()];
    for (int i = 0; i < by.length; i++) {
      NDArray v = parts.get(i).reshape(new Shape(model.slots.get(i).shape()));
      v.attach(m);
      if (trainable) {
        NDArray leaf = v.stopGradient();
        leaf.attach(m);
        leaf.setRequiresGradient(true);
        v = leaf;
      }
      by[i] = v;
    }
    parts.attach(m);
    return assign(model, by);
  }

  /**
   * Views of the per-slot base, attached to {@code m} (so that the derived views are too): the
   * matrices in the base's type, the 1-D slots (norms, biases) as float32.
   */
  private static Model.Params frozenSlots(Model model, NDManager m) {
    NDArray[] by = new NDArray[model.slots.size()];
    for (int i = 0; i < by.length; i++) {
      NDArray t = model.base.get(i);
      NDArray v = t.getShape().dimension() == 1 && t.getDataType() != DataType.FLOAT32
          ? t.toType(DataType.FLOAT32, false) : t.reshape(t.getShape());
      v.attach(m);
      by[i] = v;
    }
    return assign(model, by);
  }

  private static Model.Params assign(Model model, NDArray[] by) {
    TransformerConfig cfg = model.cfg;
    int d = model.d;
    Model.Params p = new Model.Params();
    p.slots = by;
    int layers = cfg.numLayers();
    p.embed = by[model.index("embed")];
    p.lmHeadT = cfg.tieWordEmbeddings() ? p.embed.transpose() : by[model.index("lm_head")].transpose();
    p.finalNorm = by[model.index("norm")];
    p.inNorm = new NDArray[layers];
    p.qkv = new NDArray[layers];
    p.qkvB = new NDArray[layers];
    p.qkNorm = new NDArray[layers];
    p.o = new NDArray[layers];
    p.postNorm = new NDArray[layers];
    p.gateUp = new NDArray[layers];
    p.down = new NDArray[layers];
    for (int l = 0; l < layers; l++) {
      String q = "L" + l + ".";
      p.inNorm[l] = by[model.index(q + "in_norm")];
      p.qkv[l] = by[model.index(q + "qkv")];
      if (cfg.attentionBias()) {
        p.qkvB[l] = by[model.index(q + "qkv_b")];
      }
      if (cfg.qkNorm()) {
        NDArray qn = by[model.index(q + "q_norm")].reshape(1, 1, d).broadcast(model.nq, 1, d);
        NDArray kn = by[model.index(q + "k_norm")].reshape(1, 1, d).broadcast(model.nkv, 1, d);
        p.qkNorm[l] = qn.concat(kn, 0);
      }
      p.o[l] = by[model.index(q + "o")];
      p.postNorm[l] = by[model.index(q + "post_norm")];
      p.gateUp[l] = by[model.index(q + "gate_up")];
      p.down[l] = by[model.index(q + "down")];
    }
    return p;
  }
}
