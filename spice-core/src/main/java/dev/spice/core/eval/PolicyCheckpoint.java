package dev.spice.core.eval;

import dev.spice.core.PolicyBackend;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A policy checkpoint to evaluate: a label and how to obtain the backend.
 *
 * @param label a short name shown in results, for example {@code iteration 200}; not blank
 * @param loader gives the backend when the evaluation needs it; called once per use
 * @param closeAfterUse whether the evaluation closes the backend after using it (true for
 *     backends the loader opened, false for backends the caller owns)
 */
public record PolicyCheckpoint(String label, Supplier<? extends PolicyBackend> loader, boolean closeAfterUse) {
  /**
   * Validates.
   *
   * @param label a short name shown in results, for example {@code iteration 200}; not blank
   * @param loader gives the backend when the evaluation needs it; called once per use
   * @param closeAfterUse whether the evaluation closes the backend after using it (true for
   *     backends the loader opened, false for backends the caller owns)
   */
  public PolicyCheckpoint {
    Objects.requireNonNull(label, "label");
    Objects.requireNonNull(loader, "loader");
    if (label.isBlank()) {
      throw new IllegalArgumentException("checkpoint label is blank");
    }
  }

  /**
   * A backend the caller owns and closes; the evaluation never closes it.
   *
   * @param label the label
   * @param backend the backend
   * @return a backend the caller owns and closes; the evaluation never closes it
   */
  public static PolicyCheckpoint of(String label, PolicyBackend backend) {
    Objects.requireNonNull(backend, "backend");
    return new PolicyCheckpoint(label, () -> backend, false);
  }

  /**
   * A backend opened by {@code factory} when needed and closed by the evaluation after use.
   *
   * @param label the label
   * @param factory the factory
   * @return a backend opened by {@code factory} when needed and closed by the evaluation after use
   */
  public static PolicyCheckpoint loading(String label, Supplier<? extends PolicyBackend> factory) {
    return new PolicyCheckpoint(label, factory, true);
  }
}
