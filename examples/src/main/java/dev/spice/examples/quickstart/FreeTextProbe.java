package dev.spice.examples.quickstart;

import dev.spice.core.PolicyBackend;
import dev.spice.core.Reasoner;
import dev.spice.core.Task;
import dev.spice.core.eval.PassRateScorer;
import dev.spice.core.roles.Roles;
import java.util.ArrayList;
import java.util.List;

/**
 * The free-text probe: cloze tasks over the held-out countries, free form and multiple choice,
 * each scored exactly as the policy's probability of writing the canonical correct answer
 * ({@code answer : <gold text>} and the end token, see {@link Roles#textDemonstration}). Other
 * spellings the verifier would accept are not counted, so the rate is a lower bound of the sampled
 * pass rate, with no sampling noise. Records the history of both formats. Not thread-safe.
 */
final class FreeTextProbe {
  private final List<Task> free;
  private final List<Task> mcq;
  private final Reasoner reasoner;
  final List<Long> iterations = new ArrayList<>();
  final List<Double> freeRates = new ArrayList<>();
  final List<Double> mcqRates = new ArrayList<>();

  FreeTextProbe(List<Task> free, List<Task> mcq, Reasoner reasoner) {
    this.free = List.copyOf(free);
    this.mcq = List.copyOf(mcq);
    this.reasoner = reasoner;
  }

  /** The exact scorer of canonical text answers ({@code answer: <gold text>} and the end token). */
  static PassRateScorer scorer() {
    return PassRateScorer.exactDemonstration(Roles::textDemonstration);
  }

  /** Scores {@code policy} and records the two rates at {@code iteration}. */
  void score(PolicyBackend policy, long iteration) {
    iterations.add(iteration);
    freeRates.add(mean(scorer().passRates(policy, reasoner, free, 0)));
    mcqRates.add(mcq.isEmpty() ? Double.NaN : mean(scorer().passRates(policy, reasoner, mcq, 0)));
  }

  int freeCount() {
    return free.size();
  }

  int mcqCount() {
    return mcq.size();
  }

  /** Overall rate at record {@code i}: the mean over all probe tasks. */
  double overall(int i) {
    double f = freeRates.get(i);
    double m = mcqRates.get(i);
    return mcq.isEmpty() ? f : (f * free.size() + m * mcq.size()) / (free.size() + mcq.size());
  }

  double lastOverall() {
    return overall(iterations.size() - 1);
  }

  double lastFree() {
    return freeRates.get(freeRates.size() - 1);
  }

  double lastMcq() {
    return mcqRates.get(mcqRates.size() - 1);
  }

  private static double mean(double[] a) {
    double s = 0;
    for (double v : a) {
      s += v;
    }
    return a.length == 0 ? Double.NaN : s / a.length;
  }
}
