package dev.spice.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.Document;
import dev.spice.core.SpiceException.ConfigurationException;
import dev.spice.core.SpiceException.CorpusException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Input that used to pass silently or fail confusingly: a UTF-8 byte-order mark on a JSON file,
 * repeated ids, binary-looking text files; and where skip warnings go.
 */
class BadInputTest {
  private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

  @TempDir Path dir;

  Path bytes(String name, byte[]... parts) throws IOException {
    Path p = dir.resolve(name);
    Files.createDirectories(p.getParent());
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    for (byte[] b : parts) {
      all.write(b);
    }
    Files.write(p, all.toByteArray());
    return p;
  }

  Path text(String name, String content) throws IOException {
    return bytes(name, content.getBytes(StandardCharsets.UTF_8));
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static Map<String, String> all(Corpus c) {
    return c.next((int) c.size().orElseThrow()).stream().collect(Collectors.toMap(Document::id, Document::text));
  }

  // ---- byte-order mark

  @Test
  void aByteOrderMarkBeforeTheFirstJsonLineIsDropped() throws IOException {
    Path p = bytes("bom.jsonl", BOM, utf8("{\"id\":\"a\",\"text\":\"first\"}\n{\"id\":\"b\",\"text\":\"second\"}\n"));
    try (Corpus c = Corpora.jsonl(p).idField("id").build()) {
      assertEquals(Map.of("a", "first", "b", "second"), all(c));
      assertEquals(2, c.stats().recordsRead());
      assertEquals(0, c.stats().skippedRecords());
    }
    // without an id field the first record's id is the byte offset after the mark, and it reads back
    try (Corpus c = Corpora.jsonl(p).build()) {
      Map<String, String> got = all(c);
      assertEquals("first", got.get(p + "@3"), got.toString());
    }
  }

  @Test
  void aByteOrderMarkIsDroppedFromGzipAndWholeFileJson() throws IOException {
    Path gz = dir.resolve("bom.jsonl.gz");
    try (OutputStream os = new GZIPOutputStream(Files.newOutputStream(gz))) {
      os.write(BOM);
      os.write(utf8("{\"text\":\"zipped\"}\n"));
    }
    bytes("w/doc.json", BOM, utf8("{\n  \"text\": \"whole\"\n}\n"));
    try (Corpus c = Corpora.jsonl(gz, dir.resolve("w")).build()) {
      assertEquals(Set.of("zipped", "whole"), Set.copyOf(all(c).values()));
    }
  }

  @Test
  void aByteOrderMarkAloneOnTheFirstLineIsABlankLine() throws IOException {
    Path p = bytes("bomline.jsonl", BOM, utf8("\n{\"text\":\"x\"}\n"));
    try (Corpus c = Corpora.jsonl(p).build()) {
      assertEquals(1, c.stats().recordsRead());
      assertEquals(1, c.stats().blankLines());
    }
  }

  @Test
  void aByteOrderMarkLaterInTheFileIsStillAnError() throws IOException {
    Path p = bytes("mid.jsonl", utf8("{\"text\":\"x\"}\n"), BOM, utf8("{\"text\":\"y\"}\n"));
    CorpusException e = assertThrows(CorpusException.class, () -> Corpora.jsonl(p).build());
    assertTrue(e.getMessage().contains("mid.jsonl line 2: malformed JSON"), e.getMessage());
  }

  @Test
  void blankLinesAreCountedAndAddUpInAMixture() throws IOException {
    Path a = text("a.jsonl", "{\"text\":\"a\"}\n\n\n");
    Path b = text("b.jsonl", "\n{\"text\":\"b\"}\n");
    try (Corpus ca = Corpora.jsonl(a).build(); Corpus cb = Corpora.jsonl(b).build();
        Corpus mix = Corpora.mix().add(ca, 1).add(cb, 1).build()) {
      assertEquals(2, ca.stats().blankLines());
      assertEquals(1, cb.stats().blankLines());
      assertEquals(3, mix.stats().blankLines());
      assertEquals(2, mix.stats().recordsRead());
    }
    assertEquals(0, new CorpusStats(1, 0, List.of(), Map.of(), 1, 1, 10).blankLines());
  }

  // ---- repeated ids

  @Test
  void aRepeatedIdFailsNamingBothPlaces() throws IOException {
    text("d/a.jsonl", "{\"id\":\"x1\",\"text\":\"one\"}\n{\"id\":\"x2\",\"text\":\"two\"}\n");
    text("d/b.jsonl", "\n{\"id\":\"x3\",\"text\":\"three\"}\n{\"id\":\"x2\",\"text\":\"again\"}\n");
    CorpusException e = assertThrows(CorpusException.class, () -> Corpora.jsonl(dir.resolve("d")).idField("id").build());
    assertEquals("b.jsonl line 3: duplicate id 'x2', first used at a.jsonl line 2 ("
        + CorpusBuilder.DEFAULT_BAD_RECORD_HINT + ")", e.getMessage());
  }

  @Test
  void aRepeatedIdIsSkippedAndCountedUnderSkip() throws IOException {
    Path p = text("s.jsonl", "{\"id\":7,\"text\":\"a\"}\n{\"id\":\"7\",\"text\":\"b\"}\n{\"id\":8,\"text\":\"c\"}\n"
        + "{\"id\":7,\"text\":\"d\"}\n");
    try (Corpus c = Corpora.jsonl(p).idField("id").onBadRecord(BadRecordPolicy.SKIP).build()) {
      assertEquals(Map.of("7", "a", "8", "c"), all(c));
      assertEquals(4, c.stats().recordsRead());
      assertEquals(2, c.stats().skippedRecords());
      assertEquals(List.of(p + " line 2: duplicate id '7', first used at " + p + " line 1",
          p + " line 4: duplicate id '7', first used at " + p + " line 1"), c.stats().skippedExamples());
    }
  }

  @Test
  void aRepeatedIdOfAWholeFileDocumentNamesTheFile() throws IOException {
    text("w/one.json", "{\"id\":\"same\",\"text\":\"1\"}");
    text("w/two.json", "{\"id\":\"same\",\"text\":\"2\"}");
    CorpusException e = assertThrows(CorpusException.class, () -> Corpora.jsonl(dir.resolve("w")).idField("id").build());
    assertTrue(e.getMessage().startsWith("two.json: duplicate id 'same', first used at one.json ("), e.getMessage());
  }

  @Test
  void aRepeatedIdCountsEvenWhenItsFirstRecordWasFilteredOut() throws IOException {
    Path p = text("f.jsonl", "{\"id\":\"a\",\"text\":\"  \"}\n{\"id\":\"a\",\"text\":\"real\"}\n");
    CorpusException e = assertThrows(CorpusException.class, () -> Corpora.jsonl(p).idField("id").build());
    assertTrue(e.getMessage().contains("f.jsonl line 2: duplicate id 'a', first used at " + p + " line 1"),
        e.getMessage());
  }

  @Test
  void withoutAnIdFieldEqualTextsAreNotRepeatedIds() throws IOException {
    Path p = text("t.jsonl", "{\"text\":\"same\"}\n{\"text\":\"same\"}\n");
    try (Corpus c = Corpora.jsonl(p).build()) {
      assertEquals(2, c.size().orElseThrow());
    }
  }

  @Test
  void manyDistinctIdsAreAllAcceptedAndAnyRepeatIsFound() throws IOException {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 20_000; i++) {
      sb.append("{\"id\":\"doc-").append(i).append("\",\"text\":\"t\"}\n");
    }
    Path ok = text("many.jsonl", sb.toString());
    try (Corpus c = Corpora.jsonl(ok).idField("id").build()) {
      assertEquals(20_000, c.size().orElseThrow());
    }
    sb.append("{\"id\":\"doc-12345\",\"text\":\"t\"}\n");
    Path bad = text("many2.jsonl", sb.toString());
    CorpusException e = assertThrows(CorpusException.class, () -> Corpora.jsonl(bad).idField("id").build());
    assertTrue(e.getMessage().contains("many2.jsonl line 20001: duplicate id 'doc-12345', first used at " + bad
        + " line 12346"), e.getMessage());
  }

