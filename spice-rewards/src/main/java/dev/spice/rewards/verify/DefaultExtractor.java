package dev.spice.rewards.verify;

import dev.spice.core.AnswerExtractor;
import dev.spice.core.Task;
import dev.spice.core.TaskFormat;
import java.util.List;
import java.util.Optional;

/** The extractor behind {@link AnswerExtractors}. Immutable, thread-safe. */
final class DefaultExtractor implements AnswerExtractor {
  /** Unclosed boxes skipped, at most, on the way back to one that closes (README: at most 8). */
  private static final int MAX_UNCLOSED_BOXES = 8;

  private final ExtractionRule[] order;

  DefaultExtractor(List<ExtractionRule> order) {
    this.order = order.toArray(new ExtractionRule[0]);
  }

  @Override
  public Optional<String> extract(String text, Task task) {
    if (text == null || text.isEmpty()) {
      return Optional.empty();
    }
    try {
      String s = text.length() > AnswerExtractors.MAX_INPUT_CHARS
          ? text.substring(text.length() - AnswerExtractors.MAX_INPUT_CHARS) : text;
      String low = asciiLower(s);
      boolean mcq = task != null && task.format() == TaskFormat.MULTIPLE_CHOICE;
      String firstRaw = null;
      for (ExtractionRule r : order) {
        if (r == ExtractionRule.CHOICE_LAST_LINE && !mcq) {
          continue;
        }
        String cand = clean(apply(r, s, low, task));
        if (cand == null || cand.isEmpty()) {
          continue;
        }
        if (!mcq) {
          return Optional.of(cand);
        }
        char letter = Choices.letter(cand, task.options());
        if (letter == 0) {
          letter = Choices.letter(firstToken(cand), task.options()); // "B because ...", "Paris is ..."
        }
        if (letter != 0) {
          return Optional.of(String.valueOf(letter));
        }
        if (firstRaw == null) {
          firstRaw = cand;
        }
      }
      return Optional.ofNullable(firstRaw);
    } catch (RuntimeException | StackOverflowError e) {
      return Optional.empty();
    }
  }

  private static String apply(ExtractionRule r, String s, String low, Task task) {
    switch (r) {
      case BOXED:
        return boxed(s);
      case GSM8K: {
        int at = s.lastIndexOf("####");
        return at < 0 ? null : restOfLine(s, at + 4);
      }
      case ANSWER_LINE: {
        int at = lastAnswerColon(low);
        if (at < 0) {
          return null;
        }
        String rest = restOfLine(s, at);
        String rl = asciiLower(rest).strip();
        for (String p : new String[] {"the final answer is", "the answer is", "final answer is"}) {
          if (rl.startsWith(p)) {
            return sentence(rest.strip().substring(p.length()));
          }
        }
        int box = rest.indexOf("\\boxed");
        if (box >= 0) {
          String b = boxed(rest);
          if (b != null) {
            return b;
          }
        }
        return rest;
      }
      case ANSWER_IS: {
        int at = low.lastIndexOf("answer is");
        if (at < 0) {
          return null;
        }
        String rest = restOfLine(s, at + 9).strip();
        if (rest.startsWith(":")) {
          rest = rest.substring(1);
        }
        return sentence(rest);
      }
      case CHOICE_LAST_LINE:
        return choiceLastLine(s, task);
      case LAST_NUMBER:
        return lastNumber(s);
      default:
        return null;
    }
  }

  /** Content of the last {@code \boxed{}} / {@code \fbox{}} that closes, or null. */
  static String boxed(String s) {
    int from = s.length();
    for (int tries = 0; tries <= MAX_UNCLOSED_BOXES; tries++) {
      int b1 = from <= 0 ? -1 : s.lastIndexOf("\\boxed", from - 1);
      int b2 = from <= 0 ? -1 : s.lastIndexOf("\\fbox", from - 1);
      int at = Math.max(b1, b2);
      if (at < 0) {
        return null;
      }
      int i = at + (at == b1 ? 6 : 5);
      while (i < s.length() && s.charAt(i) == ' ') {
        i++;
      }
      if (i < s.length() && s.charAt(i) == '{') {
        int close = NumberParser.matchBrace(s, i);
        if (close > 0) {
          return s.substring(i + 1, close);
        }
      } else if (i > at + 6 - 1 && i < s.length() && at == b1 && s.charAt(at + 6) == ' ') {
        // "\boxed 5": up to the next space or '$'
        int e = i;
        while (e < s.length() && !Character.isWhitespace(s.charAt(e)) && s.charAt(e) != '$') {
          e++;
        }
        if (e > i) {
          return s.substring(i, e);
        }
      }
      from = at;
    }
    return null;
  }

