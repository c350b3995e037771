package dev.spice.core.eval;

import dev.spice.core.AnswerType;
import dev.spice.core.SpiceException;
import dev.spice.core.Task;
import dev.spice.core.TaskFormat;
import dev.spice.core.internal.json.Json;
import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads benchmark files: JSON Lines (UTF-8), one item per line, blank lines ignored. Fields of an
 * item (other fields are ignored):
 *
 * <ul>
 *   <li>{@code question}: string, required, not blank.
 *   <li>{@code answer}: string or number, required: the gold answer; for multiple choice a letter
 *       {@code A}-{@code D} (either case) or the text of one option (letters are tried first).
 *   <li>{@code answer_type}: {@code integer}, {@code expression}, {@code string} or {@code choice}
 *       (any case), optional: {@code choice} when {@code options} are given, else {@code string}.
 *       An {@code integer} gold answer must be a number ({@code 42}, {@code -3.5}, {@code 1/4}).
 *   <li>{@code options}: array of exactly four distinct non-blank strings, optional; makes the item
 *       multiple choice.
 *   <li>{@code category}: string, optional, default {@value #DEFAULT_CATEGORY}.
 *   <li>{@code id}: string or number, optional, default {@code <file name>:<line>}; unique.
 *   <li>{@code aliases}: array of strings, optional, free form only: other accepted answers, kept in
 *       the task metadata under {@value #ALIASES_KEY}, {@code |}-separated (the key the
 *       {@code spice-rewards} verifiers read).
 * </ul>
 *
 * <p>Each item becomes a {@link Task} ({@link Task#freeForm} or {@link Task#multipleChoice}) whose
 * metadata holds the id ({@value #ID_KEY}) and category ({@value #CATEGORY_KEY}). A bad line raises
 * a {@link SpiceException.CorpusException} whose message starts with {@code file:line:} and names
 * the field, unless {@link Builder#skipBadLines(boolean)} is set: then it is skipped, counted in
 * {@link BenchmarkSet#skippedLines()}, its reason kept (the first
 * {@value BenchmarkSet#MAX_SKIP_REASONS}) and logged at WARN (SLF4J logger
 * {@code dev.spice.core.eval.BenchmarkFile}). Unreadable files (missing, invalid UTF-8) always fail.
 * Immutable and thread-safe.
 *
 * <pre>{@code
 * BenchmarkSet set = BenchmarkFile.reader().skipBadLines(true).build().read(Path.of("bench.jsonl"));
 * }</pre>
 */
public final class BenchmarkFile {
  /** Category of items that give none. */
  public static final String DEFAULT_CATEGORY = "all";
  /** Task metadata key of the item id. */
  public static final String ID_KEY = "id";
  /** Task metadata key of the item category. */
  public static final String CATEGORY_KEY = "category";
  /** Task metadata key of the {@code |}-separated aliases. */
  public static final String ALIASES_KEY = "aliases";

  private static final Logger LOG = LoggerFactory.getLogger(BenchmarkFile.class);
  private static final Pattern NUMBER = Pattern.compile("[-+]?(\\d[\\d,]*(\\.\\d+)?|\\.\\d+)(/\\d+)?");
  private static final String HINT = "skip bad lines with skipBadLines(true)";

  private final boolean skipBadLines;
  private final int maxItems;

  private BenchmarkFile(Builder b) {
    this.skipBadLines = b.skipBadLines;
    this.maxItems = b.maxItems;
  }

  /**
   * A builder of a reader: bad lines fail, no item limit.
   *
   * @return this builder
   */
  public static Builder reader() {
    return new Builder();
  }

  /**
   * Reads a benchmark file. Messages name the file as given; default ids use its file name. The
   * set's name is the file name without {@code .jsonl}.
   *
   * @param file a JSON Lines file in UTF-8
   * @return the items in file order (at most {@link Builder#maxItems(int)})
   * @throws SpiceException.CorpusException if the file cannot be read, is not UTF-8, has no usable
   *     item, or has a bad line (unless bad lines are skipped); the message names file and line
   */
  public BenchmarkSet read(Path file) {
    String fileName = file.getFileName() == null ? file.toString() : file.getFileName().toString();
    String label = file.toString();
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
      CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT);
      ByteArrayOutputStream buf = new ByteArrayOutputStream();
      return read(line -> {
        buf.reset();
        int c = in.read();
        if (c < 0) {
          return null;
        }
        while (c >= 0 && c != '\n') {
          buf.write(c);
          c = in.read();
        }
        try {
          return utf8.decode(ByteBuffer.wrap(buf.toByteArray())).toString();
        } catch (CharacterCodingException e) {
          throw new SpiceException.CorpusException(label + ":" + line + ": not valid UTF-8", e);
        }
      }, label, fileName);
    } catch (NoSuchFileException e) {
      throw new SpiceException.CorpusException("benchmark file " + file + " does not exist", e);
    } catch (IOException e) {
      throw new SpiceException.CorpusException("cannot read benchmark file " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Reads benchmark lines from a reader (for example a bundled resource); the reader is not closed.
   *
   *
   * @param fileName the name used in messages, default ids and (without {@code .jsonl}) as the
   *     set's name
   * @param in the JSON Lines text
   * @return the benchmark set read
   * @throws SpiceException.CorpusException as {@link #read(Path)}
   */
  public BenchmarkSet read(String fileName, Reader in) {
    BufferedReader br = in instanceof BufferedReader b ? b : new BufferedReader(in);
    try {
      return read(line -> br.readLine(), fileName, fileName);
    } catch (IOException e) {
      throw new SpiceException.CorpusException("cannot read benchmark " + fileName + ": " + e.getMessage(), e);
    }
  }

  /** The next line (given its 1-based number), without its line end, or null at the end. */
  @FunctionalInterface
  private interface Lines {
    String next(long line) throws IOException;
  }

  private BenchmarkSet read(Lines in, String label, String fileName) throws IOException {
    List<BenchmarkItem> items = new ArrayList<>();
    Map<String, Long> seenIds = new HashMap<>();
    List<String> reasons = new ArrayList<>();
    int skipped = 0;
    long line = 0;
    while (items.size() < maxItems) {
      String text = in.next(line + 1);
      if (text == null) {
        break;
      }
      line++;
      if (text.endsWith("\r")) {
        text = text.substring(0, text.length() - 1);
      }
      if (line == 1 && text.startsWith("\uFEFF")) {
        text = text.substring(1);
      }
      if (text.isBlank()) {
        continue;
      }
      String where = label + ":" + line;
      try {
        BenchmarkItem item = item(text, fileName + ":" + line);
        Long first = seenIds.putIfAbsent(item.id(), line);
        if (first != null) {
          throw new BadLine("field 'id' is '" + item.id() + "', already used at line " + first);
        }
        items.add(item);
      } catch (BadLine e) {
        String reason = where + ": " + e.getMessage();
        if (!skipBadLines) {
          throw new SpiceException.CorpusException(reason + " (" + HINT + ")");
        }
        skipped++;
        if (reasons.size() < BenchmarkSet.MAX_SKIP_REASONS) {
          reasons.add(reason);
        }
        LOG.warn("skipped benchmark line: {}", reason);
      }
    }
    if (items.isEmpty()) {
      throw new SpiceException.CorpusException("benchmark " + label + " has no items"
          + (skipped > 0 ? " (" + skipped + " bad lines skipped, the first: " + reasons.get(0) + ")" : ""));
    }
    return new BenchmarkSet(setName(fileName), items, skipped, reasons);
  }

  private static String setName(String fileName) {
    String n = fileName.endsWith(".jsonl") && fileName.length() > 6
        ? fileName.substring(0, fileName.length() - 6) : fileName;
    return n.isBlank() ? "benchmark" : n;
  }

  /** One line's item. @param defaultId the id when the line has none */
  private static BenchmarkItem item(String text, String defaultId) throws BadLine {
    Map<String, Object> obj;
    try {
      Object v = Json.parse(text);
      if (!(v instanceof Map)) {
        throw new BadLine("expected a JSON object, found " + typeOf(v));
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> m = (Map<String, Object>) v;
      obj = m;
    } catch (Json.JsonException e) {
      String m = e.getMessage();
      throw new BadLine("malformed JSON: " + (e.line() == 1 ? m.replace(" at line 1, column ", " at column ") : m));
    }
    String question = requiredString(obj, "question");
    Object a = obj.get("answer");
    if (a == null) {
      throw new BadLine("field 'answer' is " + (obj.containsKey("answer") ? "null" : "missing")
          + ", expected a string or number");
    }
    if (!(a instanceof String || a instanceof Number)) {
      throw new BadLine("field 'answer' is " + typeOf(a) + ", expected a string or number");
    }
    String answer = a instanceof String s ? s.strip() : numberText((Number) a);
    if (answer.isEmpty()) {
      throw new BadLine("field 'answer' is blank");
    }
    List<String> options = options(obj);
    AnswerType type = answerType(obj, options != null);
    String id = optionalString(obj, "id", true);
    String category = optionalString(obj, "category", false);
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put(ID_KEY, id == null ? defaultId : id);
    metadata.put(CATEGORY_KEY, category == null ? DEFAULT_CATEGORY : category);
    String aliases = aliases(obj, options != null);
    if (aliases != null) {
      metadata.put(ALIASES_KEY, aliases);
    }
    String gold = options != null ? letter(answer, options) : answer;
    if (type == AnswerType.INTEGER && !NUMBER.matcher(answer).matches()) {
      throw new BadLine("field 'answer' is '" + shorten(answer) + "', expected a number for answer_type integer");
    }
    Task task;
    try {
      task = new Task(question, options != null ? TaskFormat.MULTIPLE_CHOICE : TaskFormat.FREE_FORM, options, gold,
          type, metadata);
    } catch (IllegalArgumentException e) {
      throw new BadLine(e.getMessage());
    }
    return new BenchmarkItem(metadata.get(ID_KEY), metadata.get(CATEGORY_KEY), task);
  }

  private static String requiredString(Map<String, Object> obj, String field) throws BadLine {
    Object v = obj.get(field);
    if (v == null) {
      throw new BadLine("field '" + field + "' is " + (obj.containsKey(field) ? "null" : "missing")
          + ", expected a string");
    }
    if (!(v instanceof String s)) {
      throw new BadLine("field '" + field + "' is " + typeOf(v) + ", expected a string");
    }
    if (s.isBlank()) {
      throw new BadLine("field '" + field + "' is blank");
    }
    return s.strip();
  }

  /** A string field (or, with {@code numbers}, a number), null when absent or null. */
  private static String optionalString(Map<String, Object> obj, String field, boolean numbers) throws BadLine {
    Object v = obj.get(field);
    if (v == null) {
      return null;
    }
    if (v instanceof Number n && numbers) {
      return numberText(n);
    }
    if (!(v instanceof String s)) {
      throw new BadLine("field '" + field + "' is " + typeOf(v) + ", expected a string" + (numbers ? " or number" : ""));
    }
    if (s.isBlank()) {
      throw new BadLine("field '" + field + "' is blank");
    }
    return s.strip();
  }

  private static List<String> options(Map<String, Object> obj) throws BadLine {
    Object v = obj.get("options");
    if (v == null) {
      return null;
    }
    if (!(v instanceof List<?> list)) {
      throw new BadLine("field 'options' is " + typeOf(v) + ", expected an array of 4 strings");
    }
    if (list.size() != 4) {
      throw new BadLine("field 'options' has " + list.size() + " entries, expected exactly 4");
    }
    List<String> out = new ArrayList<>(4);
    for (int i = 0; i < 4; i++) {
      Object o = list.get(i);
      if (!(o instanceof String s) || s.isBlank()) {
        throw new BadLine("field 'options' entry " + (i + 1) + " is "
            + (o instanceof String ? "blank" : typeOf(o)) + ", expected a non-blank string");
      }
      for (int j = 0; j < out.size(); j++) {
        if (out.get(j).equalsIgnoreCase(s.strip())) {
          throw new BadLine("field 'options' entries " + (j + 1) + " and " + (i + 1) + " are both '"
              + shorten(s.strip()) + "'");
        }
      }
      out.add(s.strip());
    }
    return out;
  }

  private static AnswerType answerType(Map<String, Object> obj, boolean hasOptions) throws BadLine {
    Object v = obj.get("answer_type");
    if (v == null) {
      return hasOptions ? AnswerType.CHOICE : AnswerType.STRING;
    }
    AnswerType t = null;
    if (v instanceof String s) {
      for (AnswerType a : AnswerType.values()) {
        if (a.name().equalsIgnoreCase(s.strip())) {
          t = a;
        }
      }
    }
    if (t == null) {
      throw new BadLine("field 'answer_type' is " + (v instanceof String s ? "'" + shorten(s) + "'" : typeOf(v))
          + ", expected one of integer, expression, string, choice");
    }
    if (hasOptions && t != AnswerType.CHOICE) {
      throw new BadLine("field 'answer_type' is '" + t.name().toLowerCase(Locale.ROOT)
          + "' but field 'options' is given; a multiple-choice item has answer_type choice");
    }
    if (!hasOptions && t == AnswerType.CHOICE) {
      throw new BadLine("field 'options' is missing; answer_type choice needs 4 options");
    }
    return t;
  }

  private static String aliases(Map<String, Object> obj, boolean hasOptions) throws BadLine {
    Object v = obj.get("aliases");
    if (v == null) {
      return null;
    }
    if (hasOptions) {
      throw new BadLine("field 'aliases' is given for a multiple-choice item; aliases are for free-form answers");
    }
    if (!(v instanceof List<?> list)) {
      throw new BadLine("field 'aliases' is " + typeOf(v) + ", expected an array of strings");
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      Object o = list.get(i);
      if (!(o instanceof String s) || s.isBlank() || s.contains("|")) {
        throw new BadLine("field 'aliases' entry " + (i + 1) + " is "
            + (o instanceof String s ? (s.isBlank() ? "blank" : "'" + shorten(s) + "' (contains '|')") : typeOf(o))
            + ", expected a non-blank string without '|'");
      }
      out.add(s.strip());
    }
    return out.isEmpty() ? null : String.join("|", out);
  }

  /** The gold letter of a multiple-choice answer: a letter A-D, else the option with that text. */
  private static String letter(String answer, List<String> options) throws BadLine {
    if (answer.length() == 1) {
      char c = Character.toUpperCase(answer.charAt(0));
      if (c >= 'A' && c <= 'D') {
        return String.valueOf(c);
      }
    }
    for (int i = 0; i < options.size(); i++) {
      if (options.get(i).equalsIgnoreCase(answer)) {
        return String.valueOf((char) ('A' + i));
      }
    }
    throw new BadLine("field 'answer' is '" + shorten(answer)
        + "', expected a letter A-D or the text of one of the 4 options");
  }

  private static String numberText(Number n) {
    if (n instanceof Double d) {
      return java.math.BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
    }
    return n.toString();
  }

  private static String typeOf(Object v) {
    if (v == null) {
      return "null";
    }
    if (v instanceof Map) {
      return "an object";
    }
    if (v instanceof List) {
      return "an array";
    }
    if (v instanceof Number) {
      return "a number";
    }
    if (v instanceof Boolean) {
      return "a boolean";
    }
    return "a string";
  }

  private static String shorten(String s) {
    return s.length() > 80 ? s.substring(0, 77) + "..." : s;
  }

  /** A line that cannot be an item; the message names the field. */
  private static final class BadLine extends Exception {
    private static final long serialVersionUID = 1L;

    BadLine(String message) {
      super(message, null, false, false);
    }
  }

  /** Fail-fast builder of a {@link BenchmarkFile} reader. Not thread-safe. */
  public static final class Builder {
    private boolean skipBadLines;
    private int maxItems = Integer.MAX_VALUE;

    private Builder() {}

    /**
     * Whether bad lines are skipped (counted, first reasons kept, logged) instead of failing the
     * read. Default {@code false}.
     *
     * @param skip the skip
     * @return this builder
     */
    public Builder skipBadLines(boolean skip) {
      this.skipBadLines = skip;
      return this;
    }

    /**
     * Stop after this many items, {@code >= 1}; lines after the last item kept are not read (nor
     * checked). Default: no limit.
     *
     * @param n the most items to read
     * @return this builder
     */
    public Builder maxItems(int n) {
      this.maxItems = n;
      return this;
    }

    /**
     * Validates and builds. @throws SpiceException.ConfigurationException if maxItems is below 1
     *
     * @return the reader
     */
    public BenchmarkFile build() {
      if (maxItems < 1) {
        throw new SpiceException.ConfigurationException("maxItems must be >= 1, got " + maxItems);
      }
      return new BenchmarkFile(this);
    }
  }
}
