package dev.spice.corpus;

import dev.spice.core.SpiceException.ConfigurationException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Builds a {@link Corpus} over JSON files: JSON Lines ({@code .jsonl}, {@code .ndjson}, one
 * object per line; blank lines are passed over and counted in {@link CorpusStats#blankLines()})
 * and whole-file JSON documents ({@code .json}, one
 * document per file), each optionally gzip-compressed ({@code .gz}). Directories are searched
 * recursively with {@link #include} globs (default {@code *.jsonl}, {@code *.jsonl.gz},
 * {@code *.ndjson}, {@code *.ndjson.gz}, {@code *.json}, {@code *.json.gz}), in sorted order.
 *
 * <p>Fields are dotted paths into each object ({@code meta.title}). The text field must hold a
 * string; the id field a string or number; without an id field the id is
 * {@code <file>@<byte offset of the line>} (or the file's label for whole-file documents). A
 * UTF-8 byte-order mark at the start of a file is dropped. With an id field, an id used by an
 * earlier record is a bad record naming both places (see {@link BadRecordPolicy}).
 * Metadata fields that are absent or null are left out; other values are kept as text (strings)
 * or compact JSON.
 *
 * <p>Memory: the index holds 8 bytes per document (16 when segmenting), never texts; a gzip
 * file is decompressed once into a temporary file (in {@link #tempDirectory}, deleted on
 * {@code close()}). Default name: the first input's file name without extensions.
 */
public final class JsonlCorpusBuilder extends CorpusBuilder<JsonlCorpusBuilder> {
  private final List<Path> paths;
  private String textField = "text";
  private String idField;
  private final List<String> metadataFields = new ArrayList<>();
  private List<String> include =
      List.of("*.jsonl", "*.jsonl.gz", "*.ndjson", "*.ndjson.gz", "*.json", "*.json.gz");
  private final List<String> exclude = new ArrayList<>();
  private Path tempDirectory;

  JsonlCorpusBuilder(List<Path> paths) {
    this.paths = List.copyOf(paths);
  }

  /**
   * The dotted path of the text field (default {@code text}).
   *
   * @param path the dotted field path
   * @return this builder
   */
  public JsonlCorpusBuilder textField(String path) {
    this.textField = checkPath(path);
    return this;
  }

  /**
   * The dotted path of the id field (default: none; ids from file and byte offset).
   *
   * @param path the dotted field path
   * @return this builder
   */
  public JsonlCorpusBuilder idField(String path) {
    this.idField = checkPath(path);
    return this;
  }

  /**
   * Adds dotted paths copied into {@link dev.spice.core.Document#metadata()} under the same key.
   *
   * @param paths the dotted field paths to add
   * @return this builder
   */
  public JsonlCorpusBuilder metadataFields(String... paths) {
    for (String p : paths) {
      metadataFields.add(checkPath(p));
    }
    return this;
  }

  /**
   * Replaces the globs that select files inside directory inputs.
   *
   * @param globs the globs of files to include
   * @return this builder
   */
  public JsonlCorpusBuilder include(String... globs) {
    this.include = List.of(globs);
    return this;
  }

  /**
   * Adds globs of files to leave out of directory inputs.
   *
   * @param globs the globs of files to leave out
   * @return this builder
   */
  public JsonlCorpusBuilder exclude(String... globs) {
    exclude.addAll(List.of(globs));
    return this;
  }

  /**
   * Where decompressed copies of gzip files go (default: {@code java.io.tmpdir}).
   *
   * @param dir the directory for decompressed copies
   * @return this builder
   */
  public JsonlCorpusBuilder tempDirectory(Path dir) {
    this.tempDirectory = Objects.requireNonNull(dir, "dir");
    return this;
  }

  private static String checkPath(String p) {
    if (p == null || p.isBlank() || p.startsWith(".") || p.endsWith(".")) {
      throw new ConfigurationException("field path must be a non-blank dotted path such as 'meta.title', got '" + p + "'");
    }
    return p;
  }

  @Override
  public Corpus build() {
    if (include.isEmpty()) {
      throw new ConfigurationException("include globs must not be empty");
    }
    String n = resolvedName(InputFiles.defaultName(paths, "jsonl"));
    List<JsonlStore.Input> inputs = new ArrayList<>();
    for (InputFiles.Found f :
        InputFiles.expand(paths, new InputFiles.Globs(include), new InputFiles.Globs(exclude), "JSON")) {
      String file = f.path().getFileName().toString();
      boolean whole = file.endsWith(".json") || file.endsWith(".json.gz");
      inputs.add(new JsonlStore.Input(f.path(), f.label(), whole));
    }
    JsonlStore store = new JsonlStore(
        inputs, new JsonlStore.Fields(idField, textField, List.copyOf(metadataFields)), tempDirectory);
    return index(n, store);
  }
}
