package dev.spice.corpus;

import dev.spice.core.Document;
import java.nio.file.Path;
import java.util.List;

/**
 * Entry point: static factories for every corpus this module offers.
 *
 * <pre>{@code
 * Corpus fb = Corpora.factbook(7);                        // bundled CIA World Factbook
 * Corpus el = Corpora.elements(7);                        // bundled chemical elements
 * Corpus mine = Corpora.jsonl(Path.of("data.jsonl.gz"))
 *     .textField("body").idField("meta.id")
 *     .filter(DocumentFilters.junk()).deduplicate(Deduplicator::exact)
 *     .segment(Segmenter.chars(4000)).seed(1).build();
 * Corpus both = Corpora.mix().add(fb, 0.5).add(mine, 0.5).build();
 * }</pre>
 */
public final class Corpora {
  /** The seed used when none is given. */
  public static final long DEFAULT_SEED = 42L;

  private Corpora() {}

  /**
   * The bundled Factbook, one document per country section, seeded with {@link #DEFAULT_SEED}.
   *
   * @return the Factbook corpus
   */
  public static Corpus factbook() {
    return factbook(DEFAULT_SEED);
  }

  /**
   * The bundled Factbook (see {@link Factbook#documents()}), sampled with the given seed.
   *
   * @param seed the sampling seed
   * @return the Factbook corpus
   */
  public static Corpus factbook(long seed) {
    return memory(Factbook.documents()).name(Factbook.SOURCE).seed(seed).build();
  }

  /**
   * The bundled chemical elements, one short document of fact lines per element, seeded with
   * {@link #DEFAULT_SEED}.
   *
   * @return the elements corpus
   */
  public static Corpus elements() {
    return elements(DEFAULT_SEED);
  }

  /**
   * The bundled chemical elements (see {@link Elements#documents()}), sampled with the given seed.
   *
   * @param seed the sampling seed
   * @return the elements corpus
   */
  public static Corpus elements(long seed) {
    return memory(Elements.documents()).name(Elements.SOURCE).seed(seed).build();
  }

  /**
   * A builder for a corpus over JSON Lines or JSON files (plain or gzip), or directories of them.
   *
   * @param paths files or directories; at least one
   * @return a new builder
   */
  public static JsonlCorpusBuilder jsonl(Path... paths) {
    return new JsonlCorpusBuilder(List.of(paths));
  }

  /**
   * A builder for a corpus of the text files below a directory (default {@code *.txt}, {@code *.md}).
   *
   * @param root the directory to read
   * @return a new builder
   */
  public static DirectoryCorpusBuilder directory(Path root) {
    return new DirectoryCorpusBuilder(root);
  }

  /**
   * A builder for a corpus over Parquet files or directories of them, read with DuckDB (the
   * optional dependency {@code org.duckdb:duckdb_jdbc} must be on the classpath).
   *
   * @param paths files or directories
   * @return a new builder
   */
  public static TableCorpusBuilder parquet(Path... paths) {
    return new TableCorpusBuilder(TableCorpusBuilder.Format.PARQUET, List.of(paths));
  }

  /**
   * A builder for a corpus over CSV files (header row, types sniffed by DuckDB), read with DuckDB
   * (the optional dependency {@code org.duckdb:duckdb_jdbc} must be on the classpath).
   *
   * @param paths files or directories
   * @return a new builder
   */
  public static TableCorpusBuilder csv(Path... paths) {
    return new TableCorpusBuilder(TableCorpusBuilder.Format.CSV, List.of(paths));
  }

  /**
   * A builder for a weighted mixture of sources, for example two corpora half and half.
   *
   * @return a new builder
   */
  public static MixtureBuilder mix() {
    return new MixtureBuilder();
  }

  /**
   * A corpus over the given documents with default settings.
   *
   * @param documents the documents
   * @return the built corpus
   */
  public static Corpus of(List<Document> documents) {
    return memory(documents).build();
  }

  /**
   * A builder for a corpus over documents held in memory (the list is copied).
   *
   * @param documents the documents (copied)
   * @return a new builder
   */
  public static MemoryCorpusBuilder memory(List<Document> documents) {
    return new MemoryCorpusBuilder(documents);
  }
}
