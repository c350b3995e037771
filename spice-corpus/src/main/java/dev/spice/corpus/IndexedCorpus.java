package dev.spice.corpus;

import dev.spice.core.CorpusCursor;
import dev.spice.core.Document;
import dev.spice.core.SpiceException.CorpusException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Supplier;

/**
 * A corpus over a {@link RecordStore}: an index of locators (plus segment offsets when segmenting)
 * built once, sampled through a seeded per-epoch permutation. Memory: 8 bytes per entry for the
 * index (16 with segments) plus 4 bytes per entry for the current epoch's permutation.
 *
 * <p>Cursor state: {@code epoch=E;pos=P;n=N;seed=S;fp=F} where F fingerprints the index.
 * Thread-safe: public methods are synchronized; record reads go through the store.
 */
final class IndexedCorpus implements Corpus {
  private final String name;
  private final RecordStore store;
  private final long[] locators;
  private final int[] starts; // null when not segmenting
  private final int[] ends;
  private final long seed;
  private final CorpusStats stats;
  private final String fingerprint;

  private long epoch;
  private int pos;
  private int[] perm;
  private long permEpoch = -1;
  private boolean closed;

  private IndexedCorpus(
      String name, RecordStore store, long[] locators, int[] starts, int[] ends, long seed, CorpusStats stats) {
    this.name = name;
    this.store = store;
    this.locators = locators;
    this.starts = starts;
    this.ends = ends;
    this.seed = seed;
    this.stats = stats;
    long h = Shuffle.mix(locators.length);
    for (int i = 0; i < locators.length; i++) {
      h = Shuffle.mix(h ^ locators[i]) + i;
      if (starts != null) {
        h = Shuffle.mix(h ^ (((long) starts[i] << 32) | (ends[i] & 0xffffffffL)));
      }
    }
    this.fingerprint = String.format(Locale.ROOT, "%016x", h);
  }

  /** Scans the store through filters, de-duplication and segmenting; fails on an empty result. */
  static IndexedCorpus build(
      String name,
      RecordStore store,
      long seed,
      StatsCollector st,
      List<DocumentFilter> filters,
      Supplier<Deduplicator> dedup,
      Segmenter segmenter) {
    GrowableArrays.Longs locs = new GrowableArrays.Longs();
    GrowableArrays.Ints starts = segmenter == null ? null : new GrowableArrays.Ints();
    GrowableArrays.Ints ends = segmenter == null ? null : new GrowableArrays.Ints();
    Deduplicator d = dedup == null ? null : dedup.get();
    try {
      store.scan(
          (loc, doc) -> {
            if (doc.text().isBlank()) {
              st.removedBy("empty");
              return;
            }
            for (DocumentFilter f : filters) {
              if (!f.keep(doc)) {
                st.removedBy(f.name());
                return;
              }
            }
            if (d != null && !d.firstSeen(doc)) {
              st.removedBy(d.name());
              return;
            }
            if (segmenter == null) {
              locs.add(loc);
              st.documents++;
              st.entries++;
              return;
            }
            List<Segmenter.Span> spans = segmenter.spans(doc.text());
            if (spans.isEmpty()) {
              st.removedBy("empty");
              return;
            }
            st.documents++;
            for (Segmenter.Span s : spans) {
              locs.add(loc);
              starts.add(s.start());
              ends.add(s.end());
              st.entries++;
            }
          },
          st);
    } catch (RuntimeException e) {
      store.close();
      throw e;
    }
    CorpusStats stats = st.freeze();
    if (locs.size == 0) {
      store.close();
      throw new CorpusException(
          "corpus '" + name + "' is empty: " + stats.recordsRead() + " records read, "
              + stats.skippedRecords() + " skipped, removed by filters " + stats.removed() + ", "
              + stats.blankLines() + " blank lines");
    }
    return new IndexedCorpus(
        name,
        store,
        locs.trimmed(),
        starts == null ? null : starts.trimmed(),
        ends == null ? null : ends.trimmed(),
        seed,
        stats);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public synchronized Document next() {
    if (closed) {
      throw new CorpusException("corpus '" + name + "' is closed");
    }
    if (permEpoch != epoch) {
      perm = Shuffle.permutation(locators.length, seed, epoch);
      permEpoch = epoch;
    }
    Document doc = entry(perm[pos]);
    pos++;
    if (pos == locators.length) {
      pos = 0;
      epoch++;
    }
    return doc;
  }

  /** The entry at an index position (not a sampled one). */
  Document entry(int i) {
    Document doc = store.read(locators[i]);
    if (starts == null) {
      return doc.source().equals(name) ? doc : new Document(doc.id(), doc.text(), name, doc.metadata());
    }
    int s = starts[i];
    int e = ends[i];
    if (e > doc.text().length()) {
      throw new CorpusException(
          "corpus '" + name + "': document '" + doc.id() + "' is shorter than when it was indexed"
              + " (was the file modified?)");
    }
    Map<String, String> md = new HashMap<>(doc.metadata());
    md.put("document.id", doc.id());
    md.put("segment.start", Integer.toString(s));
    md.put("segment.end", Integer.toString(e));
    return new Document(doc.id() + "#" + s, doc.text().substring(s, e), name, md);
  }

  @Override
  public synchronized CorpusCursor cursor() {
    return new CorpusCursor(
        name,
        "epoch=" + epoch + ";pos=" + pos + ";n=" + locators.length + ";seed=" + seed + ";fp=" + fingerprint);
  }

  @Override
  public synchronized void restore(CorpusCursor cursor) {
    if (!cursor.source().equals(name)) {
      throw new CorpusException(
          "cursor belongs to source '" + cursor.source() + "', not '" + name + "'");
    }
    Map<String, String> m = Cursors.parse(name, cursor.state());
    long e = Cursors.number(name, m, "epoch");
    long p = Cursors.number(name, m, "pos");
    long n = Cursors.number(name, m, "n");
    long s = Cursors.number(name, m, "seed");
    String fp = m.get("fp");
    if (n != locators.length) {
      throw new CorpusException(
          "cursor for '" + name + "' was written for " + n + " entries, this corpus has " + locators.length);
    }
    if (s != seed) {
      throw new CorpusException("cursor for '" + name + "' was written with seed " + s + ", this corpus uses " + seed);
    }
    if (fp == null || !fp.equals(fingerprint)) {
      throw new CorpusException(
          "cursor for '" + name + "' was written for different data (index fingerprint " + fp
              + ", this corpus " + fingerprint + ")");
    }
    if (e < 0 || p < 0 || p >= n) {
      throw new CorpusException("cursor for '" + name + "' is out of range: epoch " + e + ", pos " + p
          + " (pos must be in [0, " + n + "), epoch >= 0)");
    }
    epoch = e;
    pos = (int) p;
  }

  @Override
  public OptionalLong size() {
    return OptionalLong.of(locators.length);
  }

  @Override
  public CorpusStats stats() {
    return stats;
  }

  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      store.close();
    }
  }

  @Override
  public String toString() {
    return "Corpus[" + name + ", " + locators.length + " entries, seed " + seed + "]";
  }
}
