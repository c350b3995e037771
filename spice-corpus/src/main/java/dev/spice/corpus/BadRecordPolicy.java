package dev.spice.corpus;

/**
 * What a source does with a record it cannot use: malformed JSON, a missing or mistyped id or text
 * field, an id already used by an earlier record (with an id field), a binary-looking file in a
 * directory of text files. Broken files (missing, invalid UTF-8, truncated gzip) always fail.
 */
public enum BadRecordPolicy {
  /**
   * Fail the build with a {@link dev.spice.core.SpiceException.CorpusException} naming file and line
   * (default).
   */
  FAIL,
  /**
   * Skip the record; it is counted in {@link CorpusStats#skippedRecords()}, the first few reasons
   * are kept in {@link CorpusStats#skippedExamples()} and each skip is logged at WARN (SLF4J
   * logger {@code dev.spice.corpus}).
   */
  SKIP
}
