package dev.spice.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.CorpusCursor;
import dev.spice.core.Document;
import dev.spice.core.SpiceException.CorpusException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Cursor validation, the index fingerprint and indexing statistics of the indexed corpora. */
class IndexedCorpusTest {
  @TempDir Path dir;

  static List<Document> docs(int n) {
    List<Document> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(Document.of("d" + i, "text of document " + i, "t"));
    }
    return out;
  }

  static CorpusCursor withState(CorpusCursor c, String key, String value) {
    return new CorpusCursor(c.source(), c.state().replaceFirst(key + "=[^;]*", key + "=" + value));
  }

  /**
   * A cursor's position is in [0, n): the corpus itself never writes pos = n (it wraps to the next
   * epoch), so such a cursor is refused at restore, naming the source and the position, and the
   * corpus keeps its place.
   */
  @Test
  void restoreRefusesAPositionOnePastTheEndAndKeepsItsPlace() {
    Corpus c = Corpora.memory(docs(10)).seed(1).build();
    c.next(3);
    CorpusCursor before = c.cursor();
    CorpusException e = assertThrows(CorpusException.class, () -> c.restore(withState(before, "pos", "10")));
    assertTrue(e.getMessage().contains("'memory'") && e.getMessage().contains("pos 10"), e.getMessage());
    assertTrue(e.getMessage().contains("[0, 10)"), e.getMessage());
    assertEquals(before, c.cursor());
    CorpusException e2 = assertThrows(CorpusException.class, () -> c.restore(withState(before, "epoch", "-1")));
    assertTrue(e2.getMessage().contains("epoch -1"), e2.getMessage());
    assertThrows(CorpusException.class, () -> c.restore(withState(before, "pos", "-1")));
    assertEquals(before, c.cursor());

    // the last position is valid: one more draw ends the epoch
    Corpus fresh = Corpora.memory(docs(10)).seed(1).build();
    List<Document> epoch0 = fresh.next(10);
    c.restore(withState(before, "pos", "9"));
    assertEquals(epoch0.get(9), c.next());
    assertTrue(c.cursor().state().startsWith("epoch=1;pos=0;"), c.cursor().state());
  }

  /** Segment offsets are part of the index: a cursor of other segment starts or ends is refused. */
  @Test
  void cursorOfAnIndexWithOtherSegmentOffsetsIsRefused() {
    // same number of entries and same ends (2, 5), other starts (3 vs 4)
    assertRefused(segmented("aa bc"), segmented("aa  c"));
    // same starts (0, 3), other ends (5 vs 4)
    assertRefused(segmented("aa bb"), segmented("aa b"));
    // the same data is accepted
    Corpus a = segmented("aa bc");
    a.next();
    Corpus b = segmented("aa bc");
    b.restore(a.cursor());
    assertEquals(a.cursor(), b.cursor());
  }

  static Corpus segmented(String text) {
    return Corpora.memory(List.of(Document.of("d", text, "t"))).segment(Segmenter.chars(2)).seed(3).build();
  }

  static void assertRefused(Corpus from, Corpus to) {
    assertEquals(from.size(), to.size());
    CorpusCursor before = to.cursor();
    CorpusException e = assertThrows(CorpusException.class, () -> to.restore(from.cursor()));
    assertTrue(e.getMessage().contains("different data"), e.getMessage());
    assertEquals(before, to.cursor());
  }

  /** Moving one record (another byte offset, same number of records) changes the index. */
  @Test
  void cursorOfAFileWhoseLastRecordMovedIsRefused() throws IOException {
    Path p = dir.resolve("m.jsonl");
    for (int grow = 1; grow <= 6; grow++) {
      Files.writeString(p, "{\"text\":\"a\"}\n{\"text\":\"b\"}\n{\"text\":\"c\"}\n", StandardCharsets.UTF_8);
      CorpusCursor cur;
      try (Corpus c = Corpora.jsonl(p).build()) {
        c.next();
        cur = c.cursor();
      }
      Files.writeString(p, "{\"text\":\"a\"}\n{\"text\":\"b" + "b".repeat(grow) + "\"}\n{\"text\":\"c\"}\n", StandardCharsets.UTF_8);
      try (Corpus c = Corpora.jsonl(p).build()) {
        CorpusException e = assertThrows(CorpusException.class, () -> c.restore(cur), "grown by " + grow);
        assertTrue(e.getMessage().contains("different data"), e.getMessage());
      }
    }
  }

  @Test
  void statsOfAnUnsegmentedCorpusCountDocumentsAndEntries() {
    List<Document> in = new ArrayList<>(docs(6));
    in.add(Document.of("blank", "  \n ", "t"));
    in.add(Document.of("short", "tiny", "t"));
    Corpus c = Corpora.memory(in).filter(DocumentFilters.length(10, 1000)).build();
    CorpusStats st = c.stats();
    assertEquals(8, st.recordsRead());
    assertEquals(6, st.documents());
    assertEquals(6, st.entries());
    assertEquals(Map.of("empty", 1L, "length", 1L), st.removed());
    assertEquals(0, st.skippedRecords());
    assertEquals(6, c.size().orElseThrow());
    assertTrue(c.toString().contains("memory") && c.toString().contains("6 entries"), c.toString());
  }

  @Test
  void statsOfASegmentedCorpusCountDocumentsAndSegments() {
    List<Document> in = List.of(
        Document.of("a", "One sentence. Two sentence. Three.", "t"), Document.of("b", "Short.", "t"));
    CorpusStats st = Corpora.memory(in).segment(Segmenter.chars(14)).build().stats();
    assertEquals(2, st.documents());
    assertEquals(4, st.entries());
  }
}
