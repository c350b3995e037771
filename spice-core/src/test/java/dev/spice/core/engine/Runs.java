package dev.spice.core.engine;

import java.util.ArrayList;
import java.util.List;

/** Test helper: every iteration's or step's result, by stepping (run(n) returns only a summary). */
final class Runs {
  private Runs() {}

  /** Runs {@code n} iterations with {@link SelfPlay#step()} and returns every result. */
  static List<IterationResult> steps(SelfPlay engine, int n) {
    List<IterationResult> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(engine.step());
    }
    return out;
  }

  /** Runs {@code n} warm-start steps with {@link WarmStart#step()} and returns every result. */
  static List<WarmStartResult> steps(WarmStart warm, int n) {
    List<WarmStartResult> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(warm.step());
    }
    return out;
  }
}
