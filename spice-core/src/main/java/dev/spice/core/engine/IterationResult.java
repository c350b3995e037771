package dev.spice.core.engine;

import dev.spice.core.UpdateStats;
import java.util.List;

/**
 * The outcome of one completed iteration.
 *
 * @param iteration the iteration (0-based)
 * @param metrics its metrics
 * @param documents per-document details, in sampling order
 * @param update what the policy update did
 */
public record IterationResult(long iteration, Metrics metrics, List<DocumentRollout> documents, UpdateStats update) {
  /**
   * Copies.
   *
   * @param iteration the iteration (0-based)
   * @param metrics its metrics
   * @param documents per-document details, in sampling order
   * @param update what the policy update did
   */
  public IterationResult {
    documents = List.copyOf(documents);
  }
}
