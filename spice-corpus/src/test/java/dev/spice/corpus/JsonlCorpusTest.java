package dev.spice.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.spice.core.CorpusCursor;
import dev.spice.core.Document;
import dev.spice.core.SpiceException.CorpusException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonlCorpusTest {
  @TempDir Path dir;

  static String line(int i) {
    return "{\"meta\":{\"id\":\"doc-" + i + "\",\"lang\":\"en\",\"score\":" + i + "},\"body\":\"Text "
        + i + " caf\u00e9 \\\"quoted\\\"\"}";
  }

  Path write(String name, List<String> lines) throws IOException {
    Path p = dir.resolve(name);
    Files.createDirectories(p.getParent());
    Files.writeString(p, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    return p;
  }

  Path gzip(String name, byte[] content) throws IOException {
    Path p = dir.resolve(name);
    try (OutputStream os = new GZIPOutputStream(Files.newOutputStream(p))) {
      os.write(content);
    }
    return p;
  }

  List<String> lines(int n) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(line(i));
    }
    return out;
  }

  @Test
  void readsDottedFieldsAndMetadata() throws IOException {
    Path p = write("a.jsonl", lines(20));
    try (Corpus c = Corpora.jsonl(p).textField("body").idField("meta.id").metadataFields("meta.lang", "meta.score").build()) {
      assertEquals("a", c.name());
      assertEquals(20, c.size().orElseThrow());
      Set<String> ids = new HashSet<>();
      for (Document d : c.next(20)) {
        ids.add(d.id());
        int i = Integer.parseInt(d.id().substring(4));
        assertEquals("Text " + i + " caf\u00e9 \"quoted\"", d.text());
        assertEquals(Map.of("meta.lang", "en", "meta.score", Integer.toString(i)), d.metadata());
        assertEquals("a", d.source());
      }
      assertEquals(20, ids.size());
      assertEquals(20, c.stats().recordsRead());
      assertTrue(c.stats().bytesRead() > 0);
    }
  }

  @Test
  void gzipEqualsPlainAndTempFileIsRemovedOnClose() throws IOException {
    List<String> ls = lines(50);
    Path plain = write("p.jsonl", ls);
    Path gz = gzip("g.jsonl.gz", Files.readAllBytes(plain));
    Path tmp = Files.createDirectories(dir.resolve("tmp"));
    List<Document> a;
    List<Document> b;
    try (Corpus c = Corpora.jsonl(plain).name("x").textField("body").idField("meta.id").build()) {
      a = c.next(120);
    }
    Corpus c2 = Corpora.jsonl(gz).name("x").textField("body").idField("meta.id").tempDirectory(tmp).build();
    b = c2.next(120);
    try (var s = Files.list(tmp)) {
      assertEquals(1, s.count());
    }
    c2.close();
    c2.close();
    try (var s = Files.list(tmp)) {
      assertEquals(0, s.count());
    }
    assertEquals(a, b);
  }

  @Test
  void directoryOfFilesWholeJsonAndDefaultIds() throws IOException {
    write("d/one.jsonl", List.of("{\"text\":\"alpha\"}", "", "{\"text\":\"beta\"}"));
    write("d/sub/two.json", List.of("{", "  \"text\": \"gamma\"", "}"));
    write("d/skip.txt", List.of("not json"));
    write("d/blank.jsonl", List.of("{\"text\":\"   \"}"));
    gzip("d/sub/three.json.gz", "{\"text\": \"delta\"}".getBytes(StandardCharsets.UTF_8));
    try (Corpus c = Corpora.jsonl(dir.resolve("d")).build()) {
      assertEquals(4, c.size().orElseThrow());
      assertEquals(Map.of("empty", 1L), c.stats().removed());
      Set<String> ids = new HashSet<>();
      Set<String> texts = new HashSet<>();
      for (Document d : c.next(4)) {
        ids.add(d.id());
        texts.add(d.text());
      }
      assertEquals(Set.of("one.jsonl@0", "one.jsonl@18", "sub/two.json", "sub/three.json.gz"), ids);
      assertEquals(Set.of("alpha", "beta", "gamma", "delta"), texts);
    }
  }

  @Test
  void crlfAndMissingFinalNewline() throws IOException {
    Path p = dir.resolve("crlf.jsonl");
    Files.writeString(p, "{\"text\":\"a\"}\r\n{\"text\":\"b\"}\r\n{\"text\":\"c\"}");
    try (Corpus c = Corpora.jsonl(p).build()) {
      Set<String> t = new HashSet<>();
      c.next(3).forEach(d -> t.add(d.text()));
      assertEquals(Set.of("a", "b", "c"), t);
    }
  }

  @Test
  void longLinesBeyondTheReadBuffer() throws IOException {
    String big = "x".repeat(3_000_000);
    Path p = write("big.jsonl", List.of("{\"text\":\"small\"}", "{\"text\":\"" + big + "\"}", "{\"text\":\"tail\"}"));
    try (Corpus c = Corpora.jsonl(p).build()) {
      Set<Integer> lengths = new HashSet<>();
      c.next(3).forEach(d -> lengths.add(d.text().length()));
      assertEquals(Set.of(5, 3_000_000, 4), lengths);
    }
  }

  @Test
  void malformedLineFailsNamingFileAndLine() throws IOException {
    List<String> ls = new ArrayList<>(lines(5));
    ls.set(3, "{\"body\": \"oops\",");
    Path p = write("bad.jsonl", ls);
    CorpusException e = assertThrows(CorpusException.class,
        () -> Corpora.jsonl(p).textField("body").build());
    assertTrue(e.getMessage().contains("bad.jsonl line 4"), e.getMessage());
    assertTrue(e.getMessage().contains("malformed JSON"), e.getMessage());
  }

  @Test
  void skipPolicyCountsBadRecords() throws IOException {
    List<String> ls = new ArrayList<>(lines(6));
    ls.set(1, "{not json");
    ls.set(2, "{\"meta\":{\"id\":\"x\"}}");
    ls.set(4, "[1,2]");
    Path p = write("s.jsonl", ls);
    try (Corpus c = Corpora.jsonl(p).textField("body").idField("meta.id").onBadRecord(BadRecordPolicy.SKIP).build()) {
      assertEquals(3, c.size().orElseThrow());
      CorpusStats st = c.stats();
      assertEquals(6, st.recordsRead());
      assertEquals(3, st.skippedRecords());
      assertEquals(3, st.skippedExamples().size());
      assertTrue(st.skippedExamples().get(0).contains("s.jsonl line 2: malformed JSON"), st.skippedExamples().get(0));
      assertTrue(st.skippedExamples().get(1).contains("missing text field 'body'"), st.skippedExamples().get(1));
      assertTrue(st.skippedExamples().get(2).contains("expected a JSON object"), st.skippedExamples().get(2));
    }
  }

  @Test
  void missingFieldsAndWrongTypesFailClearly() throws IOException {
    Path p = write("f.jsonl", List.of("{\"text\": 5, \"id\": \"a\"}"));
    CorpusException e = assertThrows(CorpusException.class, () -> Corpora.jsonl(p).build());
    assertTrue(e.getMessage().contains("f.jsonl line 1: text field 'text' is a number"), e.getMessage());
    Path q = write("g.jsonl", List.of("{\"text\": \"t\"}"));
    CorpusException e2 = assertThrows(CorpusException.class, () -> Corpora.jsonl(q).idField("doc.id").build());
    assertTrue(e2.getMessage().contains("g.jsonl line 1: missing id field 'doc.id'"), e2.getMessage());
  }

  @Test
  void invalidUtf8NamesFileLineAndOffset() throws IOException {
    Path p = dir.resolve("u.jsonl");
    byte[] good = "{\"text\":\"ok\"}\n".getBytes(StandardCharsets.UTF_8);
    byte[] bad = {'{', '"', 't', 'e', 'x', 't', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}', '\n'};
    byte[] all = Arrays.copyOf(good, good.length + bad.length);
    System.arraycopy(bad, 0, all, good.length, bad.length);
    Files.write(p, all);
    CorpusException e = assertThrows(CorpusException.class, () -> Corpora.jsonl(p).build());
    assertTrue(e.getMessage().contains("u.jsonl line 2") && e.getMessage().contains("invalid UTF-8 in "), e.getMessage());
    assertTrue(e.getMessage().contains("byte offset " + (good.length + 9)), e.getMessage());
    // invalid encoding is a broken file, not a bad record: SKIP does not hide it
    assertThrows(CorpusException.class, () -> Corpora.jsonl(p).onBadRecord(BadRecordPolicy.SKIP).build());
  }

  @Test
  void truncatedGzipMissingFileAndEmptyCorpus() throws IOException {
    byte[] content = String.join("\n", lines(2000)).getBytes(StandardCharsets.UTF_8);
    Path full = gzip("full.jsonl.gz", content);
    byte[] gz = Files.readAllBytes(full);
    Path cut = dir.resolve("cut.jsonl.gz");
    Files.write(cut, Arrays.copyOf(gz, gz.length / 2));
    CorpusException e = assertThrows(CorpusException.class, () -> Corpora.jsonl(cut).textField("body").build());
    assertTrue(e.getMessage().contains("truncated gzip file") && e.getMessage().contains("cut.jsonl.gz"), e.getMessage());

    Path notGz = dir.resolve("plain.jsonl.gz");
    Files.writeString(notGz, "{\"text\":\"x\"}\n");
    CorpusException e2 = assertThrows(CorpusException.class, () -> Corpora.jsonl(notGz).build());
    assertTrue(e2.getMessage().contains("corrupt gzip file"), e2.getMessage());

    CorpusException e3 = assertThrows(CorpusException.class, () -> Corpora.jsonl(dir.resolve("nope.jsonl")).build());
    assertTrue(e3.getMessage().contains("not found") && e3.getMessage().contains("nope.jsonl"), e3.getMessage());

    Path empty = write("empty.jsonl", List.of("", "  "));
    CorpusException e4 = assertThrows(CorpusException.class, () -> Corpora.jsonl(empty).build());
    assertTrue(e4.getMessage().contains("'empty' is empty") && e4.getMessage().contains("2 blank lines"),
        e4.getMessage());

    Files.createDirectories(dir.resolve("nothing"));
    CorpusException e5 = assertThrows(CorpusException.class, () -> Corpora.jsonl(dir.resolve("nothing")).build());
    assertTrue(e5.getMessage().contains("no JSON files in"), e5.getMessage());
  }

  @Test
  void resumeAcrossNewInstancesOnALargerFile() throws IOException {
    Path p = write("r.jsonl", lines(5000));
    List<Document> straight;
    try (Corpus c = Corpora.jsonl(p).textField("body").idField("meta.id").seed(3).build()) {
      straight = c.next(12000);
    }
    CorpusCursor saved;
    List<Document> got = new ArrayList<>();
    try (Corpus c = Corpora.jsonl(p).textField("body").idField("meta.id").seed(3).build()) {
      got.addAll(c.next(7777));
      saved = c.cursor();
    }
    try (Corpus c = Corpora.jsonl(p).textField("body").idField("meta.id").seed(3).build()) {
      c.restore(saved);
      got.addAll(c.next(12000 - 7777));
    }
    assertEquals(straight, got);
  }

  @Test
  void cursorOfChangedFileIsRejected() throws IOException {
    Path p = write("c.jsonl", lines(10));
    CorpusCursor cur;
    try (Corpus c = Corpora.jsonl(p).textField("body").build()) {
      c.next(4);
      cur = c.cursor();
    }
    List<String> changed = lines(10);
    changed.set(0, line(0) + "   ");
    write("c.jsonl", changed);
    try (Corpus c = Corpora.jsonl(p).textField("body").build()) {
      CorpusException e = assertThrows(CorpusException.class, () -> c.restore(cur));
      assertTrue(e.getMessage().contains("different data"), e.getMessage());
      assertFalse(c.cursor().state().contains("pos=4"));
    }
  }

  static Map<String, String> textsById(Corpus c, int n) {
    return c.next(n).stream().collect(Collectors.toMap(Document::id, Document::text));
  }

  static long entriesIn(Path d) throws IOException {
    try (var s = Files.list(d)) {
      return s.count();
    }
  }

  /**
   * Blank lines are ignored wherever they are and whatever they hold (spaces, tabs, a CR); a CR
   * before the newline, or before the end of the file, is not part of the record.
   */
  @Test
  void blankLinesAnywhereAndMixedLineEndings() throws IOException {
    String a = "{\"text\":\"a\"}";
    String b = "{\"text\":\"b\"}";
    String c = "{\"text\":\"c\"}";
    String content = "\n" + a + "\r\n" + "\r\n" + b + "\n" + "\r\n" + " \t \n" + c + "\r";
    Path p = dir.resolve("m.jsonl");
    Files.writeString(p, content, StandardCharsets.UTF_8);
    try (Corpus corpus = Corpora.jsonl(p).build()) {
      assertEquals(3, corpus.stats().recordsRead());
      // lines 1, 3, 5 and 6 are blank: counted there and nowhere else
      assertEquals(4, corpus.stats().blankLines());
      assertEquals(0, corpus.stats().skippedRecords());
      assertEquals(Map.of(), corpus.stats().removed());
      assertEquals(content.length(), corpus.stats().bytesRead());
      assertEquals(Map.of(p + "@" + content.indexOf(a), "a", p + "@" + content.indexOf(b), "b", p + "@" + content.indexOf(c), "c"),
          textsById(corpus, 3));
    }
  }

  /** Records on either side of the scanner's 1 MiB read buffer, and a first line longer than two. */
  @Test
  void recordsAcrossTheReadBufferAndAFirstLineLongerThanIt() throws IOException {
    int buffer = 1 << 20;
    String big = "x".repeat(2 * buffer + 5000);
    String after = "{\"text\":\"after\"}";
    Path first = dir.resolve("first.jsonl");
    Files.writeString(first, "{\"text\":\"" + big + "\"}\n" + after + "\n", StandardCharsets.UTF_8);
    // the filler's newline is the last byte of the first buffer; a blank line starts the next one
    String filler = "{\"text\":\"" + "y".repeat(buffer - 12) + "\"}\n";
    String z = "{\"text\":\"z\"}";
    String w = "{\"text\":\"w\"}";
    String second = filler + "\n" + z + "\r\n" + w;
    assertEquals(buffer, filler.length());
    Path p2 = dir.resolve("second.jsonl");
    Files.writeString(p2, second, StandardCharsets.UTF_8);
    try (Corpus corpus = Corpora.jsonl(first, p2).build()) {
      Map<String, String> got = textsById(corpus, 5);
      assertEquals(big, got.get(first + "@0"));
      assertEquals("after", got.get(first + "@" + (big.length() + 12)));
      assertEquals(buffer - 12, got.get(p2 + "@0").length());
      assertEquals("z", got.get(p2 + "@" + second.indexOf(z)));
      assertEquals("w", got.get(p2 + "@" + second.indexOf(w)));
      assertEquals(5, corpus.stats().recordsRead());
    }
  }

  @Test
  void wholeFileDocumentsCountAsRecordsAndTheirBytesAsRead() throws IOException {
    Path d = Files.createDirectories(dir.resolve("w"));
    String one = "{\n  \"text\": \"one\"\n}\n";
    String two = "{\"text\": \"two \u00e9\"}";
    Files.writeString(d.resolve("one.json"), one, StandardCharsets.UTF_8);
    byte[] twoBytes = two.getBytes(StandardCharsets.UTF_8);
    gzip("w/two.json.gz", twoBytes);
    Path three = write("w/three.jsonl", List.of("{\"text\":\"3a\"}", "{\"text\":\"3b\"}"));
    try (Corpus c = Corpora.jsonl(d).build()) {
      assertEquals(4, c.stats().recordsRead());
      assertEquals(one.length() + twoBytes.length + Files.size(three), c.stats().bytesRead());
      assertEquals(Set.of("one", "two \u00e9", "3a", "3b"), Set.copyOf(textsById(c, 4).values()));
    }
  }

  @Test
  void aFailedBuildLeavesNoTemporaryFile() throws IOException {
    Path tmp = Files.createDirectories(dir.resolve("tmp"));
    Path bad = gzip("bad.jsonl.gz", "{\"text\":\"ok\"}\n{oops\n".getBytes(StandardCharsets.UTF_8));
    CorpusException e = assertThrows(CorpusException.class, () -> Corpora.jsonl(bad).tempDirectory(tmp).build());
    assertTrue(e.getMessage().contains("bad.jsonl.gz line 2: malformed JSON"), e.getMessage());
    assertEquals(0, entriesIn(tmp));
    Path blank = gzip("blank.jsonl.gz", "{\"text\":\" \"}\n\n".getBytes(StandardCharsets.UTF_8));
    CorpusException e2 = assertThrows(CorpusException.class, () -> Corpora.jsonl(blank).tempDirectory(tmp).build());
    assertTrue(e2.getMessage().contains("is empty"), e2.getMessage());
    assertEquals(0, entriesIn(tmp));
  }

  @Test
  void truncatedGzipSaysHowMuchWasDecompressed() throws IOException {
    byte[] content = String.join("\n", lines(3000)).getBytes(StandardCharsets.UTF_8);
    byte[] gz = Files.readAllBytes(gzip("full.jsonl.gz", content));
    Path cut = dir.resolve("cut.jsonl.gz");
    Files.write(cut, Arrays.copyOf(gz, gz.length / 2));
    CorpusException e = assertThrows(CorpusException.class, () -> Corpora.jsonl(cut).textField("body").build());
    Matcher m = Pattern.compile("ends after (\\d+) decompressed bytes").matcher(e.getMessage());
    assertTrue(m.find(), e.getMessage());
    long n = Long.parseLong(m.group(1));
    assertTrue(n > 0 && n < content.length, e.getMessage());
  }

  /** A record that is no longer where it was indexed fails on read, naming file and offset. */
  @Test
  void aFileModifiedAfterIndexingFailsOnReadNamingTheOffset() throws IOException {
    Path p = dir.resolve("mod.jsonl");
    Files.writeString(p, "{\"text\":\"a\"}\n{\"text\":\"b\"}\n", StandardCharsets.UTF_8);
    try (Corpus c = Corpora.jsonl(p).build()) {
      // the second record was at byte 13, which is now an empty line before another record
      Files.writeString(p, "{\"text\":\"a\"}\n\n{\"text\":\"zz\"}\n", StandardCharsets.UTF_8);
      CorpusException e = assertThrows(CorpusException.class, () -> c.next(2));
      assertTrue(e.getMessage().contains("mod.jsonl at byte offset 13") && e.getMessage().contains("modified"),
          e.getMessage());
    }
  }

  @Test
  void closingACorpusReleasesItsFiles() throws IOException {
    Path fds = Path.of("/proc/self/fd");
    assumeTrue(Files.isDirectory(fds), "needs /proc/self/fd");
    for (int i = 0; i < 40; i++) {
      write("many/f" + i + ".jsonl", List.of("{\"text\":\"t" + i + "\"}"));
    }
    long before = entriesIn(fds);
    for (int round = 0; round < 3; round++) {
      Corpus c = Corpora.jsonl(dir.resolve("many")).build();
      c.next(40);
      c.close();
    }
    long after = entriesIn(fds);
    assertTrue(after - before < 20, (after - before) + " more open files after closing");
  }
}
