package dev.spice.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import dev.spice.core.LossSettings;
import dev.spice.core.SpiceException;
import dev.spice.core.TrainingSample;
import dev.spice.core.model.TransformerConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The loss half of an update: validates a training batch ({@link #prepare}), then runs the forward
 * and backward passes of the clipped policy-gradient loss (plus the optional k3 KL term against the
 * frozen reference weights) over all micro-batches ({@link #lossGradient}, in {@link Backprop}'s
 * micro-batch loop). Touches neither the weights nor the optimizer state; the caller holds the
 * policy's gradient lock.
 *
 * <p>No DJL scalar ops on the autograd path (see the module README): constants are PyTorch-owned
 * tensors made with {@link NDManager#full}.
 */
final class LossStep {
  private final Model model;
  private final TransformerConfig cfg;
  private final PromptEncoder prompts;
  private final TeacherForcing forcing;
  /** Frozen copy of the initial {@link Model#trainable()} (the weights, or the adapters under LoRA) for the KL term, or null. */
  private final NDArray reference;
  private final int microBatchSize;

  LossStep(Model model, PromptEncoder prompts, TeacherForcing forcing, NDArray reference, int microBatchSize) {
    this.model = model;
    this.cfg = model.cfg;
    this.prompts = prompts;
    this.forcing = forcing;
    this.reference = reference;
    this.microBatchSize = microBatchSize;
  }

  /** A validated training batch. */
  record Batch(List<TrainingSample> samples, List<TeacherForcing.Row> rows, double[] weights, int totalTokens) {}

  /** The loss's flat gradient and the step's bookkeeping; {@code skipReason} set when the loss is not finite. */
  static final class Gradient {
    NDArray flat;
    double lossSum;
    double entropySum;
    double klSum;
    int clipLow;
    int clipHigh;
    String skipReason;
  }

  /** Validates the samples and the aggregation's weights (before anything runs on the model). */
  Batch prepare(List<TrainingSample> samples, LossSettings loss) {
    if (samples.isEmpty()) {
      throw new SpiceException.BackendException("no training samples");
    }
    if (loss.klBeta() > 0 && reference == null) {
      throw new SpiceException.ConfigurationException(
          "klBeta is " + loss.klBeta() + " but the policy keeps no reference model; build it with keepReference(true)");
    }
    int ns = samples.size();
    List<TeacherForcing.Row> rows = new ArrayList<>(ns);
    int[] lengths = new int[ns];
    int totalTokens = 0;
    for (int i = 0; i < ns; i++) {
      TrainingSample s = samples.get(i);
      // the accessors copy: read each array once
      int[] promptIds = s.promptTokens();
      int[] completionIds = s.completionTokens();
      if (completionIds.length == 0) {
        throw new SpiceException.BackendException("training sample " + i + " has no completion tokens");
      }
      if (promptIds.length == 0) {
        throw new SpiceException.BackendException("training sample " + i + " has no prompt tokens");
      }
      prompts.checkIds(promptIds, "training sample " + i + " prompt");
      prompts.checkIds(completionIds, "training sample " + i + " completion");
      int total = promptIds.length + completionIds.length;
      if (total > cfg.maxPositionEmbeddings()) {
        throw new SpiceException.BackendException("training sample " + i + " has " + total
            + " tokens, more than max_position_embeddings " + cfg.maxPositionEmbeddings());
      }
      int[] a = prompts.allowed(s.prompt(), i);
      if (a != null) {
        for (int tok : completionIds) {
          if (Arrays.binarySearch(a, tok) < 0) {
            throw new SpiceException.BackendException("training sample " + i + ": completion token " + tok
                + " is not among its prompt's allowed tokens " + s.prompt().allowedTokens());
          }
        }
      }
      rows.add(new TeacherForcing.Row(promptIds, completionIds, a));
      lengths[i] = completionIds.length;
      totalTokens += lengths[i];
    }
    double[] w = loss.aggregation().sampleWeights(lengths.clone());
    if (w == null || w.length != ns) {
      throw new SpiceException.BackendException("loss aggregation " + loss.aggregation().name() + " returned "
          + (w == null ? "null" : w.length + " weights") + " for " + ns + " samples");
    }
    for (int i = 0; i < ns; i++) {
      if (!(w[i] >= 0) || Double.isInfinite(w[i])) {
        throw new SpiceException.BackendException("loss aggregation " + loss.aggregation().name()
            + " returned weight " + w[i] + " for sample " + i + "; weights must be finite and >= 0");
      }
    }
    return new Batch(samples, rows, w, totalTokens);
  }

  /**
   * Forward and backward passes of the clipped policy-gradient loss over all micro-batches; the
   * result's arrays are attached to {@code m}. Weights and optimizer state are not touched.
   */
  Gradient lossGradient(NDManager m, Batch batch, LossSettings ls) {
    List<TrainingSample> samples = batch.samples();
    List<TeacherForcing.Row> rows = batch.rows();
    double[] w = batch.weights();
    Gradient out = new Gradient();
    Model.Params leaves = model.params(m, model.trainable(), true);
    Model.Params ref = ls.klBeta() > 0 ? model.params(m, reference, false) : null;
    NDArray constOne = m.full(new Shape(), 1f);
    NDArray beta = m.full(new Shape(), (float) ls.klBeta());
    boolean complete = Backprop.run(model.manager.getEngine(), m, rows, microBatchSize, (sm, mb, sub, n) -> {
      float[] old = new float[n];
      float[] adv = new float[n];
      float[] wt = new float[n];
      int k = 0;
      for (int i : mb) {
        TrainingSample s = samples.get(i);
        float[] o = s.oldLogProbs();
        for (int j = 0; j < o.length; j++) {
          old[k] = o[j];
          adv[k] = (float) s.advantage();
          wt[k] = (float) w[i];
          k++;
        }
      }
      float[] refLp = null;
      if (ref != null) {
        boolean prev = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try {
          refLp = forcing.teacherForce(sm, ref, sub).tokenLogProbs.toFloatArray();
        } finally {
          JniUtils.setGradMode(prev);
        }
      }
      TeacherForcing.Forward f = forcing.teacherForce(sm, leaves, sub);
      NDArray lp = f.tokenLogProbs;
      NDArray advA = sm.create(adv);
      NDArray wA = sm.create(wt);
      NDArray ratio = lp.sub(sm.create(old)).exp();
      NDArray term = ratio.mul(advA).minimum(ratio.clip(lo(ls), hi(ls)).mul(advA));
      NDArray lossA = term.mul(wA).sum().neg();
      if (refLp != null) {
        NDArray dlt = sm.create(refLp).sub(lp);
        NDArray kl = dlt.exp().sub(dlt).sub(constOne);
        lossA = lossA.add(kl.mul(wA).sum().mul(beta));
        for (float x : kl.toFloatArray()) {
          out.klSum += x;
        }
      }
      float lv = lossA.getFloat();
      if (!Float.isFinite(lv)) {
        out.lossSum = Float.NaN;
        out.skipReason = "loss is " + lv;
        return null;
      }
      out.lossSum += lv;
      NDArray lpd = f.logProbs.stopGradient();
      out.entropySum -= lpd.exp().mul(lpd).sum().getFloat();
      float[] r = ratio.toFloatArray();
      for (int j = 0; j < n; j++) {
        if (r[j] < lo(ls) && adv[j] < 0) {
          out.clipLow++;
        } else if (r[j] > hi(ls) && adv[j] > 0) {
          out.clipHigh++;
        }
      }
      return lossA;
    });
    if (complete) {
      out.flat = leaves.flatGradient();
    }
    return out;
  }

  private static float lo(LossSettings ls) {
    return (float) (1 - ls.clipLow());
  }

  private static float hi(LossSettings ls) {
    return (float) (1 + ls.clipHigh());
  }
}
