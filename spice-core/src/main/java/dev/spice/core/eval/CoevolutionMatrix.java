package dev.spice.core.eval;

import java.util.List;
import java.util.Objects;

/**
 * The result of a {@link CoevolutionEvaluation}: pass rates of every Reasoner checkpoint on the
 * valid tasks written by every Challenger checkpoint. Immutable; the array accessors return copies.
 *
 * @param challengers labels of the Challenger checkpoints (rows)
 * @param reasoners labels of the Reasoner checkpoints (columns)
 * @param passRates {@code passRates[c][r]}: mean pass rate in {@code [0, 1]} of Reasoner {@code r}
 *     on the valid tasks of Challenger {@code c}; NaN if that Challenger wrote no valid task
 * @param validTasks number of valid tasks each Challenger wrote
 * @param attempts number of task attempts each Challenger made (documents times attempts per
 *     document)
 */
public record CoevolutionMatrix(
    List<String> challengers, List<String> reasoners, double[][] passRates, int[] validTasks, int[] attempts) {

  /**
   * Validates shapes and copies.
   *
   * @param challengers labels of the Challenger checkpoints (rows)
   * @param reasoners labels of the Reasoner checkpoints (columns)
   * @param passRates {@code passRates[c][r]}: mean pass rate in {@code [0, 1]} of Reasoner {@code
   *     r}
   *     on the valid tasks of Challenger {@code c}; NaN if that Challenger wrote no valid task
   * @param validTasks number of valid tasks each Challenger wrote
   * @param attempts number of task attempts each Challenger made (documents times attempts per
   *     document)
   */
  public CoevolutionMatrix {
    challengers = List.copyOf(Objects.requireNonNull(challengers, "challengers"));
    reasoners = List.copyOf(Objects.requireNonNull(reasoners, "reasoners"));
    Objects.requireNonNull(passRates, "passRates");
    if (passRates.length != challengers.size()) {
      throw new IllegalArgumentException("passRates has " + passRates.length + " rows for " + challengers.size() + " challengers");
    }
    double[][] copy = new double[passRates.length][];
    for (int c = 0; c < passRates.length; c++) {
      if (passRates[c].length != reasoners.size()) {
        throw new IllegalArgumentException("passRates row " + c + " has " + passRates[c].length + " columns for "
            + reasoners.size() + " reasoners");
      }
      copy[c] = passRates[c].clone();
    }
    passRates = copy;
    validTasks = validTasks.clone();
    attempts = attempts.clone();
    if (validTasks.length != challengers.size() || attempts.length != challengers.size()) {
      throw new IllegalArgumentException("validTasks and attempts need one entry per challenger");
    }
  }

  /**
   * Pass rate of Reasoner {@code reasoner} on the tasks of Challenger {@code challenger}.
   *
   * @param challenger the challenger
   * @param reasoner the reasoner
   * @return the pass rate
   */
  public double passRate(int challenger, int reasoner) {
    return passRates[challenger][reasoner];
  }

  /**
   * A copy of the matrix, rows = Challengers.
   *
   * @return a copy of the matrix, rows = Challengers
   */
  @Override
  public double[][] passRates() {
    double[][] copy = new double[passRates.length][];
    for (int c = 0; c < passRates.length; c++) {
      copy[c] = passRates[c].clone();
    }
    return copy;
  }

  /**
   * A copy of the valid-task counts.
   *
   * @return a copy of the valid-task counts
   */
  @Override
  public int[] validTasks() {
    return validTasks.clone();
  }

  /**
   * A copy of the attempt counts.
   *
   * @return a copy of the attempt counts
   */
  @Override
  public int[] attempts() {
    return attempts.clone();
  }

  /**
   * Fraction of a Challenger's attempts that gave a valid task; NaN if it made none.
   *
   * @param challenger the challenger
   * @return fraction of a Challenger's attempts that gave a valid task; NaN if it made none
   */
  public double validRate(int challenger) {
    return attempts[challenger] == 0 ? Double.NaN : (double) validTasks[challenger] / attempts[challenger];
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CoevolutionMatrix m && challengers.equals(m.challengers) && reasoners.equals(m.reasoners)
        && java.util.Arrays.deepEquals(passRates, m.passRates) && java.util.Arrays.equals(validTasks, m.validTasks)
        && java.util.Arrays.equals(attempts, m.attempts);
  }

  @Override
  public int hashCode() {
    return Objects.hash(challengers, reasoners, java.util.Arrays.deepHashCode(passRates));
  }

  @Override
  public String toString() {
    return "CoevolutionMatrix[challengers=" + challengers + ", reasoners=" + reasoners + ", passRates="
        + java.util.Arrays.deepToString(passRates) + "]";
  }
}
