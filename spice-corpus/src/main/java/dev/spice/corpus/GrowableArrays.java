package dev.spice.corpus;

import java.util.Arrays;

/** Primitive growable arrays for the index (8 or 4 bytes per entry, no boxing). */
final class GrowableArrays {
  private GrowableArrays() {}

  static final class Longs {
    long[] a = new long[1024];
    int size;

    void add(long v) {
      if (size == a.length) {
        a = Arrays.copyOf(a, newCapacity(a.length));
      }
      a[size++] = v;
    }

    long[] trimmed() {
      return Arrays.copyOf(a, size);
    }
  }

  static final class Ints {
    int[] a = new int[1024];
    int size;

    void add(int v) {
      if (size == a.length) {
        a = Arrays.copyOf(a, newCapacity(a.length));
      }
      a[size++] = v;
    }

    int[] trimmed() {
      return Arrays.copyOf(a, size);
    }
  }

  private static int newCapacity(int old) {
    if (old >= Integer.MAX_VALUE - 16) {
      throw new dev.spice.core.SpiceException.CorpusException(
          "corpus index is full: more than " + (Integer.MAX_VALUE - 16) + " entries");
    }
    return (int) Math.min(Integer.MAX_VALUE - 16L, old + (old >> 1) + 16L);
  }
}
