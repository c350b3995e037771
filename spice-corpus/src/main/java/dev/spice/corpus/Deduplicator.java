package dev.spice.corpus;

import dev.spice.core.Document;
import dev.spice.core.SpiceException.ConfigurationException;

/**
 * Remembers the documents it has seen and tells whether a new one repeats an earlier one.
 * Stateful and <b>not</b> thread-safe; a corpus builder takes a factory
 * ({@code .deduplicate(Deduplicator::exact)}) and uses a fresh instance per index build.
 */
public interface Deduplicator {

  /**
   * The name under which removed documents are counted in {@link CorpusStats#removed()}.
   *
   * @return the filter name
   */
  String name();

  /**
   * Records the document and returns true if it is the first of its kind, false if it duplicates
   * a document seen before (the duplicate is not recorded).
   *
   * @param document the document to check
   * @return true if no equal document was seen before
   */
  boolean firstSeen(Document document);

  /**
   * Exact de-duplication of the text (byte-identical after UTF-8 encoding) by a 64-bit prefix of
   * its SHA-256; about 16 bytes of memory per distinct document. Two different texts collide with
   * probability about {@code n^2 / 2^65} for {@code n} documents.
   *
   * @return a new exact de-duplicator
   */
  static Deduplicator exact() {
    return new ExactDeduplicator();
  }

  /**
   * Near-duplicate removal by MinHash over word 5-gram shingles (lowercased letters and digits)
   * with 128 hash functions and LSH banding: a document whose estimated Jaccard similarity to an
   * earlier kept document is at least {@code threshold} is a duplicate. Memory: about 600 bytes
   * per kept document.
   *
   * @param threshold Jaccard similarity in (0, 1]
   * @param seed seeds the hash functions
   * @return a new near-duplicate de-duplicator
   */
  static Deduplicator nearDuplicates(double threshold, long seed) {
    if (!(threshold > 0 && threshold <= 1)) {
      throw new ConfigurationException("nearDuplicates: threshold must be in (0, 1], got " + threshold);
    }
    return new MinHashDeduplicator(threshold, seed);
  }
}
