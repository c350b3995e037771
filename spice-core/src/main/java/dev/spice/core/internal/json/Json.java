package dev.spice.core.internal.json;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes JSON values: objects become {@code LinkedHashMap<String, Object>} (key order
 * kept), arrays {@code ArrayList<Object>}, integral numbers that fit {@code Long}, other numbers
 * {@code Double}, plus {@code String}, {@code Boolean} and {@code null}. A key repeated within one
 * object, at any depth, is an error ({@link DuplicateKeyException}), never a silent last-wins.
 * Thread-safe (stateless).
 */
public final class Json {
  /** Maximum nesting depth accepted by {@link #parse}; deeper input is rejected, never overflows. */
  public static final int MAX_DEPTH = 256;

  private Json() {}

  /** Thrown for malformed JSON; the message gives line and column. */
  public static sealed class JsonException extends IllegalArgumentException permits DuplicateKeyException {
    private static final long serialVersionUID = 1L;
    private final int line;
    private final int column;

    JsonException(String message, int line, int column) {
      super(message + " at line " + line + ", column " + column);
      this.line = line;
      this.column = column;
    }

    /** 1-based line of the error. */
    public int line() {
      return line;
    }

    /** 1-based column of the error. */
    public int column() {
      return column;
    }
  }

  /**
   * Thrown when one object holds the same key twice (compared after unescaping, so {@code "a"} and
   * {@code "\u0061"} are the same key); the position is that of the second occurrence.
   */
  public static final class DuplicateKeyException extends JsonException {
    private static final long serialVersionUID = 1L;
    private final String key;
    private final int depth;

    DuplicateKeyException(String key, int depth, int line, int column) {
      super("duplicate key " + quoted(key) + (depth == 0 ? " in the top-level object" : " in a nested object"),
          line, column);
      this.key = key;
      this.depth = depth;
    }

    private static String quoted(String key) {
      StringBuilder sb = new StringBuilder();
      quote(key, sb);
      return sb.toString();
    }

    /**
     * The repeated key.
     *
     * @return the key, unescaped
     */
    public String key() {
      return key;
    }

    /**
     * How deep the object holding the repeated key is.
     *
     * @return 0 when the object is the top-level value, otherwise the number of arrays and
     *     objects it sits in
     */
    public int depth() {
      return depth;
    }
  }

  /**
   * Parses one JSON value; trailing non-whitespace is an error.
   *
   * @throws JsonException if the text is not valid JSON, including a {@link DuplicateKeyException}
   *     when an object repeats a key
   */
  public static Object parse(String text) {
    Parser p = new Parser(text);
    p.ws();
    Object v = p.value(0);
    p.ws();
    if (p.pos < text.length()) {
      throw p.error("unexpected trailing characters");
    }
    return v;
  }

  /** Parses a JSON object. */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> parseObject(String text) {
    Object v = parse(text);
    if (!(v instanceof Map)) {
      throw new JsonException("expected a JSON object", 1, 1);
    }
    return (Map<String, Object>) v;
  }

  /** Compact JSON text of a value built from maps, iterables, arrays, strings, numbers, booleans, null. */
  public static String write(Object value) {
    StringBuilder sb = new StringBuilder();
    write(value, sb);
    return sb.toString();
  }

