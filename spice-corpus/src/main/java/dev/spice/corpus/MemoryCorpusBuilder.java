package dev.spice.corpus;

import dev.spice.core.Document;
import java.util.List;

/**
 * Builds a {@link Corpus} over documents held in memory (tests, host applications). The list is
 * copied at construction. Document ids must be unique (a repeated id is a bad record). Default
 * name: {@code memory}.
 */
public final class MemoryCorpusBuilder extends CorpusBuilder<MemoryCorpusBuilder> {
  private final List<Document> docs;

  MemoryCorpusBuilder(List<Document> docs) {
    this.docs = List.copyOf(docs);
  }

  @Override
  public Corpus build() {
    return index(resolvedName("memory"), new MemoryStore(docs));
  }
}
