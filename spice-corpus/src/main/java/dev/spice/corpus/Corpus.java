package dev.spice.corpus;

import dev.spice.core.CorpusSource;

/**
 * A {@link CorpusSource} built by this module: its inputs are read and indexed at
 * {@code build()} (so errors surface there), documents are sampled uniformly without
 * replacement within an epoch from a seeded permutation (mixtures: a seeded weighted choice of
 * child per draw), and the position resumes exactly from a one-line
 * {@link dev.spice.core.CorpusCursor}.
 *
 * <p>Thread-safety: every implementation in this module is safe to call from several threads
 * ({@code next}, {@code cursor} and {@code restore} are atomic with respect to each other); the
 * draw sequence is the same, but which thread receives which draw is then up to the scheduler.
 */
public interface Corpus extends CorpusSource {

  /**
   * What was read, kept, filtered and skipped while indexing; immutable snapshot, never null.
   *
   * @return the indexing statistics
   */
  CorpusStats stats();
}
