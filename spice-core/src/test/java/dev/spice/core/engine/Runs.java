package dev.spice.core.engine;

import java.util.ArrayList;
import java.util.List;

/** Test helper: every iteration's result, by stepping (run(n) returns only a summary). */
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
}
