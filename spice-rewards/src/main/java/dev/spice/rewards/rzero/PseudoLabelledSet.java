package dev.spice.rewards.rzero;

import java.util.List;
import java.util.Objects;

/**
 * The outcome of {@link DifficultyFilter#select}: the kept, pseudo-labelled tasks and how many
 * were dropped for each reason.
 *
 * @param kept the tasks whose agreement lies in the band, in input order (an unmodifiable copy)
 * @param noLabel dropped because no Solver answer formed a class
 * @param tooEasy dropped because the agreement was above the band
 * @param tooHard dropped because the agreement was below the band
 */
public record PseudoLabelledSet(List<PseudoLabelledTask> kept, int noLabel, int tooEasy, int tooHard) {

  /**
   * Validates and copies.
   *
   * @param kept the tasks whose agreement lies in the band, in input order
   * @param noLabel dropped because no Solver answer formed a class
   * @param tooEasy dropped because the agreement was above the band
   * @param tooHard dropped because the agreement was below the band
   * @throws IllegalArgumentException for a negative count
   * @throws NullPointerException if {@code kept} or an element is null
   */
  public PseudoLabelledSet {
    kept = List.copyOf(Objects.requireNonNull(kept, "kept"));
    if (noLabel < 0 || tooEasy < 0 || tooHard < 0) {
      throw new IllegalArgumentException("counts must be >= 0, got noLabel " + noLabel + ", tooEasy "
          + tooEasy + ", tooHard " + tooHard);
    }
  }

  /**
   * The number of kept tasks.
   *
   * @return the size of {@link #kept()}
   */
  public int keptCount() {
    return kept.size();
  }

  /**
   * The number of dropped tasks, all reasons together.
   *
   * @return {@code noLabel + tooEasy + tooHard}
   */
  public int droppedCount() {
    return noLabel + tooEasy + tooHard;
  }

  /**
   * The number of tasks examined: kept plus dropped.
   *
   * @return the total count
   */
  public int total() {
    return keptCount() + droppedCount();
  }
}
