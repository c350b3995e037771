package dev.spice.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * The optimizer half of an update: gradient-norm clipping and AdamW with decoupled weight decay
 * (masked by {@link Model#trainableDecayMask()}), applied in place to the model's trainable tensor
 * ({@link Model#trainable()}: the flat weights, or under LoRA the adapters only, so the moments
 * are adapter-sized and the frozen base has no optimizer state). Owns the moments, the step count
 * and reusable buffers of that size, all in the model's {@code NDManager}, each allocated when a
 * step (or a checkpoint restore) first needs it, so a policy used only for inference (a served
 * base, a served adapter) holds no optimizer memory.
 *
 * <p>Atomic: the new moments are computed into scratch buffers and the Adam direction into the
 * caller's gradient; weights, moments and step change only in the final commit, after every
 * finiteness check passed. Call with grad mode off (the policy does, under its gradient lock).
 */
final class AdamW {
  /** How a step ended: the global gradient norm and, when nothing was changed, why. */
  record Result(double gradNorm, String skipReason) {}

  private final Model model;
  /** The tensor the steps update ({@link Model#trainable()}). */
  private final NDArray target;
  private final long size;
  private final OptimizerSettings opt;
  /** Allocated at the first step that needs it, like the moments: an inference-only policy holds none. */
  private NDArray decayMask;
  /** The moments; null until the first step or restore (zeros until then). */
  private NDArray adamM;
  private NDArray adamV;
  /** Buffers the next AdamW moments are computed into, then swapped with adamM / adamV (lazy). */
  private NDArray scratchM;
  private NDArray scratchV;
  /** {@code 1 - lr * weightDecay * decayMask} for learning rate {@link #decayFactorLr} (lazy). */
  private NDArray decayFactor;
  private double decayFactorLr = Double.NaN;
  private long step;

  AdamW(Model model, OptimizerSettings opt) {
    this.model = model;
    this.target = model.trainable();
    this.size = model.trainableSize();
    this.opt = opt;
  }

  /** Allocates the (zero) moments on first use: a policy that is never trained holds no optimizer state. */
  private void allocateMoments() {
    if (adamM == null) {
      adamM = model.manager.zeros(new Shape(size));
      adamV = model.manager.zeros(new Shape(size));
    }
  }

  OptimizerSettings settings() {
    return opt;
  }

  /** How many tensors of the trainable size this optimizer holds now (moments, scratch, decay mask and factor). */
  int allocatedTensors() {
    int n = 0;
    for (NDArray a : new NDArray[] {adamM, adamV, scratchM, scratchV, decayMask, decayFactor}) {
      n += a == null ? 0 : 1;
    }
    return n;
  }

  /** Number of committed steps (the "RNG" of a checkpoint). */
  long stepCount() {
    return step;
  }

  /** The learning rate of the next step ({@link OptimizerSettings#learningRateAt} of step count + 1). */
  double nextLearningRate() {
    return opt.learningRateAt(step + 1);
  }

  /** The first moment, flat layout (a host copy). */
  float[] firstMoment() {
    return adamM == null ? new float[Math.toIntExact(size)] : adamM.toFloatArray();
  }

  /** The second moment, flat layout (a host copy). */
  float[] secondMoment() {
    return adamV == null ? new float[Math.toIntExact(size)] : adamV.toFloatArray();
  }

  /** Overwrites the moments and the step count (a checkpoint load; lengths already validated). */
  void restore(float[] m, float[] v, long savedStep) {
    allocateMoments();
    Model.overwrite(adamM, m);
    Model.overwrite(adamV, v);
    step = savedStep;
  }

  /**
   * Clips {@code g} (the gradient of {@link Model#trainable()}, overwritten as scratch space) and takes one AdamW step on
   * the model's weights. Returns a skip reason, leaving weights, moments and step untouched, when
   * the gradient norm or the step is not finite.
   */
  Result step(NDArray g) {
    double gnorm = g.norm().getFloat();
    if (!Double.isFinite(gnorm)) {
      return new Result(gnorm, "gradient norm is " + gnorm);
    }
    long t = step + 1;
    double lr = opt.learningRateAt(t);
    double coef = opt.gradClip() > 0 && gnorm > opt.gradClip() ? opt.gradClip() / (gnorm + 1e-6) : 1.0;
    // Full-size passes without allocating model-sized tensors (fresh large allocations cost
    // page faults, about 10x an in-place pass): the new moments go into scratch buffers, the
    // Adam direction into g (our own concatenated copy); the state changes only at the commit.
    allocateMoments();
    if (scratchM == null) {
      scratchM = model.manager.zeros(new Shape(size));
      scratchV = model.manager.zeros(new Shape(size));
    }
    double b1 = opt.beta1();
    double b2 = opt.beta2();
    NDArray mS = scratchM;
    NDArray vS = scratchV;
    mS.subi(mS).addi(adamM).muli((float) b1); // scratch values are finite, so x - x == 0
    vS.subi(vS).addi(adamV).muli((float) b2);
    g.muli((float) (coef * (1 - b1)));
    mS.addi(g); // m' = b1 m + (1 - b1) c g
    g.muli(g).muli((float) ((1 - b2) / ((1 - b1) * (1 - b1))));
    vS.addi(g); // v' = b2 v + (1 - b2) (c g)^2
    double bc1 = 1 - Math.pow(b1, t);
    double bc2 = 1 - Math.pow(b2, t);
    // g <- lr / bc1 * m' / (sqrt(v' / bc2) + eps)
    g.subi(g).addi(vS).powi(0.5f).muli((float) (1 / Math.sqrt(bc2))).addi((float) opt.epsilon()).powi(-1f);
    g.muli(mS).muli((float) (lr / bc1));
    if (!Double.isFinite(g.sum().getFloat())) {
      return new Result(gnorm, "the AdamW step is not finite");
    }
    NDArray factor = null;
    if (opt.weightDecay() > 0) {
      if (decayFactor == null || decayFactorLr != lr) {
        if (decayMask == null) {
          decayMask = model.manager.create(model.trainableDecayMask());
        }
        NDArray f = decayMask.mul((float) (-lr * opt.weightDecay()));
        f.addi(1f);
        if (decayFactor != null) {
          decayFactor.close();
        }
        decayFactor = f;
        decayFactorLr = lr;
      }
      factor = decayFactor;
    }
    // Commit: p <- p (1 - lr wd mask) - g (decoupled weight decay on the old weights).
    scratchM = adamM;
    scratchV = adamV;
    adamM = mS;
    adamV = vS;
    if (factor != null) {
      target.muli(factor);
    }
    target.subi(g);
    step = t;
    return new Result(gnorm, null);
  }
}
