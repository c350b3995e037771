package dev.spice.core;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One corpus document (or segment of one) that a Challenger may read.
 *
 * @param id stable identifier, unique within its source (for a segment: {@code docId#offset})
 * @param text the content; empty only for the synthetic documents of the no-corpus mode
 * @param source name of the {@link CorpusSource} it came from (provenance)
 * @param metadata free-form string metadata (for example title, url, offsets), copied and
 *     sorted by key
 */
public record Document(String id, String text, String source, Map<String, String> metadata) {
  /**
   * Validates and copies.
   *
   * @param id stable identifier, unique within its source (for a segment: {@code docId#offset})
   * @param text the content; empty only for the synthetic documents of the no-corpus mode
   * @param source name of the {@link CorpusSource} it came from (provenance)
   * @param metadata free-form string metadata (for example title, url, offsets), copied and
   *     sorted by key
   */
  public Document {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(source, "source");
    if (id.isBlank()) {
      throw new IllegalArgumentException("Document id is blank (source " + source + ")");
    }
    metadata = metadata == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(metadata));
  }

  /**
   * A document with no metadata.
   *
   * @param id the id
   * @param text the text
   * @param source the source
   * @return a document with no metadata
   */
  public static Document of(String id, String text, String source) {
    return new Document(id, text, source, Map.of());
  }
}
