package dev.spice.corpus;

import dev.spice.core.SpiceException.ConfigurationException;
import dev.spice.core.SpiceException.CorpusException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Builds a {@link Corpus} over Parquet files (the format Hugging Face datasets ship in) or CSV
 * files, read with DuckDB's embedded JDBC driver ({@code org.duckdb:duckdb_jdbc}, an
 * <em>optional</em> dependency of this module: add it to your build to use this builder).
 *
 * <p>At {@code build()} each file's needed columns are exported once, by DuckDB, to a temporary
 * JSON Lines file (in {@link #tempDirectory}, deleted on {@code close()}), which is then indexed
 * by byte offset like {@link JsonlCorpusBuilder}: memory stays at 8 bytes per document (16 when
 * segmenting) whatever the corpus size, at the cost of temporary disk space about the size of
 * the selected columns. Nested (struct) columns can be addressed with dotted paths
 * ({@code meta.title}). Without an id column the id is {@code <file>@<byte offset in the export>}
 * (stable for the same file). A missing column fails the build with DuckDB's message naming it
 * and the file; a null or non-string text is a bad record ({@code <file> row <n>}).
 *
 * <p>Directories are searched recursively with {@link #include} globs (default {@code *.parquet}
 * or {@code *.csv}). Default name: the first input's file name without extension.
 */
public final class TableCorpusBuilder extends CorpusBuilder<TableCorpusBuilder> {
  /** The table formats DuckDB reads for this builder. */
  enum Format {
    PARQUET("read_parquet", "*.parquet"),
    CSV("read_csv_auto", "*.csv");

    final String function;
    final String glob;

    Format(String function, String glob) {
      this.function = function;
      this.glob = glob;
    }
  }

  private final Format format;
  private final List<Path> paths;
  private String textColumn = "text";
  private String idColumn;
  private final List<String> metadataColumns = new ArrayList<>();
  private List<String> include;
  private final List<String> exclude = new ArrayList<>();
  private Path tempDirectory;

  TableCorpusBuilder(Format format, List<Path> paths) {
    this.format = format;
    this.paths = List.copyOf(paths);
    this.include = List.of(format.glob);
  }

  /**
   * The text column, or a dotted path into a struct column (default {@code text}).
   *
   * @param column the column name or dotted path
   * @return this builder
   */
  public TableCorpusBuilder textColumn(String column) {
    this.textColumn = check(column);
    return this;
  }

  /**
   * The id column (default: none; ids from file and position).
   *
   * @param column the column name or dotted path
   * @return this builder
   */
  public TableCorpusBuilder idColumn(String column) {
    this.idColumn = check(column);
    return this;
  }

  /**
   * Adds columns (or dotted paths) copied into document metadata under the same key.
   *
   * @param columns the column names or dotted paths to add
   * @return this builder
   */
  public TableCorpusBuilder metadataColumns(String... columns) {
    for (String c : columns) {
      metadataColumns.add(check(c));
    }
    return this;
  }

  /**
   * Replaces the globs that select files inside directory inputs.
   *
   * @param globs the globs of files to include
   * @return this builder
   */
  public TableCorpusBuilder include(String... globs) {
    this.include = List.of(globs);
    return this;
  }

  /**
   * Adds globs of files to leave out of directory inputs.
   *
   * @param globs the globs of files to leave out
   * @return this builder
   */
  public TableCorpusBuilder exclude(String... globs) {
    exclude.addAll(List.of(globs));
    return this;
  }

  /**
   * Where the temporary exports go (default {@code java.io.tmpdir}).
   *
   * @param dir the directory for temporary exports
   * @return this builder
   */
  public TableCorpusBuilder tempDirectory(Path dir) {
    this.tempDirectory = Objects.requireNonNull(dir, "dir");
    return this;
  }

  private static String check(String c) {
    if (c == null || c.isBlank() || c.startsWith(".") || c.endsWith(".")) {
      throw new ConfigurationException("column must be a non-blank name or dotted path, got '" + c + "'");
    }
    return c;
  }

  /** True if DuckDB's JDBC driver is on the classpath. */
  static boolean duckDbAvailable() {
    try {
      Class.forName("org.duckdb.DuckDBDriver");
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

  @Override
  public Corpus build() {
    if (!duckDbAvailable()) {
      throw new ConfigurationException(
          "Parquet and CSV corpora need DuckDB's JDBC driver: add the dependency org.duckdb:duckdb_jdbc"
              + " (optional in spice-corpus) to your build");
    }
    if (include.isEmpty()) {
      throw new ConfigurationException("include globs must not be empty (for example " + format.glob + ")");
    }
    String n = resolvedName(InputFiles.defaultName(paths, format.name().toLowerCase(java.util.Locale.ROOT)));
    List<InputFiles.Found> files = InputFiles.expand(
        paths, new InputFiles.Globs(include), new InputFiles.Globs(exclude), format.name());
    Set<String> columns = new LinkedHashSet<>();
    columns.add(top(textColumn));
    if (idColumn != null) {
      columns.add(top(idColumn));
    }
    metadataColumns.forEach(c -> columns.add(top(c)));
    StringBuilder select = new StringBuilder();
    for (String c : columns) {
      select.append(select.length() == 0 ? "" : ", ").append(quoteIdent(c));
    }
    List<JsonlStore.Input> inputs = new ArrayList<>();
    try (Connection conn = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = conn.createStatement()) {
      st.execute("SET preserve_insertion_order = true");
      for (InputFiles.Found f : files) {
        Path tmp = tempDirectory == null
            ? Files.createTempFile("spice-table-", ".jsonl")
            : Files.createTempFile(tempDirectory, "spice-table-", ".jsonl");
        tmp.toFile().deleteOnExit();
        inputs.add(new JsonlStore.Input(tmp, f.label(), false, "row", true));
        String sql = "COPY (SELECT " + select + " FROM " + format.function + "(" + quoteString(f.path().toString())
            + ")) TO " + quoteString(tmp.toString()) + " (FORMAT JSON)";
        try {
          st.execute(sql);
        } catch (SQLException e) {
          throw new CorpusException("cannot read " + format.name() + " file " + f.path() + " with DuckDB: "
              + e.getMessage().strip(), e);
        }
      }
    } catch (SQLException | IOException e) {
      deleteAll(inputs);
      throw new CorpusException("DuckDB export of " + paths + " failed: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      deleteAll(inputs);
      throw e;
    }
    JsonlStore store = new JsonlStore(
        inputs, new JsonlStore.Fields(idColumn, textColumn, List.copyOf(metadataColumns)), tempDirectory);
    return index(n, store);
  }

  private static void deleteAll(List<JsonlStore.Input> inputs) {
    for (JsonlStore.Input in : inputs) {
      try {
        Files.deleteIfExists(in.path());
      } catch (IOException ignored) {
        // best effort; the file is also marked deleteOnExit
      }
    }
  }

  private static String top(String path) {
    int dot = path.indexOf('.');
    return dot < 0 ? path : path.substring(0, dot);
  }

  static String quoteIdent(String s) {
    return '"' + s.replace("\"", "\"\"") + '"';
  }

  static String quoteString(String s) {
    return '\'' + s.replace("'", "''") + '\'';
  }
}
