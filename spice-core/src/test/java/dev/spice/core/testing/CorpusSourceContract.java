package dev.spice.core.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.spice.core.CorpusCursor;
import dev.spice.core.CorpusSource;
import dev.spice.core.Document;
import dev.spice.core.SpiceException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Contract every {@link CorpusSource} must pass. Sources should hold at least 5 documents. */
public abstract class CorpusSourceContract {

  /** A fresh source over the test's data, seeded. */
  protected abstract CorpusSource createSource(long seed);

  /** Whether every epoch yields each document exactly once (uniform without replacement). */
  protected boolean epochsAreExact() {
    return true;
  }

  private static List<String> ids(CorpusSource s, int n) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(s.next().id());
    }
    return out;
  }

  @Test
  void documentsAreWellFormed() {
    try (CorpusSource s = createSource(1)) {
      assertFalse(s.name().isBlank());
      for (int i = 0; i < 20; i++) {
        Document d = s.next();
        assertFalse(d.id().isBlank());
        assertFalse(d.text().isBlank(), "document " + d.id() + " has no text");
        assertFalse(d.source().isBlank());
      }
    }
  }

  @Test
  void sameSeedGivesSameSequence() {
    try (CorpusSource a = createSource(5); CorpusSource b = createSource(5)) {
      assertEquals(ids(a, 30), ids(b, 30));
    }
  }

  @Test
  void resumeFromCursorContinuesExactly() {
    for (int k : new int[] {0, 3, 7}) {
      try (CorpusSource straight = createSource(9); CorpusSource first = createSource(9);
          CorpusSource resumed = createSource(9)) {
        List<String> expected = ids(straight, k + 25);
        List<String> got = new ArrayList<>(ids(first, k));
        CorpusCursor c = first.cursor();
        resumed.restore(c);
        got.addAll(ids(resumed, 25));
        assertEquals(expected, got, "resumed after " + k + " documents");
      }
    }
  }

  @Test
  void epochYieldsEveryDocumentOnce() {
    if (!epochsAreExact()) {
      return;
    }
    try (CorpusSource s = createSource(3)) {
      long n = s.size().orElse(-1);
      if (n < 0 || n > 100_000) {
        return;
      }
      Set<String> seen = new HashSet<>();
      for (long i = 0; i < n; i++) {
        String id = s.next().id();
        assertFalse(!seen.add(id), "document " + id + " drawn twice in one epoch");
      }
      assertEquals(n, seen.size());
    }
  }

  @Test
  void foreignCursorIsRejectedAndPositionKept() {
    try (CorpusSource s = createSource(4); CorpusSource ref = createSource(4)) {
      ids(s, 2);
      ids(ref, 2);
      assertThrows(SpiceException.CorpusException.class,
          () -> s.restore(new CorpusCursor("definitely-not-" + s.name(), "0")));
      assertEquals(ids(ref, 10), ids(s, 10));
    }
  }
}
