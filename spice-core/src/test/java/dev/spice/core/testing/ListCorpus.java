package dev.spice.core.testing;

import dev.spice.core.CorpusCursor;
import dev.spice.core.CorpusSource;
import dev.spice.core.Document;
import dev.spice.core.SpiceException;
import java.util.List;
import java.util.OptionalLong;
import java.util.SplittableRandom;

/**
 * A small in-memory corpus for core tests: uniform sampling without replacement within an epoch,
 * the epoch's permutation recomputed from (seed, epoch), cursor {@code "epoch:position"}. Not
 * thread-safe. (spice-corpus has the full-featured sources.)
 */
public final class ListCorpus implements CorpusSource {
  private final String name;
  private final List<Document> docs;
  private final long seed;
  private long epoch;
  private int position;
  private int[] order;

  /** A corpus over the documents. */
  public ListCorpus(String name, List<Document> docs, long seed) {
    this.name = name;
    this.docs = List.copyOf(docs);
    this.seed = seed;
    this.order = permutation(0);
  }

  private int[] permutation(long e) {
    int[] p = new int[docs.size()];
    for (int i = 0; i < p.length; i++) {
      p[i] = i;
    }
    SplittableRandom r = new SplittableRandom(seed * 31 + e);
    for (int i = p.length - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Document next() {
    if (docs.isEmpty()) {
      throw new SpiceException.CorpusException("corpus " + name + " is empty");
    }
    if (position == docs.size()) {
      epoch++;
      position = 0;
      order = permutation(epoch);
    }
    return docs.get(order[position++]);
  }

  @Override
  public CorpusCursor cursor() {
    return new CorpusCursor(name, epoch + ":" + position);
  }

  @Override
  public void restore(CorpusCursor cursor) {
    if (!cursor.source().equals(name)) {
      throw new SpiceException.CorpusException("cursor of source '" + cursor.source() + "' given to source '" + name + "'");
    }
    String[] p = cursor.state().split(":");
    long e;
    int pos;
    try {
      e = Long.parseLong(p[0]);
      pos = Integer.parseInt(p[1]);
    } catch (RuntimeException ex) {
      throw new SpiceException.CorpusException("malformed cursor state '" + cursor.state() + "' for source " + name);
    }
    if (p.length != 2 || e < 0 || pos < 0 || pos > docs.size()) {
      throw new SpiceException.CorpusException("cursor state '" + cursor.state() + "' out of range for source " + name);
    }
    epoch = e;
    position = pos;
    order = permutation(e);
  }

  @Override
  public OptionalLong size() {
    return OptionalLong.of(docs.size());
  }
}
