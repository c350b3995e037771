package dev.spice.corpus;

import dev.spice.core.Document;
import dev.spice.core.SpiceException.ConfigurationException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.ToIntFunction;

/**
 * Splits long texts into segments under a budget, measured in characters or in tokens of a
 * supplied counter, cutting on paragraph boundaries first, then line, sentence and word
 * boundaries, and only as a last resort inside a word. Consecutive segments may overlap by up to
 * {@code overlap} units (characters or tokens), always starting on a boundary.
 *
 * <p>Each segment is a {@link Span} of character offsets into the original text (leading and
 * trailing whitespace excluded), so provenance is exact. Immutable and thread-safe if the token
 * counter is.
 */
public final class Segmenter {

  /**
   * A segment as character offsets into the original text.
   *
   * @param start first character, inclusive
   * @param end last character, exclusive; {@code end > start}
   */
  public record Span(int start, int end) {
    /**
     * Validates.
     *
     * @param start first character, inclusive
     * @param end last character, exclusive
     */
    public Span {
      if (start < 0 || end <= start) {
        throw new IllegalArgumentException("bad span [" + start + ", " + end + ")");
      }
    }
  }

  private final int budget;
  private final int overlap;
  private final ToIntFunction<String> counter; // null: characters

  private Segmenter(int budget, int overlap, ToIntFunction<String> counter) {
    this.budget = budget;
    this.overlap = overlap;
    this.counter = counter;
  }

  /**
   * A segmenter with a budget of {@code maxChars} characters and no overlap.
   *
   * @param maxChars the budget in characters
   * @return the segmenter
   */
  public static Segmenter chars(int maxChars) {
    return builder().maxChars(maxChars).build();
  }

  /**
   * A builder; set exactly one of {@code maxChars} or {@code maxTokens}.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /** Fluent, validating builder of {@link Segmenter}. Not thread-safe. */
  public static final class Builder {
    private int maxChars;
    private int maxTokens;
    private ToIntFunction<String> counter;
    private int overlap;

    private Builder() {}

    /**
     * Budget in characters (UTF-16 chars), at least 1.
     *
     * @param maxChars the budget in characters
     * @return this builder
     */
    public Builder maxChars(int maxChars) {
      this.maxChars = maxChars;
      return this;
    }

    /**
     * Budget in tokens as counted by {@code counter} (for example a tokenizer's encode length),
     * at least 1. The counter must be deterministic; it is called on substrings of the text.
     *
     * @param maxTokens the budget in tokens
     * @param counter counts the tokens of a string
     * @return this builder
     */
    public Builder maxTokens(int maxTokens, ToIntFunction<String> counter) {
      this.maxTokens = maxTokens;
      this.counter = Objects.requireNonNull(counter, "counter");
      return this;
    }

    /**
     * Overlap between consecutive segments, in the budget's unit; 0 (default) to budget - 1.
     *
     * @param overlap the overlap in the budget's unit
     * @return this builder
     */
    public Builder overlap(int overlap) {
      this.overlap = overlap;
      return this;
    }

    /**
     * Validates and builds.
     *
     * @return the segmenter
     * @throws ConfigurationException if neither or both budgets are set, or a value is out of range
     */
    public Segmenter build() {
      if ((maxChars > 0) == (counter != null)) {
        throw new ConfigurationException(
            "Segmenter: set exactly one of maxChars (>= 1) or maxTokens (>= 1, with a counter);"
                + " got maxChars=" + maxChars + ", maxTokens=" + maxTokens);
      }
      if (counter != null && maxTokens < 1) {
        throw new ConfigurationException("Segmenter: maxTokens must be >= 1, got " + maxTokens);
      }
      if (maxChars < 0) {
        throw new ConfigurationException("Segmenter: maxChars must be >= 1, got " + maxChars);
      }
      int b = counter != null ? maxTokens : maxChars;
      if (overlap < 0 || overlap >= b) {
        throw new ConfigurationException(
            "Segmenter: overlap must be in [0, " + (b - 1) + "] (below the budget), got " + overlap);
      }
      return new Segmenter(b, overlap, counter);
    }
  }

  /**
   * The budget per segment, in characters or tokens.
   *
   * @return the budget
   */
  public int budget() {
    return budget;
  }

  /**
   * The overlap between consecutive segments, in characters or tokens.
   *
   * @return the overlap
   */
  public int overlap() {
    return overlap;
  }

  /**
   * True if the budget is counted in tokens.
   *
   * @return whether the budget is in tokens
   */
  public boolean countsTokens() {
    return counter != null;
  }

