package dev.spice.corpus;

import dev.spice.core.SpiceException.CorpusException;
import java.util.function.LongFunction;

/**
 * The ids met while scanning a source, to report a repeated id with the place of its first use.
 * Holds a 64-bit hash of each id in an open-addressing table plus the record's locator and line:
 * about 40 bytes per record while indexing, dropped when the scan ends. An equal hash is confirmed
 * by reading the earlier record's id back, so a hash collision is never reported as a repeat.
 * Not thread-safe.
 */
final class SeenIds {
  /** Largest table (2^30 slots); it is filled to at most 90 % at that size, 50 % below it. */
  private static final int MAX_CAPACITY = 1 << 30;

  private long[] hashes = new long[1 << 12];
  private int[] refs = new int[1 << 12]; // 1 + index into locators and lines; 0 marks an empty slot
  private final GrowableArrays.Longs locators = new GrowableArrays.Longs();
  private final GrowableArrays.Longs lines = new GrowableArrays.Longs();

  /** Where an id was first used: the record's locator and line (0 for a whole-file record). */
  record First(long locator, long line) {}

  /**
   * Remembers the id of a record, or, if an earlier record has the same id, returns where that
   * one was (and remembers nothing).
   *
   * @param idAt the id of an earlier record, by its locator
   */
  First add(String id, long locator, long line, LongFunction<String> idAt) {
    long h = hash(id);
    int mask = hashes.length - 1;
    int i = (int) Shuffle.mix(h) & mask;
    for (; refs[i] != 0; i = (i + 1) & mask) {
      if (hashes[i] == h) {
        int r = refs[i] - 1;
        if (id.equals(idAt.apply(locators.a[r]))) {
          return new First(locators.a[r], lines.a[r]);
        }
      }
    }
    int n = locators.size;
    boolean full = hashes.length == MAX_CAPACITY ? (n + 1L) * 10 > hashes.length * 9L : (n + 1L) * 2 > hashes.length;
    if (full) {
      if (hashes.length == MAX_CAPACITY) {
        throw new CorpusException("too many records to check their ids for repeats: more than " + n);
      }
      grow();
      mask = hashes.length - 1;
      i = (int) Shuffle.mix(h) & mask;
      while (refs[i] != 0) {
        i = (i + 1) & mask;
      }
    }
    hashes[i] = h;
    refs[i] = n + 1;
    locators.add(locator);
    lines.add(line);
    return null;
  }

  private void grow() {
    long[] oldH = hashes;
    int[] oldR = refs;
    hashes = new long[oldH.length * 2];
    refs = new int[oldR.length * 2];
    int mask = hashes.length - 1;
    for (int j = 0; j < oldR.length; j++) {
      if (oldR[j] != 0) {
        int i = (int) Shuffle.mix(oldH[j]) & mask;
        while (refs[i] != 0) {
          i = (i + 1) & mask;
        }
        hashes[i] = oldH[j];
        refs[i] = oldR[j];
      }
    }
  }

  /** FNV-1a over the UTF-16 code units, then a 64-bit finaliser. */
  static long hash(String s) {
    long h = 0xcbf29ce484222325L;
    for (int k = 0; k < s.length(); k++) {
      h = (h ^ s.charAt(k)) * 0x100000001b3L;
    }
    return Shuffle.mix(h);
  }
}