  /** Appends the JSON text of a value. Non-finite doubles are written as {@code null}. */
  public static void write(Object v, StringBuilder sb) {
    if (v == null) {
      sb.append("null");
    } else if (v instanceof String s) {
      quote(s, sb);
    } else if (v instanceof Double d) {
      writeDouble(d, sb);
    } else if (v instanceof Float f) {
      writeDouble(f.doubleValue(), sb);
    } else if (v instanceof Number || v instanceof Boolean) {
      sb.append(v);
    } else if (v instanceof Map<?, ?> m) {
      sb.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : m.entrySet()) {
        if (!first) {
          sb.append(',');
        }
        first = false;
        quote(String.valueOf(e.getKey()), sb);
        sb.append(':');
        write(e.getValue(), sb);
      }
      sb.append('}');
    } else if (v instanceof Iterable<?> it) {
      sb.append('[');
      boolean first = true;
      for (Object o : it) {
        if (!first) {
          sb.append(',');
        }
        first = false;
        write(o, sb);
      }
      sb.append(']');
    } else if (v instanceof double[] a) {
      sb.append('[');
      for (int i = 0; i < a.length; i++) {
        if (i > 0) {
          sb.append(',');
        }
        writeDouble(a[i], sb);
      }
      sb.append(']');
    } else if (v instanceof int[] a) {
      sb.append('[');
      for (int i = 0; i < a.length; i++) {
        if (i > 0) {
          sb.append(',');
        }
        sb.append(a[i]);
      }
      sb.append(']');
    } else if (v instanceof long[] a) {
      sb.append('[');
      for (int i = 0; i < a.length; i++) {
        if (i > 0) {
          sb.append(',');
        }
        sb.append(a[i]);
      }
      sb.append(']');
    } else if (v instanceof Enum<?> e) {
      quote(e.name(), sb);
    } else {
      quote(v.toString(), sb);
    }
  }

  private static void writeDouble(double d, StringBuilder sb) {
    if (!Double.isFinite(d)) {
      sb.append("null");
    } else if (d == Math.rint(d) && Math.abs(d) < 1e15) {
      sb.append((long) d).append(".0");
    } else {
      sb.append(d);
    }
  }

  /** Appends a quoted, escaped JSON string. */
  public static void quote(String s, StringBuilder sb) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        case '\b' -> sb.append("\\b");
        case '\f' -> sb.append("\\f");
        default -> {
          if (c < 0x20 || c == 0x2028 || c == 0x2029) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }

  private static final class Parser {
    final String s;
    int pos;

    Parser(String s) {
      this.s = s;
    }

    JsonException error(String msg) {
      int[] lc = lineColumn();
      return new JsonException(msg, lc[0], lc[1]);
    }

    int[] lineColumn() {
      int line = 1;
      int col = 1;
      for (int i = 0; i < Math.min(pos, s.length()); i++) {
        if (s.charAt(i) == '\n') {
          line++;
          col = 1;
        } else {
          col++;
        }
      }
      return new int[] {line, col};
    }

    void ws() {
      while (pos < s.length()) {
        char c = s.charAt(pos);
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
          pos++;
        } else {
          break;
        }
      }
    }

    Object value(int depth) {
      if (depth > MAX_DEPTH) {
        throw error("nesting deeper than " + MAX_DEPTH);
      }
      if (pos >= s.length()) {
        throw error("unexpected end of input");
      }
      char c = s.charAt(pos);
      switch (c) {
        case '{':
          return object(depth);
        case '[':
          return array(depth);
        case '"':
          return string();
        case 't':
          return literal("true", Boolean.TRUE);
        case 'f':
          return literal("false", Boolean.FALSE);
        case 'n':
          return literal("null", null);
        default:
          if (c == '-' || (c >= '0' && c <= '9')) {
            return number();
          }
          throw error("unexpected character '" + c + "'");
      }
    }

    Object literal(String word, Object v) {
      if (!s.startsWith(word, pos)) {
        throw error("expected '" + word + "'");
      }
      pos += word.length();
      return v;
    }

    Map<String, Object> object(int depth) {
      Map<String, Object> m = new LinkedHashMap<>();
      pos++;
      ws();
      if (pos < s.length() && s.charAt(pos) == '}') {
        pos++;
        return m;
      }
      while (true) {
        ws();
        if (pos >= s.length() || s.charAt(pos) != '"') {
          throw error("expected a string key");
        }
        int keyStart = pos;
        String k = string();
        if (m.containsKey(k)) {
          pos = keyStart;
          int[] lc = lineColumn();
          throw new DuplicateKeyException(k, depth, lc[0], lc[1]);
        }
        ws();
        if (pos >= s.length() || s.charAt(pos) != ':') {
          throw error("expected ':'");
        }
        pos++;
        ws();
        m.put(k, value(depth + 1));
        ws();
        if (pos >= s.length()) {
          throw error("unterminated object");
        }
        char c = s.charAt(pos++);
        if (c == '}') {
          return m;
        }
        if (c != ',') {
          pos--;
          throw error("expected ',' or '}'");
        }
      }
    }

    List<Object> array(int depth) {
      List<Object> l = new ArrayList<>();
      pos++;
      ws();
      if (pos < s.length() && s.charAt(pos) == ']') {
        pos++;
        return l;
      }
      while (true) {
        ws();
        l.add(value(depth + 1));
        ws();
        if (pos >= s.length()) {
          throw error("unterminated array");
        }
        char c = s.charAt(pos++);
        if (c == ']') {
          return l;
        }
        if (c != ',') {
          pos--;
          throw error("expected ',' or ']'");
        }
      }
    }

    String string() {
      pos++;
      StringBuilder sb = new StringBuilder();
      while (true) {
        if (pos >= s.length()) {
          throw error("unterminated string");
        }
        char c = s.charAt(pos++);
        if (c == '"') {
          return sb.toString();
        }
        if (c == '\\') {
          if (pos >= s.length()) {
            throw error("unterminated escape");
          }
          char e = s.charAt(pos++);
          switch (e) {
            case '"' -> sb.append('"');
            case '\\' -> sb.append('\\');
            case '/' -> sb.append('/');
            case 'b' -> sb.append('\b');
            case 'f' -> sb.append('\f');
            case 'n' -> sb.append('\n');
            case 'r' -> sb.append('\r');
            case 't' -> sb.append('\t');
            case 'u' -> {
              if (pos + 4 > s.length()) {
                throw error("truncated \\u escape");
              }
              int cp = 0;
              for (int i = 0; i < 4; i++) {
                int d = Character.digit(s.charAt(pos + i), 16);
                if (d < 0) {
                  throw error("bad \\u escape");
                }
                cp = cp * 16 + d;
              }
              pos += 4;
              sb.append((char) cp);
            }
            default -> {
              pos--;
              throw error("bad escape '\\" + e + "'");
            }
          }
        } else if (c < 0x20) {
          pos--;
          throw error("control character in string");
        } else {
          sb.append(c);
        }
      }
    }

    Object number() {
      int start = pos;
      if (s.charAt(pos) == '-') {
        pos++;
      }
      boolean integral = true;
      int digits = 0;
      while (pos < s.length() && Character.isDigit(s.charAt(pos))) {
        pos++;
        digits++;
      }
      if (digits == 0) {
        throw error("bad number");
      }
      if (pos < s.length() && s.charAt(pos) == '.') {
        integral = false;
        pos++;
        int frac = 0;
        while (pos < s.length() && Character.isDigit(s.charAt(pos))) {
          pos++;
          frac++;
        }
        if (frac == 0) {
          throw error("bad number");
        }
      }
      if (pos < s.length() && (s.charAt(pos) == 'e' || s.charAt(pos) == 'E')) {
        integral = false;
        pos++;
        if (pos < s.length() && (s.charAt(pos) == '+' || s.charAt(pos) == '-')) {
          pos++;
        }
        int exp = 0;
        while (pos < s.length() && Character.isDigit(s.charAt(pos))) {
          pos++;
          exp++;
        }
        if (exp == 0) {
          throw error("bad number");
        }
      }
      String t = s.substring(start, pos);
      if (integral && digits <= 19) {
        try {
          return Long.parseLong(t); // every integer in long's range stays exact (seeds are 64-bit)
        } catch (NumberFormatException outOfRange) {
          // 19 digits above Long.MAX_VALUE: a double, as for any longer integer
        }
      }
      return Double.parseDouble(t);
    }
  }
}
