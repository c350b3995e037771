package dev.spice.corpus;

import dev.spice.core.Document;

/**
 * Where the records of an indexed corpus live. A record is addressed by a {@code long} locator
 * chosen by the store (a list index, a file index, a byte offset), so the index holds locators,
 * never texts.
 */
interface RecordStore extends AutoCloseable {

  /** Receives the records of a scan. */
  @FunctionalInterface
  interface Sink {
    /** One readable record. */
    void accept(long locator, Document document);
  }

  /**
   * Reads every record once, in a deterministic order, handing readable ones to {@code sink}.
   * Unreadable records fail or are reported to {@code stats} according to the policy.
   */
  void scan(Sink sink, StatsCollector stats);

  /** Reads the record at a locator obtained from {@link #scan}; thread-safe. */
  Document read(long locator);

  /** Releases files and temporary copies; idempotent. */
  @Override
  void close();
}
