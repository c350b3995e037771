package dev.spice.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.CorpusCursor;
import dev.spice.core.CorpusSource;
import dev.spice.core.Document;
import dev.spice.core.SpiceException.CorpusException;
import dev.spice.core.testing.CorpusSourceContract;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Parquet and CSV through DuckDB; fixtures are written by DuckDB itself. */
class TableCorpusTest {
  @TempDir Path dir;

  static void duck(String sql) {
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(sql, e);
    }
  }

  /** n rows: id 'row-i', text, struct meta {lang, n}; row 3's text is null when withNull. */
  static Path parquet(Path file, int n, boolean withNull) {
    duck("COPY (SELECT 'row-' || i AS id, CASE WHEN " + withNull + " AND i = 3 THEN NULL ELSE 'Parquet text ' || i || ' \u00fcber' END AS text,"
        + " {'lang': 'de', 'n': i} AS meta, i * 2 AS extra FROM range(" + n + ") t(i))"
        + " TO '" + file + "' (FORMAT PARQUET)");
    return file;
  }

  @Test
  void parquetWithStructMetadataAndResume() {
    Path p = parquet(dir.resolve("train.parquet"), 40, false);
    try (Corpus c = Corpora.parquet(p).idColumn("id").metadataColumns("meta.lang", "extra").seed(4).build()) {
      assertEquals("train", c.name());
      assertEquals(40, c.size().orElseThrow());
      Map<String, Document> byId = new HashMap<>();
      c.next(40).forEach(d -> byId.put(d.id(), d));
      Document d7 = byId.get("row-7");
      assertEquals("Parquet text 7 \u00fcber", d7.text());
      assertEquals(Map.of("meta.lang", "de", "extra", "14"), d7.metadata());
    }
    List<Document> straight = Corpora.parquet(p).idColumn("id").seed(4).build().next(100);
    Corpus a = Corpora.parquet(p).idColumn("id").seed(4).build();
    List<Document> got = new java.util.ArrayList<>(a.next(33));
    CorpusCursor cur = a.cursor();
    a.close();
    Corpus b = Corpora.parquet(p).idColumn("id").seed(4).build();
    b.restore(cur);
    got.addAll(b.next(67));
    b.close();
    assertEquals(straight, got);
  }

  @Test
  void temporaryExportsAreDeletedOnClose() throws IOException {
    Path p = parquet(dir.resolve("t.parquet"), 5, false);
    Path tmp = Files.createDirectories(dir.resolve("tmp"));
    Corpus c = Corpora.parquet(p).tempDirectory(tmp).build();
    try (var s = Files.list(tmp)) {
      assertEquals(1, s.count());
    }
    c.next(3);
    c.close();
    try (var s = Files.list(tmp)) {
      assertEquals(0, s.count());
    }
  }

  /** A build that fails on the first file removes the exports of every file, scanned or not. */
  @Test
  void aFailedBuildRemovesEveryTemporaryExport() throws IOException {
    Path bad = parquet(dir.resolve("a-bad.parquet"), 6, true);
    Path good = parquet(dir.resolve("b-good.parquet"), 4, false);
    Path tmp = Files.createDirectories(dir.resolve("tmp-failed"));
    CorpusException e = assertThrows(CorpusException.class, () -> Corpora.parquet(bad, good).tempDirectory(tmp).build());
    assertTrue(e.getMessage().contains("a-bad.parquet row 4"), e.getMessage());
    try (var s = Files.list(tmp)) {
      assertEquals(0, s.count());
    }
  }

  @Test
  void nullTextIsABadRecordNamingFileAndRow() {
    Path p = parquet(dir.resolve("n.parquet"), 6, true);
    CorpusException e = assertThrows(CorpusException.class, () -> Corpora.parquet(p).build());
    assertTrue(e.getMessage().contains("n.parquet row 4: text field 'text' is null"), e.getMessage());
    try (Corpus c = Corpora.parquet(p).onBadRecord(BadRecordPolicy.SKIP).build()) {
      assertEquals(5, c.size().orElseThrow());
      assertEquals(1, c.stats().skippedRecords());
    }
  }

  @Test
  void missingColumnAndMissingFileFailClearly() throws IOException {
    Path p = parquet(dir.resolve("m.parquet"), 3, false);
    CorpusException e = assertThrows(CorpusException.class, () -> Corpora.parquet(p).textColumn("body").build());
    assertTrue(e.getMessage().contains("m.parquet") && e.getMessage().contains("body"), e.getMessage());
    CorpusException e2 = assertThrows(CorpusException.class, () -> Corpora.parquet(dir.resolve("none.parquet")).build());
    assertTrue(e2.getMessage().contains("none.parquet"), e2.getMessage());
    Path junk = dir.resolve("junk.parquet");
    Files.writeString(junk, "this is not parquet");
    CorpusException e3 = assertThrows(CorpusException.class, () -> Corpora.parquet(junk).build());
    assertTrue(e3.getMessage().contains("junk.parquet"), e3.getMessage());
  }

  @Test
  void directoryOfParquetShardsAndCsv() throws IOException {
    Files.createDirectories(dir.resolve("shards"));
    parquet(dir.resolve("shards/part-0.parquet"), 4, false);
    parquet(dir.resolve("shards/part-1.parquet"), 6, false);
    try (Corpus c = Corpora.parquet(dir.resolve("shards")).name("shards").build()) {
      assertEquals(10, c.size().orElseThrow());
      assertTrue(c.next(10).stream().anyMatch(d -> d.id().startsWith("part-1.parquet@")));
    }
    Path csv = dir.resolve("t.csv");
    Files.writeString(csv, "id,text,topic\n1,\"Hello, world\",greeting\n2,Second row,other\n");
    try (Corpus c = Corpora.csv(csv).idColumn("id").metadataColumns("topic").build()) {
      Map<String, Document> byId = new HashMap<>();
      c.next(2).forEach(d -> byId.put(d.id(), d));
      assertEquals("Hello, world", byId.get("1").text());
      assertEquals("greeting", byId.get("1").metadata().get("topic"));
    }
  }

  @Test
  void aRepeatedIdInATableNamesBothRows() throws IOException {
    Path csv = dir.resolve("dup.csv");
    Files.writeString(csv, "id,text\n1,first\n2,second\n1,third\n");
    CorpusException e = assertThrows(CorpusException.class, () -> Corpora.csv(csv).idColumn("id").build());
    assertTrue(e.getMessage().startsWith(csv + " row 3: duplicate id '1', first used at " + csv + " row 1 ("),
        e.getMessage());
    try (Corpus c = Corpora.csv(csv).idColumn("id").onBadRecord(BadRecordPolicy.SKIP).build()) {
      assertEquals(2, c.size().orElseThrow());
      assertEquals(1, c.stats().skippedRecords());
    }
  }

  @Nested
  class ParquetContract extends CorpusSourceContract {
    @TempDir Path root;

    @Override
    protected CorpusSource createSource(long seed) {
      Path p = root.resolve("c.parquet");
      if (!Files.exists(p)) {
        parquet(p, 17, false);
      }
      return Corpora.parquet(p).idColumn("id").seed(seed).build();
    }
  }

  static {
    try {
      Class.forName("org.duckdb.DuckDBDriver");
    } catch (ClassNotFoundException e) {
      throw new UncheckedIOException(new IOException("duckdb_jdbc must be on the test classpath", e));
    }
  }
}
