package dev.spice.corpus;

import dev.spice.core.Document;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Records held in a list; the locator is the list index. Thread-safe (immutable list). */
final class MemoryStore implements RecordStore {
  private final List<Document> docs;

  MemoryStore(List<Document> docs) {
    this.docs = List.copyOf(docs);
  }

  @Override
  public void scan(Sink sink, StatsCollector stats) {
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < docs.size(); i++) {
      Document d = docs.get(i);
      stats.recordsRead++;
      if (!ids.add(d.id())) {
        stats.badRecord("document " + i + " (id '" + d.id() + "')", "duplicate document id", null);
        continue;
      }
      sink.accept(i, d);
    }
  }

  @Override
  public Document read(long locator) {
    return docs.get((int) locator);
  }

  @Override
  public void close() {}
}