  /**
   * The index just after the colon of the last {@code answer:} in {@code low} (lower-cased), where
   * "answer" is a whole word and whitespace may stand before the colon ({@code answer : x} as
   * word-level tokenizers write it); -1 when there is none. Linear: each colon looks back over
   * the whitespace before it only.
   */
  static int lastAnswerColon(String low) {
    for (int c = low.lastIndexOf(':'); c >= 0; c = c == 0 ? -1 : low.lastIndexOf(':', c - 1)) {
      int e = c;
      while (e > 0 && Character.isWhitespace(low.charAt(e - 1))) {
        e--;
      }
      int st = e - 6;
      if (st >= 0 && low.startsWith("answer", st)
          && (st == 0 || !Character.isLetterOrDigit(low.charAt(st - 1)))) {
        return c + 1;
      }
    }
    return -1;
  }

  private static String restOfLine(String s, int from) {
    int e = s.indexOf('\n', from);
    return s.substring(from, e < 0 ? s.length() : e);
  }

  /** Up to the first sentence end: a period followed by a space or the end; "I hope" cut. */
  private static String sentence(String rest) {
    String r = rest;
    int hope = asciiLower(r).indexOf(". i hope");
    if (hope >= 0) {
      r = r.substring(0, hope);
    }
    int dollar = 0;
    for (int i = 0; i < r.length(); i++) {
      char c = r.charAt(i);
      if (c == '$') {
        dollar ^= 1;
      }
      if (c == '.' && dollar == 0 && (i + 1 == r.length() || r.charAt(i + 1) == ' ')) {
        return r.substring(0, i);
      }
    }
    return r;
  }

  private static String choiceLastLine(String s, Task task) {
    int end = s.length();
    while (end > 0) {
      int st = s.lastIndexOf('\n', end - 1) + 1;
      String line = s.substring(st, end).strip();
      if (!line.isEmpty()) {
        if (Choices.letter(line, task.options()) != 0) {
          return line;
        }
        // the last "(B)" on the line
        for (int i = line.length() - 3; i >= 0; i--) {
          if (line.charAt(i) == '(' && line.charAt(i + 2) == ')' && line.charAt(i + 1) >= 'A'
              && line.charAt(i + 1) <= 'J') {
            return line.substring(i, i + 3);
          }
        }
        // the last "B)" standing alone on the line
        for (int i = line.length() - 2; i >= 0; i--) {
          char c = line.charAt(i);
          if (line.charAt(i + 1) == ')' && c >= 'A' && c <= 'J' && (i == 0 || !Character.isLetterOrDigit(line.charAt(i - 1)))) {
            return line.substring(i, i + 2);
          }
        }
        return null;
      }
      end = st - 1;
    }
    return null;
  }

  private static String lastNumber(String s) {
    int i = s.length() - 1;
    while (i >= 0 && !(s.charAt(i) >= '0' && s.charAt(i) <= '9')) {
      i--;
    }
    if (i < 0) {
      return null;
    }
    int e = i + 1;
    int st = i;
    while (st > 0) {
      char c = s.charAt(st - 1);
      if ((c >= '0' && c <= '9') || c == '.' || c == '/'
          || (c == ',' && st >= 2 && Character.isDigit(s.charAt(st - 2)))) {
        st--;
      } else {
        break;
      }
    }
    if (st > 0 && s.charAt(st - 1) == '-') {
      st--;
    }
    return s.substring(st, e);
  }

  /** The first whitespace-delimited token without trailing {@code , ; : .}. */
  static String firstToken(String c) {
    String t = c.strip();
    int sp = 0;
    while (sp < t.length() && !Character.isWhitespace(t.charAt(sp))) {
      sp++;
    }
    t = t.substring(0, sp);
    while (!t.isEmpty() && ",;:.".indexOf(t.charAt(t.length() - 1)) >= 0) {
      t = t.substring(0, t.length() - 1);
    }
    return t;
  }

  /** Strips whitespace, math delimiters, bold markers and a final period. */
  static String clean(String c) {
    if (c == null) {
      return null;
    }
    String t = c.strip();
    for (int guard = 0; guard < 8; guard++) {
      String before = t;
      if (t.endsWith(".")) {
        t = t.substring(0, t.length() - 1).strip();
      }
      if (t.length() >= 2 && t.startsWith("$") && t.endsWith("$")) {
        t = t.substring(1, t.length() - 1).strip();
      }
      if (t.length() >= 4 && t.startsWith("**") && t.endsWith("**")) {
        t = t.substring(2, t.length() - 2).strip();
      }
      if (t.startsWith("**")) {
        t = t.substring(2).strip();
      }
      if (t.endsWith("**")) {
        t = t.substring(0, t.length() - 2).strip();
      }
      if (t.length() >= 4 && (t.startsWith("\\(") && t.endsWith("\\)") || t.startsWith("\\[") && t.endsWith("\\]"))) {
        t = t.substring(2, t.length() - 2).strip();
      }
      if (t.equals(before)) {
        break;
      }
    }
    return t;
  }

  /** Lower-cases ASCII letters only, so that indices stay aligned with the input. */
  static String asciiLower(String s) {
    char[] a = s.toCharArray();
    for (int i = 0; i < a.length; i++) {
      char c = a[i];
      if (c >= 'A' && c <= 'Z') {
        a[i] = (char) (c + 32);
      }
    }
    return new String(a);
  }
}
