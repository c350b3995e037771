package dev.spice.corpus;

import dev.spice.core.SpiceException.ConfigurationException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds a {@link Corpus} with one document per text file found below a directory (recursively,
 * sorted by relative path). Files are selected by {@link #include} globs (default {@code *.txt},
 * {@code *.md}) minus {@link #exclude} globs; a glob without '/' matches file names anywhere,
 * one with '/' matches the path relative to the root (for example {@code drafts/**}).
 *
 * <p>Files must be UTF-8 (a byte-order mark is dropped); an invalid file fails the build naming
 * file, line and byte offset. A binary-looking file (a NUL byte, a UTF-16 or UTF-32 byte-order
 * mark, or more than 10 % control characters other than tab, line feed, carriage return and form
 * feed) is a bad record: it fails the build naming the file, or is skipped and counted under
 * {@link BadRecordPolicy#SKIP}. Document id and metadata {@code path}: the relative path with '/'
 * separators. Texts are read again when sampled; the index holds file paths only. Default name:
 * the directory's name.
 */
public final class DirectoryCorpusBuilder extends CorpusBuilder<DirectoryCorpusBuilder> {
  private final Path root;
  private List<String> include = List.of("*.txt", "*.md");
  private final List<String> exclude = new ArrayList<>();

  DirectoryCorpusBuilder(Path root) {
    this.root = root;
  }

  /**
   * Replaces the globs of files to include (at least one).
   *
   * @param globs the globs of files to include
   * @return this builder
   */
  public DirectoryCorpusBuilder include(String... globs) {
    this.include = List.of(globs);
    return this;
  }

  /**
   * Adds globs of files to leave out.
   *
   * @param globs the globs of files to leave out
   * @return this builder
   */
  public DirectoryCorpusBuilder exclude(String... globs) {
    exclude.addAll(List.of(globs));
    return this;
  }

  @Override
  public Corpus build() {
    if (include.isEmpty()) {
      throw new ConfigurationException("include globs must not be empty (for example *.txt)");
    }
    if (root == null) {
      throw new ConfigurationException("directory must not be null");
    }
    if (!java.nio.file.Files.isDirectory(root)) {
      throw new dev.spice.core.SpiceException.CorpusException(
          "corpus directory not found or not a directory: " + root.toAbsolutePath());
    }
    String n = resolvedName(root.toAbsolutePath().normalize().getFileName() == null
        ? "directory" : root.toAbsolutePath().normalize().getFileName().toString());
    List<InputFiles.Found> files = InputFiles.expand(
        List.of(root), new InputFiles.Globs(include), new InputFiles.Globs(exclude), "text");
    return index(n, new DirectoryStore(files));
  }
}
