package dev.spice.core;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * A corpus the Challenger reads: yields {@link Document}s by seeded sampling (uniform without
 * replacement within an epoch unless the source documents otherwise) and exposes its position as
 * a {@link CorpusCursor} so that a resumed run draws exactly the same documents.
 *
 * <p>Threading: implementations state whether they are thread-safe; the engine calls a source
 * from one thread. Errors (missing file, malformed record, empty corpus) are raised as
 * {@link SpiceException.CorpusException} naming the file and line or record.
 */
public interface CorpusSource extends AutoCloseable {

  /**
   * A stable name used in provenance and in {@link Document#source()}.
   *
   * @return a stable name used in provenance and in {@link Document#source()}
   */
  String name();

  /**
   * The next sampled document. Sampling never ends: a new epoch starts, reshuffled, after every
   * document was drawn once.
   *
   *
   * @return the next sampled document
   * @throws SpiceException.CorpusException if the corpus is empty or a record cannot be read
   */
  Document next();

  /**
   * The next {@code n} documents, as {@code n} calls of {@link #next()}.
   *
   * @param n how many documents
   * @return the next {@code n} documents, as {@code n} calls of {@link #next()}
   */
  default List<Document> next(int n) {
    List<Document> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(next());
    }
    return out;
  }

  /**
   * The current sampling position; cheap, and small enough to store in every checkpoint.
   *
   * @return the current sampling position; cheap, and small enough to store in every checkpoint
   */
  CorpusCursor cursor();

  /**
   * Moves to a position previously returned by {@link #cursor()} of a source built with the same
   * settings and data.
   *
   *
   * @param cursor the cursor
   * @throws SpiceException.CorpusException if the cursor belongs to another source or is malformed;
   *     the position is then unchanged
   */
  void restore(CorpusCursor cursor);

  /**
   * Number of documents per epoch, if known.
   *
   * @return number of documents per epoch, if known
   */
  OptionalLong size();

  /** Releases files; idempotent. */
  @Override
  default void close() {}
}
