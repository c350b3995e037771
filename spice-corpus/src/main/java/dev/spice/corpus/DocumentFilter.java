package dev.spice.corpus;

import dev.spice.core.Document;

/**
 * Decides whether a document is kept while a corpus is indexed. Implementations must be
 * deterministic and stateless (the same document always gives the same answer) and
 * thread-safe. Ready filters: {@link DocumentFilters}.
 */
public interface DocumentFilter {

  /**
   * A short stable name, used as the key in {@link CorpusStats#removed()}.
   *
   * @return the filter name
   */
  String name();

  /**
   * True to keep the document.
   *
   * @param document the document to check
   * @return true to keep it, false to remove it
   */
  boolean keep(Document document);
}
