package dev.spice.core;

import java.util.Objects;

/**
 * Settings of the clipped policy-gradient loss a {@link TrainablePolicy} minimises.
 *
 * @param clipLow eps_low: the ratio is clipped below at {@code 1 - clipLow}; {@code >= 0}
 * @param clipHigh eps_high: the ratio is clipped above at {@code 1 + clipHigh}; {@code >= 0}
 * @param klBeta weight of the k3 KL estimate to a frozen reference; 0 disables it (paper)
 * @param aggregation how token terms are summed (see {@link LossAggregation})
 */
public record LossSettings(double clipLow, double clipHigh, double klBeta, LossAggregation aggregation) {
  /**
   * Validates.
   *
   * @param clipLow eps_low: the ratio is clipped below at {@code 1 - clipLow}; {@code >= 0}
   * @param clipHigh eps_high: the ratio is clipped above at {@code 1 + clipHigh}; {@code >= 0}
   * @param klBeta weight of the k3 KL estimate to a frozen reference; 0 disables it (paper)
   * @param aggregation how token terms are summed (see {@link LossAggregation})
   */
  public LossSettings {
    Objects.requireNonNull(aggregation, "aggregation");
    if (!(clipLow >= 0) || !(clipHigh >= 0) || Double.isInfinite(clipLow) || Double.isInfinite(clipHigh)) {
      throw new IllegalArgumentException(
          "clipLow and clipHigh must be finite and >= 0, got " + clipLow + ", " + clipHigh);
    }
    if (!(klBeta >= 0) || Double.isInfinite(klBeta)) {
      throw new IllegalArgumentException("klBeta must be finite and >= 0, got " + klBeta);
    }
  }
}
