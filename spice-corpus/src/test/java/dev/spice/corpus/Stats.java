package dev.spice.corpus;

/** Test statistics computed by hand (commons-math3 is not a dependency of this module). */
final class Stats {
  private Stats() {}

  /** Pearson's chi-square statistic of counts against a uniform expectation. */
  static double chiSquareUniform(long[] counts) {
    long total = 0;
    for (long c : counts) {
      total += c;
    }
    double expected = total / (double) counts.length;
    double chi = 0;
    for (long c : counts) {
      chi += (c - expected) * (c - expected) / expected;
    }
    return chi;
  }

  /** Pearson's chi-square statistic of counts against expected probabilities. */
  static double chiSquare(long[] counts, double[] probs) {
    long total = 0;
    for (long c : counts) {
      total += c;
    }
    double chi = 0;
    for (int i = 0; i < counts.length; i++) {
      double e = total * probs[i];
      chi += (counts[i] - e) * (counts[i] - e) / e;
    }
    return chi;
  }
}
