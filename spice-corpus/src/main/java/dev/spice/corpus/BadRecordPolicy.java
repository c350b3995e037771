package dev.spice.corpus;

/**
 * What a source does with a record it cannot read (malformed JSON, missing id or text field,
 * wrong field type). Broken files (missing, invalid UTF-8, truncated gzip) always fail.
 */
public enum BadRecordPolicy {
  /** Fail the build with a {@link dev.spice.core.SpiceException.CorpusException} naming file and line (default). */
  FAIL,
  /**
   * Skip the record; it is counted in {@link CorpusStats#skippedRecords()}, the first few reasons
   * are kept in {@link CorpusStats#skippedExamples()} and each skip is logged at WARNING.
   */
  SKIP
}
