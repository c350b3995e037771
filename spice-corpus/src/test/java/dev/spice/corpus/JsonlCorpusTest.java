package dev.spice.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
    assertTrue(e4.getMessage().contains("'empty' is empty"), e4.getMessage());

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
}
