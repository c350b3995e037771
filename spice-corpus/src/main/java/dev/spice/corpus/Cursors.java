package dev.spice.corpus;

import dev.spice.core.SpiceException.CorpusException;
import java.util.LinkedHashMap;
import java.util.Map;

/** Parsing and escaping for the one-line cursor states of this module. */
final class Cursors {
  private Cursors() {}

  /** Parses {@code k=v;k=v}; throws naming the source when malformed. */
  static Map<String, String> parse(String source, String state) {
    Map<String, String> m = new LinkedHashMap<>();
    for (String part : state.split(";", -1)) {
      int eq = part.indexOf('=');
      if (eq <= 0) {
        throw new CorpusException(
            "malformed cursor for source '" + source + "': '" + state + "' (expected key=value;...)");
      }
      m.put(part.substring(0, eq), part.substring(eq + 1));
    }
    return m;
  }

  static long number(String source, Map<String, String> m, String key) {
    String v = m.get(key);
    if (v == null) {
      throw new CorpusException("cursor for source '" + source + "' lacks '" + key + "'");
    }
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new CorpusException(
          "cursor for source '" + source + "': '" + key + "' is not a number: '" + v + "'");
    }
  }

  /** Escapes '%' and '|' so a nested state fits between '|' separators. */
  static String escape(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 8);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '%' -> sb.append("%25");
        case '|' -> sb.append("%7C");
        default -> sb.append(c);
      }
    }
    return sb.toString();
  }

  static String unescape(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%') {
        if (i + 2 >= s.length()) {
          throw new CorpusException("malformed escape at the end of cursor field '" + s + "'");
        }
        try {
          sb.append((char) Integer.parseInt(s.substring(i + 1, i + 3), 16));
        } catch (NumberFormatException e) {
          throw new CorpusException("malformed escape in cursor field '" + s + "'");
        }
        i += 2;
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }
}