  @Test
  void aLongRepeatedIdIsShortenedInTheMessage() throws IOException {
    String id = "k".repeat(500);
    Path p = text("long.jsonl", "{\"id\":\"" + id + "\",\"text\":\"a\"}\n{\"id\":\"" + id + "\",\"text\":\"b\"}\n");
    CorpusException e = assertThrows(CorpusException.class, () -> Corpora.jsonl(p).idField("id").build());
    assertTrue(e.getMessage().contains("duplicate id '" + "k".repeat(77) + "...'"), e.getMessage());
    assertTrue(e.getMessage().length() < 400, e.getMessage());
  }

  @Test
  void seenIdsConfirmsAnEqualHashByTheEarlierRecordsId() {
    SeenIds seen = new SeenIds();
    Map<Long, String> byLocator = new HashMap<>();
    for (long i = 0; i < 50_000; i++) {
      String id = "id" + i;
      byLocator.put(i, id);
      assertNull(seen.add(id, i, i + 1, byLocator::get));
    }
    SeenIds.First first = seen.add("id4242", 99_999, 7, byLocator::get);
    assertNotNull(first);
    assertEquals(4242, first.locator());
    assertEquals(4243, first.line());
    // an earlier record with an equal hash but another id (a collision) is not a repeat
    SeenIds other = new SeenIds();
    assertNull(other.add("a", 1, 1, loc -> "a"));
    assertNull(other.add("a", 2, 2, loc -> "not a"));
  }

  // ---- binary-looking files in a directory

  @Test
  void aFileOfNulBytesFailsNamingTheFile() throws IOException {
    text("docs/good.txt", "Plain text.");
    Path bin = bytes("docs/blob.txt", new byte[64]);
    CorpusException e = assertThrows(CorpusException.class, () -> Corpora.directory(dir.resolve("docs")).build());
    assertEquals(bin + ": binary-looking file, not text (NUL byte at byte offset 0) ("
        + CorpusBuilder.DEFAULT_BAD_RECORD_HINT + ")", e.getMessage());
  }

