package dev.spice.core;

/**
 * What one policy update did. A skipped update (NaN or Inf loss or gradient) changed nothing.
 *
 * @param loss the loss value (NaN when skipped because of it)
 * @param gradNorm global L2 norm of the gradient before clipping
 * @param clipFractionLow share of tokens whose ratio was clipped below
 * @param clipFractionHigh share of tokens whose ratio was clipped above
 * @param entropy mean per-token entropy of the policy on the batch (nats)
 * @param kl mean per-token k3 KL estimate to the reference (0 without a reference)
 * @param numSamples samples in the update
 * @param numTokens completion tokens in the update
 * @param skipped true if weights and optimizer state were left untouched
 * @param skipReason why, or empty
 */
public record UpdateStats(
    double loss,
    double gradNorm,
    double clipFractionLow,
    double clipFractionHigh,
    double entropy,
    double kl,
    int numSamples,
    int numTokens,
    boolean skipped,
    String skipReason) {

  /**
   * Stats of an update that had nothing to train on.
   *
   * @return stats of an empty update
   */
  public static UpdateStats empty() {
    return new UpdateStats(0, 0, 0, 0, 0, 0, 0, 0, true, "no samples");
  }
}
