package dev.spice.corpus;

import dev.spice.core.SpiceException.ConfigurationException;
import dev.spice.core.SpiceException.CorpusException;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Expands files and directories into a sorted list of input files. Globs use
 * {@link java.nio.file.FileSystem#getPathMatcher} syntax and are matched against the path
 * relative to the directory, with '/' separators; a pattern without '/' matches the file name
 * anywhere in the tree.
 */
final class InputFiles {
  private InputFiles() {}

  /** A file and its label (path relative to the directory given, or the file as given). */
  record Found(Path path, String label) {}

  static final class Globs {
    private final List<String> patterns;
    private final List<PathMatcher> matchers = new ArrayList<>();
    private final List<Boolean> nameOnly = new ArrayList<>();

    Globs(List<String> patterns) {
      this.patterns = List.copyOf(patterns);
      for (String p : patterns) {
        try {
          matchers.add(FileSystems.getDefault().getPathMatcher("glob:" + p));
        } catch (IllegalArgumentException e) {
          throw new ConfigurationException("invalid glob '" + p + "': " + e.getMessage());
        }
        nameOnly.add(p.indexOf('/') < 0);
      }
    }

    boolean isEmpty() {
      return patterns.isEmpty();
    }

    boolean matches(String relative) {
      Path rel = Path.of(relative);
      Path name = rel.getFileName();
      for (int i = 0; i < matchers.size(); i++) {
        if (matchers.get(i).matches(nameOnly.get(i) ? name : rel)) {
          return true;
        }
      }
      return false;
    }

    @Override
    public String toString() {
      return patterns.toString();
    }
  }

  static List<Found> expand(List<Path> roots, Globs include, Globs exclude, String what) {
    if (roots.isEmpty()) {
      throw new ConfigurationException("no " + what + " inputs given");
    }
    List<Found> out = new ArrayList<>();
    for (Path root : roots) {
      if (Files.isRegularFile(root)) {
        out.add(new Found(root, root.toString()));
        continue;
      }
      if (!Files.isDirectory(root)) {
        throw new CorpusException(what + " input not found: " + root.toAbsolutePath());
      }
      List<Found> found = new ArrayList<>();
      try (Stream<Path> s = Files.walk(root)) {
        s.filter(Files::isRegularFile).forEach(p -> {
          String rel = root.relativize(p).toString().replace('\\', '/');
          if (include.matches(rel) && (exclude.isEmpty() || !exclude.matches(rel))) {
            found.add(new Found(p, rel));
          }
        });
      } catch (IOException e) {
        throw new CorpusException("cannot list directory " + root + ": " + describe(e, root), e);
      } catch (java.io.UncheckedIOException e) {
        throw new CorpusException("cannot list directory " + root + ": " + describe(e.getCause(), root), e);
      }
      if (found.isEmpty()) {
        throw new CorpusException(
            "no " + what + " files in " + root.toAbsolutePath() + " matching " + include
                + (exclude.isEmpty() ? "" : " and not " + exclude));
      }
      found.sort((a, b) -> a.label().compareTo(b.label()));
      out.addAll(found);
    }
    return out;
  }

  /**
   * An I/O error in words, without Java class names (a {@link java.nio.file.NoSuchFileException}'s
   * message is only the path, an {@link java.io.UncheckedIOException}'s starts with the class).
   *
   * @param known the path the caller's message already names; not repeated
   */
  static String describe(IOException e, Path known) {
    String file = null;
    String what;
    if (e instanceof java.nio.file.FileSystemException f) {
      file = f.getFile();
      if (e instanceof java.nio.file.NoSuchFileException) {
        what = "no such file or directory";
      } else if (e instanceof java.nio.file.AccessDeniedException) {
        what = "permission denied";
      } else if (e instanceof java.nio.file.NotDirectoryException) {
        what = "not a directory";
      } else {
        what = f.getReason() != null ? f.getReason() : "file system error";
      }
    } else {
      what = e.getMessage() != null && !e.getMessage().isBlank() ? e.getMessage() : "input/output error";
    }
    boolean repeat = file == null || (known != null && Path.of(file).equals(known));
    return repeat ? what : what + " (" + file + ")";
  }

  /** A default corpus name from the first input: its file name without known extensions. */
  static String defaultName(List<Path> roots, String fallback) {
    if (roots.isEmpty() || roots.get(0).getFileName() == null) {
      return fallback;
    }
    String n = roots.get(0).getFileName().toString()
        .replaceFirst("(\\.(jsonl|ndjson|json|parquet|csv|txt|md))?(\\.gz)?$", "");
    return n.isBlank() ? fallback : n;
  }
}
