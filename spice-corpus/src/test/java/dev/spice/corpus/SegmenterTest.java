package dev.spice.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.SpiceException.ConfigurationException;
import dev.spice.corpus.Segmenter.Span;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.ToIntFunction;
import org.junit.jupiter.api.Test;

/**
 * The segmenter's documented rules: cut on blank lines, then lines, then sentence ends (. ! ?,
 * optionally followed by closing quotes or brackets), then whitespace, and only inside a word
 * longer than the budget, never inside a surrogate pair; segments exclude surrounding whitespace.
 */
class SegmenterTest {
  static final String FACE = "\uD83D\uDE00"; // U+1F600, a surrogate pair

  static List<String> pieces(Segmenter seg, String text) {
    return seg.spans(text).stream().map(s -> text.substring(s.start(), s.end())).toList();
  }

  static int words(String s) {
    String t = s.strip();
    return t.isEmpty() ? 0 : t.split("\\s+").length;
  }

  static int utf8Bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }

  // ---- boundary preference, one rule at a time ------------------------------------------------

  /**
   * "A" + blank line + "Bb" fits the budget, so packing lines would join them; a paragraph that fits
   * (exactly the budget here) must stay whole instead.
   */
  @Test
  void aParagraphThatFitsIsKeptWholeForEveryKindOfBlankLine() {
    String[][] variants = {
      {"\n\n", "\n"}, {"\n \n", "\n"}, {"\n\t\n", "\n"}, {"\r\n\r\n", "\r\n"}, {"\n\r\n", "\n"}, {"\n  \t\r\n", "\n"},
    };
    for (String[] v : variants) {
      String blank = v[0];
      String nl = v[1];
      int budget = 1 + blank.length() + 2;
      String second = "Bb" + nl + "C".repeat(budget - 2 - nl.length());
      String text = "A" + blank + second;
      assertEquals(List.of("A", second), pieces(Segmenter.chars(budget), text),
          "blank line " + blank.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t"));
    }
  }

  @Test
  void anOverlongParagraphIsCutAtItsLinesBeforeAnyWord() {
    assertEquals(List.of("A", "Bb Cc", "Dd"), pieces(Segmenter.chars(5), "A\nBb Cc\n\nDd"));
  }

  /** "A" + newline + "Bb" fits, but the line "Bb C..." fits too and must not be cut at a word. */
  @Test
  void aLineThatFitsIsNeverCutAtAWordOrSentence() {
    for (String nl : List.of("\n", "\r\n")) {
      int budget = 1 + nl.length() + 2;
      String second = "Bb " + "C".repeat(budget - 3);
      assertEquals(List.of("A", second), pieces(Segmenter.chars(budget), "A" + nl + second), nl.length() + "-char newline");
    }
    // a one-character line between two others is a line of its own
    assertEquals(List.of("Aaaa", "B", "Cc dd"), pieces(Segmenter.chars(5), "Aaaa\nB\nCc dd"));
    // a line of two sentences that fits is not cut at its sentence end
    assertEquals(List.of("A", "Bb. C"), pieces(Segmenter.chars(5), "A\nBb. C"));
  }

  /** "A." + " Bb" fits, but the next sentence fits too (exactly) and must not be cut at a word. */
  @Test
  void aSentenceThatFitsIsNeverCutAtAWordWhateverItsEnd() {
    for (String end : List.of(".", "!", "?", ".\"", "?'", "!)", ".')", "?\")")) {
      String first = "A" + end;
      int budget = first.length() + 3;
      String second = "Bb " + "C".repeat(budget - 4) + ".";
      assertEquals(List.of(first, second), pieces(Segmenter.chars(budget), first + " " + second), "sentence end " + end);
    }
  }

  @Test
  void aTextStartingWithLoneClosingPunctuationIsSegmentedNormally() {
    assertEquals(List.of("\") Aa.", "Bb Cc."), pieces(Segmenter.chars(8), "\") Aa. Bb Cc."));
    assertEquals(List.of("' Aa!", "Bb Cc."), pieces(Segmenter.chars(7), "' Aa! Bb Cc."));
  }

  @Test
  void segmentsExcludeLeadingAndTrailingWhitespace() {
    assertEquals(List.of(new Span(2, 7)), Segmenter.chars(10).spans("  Hello \n "));
    assertEquals(List.of("Aaaa.", "Bb cc"), pieces(Segmenter.chars(6), " \t Aaaa.  \n\n  Bb cc \r\n"));
    assertEquals(List.of("Aa", "Bb"), pieces(Segmenter.chars(2), "Aa  \t Bb"));
    // a blank text, the empty one included, has no segments
    assertEquals(List.of(), Segmenter.chars(3).spans(""));
    assertEquals(List.of(), Segmenter.chars(3).spans(" \r\n\t "));
  }

  // ---- hard splits ----------------------------------------------------------------------------

  @Test
  void hardSplitsNeverCutASurrogatePair() {
    // budget 4 would end the first piece between the two halves of the emoji
    List<String> p = pieces(Segmenter.chars(4), "aaa" + FACE + "bbb");
    assertEquals("aaa" + FACE + "bbb", String.join("", p));
    for (String s : p) {
      assertTrue(s.length() <= 4, s);
      assertWholeCodePoints(s);
    }
    // a pair longer than the whole budget is one character that is never split
    assertEquals(List.of("a", FACE, "b"), pieces(Segmenter.chars(1), "a" + FACE + "b"));
    assertEquals(List.of(FACE, FACE), pieces(Segmenter.chars(1), FACE + FACE));
    assertEquals(List.of(FACE + FACE, FACE), pieces(Segmenter.chars(5), FACE + FACE + FACE));
  }

  @Test
  void aSingleCharacterAboveATokenBudgetIsItsOwnSegment() {
    Segmenter oneByte = Segmenter.builder().maxTokens(1, SegmenterTest::utf8Bytes).build();
    assertEquals(List.of("a", "\u00e9", "b"), pieces(oneByte, "a\u00e9b")); // e-acute is 2 bytes
    assertEquals(List.of("x", FACE, "y"), pieces(oneByte, "x" + FACE + "y")); // 4 bytes
    Segmenter threeBytes = Segmenter.builder().maxTokens(3, SegmenterTest::utf8Bytes).build();
    assertEquals(List.of("ab", FACE, "c"), pieces(threeBytes, "ab" + FACE + "c"));
  }

  // ---- token budgets --------------------------------------------------------------------------

  /** A counter where a newline is a token: joining two lines costs more than the two lines. */
  @Test
  void tokenSegmentsAreRecountedWhenCountsAreNotAdditive() {
    ToIntFunction<String> wordsAndNewlines = s -> words(s) + (int) s.chars().filter(c -> c == '\n').count();
    Segmenter seg = Segmenter.builder().maxTokens(4, wordsAndNewlines).build();
    String text = "a b\nc d\ne f\ng h";
    List<String> p = pieces(seg, text);
    for (String s : p) {
      assertTrue(wordsAndNewlines.applyAsInt(s) <= 4, "over budget: " + s.replace("\n", "\\n"));
    }
    assertEquals(List.of("a b", "c d", "e f", "g h"), p);
  }

  /** A counter that is cheaper on joined text (about four characters a token) with overlap. */
  @Test
  void overlapWithASubadditiveCounterStillProgresses() {
    ToIntFunction<String> quarter = s -> (s.length() + 3) / 4;
    Segmenter seg = Segmenter.builder().maxTokens(2, quarter).overlap(1).build();
    String text = "a b c d e f g h i j k l";
    List<Span> spans = seg.spans(text);
    assertEquals(0, spans.get(0).start());
    assertEquals(text.length(), spans.get(spans.size() - 1).end());
    for (int i = 0; i < spans.size(); i++) {
      Span s = spans.get(i);
      assertTrue(quarter.applyAsInt(text.substring(s.start(), s.end())) <= 2);
      if (i > 0) {
        Span p = spans.get(i - 1);
        assertTrue(s.start() > p.start() && s.end() > p.end(), "no progress at segment " + i);
        assertTrue(s.start() <= p.end() + 1, "gap at segment " + i);
        if (s.start() < p.end()) {
          assertTrue(quarter.applyAsInt(text.substring(s.start(), p.end())) <= 1, "overlap too large");
        }
      }
    }
  }

  /**
   * Segmenting costs a bounded number of passes of the (possibly expensive) token counter over the
   * text, not one pass per segment.
   */
  @Test
  void theTokenCounterReadsTheTextABoundedNumberOfTimes() {
    long[] counted = {0};
    ToIntFunction<String> counting = s -> {
      counted[0] += s.length();
      return words(s);
    };
    String text = prose(new SplittableRandom(5), 60, false);
    List<Span> spans = Segmenter.builder().maxTokens(40, counting).build().spans(text);
    assertTrue(spans.size() > 20, spans.size() + " segments");
    assertTrue(counted[0] <= 16L * text.length(), counted[0] + " characters counted for a text of " + text.length());
  }

  // ---- builder --------------------------------------------------------------------------------

  @Test
  void builderAcceptsTheDocumentedRangesAndNamesTheValidOnes() {
    Segmenter one = Segmenter.builder().maxTokens(1, String::length).build();
    assertEquals(1, one.budget());
    assertEquals(0, one.overlap());
    assertTrue(one.countsTokens());
    Segmenter c = Segmenter.builder().maxChars(10).overlap(9).build();
    assertEquals(10, c.budget());
    assertEquals(9, c.overlap());
    assertFalse(c.countsTokens());
    assertEquals(1, Segmenter.chars(1).budget());
    ConfigurationException e = assertThrows(ConfigurationException.class,
        () -> Segmenter.builder().maxChars(10).overlap(10).build());
    assertTrue(e.getMessage().contains("[0, 9]") && e.getMessage().contains("got 10"), e.getMessage());
    ConfigurationException e2 = assertThrows(ConfigurationException.class,
        () -> Segmenter.builder().maxTokens(4, String::length).overlap(-1).build());
    assertTrue(e2.getMessage().contains("[0, 3]") && e2.getMessage().contains("got -1"), e2.getMessage());
    assertThrows(ConfigurationException.class, () -> Segmenter.builder().maxChars(-3).build());
  }

  @Test
  void spansAreNonEmptyAndNonNegative() {
    assertEquals(1, new Span(0, 1).end());
    assertThrows(IllegalArgumentException.class, () -> new Span(3, 3));
    assertThrows(IllegalArgumentException.class, () -> new Span(4, 3));
    assertThrows(IllegalArgumentException.class, () -> new Span(-1, 2));
  }

  // ---- the documented preference as a property over seeded random prose -----------------------

  @Test
  void cutsFollowTheDocumentedPreferenceOnRandomProse() {
    SplittableRandom r = new SplittableRandom(20240611L);
    for (int trial = 0; trial < 300; trial++) {
      String text = prose(r, 1 + r.nextInt(8), true);
      int budget = 2 + r.nextInt(trial % 3 == 0 ? 30 : 300);
      List<Span> spans = Segmenter.chars(budget).spans(text);
      String where = "trial " + trial + ", budget " + budget;
      int prevEnd = 0;
      for (int i = 0; i < spans.size(); i++) {
        Span s = spans.get(i);
        String piece = text.substring(s.start(), s.end());
        assertTrue(piece.length() <= budget, where + ": over budget: " + piece);
        assertFalse(Character.isWhitespace(piece.charAt(0)) || Character.isWhitespace(piece.charAt(piece.length() - 1)),
            where + ": untrimmed " + piece);
        assertWholeCodePoints(piece);
        assertTrue(s.start() >= prevEnd && text.substring(prevEnd, s.start()).isBlank(), where + ": skipped text");
        if (i > 0) {
          int level = cutLevel(text, prevEnd, s.start());
          for (int l = 0; l < level; l++) {
            int[] u = unit(text, prevEnd, s.start(), l);
            assertTrue(u[1] - u[0] > budget, where + ": cut at level " + level + " inside a " + LEVELS[l]
                + " that fits: '" + text.substring(u[0], u[1]) + "'");
          }
        }
        prevEnd = s.end();
      }
      assertTrue(text.substring(prevEnd).isBlank(), where + ": text left after the last segment");
    }
  }

  static final String[] LEVELS = {"paragraph", "line", "sentence", "word"};

  static void assertWholeCodePoints(String s) {
    assertFalse(Character.isLowSurrogate(s.charAt(0)), "starts inside a surrogate pair");
    assertFalse(Character.isHighSurrogate(s.charAt(s.length() - 1)), "ends inside a surrogate pair");
  }

  /**
   * Random prose: words (rarely very long, sometimes with an emoji), sentence ends with closing
   * quotes and brackets, commas, LF and CRLF lines, blank lines of every kind, indentation.
   */
  static String prose(SplittableRandom r, int paragraphs, boolean odd) {
    String[] ends = odd ? new String[] {".", "!", "?", ".\"", "?'", "!)", ".)", ","} : new String[] {"."};
    String[] blanks = odd ? new String[] {"\n\n", "\n \n", "\r\n\r\n", "\n\t\n", "\n  \r\n", "\n\n\n"} : new String[] {"\n\n"};
    StringBuilder sb = new StringBuilder();
    for (int p = 0; p < paragraphs; p++) {
      int lines = 1 + r.nextInt(3);
      for (int l = 0; l < lines; l++) {
        if (odd && r.nextInt(5) == 0) {
          sb.append(r.nextBoolean() ? "  " : "\t");
        }
        int sentences = 1 + r.nextInt(4);
        for (int s = 0; s < sentences; s++) {
          int words = 1 + r.nextInt(14);
          for (int w = 0; w < words; w++) {
            int len = r.nextInt(40) == 0 ? 20 + r.nextInt(100) : 1 + r.nextInt(9);
            for (int c = 0; c < len; c++) {
              if (odd && r.nextInt(40) == 0) {
                sb.append(FACE);
              } else {
                sb.append((char) ('a' + r.nextInt(26)));
              }
            }
            sb.append(w + 1 < words ? (odd && r.nextInt(10) == 0 ? "  " : " ") : ends[r.nextInt(ends.length)]);
          }
          if (s + 1 < sentences) {
            sb.append(' ');
          }
        }
        if (l + 1 < lines) {
          sb.append(odd && r.nextBoolean() ? "\r\n" : "\n");
        }
      }
      sb.append(blanks[r.nextInt(blanks.length)]);
    }
    return sb.toString();
  }

  static boolean quote(char c) {
    return c == '"' || c == '\'' || c == ')';
  }

  /** A blank line starts at i: a newline, then only spaces, tabs or CRs, then a newline. */
  static int paragraphBoundaryEnd(String t, int i) {
    if (t.charAt(i) != '\n') {
      return -1;
    }
    int k = i + 1;
    while (k < t.length() && (t.charAt(k) == ' ' || t.charAt(k) == '\t' || t.charAt(k) == '\r')) {
      k++;
    }
    return k < t.length() && t.charAt(k) == '\n' ? k + 1 : -1;
  }

  /** Whitespace at i that follows . ! or ? (possibly with closing quotes or brackets between). */
  static boolean sentenceEndBefore(String t, int i) {
    if (i == 0 || !Character.isWhitespace(t.charAt(i))) {
      return false;
    }
    int k = i - 1;
    while (k > 0 && quote(t.charAt(k))) {
      k--;
    }
    char p = t.charAt(k);
    return p == '.' || p == '!' || p == '?';
  }

  /** The end of a boundary of level at most {@code level} starting at i, or -1. */
  static int boundaryEnd(String t, int i, int level) {
    int para = paragraphBoundaryEnd(t, i);
    if (para >= 0) {
      return para;
    }
    char c = t.charAt(i);
    if (level >= 1 && c == '\n' || level >= 2 && sentenceEndBefore(t, i) || level >= 3 && Character.isWhitespace(c)) {
      return i + 1;
    }
    return -1;
  }

  /** The finest kind of boundary in the whitespace gap [a, b) between two segments; 4 inside a word. */
  static int cutLevel(String t, int a, int b) {
    if (a == b) {
      return 4;
    }
    for (int i = a; i < b; i++) {
      if (paragraphBoundaryEnd(t, i) >= 0) {
        return 0;
      }
    }
    if (t.substring(a, b).indexOf('\n') >= 0) {
      return 1;
    }
    return sentenceEndBefore(t, a) ? 2 : 3;
  }

  /** The paragraph, line, sentence or word around the gap [a, b), without surrounding whitespace. */
  static int[] unit(String t, int a, int b, int level) {
    int left = 0;
    for (int i = a - 1; i >= 0; i--) {
      int e = boundaryEnd(t, i, level);
      if (e >= 0 && e <= a) {
        left = e;
        break;
      }
    }
    int right = t.length();
    for (int i = b; i < t.length(); i++) {
      if (boundaryEnd(t, i, level) >= 0) {
        right = i;
        break;
      }
    }
    while (left < right && Character.isWhitespace(t.charAt(left))) {
      left++;
    }
    while (right > left && Character.isWhitespace(t.charAt(right - 1))) {
      right--;
    }
    return new int[] {left, right};
  }
}
