package dev.spice.examples.cli;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Error text for people: an exception's message and its causes' messages, never Java class names
 * (which {@code Throwable.toString()}, and messages built from it, start with).
 */
final class UserMessages {
  private UserMessages() {}

  /** A qualified exception class name, as {@code toString()} writes it, with the ": " after it. */
  private static final Pattern CLASS_NAME = Pattern.compile(
      "\\b(?:[a-z][a-z0-9_]*\\.)+([A-Z][A-Za-z0-9_]*(?:\\$[A-Za-z0-9_]+)*)(?::\\s*|\\b)");

  /**
   * The lines describing a failure: the exception's message first, then, indented under
   * "because:", each cause whose message adds something (a cause repeated in its wrapper's message
   * is left out).
   */
  static List<String> lines(Throwable e) {
    List<String> out = new ArrayList<>();
    StringBuilder said = new StringBuilder();
    Throwable t = e;
    for (int depth = 0; t != null && depth < 10; depth++) {
      String m = message(t);
      if (m != null && said.indexOf(m) < 0) {
        out.add(out.isEmpty() ? m : "because: " + m);
        said.append(m).append('\n');
      }
      t = t.getCause() == t ? null : t.getCause();
    }
    if (out.isEmpty()) {
      out.add(fallback(e));
    }
    return out;
  }

  /** One exception's message in words, or null if it has none. */
  static String message(Throwable t) {
    if (t instanceof IOException io) {
      return io(io);
    }
    String m = t.getMessage();
    if (m == null || m.isBlank()) {
      return t.getCause() == null ? fallback(t) : null;
    }
    return withoutClassNames(m.strip());
  }

  /** An I/O error in words: what went wrong and the file. */
  static String io(IOException e) {
    if (e instanceof FileSystemException f) {
      String what = e instanceof NoSuchFileException ? "no such file or directory"
          : e instanceof AccessDeniedException ? "permission denied"
          : e instanceof NotDirectoryException ? "not a directory"
          : f.getReason() != null ? f.getReason() : "file system error";
      return f.getFile() == null ? what : what + ": " + f.getFile();
    }
    String m = e.getMessage();
    return m == null || m.isBlank() ? "input/output error" : withoutClassNames(m.strip());
  }

  /** Replaces qualified exception class names in a message by words (or drops them). */
  static String withoutClassNames(String m) {
    Matcher x = CLASS_NAME.matcher(m);
    StringBuilder sb = new StringBuilder();
    while (x.find()) {
      String simple = x.group(1);
      if (!simple.endsWith("Exception") && !simple.endsWith("Error") && !simple.contains("$")) {
        x.appendReplacement(sb, Matcher.quoteReplacement(x.group()));
        continue;
      }
      String word = switch (simple) {
        case "NoSuchFileException" -> "no such file or directory: ";
        case "AccessDeniedException" -> "permission denied: ";
        case "OutOfMemoryError" -> "out of memory: ";
        default -> "";
      };
      x.appendReplacement(sb, Matcher.quoteReplacement(word));
    }
    x.appendTail(sb);
    String s = sb.toString().strip();
    return s.isEmpty() ? "unexpected error" : s;
  }

  /** Words for a failure without a message. */
  private static String fallback(Throwable t) {
    if (t instanceof OutOfMemoryError) {
      return "out of memory (give Java more with -Xmx, or lower batch_size or segment_tokens)";
    }
    if (t instanceof StackOverflowError) {
      return "stack overflow (an input nested too deeply?)";
    }
    if (t instanceof IOException) {
      return "input/output error";
    }
    return "unexpected internal error without a message; please report it with the command line you ran";
  }

  /**
   * The execution-exception handler of a picocli command: the messages only (never class names
   * or stack traces), status 2 for a configuration error (with a pointer to {@code helpHint}),
   * else 1.
   *
   * @param err where the messages go
   * @param failed the prefix of a failure that is not a configuration error, e.g. {@code "run failed: "}
   * @param helpHint the line printed after a configuration error
   */
  static picocli.CommandLine.IExecutionExceptionHandler handler(java.io.PrintWriter err, String failed,
      String helpHint) {
    return (e, c, parsed) -> {
      List<String> lines = lines(e);
      boolean config = e instanceof dev.spice.core.SpiceException.ConfigurationException;
      err.println((config ? "error: " : failed) + lines.get(0));
      for (String line : lines.subList(1, lines.size())) {
        err.println("  " + line);
      }
      if (config) {
        err.println(helpHint);
      }
      err.flush();
      return config ? 2 : 1;
    };
  }
}
