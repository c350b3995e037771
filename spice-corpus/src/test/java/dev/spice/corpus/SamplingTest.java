package dev.spice.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.CorpusCursor;
import dev.spice.core.Document;
import dev.spice.core.SpiceException.CorpusException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SamplingTest {

  static List<Document> docs(int n) {
    List<Document> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(Document.of("d" + i, "text of document " + i, "t"));
    }
    return out;
  }

  @Test
  void everyDocumentOncePerEpochAndEpochsDiffer() {
    Corpus c = Corpora.memory(docs(50)).seed(3).build();
    List<String> e1 = c.next(50).stream().map(Document::id).toList();
    List<String> e2 = c.next(50).stream().map(Document::id).toList();
    assertEquals(50, new HashSet<>(e1).size());
    assertEquals(50, new HashSet<>(e2).size());
    assertNotEquals(e1, e2);
  }

  @Test
  void resumeEqualsUninterruptedRunForManySplitPoints() {
    List<Document> data = docs(37);
    List<Document> full = Corpora.memory(data).seed(11).build().next(150);
    for (int k : new int[] {0, 1, 36, 37, 38, 74, 100}) {
      Corpus first = Corpora.memory(data).seed(11).build();
      first.next(k);
      CorpusCursor saved = first.cursor();
      CorpusCursor copy = new CorpusCursor(saved.source(), saved.state()); // as if stored as text
      Corpus second = Corpora.memory(data).seed(11).build();
      second.restore(copy);
      List<Document> rest = second.next(150 - k);
      assertEquals(full.subList(k, 150), rest, "split at " + k);
    }
  }

  @Test
  void restoreRejectsForeignOrChangedCursorsAndKeepsPosition() {
    Corpus c = Corpora.memory(docs(10)).seed(1).build();
    c.next(3);
    CorpusCursor before = c.cursor();
    Corpus other = Corpora.memory(docs(11)).seed(1).build();
    assertThrows(CorpusException.class, () -> c.restore(other.cursor()));
    Corpus otherSeed = Corpora.memory(docs(10)).seed(2).build();
    assertThrows(CorpusException.class, () -> c.restore(otherSeed.cursor()));
    assertThrows(CorpusException.class, () -> c.restore(new CorpusCursor("elsewhere", before.state())));
    assertThrows(CorpusException.class, () -> c.restore(new CorpusCursor("memory", "garbage")));
    assertThrows(CorpusException.class,
        () -> c.restore(new CorpusCursor("memory", before.state().replace("pos=3", "pos=99"))));
    assertEquals(before, c.cursor());
  }

  @Test
  void cursorIsOneShortLine() {
    Corpus c = Corpora.memory(docs(10)).build();
    c.next(13);
    String s = c.cursor().state();
    assertTrue(s.startsWith("epoch=1;pos=3;n=10;seed=42;fp="), s);
    assertTrue(s.length() < 80);
  }

  /**
   * Over many seeds, the first draw of an epoch is uniform over 20 documents: chi-square with 19
   * degrees of freedom stays below 43.82 (p = 0.001 critical value).
   */
  @Test
  void firstDrawIsUniformChiSquare() {
    int n = 20;
    int runs = 4000;
    List<Document> data = docs(n);
    long[] counts = new long[n];
    for (int s = 0; s < runs; s++) {
      Document d = Corpora.memory(data).seed(s).build().next();
      counts[Integer.parseInt(d.id().substring(1))]++;
    }
    assertTrue(Stats.chiSquareUniform(counts) < 43.82, "chi2 " + Stats.chiSquareUniform(counts));
  }

  @Test
  void positionsWithinEpochAreUniformAcrossEpochs() {
    // doc 0's position in each epoch, over many epochs of one seeded run: uniform on 0..9
    Corpus c = Corpora.memory(docs(10)).seed(5).build();
    long[] counts = new long[10];
    for (int e = 0; e < 3000; e++) {
      List<Document> epoch = c.next(10);
      for (int p = 0; p < 10; p++) {
        if (epoch.get(p).id().equals("d0")) {
          counts[p]++;
        }
      }
    }
    // 9 degrees of freedom, p = 0.001 critical value 27.88
    assertTrue(Stats.chiSquareUniform(counts) < 27.88, "chi2 " + Stats.chiSquareUniform(counts));
  }

  @Test
  void emptyCorpusAndDuplicateIdsFailClearly() {
    CorpusException e = assertThrows(CorpusException.class, () -> Corpora.of(List.of()));
    assertTrue(e.getMessage().contains("empty"), e.getMessage());
    List<Document> dup = List.of(Document.of("a", "x", "t"), Document.of("a", "y", "t"));
    CorpusException e2 = assertThrows(CorpusException.class, () -> Corpora.of(dup));
    assertTrue(e2.getMessage().contains("duplicate document id"), e2.getMessage());
    Corpus skipped = Corpora.memory(dup).onBadRecord(BadRecordPolicy.SKIP).build();
    assertEquals(1, skipped.stats().skippedRecords());
    assertEquals(1, skipped.size().orElseThrow());
  }

  @Test
  void concurrentDrawsYieldEachDocumentOncePerEpoch() throws Exception {
    Corpus c = Corpora.memory(docs(400)).seed(9).build();
    Set<String> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();
    List<Thread> ts = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      Thread th = new Thread(() -> {
        for (int i = 0; i < 100; i++) {
          seen.add(c.next().id());
        }
      });
      ts.add(th);
      th.start();
    }
    for (Thread th : ts) {
      th.join();
    }
    assertEquals(400, seen.size());
    assertEquals("epoch=1;pos=0", c.cursor().state().substring(0, 13));
  }
}