  @Test
  void binaryLookingFilesAreSkippedAndCountedUnderSkip() throws IOException {
    text("docs/good.txt", "Plain text.");
    bytes("docs/nul.txt", utf8("text then "), new byte[] {0}, utf8(" more"));
    byte[] controls = new byte[100];
    for (int i = 0; i < controls.length; i++) {
      controls[i] = (byte) (i % 5 == 0 ? 0x01 : 'a'); // 20 % control characters, no NUL
    }
    bytes("docs/controls.txt", controls);
    bytes("docs/utf16.txt", new byte[] {(byte) 0xFF, (byte) 0xFE, 'h', 0, 'i', 0});
    try (Corpus c = Corpora.directory(dir.resolve("docs")).onBadRecord(BadRecordPolicy.SKIP).build()) {
      assertEquals(Map.of("good.txt", "Plain text."), all(c));
      assertEquals(4, c.stats().recordsRead());
      assertEquals(3, c.stats().skippedRecords());
      List<String> ex = c.stats().skippedExamples();
      assertEquals(3, ex.size());
      assertTrue(ex.get(0).endsWith("controls.txt: binary-looking file, not text (20 of 100 bytes are control "
          + "characters, more than 10 %)"), ex.get(0));
      assertTrue(ex.get(1).endsWith("nul.txt: binary-looking file, not text (NUL byte at byte offset 10)"), ex.get(1));
      assertTrue(ex.get(2).endsWith("utf16.txt: binary-looking file, not UTF-8 text (starts with a UTF-16 or UTF-32 "
          + "byte-order mark)"), ex.get(2));
    }
  }

  @Test
  void textWithAFewControlCharactersIsText() throws IOException {
    // tabs, CRs, form feeds and a few ANSI escapes (under 10 % of the bytes) are text
    String t = "Col\tumn\r\n\fPage two \u001b[1mbold\u001b[0m and more words to make it long enough.";
    text("docs/ok.txt", t);
    try (Corpus c = Corpora.directory(dir.resolve("docs")).build()) {
      assertEquals(Map.of("ok.txt", t), all(c));
    }
    assertNull(DirectoryStore.binaryReason(new byte[0]));
    assertNull(DirectoryStore.binaryReason(utf8("\u00e9t\u00e9 \u4e2d\u6587")));
    // exactly 10 % is still text, above it is not
    assertNull(DirectoryStore.binaryReason(utf8("\u0001bcdefghij")));
    assertNotNull(DirectoryStore.binaryReason(utf8("\u0001\u0002cdefghijklmnopqrs")));
  }

  @Test
  void theSkipHintCanNameTheApplicationsOwnSetting() throws IOException {
    bytes("docs/blob.txt", new byte[8]);
    CorpusException e = assertThrows(CorpusException.class, () -> Corpora.directory(dir.resolve("docs"))
        .badRecordHint("set on_bad_record=skip to skip and count such files").build());
    assertTrue(e.getMessage().endsWith("(set on_bad_record=skip to skip and count such files)"), e.getMessage());
    assertThrows(ConfigurationException.class, () -> Corpora.directory(dir).badRecordHint(" "));
  }

  @Test
  void aFileThatBecameBinaryAfterIndexingFailsOnRead() throws IOException {
    Path p = text("docs/a.txt", "Alpha.");
    try (Corpus c = Corpora.directory(dir.resolve("docs")).build()) {
      Files.write(p, new byte[] {'A', 0, 'B'});
      CorpusException e = assertThrows(CorpusException.class, c::next);
      assertTrue(e.getMessage().contains("a.txt: binary-looking file") && e.getMessage().contains("modified"),
          e.getMessage());
    }
  }

  @Test
  void ioErrorsAreDescribedWithoutClassNames() {
    CorpusException e = assertThrows(CorpusException.class,
        () -> new DirectoryStore(List.of(new InputFiles.Found(dir.resolve("gone.txt"), "gone.txt"))).read(0));
    assertEquals("cannot read " + dir.resolve("gone.txt") + ": no such file or directory", e.getMessage());
  }

  // ---- logging

  @Test
  void skipWarningsGoThroughSlf4j() throws IOException {
    Path p = text("log.jsonl", "{\"text\":\"ok\"}\n{broken\n");
    PrintStream before = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try (Corpus c = Corpora.jsonl(p).onBadRecord(BadRecordPolicy.SKIP).build()) {
      assertEquals(1, c.stats().skippedRecords());
    } finally {
      System.setErr(before);
    }
    // slf4j-simple (the test binding) writes "<level> <logger> - <message>" to System.err
    String log = captured.toString(StandardCharsets.UTF_8);
    assertTrue(log.contains("WARN") && log.contains(StatsCollector.LOGGER)
        && log.contains("skipped record: " + p + " line 2: malformed JSON"), log);
  }
}