  /**
   * The segments of a text, in order; empty for a blank text. Each segment's measured size is at
   * most the budget, except that a single character (a code point: a surrogate pair is never cut)
   * is never split further.
   *
   * @param text the text to segment
   * @return the segment spans
   */
  public List<Span> spans(String text) {
    List<Span> units = new ArrayList<>();
    split(text, 0, text.length(), 0, units);
    List<Span> out = new ArrayList<>();
    int n = units.size();
    int i = 0;
    while (i < n) {
      int j = i;
      long est = size(text, units.get(i));
      while (j + 1 < n) {
        long next = counter == null
            ? units.get(j + 1).end() - units.get(i).start()
            : est + size(text, units.get(j + 1));
        if (next > budget) {
          break;
        }
        est = next;
        j++;
      }
      // token counts are not exactly additive: check the real count and shrink
      while (counter != null && j > i && measure(text, units.get(i).start(), units.get(j).end()) > budget) {
        j--;
      }
      out.add(new Span(units.get(i).start(), units.get(j).end()));
      if (j + 1 >= n) {
        break;
      }
      int k = j + 1;
      if (overlap > 0) {
        // step back over units that fit the overlap, but keep room for the next new unit so that
        // every segment ends beyond the previous one
        while (k - 1 > i
            && measure(text, units.get(k - 1).start(), units.get(j).end()) <= overlap
            && measure(text, units.get(k - 1).start(), units.get(j + 1).end()) <= budget) {
          k--;
        }
      }
      i = k;
    }
    return out;
  }

  /**
   * The segments of a document as documents: id {@code docId#start}, same source, metadata plus
   * {@code document.id}, {@code segment.start} and {@code segment.end}.
   *
   * @param document the document to segment
   * @return the segment documents
   */
  public List<Document> split(Document document) {
    List<Document> out = new ArrayList<>();
    for (Span s : spans(document.text())) {
      Map<String, String> md = new HashMap<>(document.metadata());
      md.put("document.id", document.id());
      md.put("segment.start", Integer.toString(s.start()));
      md.put("segment.end", Integer.toString(s.end()));
      out.add(new Document(
          document.id() + "#" + s.start(), document.text().substring(s.start(), s.end()), document.source(), md));
    }
    return out;
  }

  private long size(String text, Span s) {
    return measure(text, s.start(), s.end());
  }

  private long measure(String text, int start, int end) {
    return counter == null ? end - start : counter.applyAsInt(text.substring(start, end));
  }

  // level 0 paragraphs, 1 lines, 2 sentences, 3 words, 4 characters
  private void split(String t, int from, int to, int level, List<Span> out) {
    int s = from;
    while (s < to && Character.isWhitespace(t.charAt(s))) {
      s++;
    }
    int e = to;
    while (e > s && Character.isWhitespace(t.charAt(e - 1))) {
      e--;
    }
    if (s >= e) {
      return;
    }
    if (measure(t, s, e) <= budget) {
      out.add(new Span(s, e));
      return;
    }
    if (level == 4) {
      hardSplit(t, s, e, out);
      return;
    }
    int partStart = s;
    for (int i = s; i < e; i++) {
      int cut = boundary(t, i, e, level);
      if (cut > 0) {
        split(t, partStart, i, level + 1, out);
        partStart = cut;
        i = cut - 1;
      }
    }
    split(t, partStart, e, level + 1, out);
  }

  /** If a boundary of this level starts at i, the index where the next part starts; else -1. */
  private static int boundary(String t, int i, int end, int level) {
    char c = t.charAt(i);
    switch (level) {
      case 0: // blank line
        if (c == '\n') {
          int k = i + 1;
          while (k < end && (t.charAt(k) == ' ' || t.charAt(k) == '\t' || t.charAt(k) == '\r')) {
            k++;
          }
          if (k < end && t.charAt(k) == '\n') {
            return k + 1;
          }
        }
        return -1;
      case 1:
        return c == '\n' ? i + 1 : -1;
      case 2: // after . ! ? (and closing quotes) followed by whitespace
        if (Character.isWhitespace(c) && i > 0) {
          int k = i - 1;
          while (k > 0 && (t.charAt(k) == '"' || t.charAt(k) == '\'' || t.charAt(k) == ')')) {
            k--;
          }
          char p = t.charAt(k);
          if (p == '.' || p == '!' || p == '?') {
            return i + 1;
          }
        }
        return -1;
      default:
        return Character.isWhitespace(c) ? i + 1 : -1;
    }
  }

  private void hardSplit(String t, int s, int e, List<Span> out) {
    int start = s;
    while (start < e) {
      int lo = start + 1;
      int hi = e;
      // largest end in [lo, hi] whose measure fits (at least one char)
      while (lo < hi) {
        int mid = (lo + hi + 1) >>> 1;
        if (measure(t, start, mid) <= budget) {
          lo = mid;
        } else {
          hi = mid - 1;
        }
      }
      int end = lo;
      // never cut a surrogate pair: end before it, or after it when it is the piece's only character
      if (end < e && Character.isSurrogatePair(t.charAt(end - 1), t.charAt(end))) {
        end = end - 1 > start ? end - 1 : end + 1;
      }
      out.add(new Span(start, end));
      start = end;
    }
  }
}
