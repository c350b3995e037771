package dev.spice.corpus;

import dev.spice.core.Document;
import dev.spice.core.SpiceException.ConfigurationException;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;

/** Ready {@link DocumentFilter}s. All are stateless and thread-safe. */
public final class DocumentFilters {
  private DocumentFilters() {}

  /**
   * Keeps documents whose text length in characters (UTF-16 chars) lies in
   * {@code [minChars, maxChars]}; named {@code length}.
   *
   * @param minChars the least length, at least 0
   * @param maxChars the greatest length, at least {@code minChars}
   * @return the length filter
   */
  public static DocumentFilter length(int minChars, int maxChars) {
    if (minChars < 0 || maxChars < minChars) {
      throw new ConfigurationException(
          "length filter: need 0 <= minChars <= maxChars, got " + minChars + ", " + maxChars);
    }
    return of("length", d -> d.text().length() >= minChars && d.text().length() <= maxChars);
  }

  /**
   * {@link #junk(double, double)} with a minimum letter share of 0.5 and at most 0.3 repeated lines.
   *
   * @return the junk filter
   */
  public static DocumentFilter junk() {
    return junk(0.5, 0.3);
  }

  /**
   * Removes junk; named {@code junk}. A document is junk if letters make up less than
   * {@code minLetterShare} of its non-whitespace characters, or if more than
   * {@code maxRepeatedLineShare} of its non-blank lines repeat an earlier line of the same
   * document (after trimming). Blank documents are junk.
   *
   * @param minLetterShare in [0, 1]
   * @param maxRepeatedLineShare in [0, 1]
   * @return the junk filter
   */
  public static DocumentFilter junk(double minLetterShare, double maxRepeatedLineShare) {
    if (!(minLetterShare >= 0 && minLetterShare <= 1) || !(maxRepeatedLineShare >= 0 && maxRepeatedLineShare <= 1)) {
      throw new ConfigurationException(
          "junk filter: shares must be in [0, 1], got " + minLetterShare + ", " + maxRepeatedLineShare);
    }
    return of("junk", d -> !isJunk(d.text(), minLetterShare, maxRepeatedLineShare));
  }

  /**
   * A filter from a name and a predicate (true keeps). The predicate must be deterministic.
   *
   * @param name the filter name; not blank
   * @param keep true keeps a document
   * @return the filter
   */
  public static DocumentFilter of(String name, Predicate<Document> keep) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(keep, "keep");
    if (name.isBlank()) {
      throw new ConfigurationException("filter name must not be blank");
    }
    return new DocumentFilter() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public boolean keep(Document document) {
        return keep.test(document);
      }

      @Override
      public String toString() {
        return "DocumentFilter[" + name + "]";
      }
    };
  }

  static boolean isJunk(String text, double minLetterShare, double maxRepeatedLineShare) {
    long visible = 0;
    long letters = 0;
    for (int i = 0; i < text.length(); ) {
      int cp = text.codePointAt(i);
      i += Character.charCount(cp);
      if (!Character.isWhitespace(cp)) {
        visible++;
        if (Character.isLetter(cp)) {
          letters++;
        }
      }
    }
    if (visible == 0 || letters < minLetterShare * visible) {
      return true;
    }
    Set<String> seen = new HashSet<>();
    int lines = 0;
    int repeated = 0;
    for (String line : text.split("\n")) {
      String l = line.strip();
      if (l.isEmpty()) {
        continue;
      }
      lines++;
      if (!seen.add(l)) {
        repeated++;
      }
    }
    return lines > 0 && repeated > maxRepeatedLineShare * lines;
  }
}
