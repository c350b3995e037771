package dev.spice.djl;

import dev.spice.core.SpiceException;

/**
 * AdamW settings of a {@link DjlPolicy}: the update is
 * {@code p -= lr_t * (mhat / (sqrt(vhat) + eps) + weightDecay * p)} with bias-corrected moments,
 * after the gradient is clipped to global L2 norm {@code gradClip}. Weight decay applies to
 * matrices (embeddings and projections), not to norm weights or biases. The learning rate ramps
 * linearly from {@code lr / warmupSteps} to {@code lr} over the first {@code warmupSteps} updates,
 * then stays constant ({@code warmupSteps = 0}: constant from the start).
 *
 * @param learningRate {@code > 0}
 * @param beta1 first-moment decay in {@code [0, 1)}
 * @param beta2 second-moment decay in {@code [0, 1)}
 * @param epsilon denominator term, {@code > 0}
 * @param weightDecay decoupled weight decay, {@code >= 0}
 * @param gradClip maximum global gradient L2 norm, {@code > 0}, or 0 to disable clipping
 * @param warmupSteps linear warm-up length in updates, {@code >= 0}
 */
public record OptimizerSettings(
    double learningRate, double beta1, double beta2, double epsilon, double weightDecay,
    double gradClip, int warmupSteps) {

  /**
   * Validates.
   *
   * @param learningRate {@code > 0}
   * @param beta1 first-moment decay in {@code [0, 1)}
   * @param beta2 second-moment decay in {@code [0, 1)}
   * @param epsilon denominator term, {@code > 0}
   * @param weightDecay decoupled weight decay, {@code >= 0}
   * @param gradClip maximum global gradient L2 norm, {@code >= 0} (0 disables clipping)
   * @param warmupSteps linear warm-up length in updates, {@code >= 0}
   * @throws SpiceException.ConfigurationException naming the field and valid range
   */
  public OptimizerSettings {
    check(learningRate > 0 && Double.isFinite(learningRate), "learningRate", learningRate, "> 0");
    check(beta1 >= 0 && beta1 < 1, "beta1", beta1, "[0, 1)");
    check(beta2 >= 0 && beta2 < 1, "beta2", beta2, "[0, 1)");
    check(epsilon > 0 && Double.isFinite(epsilon), "epsilon", epsilon, "> 0");
    check(weightDecay >= 0 && Double.isFinite(weightDecay), "weightDecay", weightDecay, ">= 0");
    check(gradClip >= 0 && Double.isFinite(gradClip), "gradClip", gradClip, ">= 0 (0 disables)");
    check(warmupSteps >= 0, "warmupSteps", warmupSteps, ">= 0");
  }

  private static void check(boolean ok, String field, double v, String range) {
    if (!ok) {
      throw new SpiceException.ConfigurationException(
          "optimizer setting " + field + " must be " + range + ", got " + v);
    }
  }

  /**
   * AdamW with the given learning rate, betas (0.9, 0.999), eps 1e-8, no weight decay, clip 1.0,
   * no warm-up.
   *
   * @param learningRate the learning rate, {@code > 0}
   * @return the settings
   */
  public static OptimizerSettings adamW(double learningRate) {
    return new OptimizerSettings(learningRate, 0.9, 0.999, 1e-8, 0.0, 1.0, 0);
  }

  /**
   * A copy with another learning rate.
   *
   * @param lr the new learning rate
   * @return a copy with {@code learningRate = lr}
   */
  public OptimizerSettings withLearningRate(double lr) {
    return new OptimizerSettings(lr, beta1, beta2, epsilon, weightDecay, gradClip, warmupSteps);
  }

  /**
   * A copy with another weight decay.
   *
   * @param wd the new weight decay
   * @return a copy with {@code weightDecay = wd}
   */
  public OptimizerSettings withWeightDecay(double wd) {
    return new OptimizerSettings(learningRate, beta1, beta2, epsilon, wd, gradClip, warmupSteps);
  }

  /**
   * A copy with another gradient clip norm (0 disables).
   *
   * @param clip the new gradient clip norm
   * @return a copy with {@code gradClip = clip}
   */
  public OptimizerSettings withGradClip(double clip) {
    return new OptimizerSettings(learningRate, beta1, beta2, epsilon, weightDecay, clip, warmupSteps);
  }

  /**
   * A copy with another warm-up length.
   *
   * @param steps the new warm-up length in updates
   * @return a copy with {@code warmupSteps = steps}
   */
  public OptimizerSettings withWarmupSteps(int steps) {
    return new OptimizerSettings(learningRate, beta1, beta2, epsilon, weightDecay, gradClip, steps);
  }

  /**
   * Learning rate of update number {@code step} (1-based).
   *
   * @param step the 1-based update number
   * @return the learning rate, ramped during warm-up
   */
  public double learningRateAt(long step) {
    return warmupSteps == 0 ? learningRate : learningRate * Math.min(1.0, (double) step / warmupSteps);
  }
}
