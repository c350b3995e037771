package dev.spice.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.spice.core.SpiceException;
import dev.spice.core.SupervisedSample;
import dev.spice.core.model.TransformerConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * The loss half of a supervised update ({@link DjlPolicy#supervisedUpdate}): validates a batch of
 * {@link SupervisedSample}s ({@link #prepare}), then runs the forward and backward passes of the
 * weighted next-token cross-entropy over all micro-batches ({@link #lossGradient}, in the same
 * {@link Backprop} micro-batch loop as {@link LossStep}), reusing {@link TeacherForcing}
 * (unconstrained rows) for the target tokens' log-probs. Like
 * {@link LossStep}, it touches neither the weights nor the optimizer state; the caller holds the
 * policy's gradient lock and hands the gradient to the same {@link AdamW}.
 *
 * <p>Loss: {@code sum_i w_i sum_t -log p_it / sum_i w_i |t_i|}. The per-token weights
 * {@code w_i / sum_j w_j |t_j|} are computed on the host from the whole batch before any forward
 * pass, so micro-batches only accumulate gradients and the layout cannot change the update.
 *
 * <p>No DJL scalar ops on the autograd path (see the module README): the weights are a tensor made
 * with {@link NDManager#create(float[])}, the rest is tensor-tensor ops.
 */
final class SupervisedStep {
  private final Model model;
  private final TransformerConfig cfg;
  private final PromptEncoder prompts;
  private final TeacherForcing forcing;
  private final int microBatchSize;

  SupervisedStep(Model model, PromptEncoder prompts, TeacherForcing forcing, int microBatchSize) {
    this.model = model;
    this.cfg = model.cfg;
    this.prompts = prompts;
    this.forcing = forcing;
    this.microBatchSize = microBatchSize;
  }

  /**
   * A validated batch: rows, each sample's per-token weight {@code w_i / sum_j w_j |t_j|} (0 when the
   * total weight is 0), the target token count and the total weight {@code sum_j w_j |t_j|}.
   */
  record Batch(List<TeacherForcing.Row> rows, double[] tokenWeights, int totalTokens, double totalWeight) {}

  /** The loss's flat gradient and the step's bookkeeping; {@code skipReason} set when nothing may change. */
  static final class Gradient {
    NDArray flat;
    double loss;
    double entropySum;
    String skipReason;
  }

  /** Validates the samples against the model (before anything runs on it). */
  Batch prepare(List<SupervisedSample> samples) {
    if (samples.isEmpty()) {
      throw new SpiceException.BackendException("no supervised samples");
    }
    int ns = samples.size();
    List<TeacherForcing.Row> rows = new ArrayList<>(ns);
    int totalTokens = 0;
    double totalWeight = 0;
    for (int i = 0; i < ns; i++) {
      SupervisedSample s = samples.get(i);
      if (s == null) {
        throw new SpiceException.BackendException("supervised sample " + i + " is null");
      }
      // the accessors copy: read each array once
      int[] promptIds = s.promptTokens();
      int[] targetIds = s.targetTokens();
      prompts.checkIds(promptIds, "supervised sample " + i + " prompt");
      prompts.checkIds(targetIds, "supervised sample " + i + " target");
      int total = promptIds.length + targetIds.length;
      if (total > cfg.maxPositionEmbeddings()) {
        throw new SpiceException.BackendException("supervised sample " + i + " has " + total
            + " tokens (prompt + target), more than max_position_embeddings " + cfg.maxPositionEmbeddings()
            + "; split long documents into chunks");
      }
      rows.add(new TeacherForcing.Row(promptIds, targetIds, null));
      totalTokens += targetIds.length;
      totalWeight += s.weight() * targetIds.length;
    }
    double[] tw = new double[ns];
    if (totalWeight > 0) {
      for (int i = 0; i < ns; i++) {
        tw[i] = samples.get(i).weight() / totalWeight;
      }
    }
    return new Batch(rows, tw, totalTokens, totalWeight);
  }

  /**
   * Forward and backward passes of the weighted token-mean cross-entropy over all micro-batches;
   * the result's arrays are attached to {@code m}. Weights and optimizer state are not touched.
   */
  Gradient lossGradient(NDManager m, Batch batch) {
    Gradient out = new Gradient();
    if (!(batch.totalWeight() > 0)) {
      out.loss = Double.NaN;
      out.skipReason = "the target tokens' total weight is " + batch.totalWeight() + " (all sample weights are 0)";
      return out;
    }
    List<TeacherForcing.Row> rows = batch.rows();
    double[] tw = batch.tokenWeights();
    Model.Params leaves = model.params(m, model.trainable(), true);
    boolean complete = Backprop.run(model.manager.getEngine(), m, rows, microBatchSize, (sm, mb, sub, n) -> {
      float[] wt = new float[n];
      int k = 0;
      for (int i : mb) {
        int len = rows.get(i).completion().length;
        for (int j = 0; j < len; j++) {
          wt[k++] = (float) tw[i];
        }
      }
      TeacherForcing.Forward f = forcing.teacherForce(sm, leaves, sub);
      NDArray lossA = f.tokenLogProbs.mul(sm.create(wt)).sum().neg();
      float lv = lossA.getFloat();
      if (!Float.isFinite(lv)) {
        out.loss = Float.NaN;
        out.skipReason = "loss is " + lv;
        return null;
      }
      out.loss += lv;
      NDArray lpd = f.logProbs.stopGradient();
      out.entropySum -= lpd.exp().mul(lpd).sum().getFloat();
      return lossA;
    });
    if (complete) {
      out.flat = leaves.flatGradient();
    }
    return out;
  }
}
