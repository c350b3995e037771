package dev.spice.corpus;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Immutable indexing statistics of a {@link Corpus}.
 *
 * @param recordsRead records read from the underlying files or list, including skipped ones
 *     (blank lines of JSON Lines files are not records)
 * @param skippedRecords records skipped under {@link BadRecordPolicy#SKIP} (unreadable records,
 *     repeated ids, binary-looking text files)
 * @param skippedExamples up to {@value #MAX_EXAMPLES} messages naming file, line and reason of
 *     skipped records
 * @param removed documents removed, by filter name ({@code length}, {@code junk},
 *     {@code duplicate}, {@code near-duplicate}, or a custom filter's name); sorted by name
 * @param documents documents kept after filtering
 * @param entries sampling entries per epoch (documents, or segments when segmenting)
 * @param bytesRead bytes of input read while indexing (uncompressed)
 * @param blankLines lines of JSON Lines files that are empty or hold only spaces, tabs and CRs;
 *     they are passed over, and counted here only (not in {@code recordsRead})
 */
public record CorpusStats(
    long recordsRead,
    long skippedRecords,
    List<String> skippedExamples,
    Map<String, Long> removed,
    long documents,
    long entries,
    long bytesRead,
    long blankLines) {

  /** How many skip messages are kept. */
  public static final int MAX_EXAMPLES = 10;

  /**
   * Copies the collections.
   *
   * @param recordsRead records read, including skipped ones
   * @param skippedRecords records skipped under {@link BadRecordPolicy#SKIP}
   * @param skippedExamples messages about skipped records (copied)
   * @param removed documents removed, by filter name (copied and sorted)
   * @param documents documents kept after filtering
   * @param entries sampling entries per epoch
   * @param bytesRead bytes of input read while indexing
   * @param blankLines blank JSON Lines lines passed over
   */
  public CorpusStats {
    skippedExamples = List.copyOf(skippedExamples);
    removed = Collections.unmodifiableMap(new TreeMap<>(removed));
  }

  /**
   * The statistics without a blank-line count (0), as before {@code blankLines} was added.
   *
   * @param recordsRead records read, including skipped ones
   * @param skippedRecords records skipped under {@link BadRecordPolicy#SKIP}
   * @param skippedExamples messages about skipped records (copied)
   * @param removed documents removed, by filter name (copied and sorted)
   * @param documents documents kept after filtering
   * @param entries sampling entries per epoch
   * @param bytesRead bytes of input read while indexing
   */
  public CorpusStats(
      long recordsRead,
      long skippedRecords,
      List<String> skippedExamples,
      Map<String, Long> removed,
      long documents,
      long entries,
      long bytesRead) {
    this(recordsRead, skippedRecords, skippedExamples, removed, documents, entries, bytesRead, 0);
  }

  /**
   * Total documents removed by all filters.
   *
   * @return the sum of the {@code removed} counts
   */
  public long removedTotal() {
    return removed.values().stream().mapToLong(Long::longValue).sum();
  }

  /**
   * The sum of two snapshots (examples concatenated, capped); used by mixtures.
   *
   * @param o the snapshot to add to this one
   * @return a new snapshot holding the sums
   */
  public CorpusStats plus(CorpusStats o) {
    List<String> ex = new ArrayList<>(skippedExamples);
    for (String s : o.skippedExamples) {
      if (ex.size() < MAX_EXAMPLES) {
        ex.add(s);
      }
    }
    Map<String, Long> rm = new TreeMap<>(removed);
    o.removed.forEach((k, v) -> rm.merge(k, v, Long::sum));
    return new CorpusStats(
        recordsRead + o.recordsRead,
        skippedRecords + o.skippedRecords,
        ex,
        rm,
        documents + o.documents,
        entries + o.entries,
        bytesRead + o.bytesRead,
        blankLines + o.blankLines);
  }

  /**
   * An all-zero snapshot.
   *
   * @return statistics with every count zero and no examples
   */
  public static CorpusStats empty() {
    return new CorpusStats(0, 0, List.of(), Map.of(), 0, 0, 0, 0);
  }
}
