package dev.spice.corpus;

import dev.spice.core.SpiceException.CorpusException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Mutable counters filled while indexing; frozen into {@link CorpusStats}. Not thread-safe. */
final class StatsCollector {
  /** The SLF4J logger of this module's skip warnings. */
  static final String LOGGER = "dev.spice.corpus";
  private static final Logger LOG = LoggerFactory.getLogger(LOGGER);

  final BadRecordPolicy policy;
  private final String hint;
  long recordsRead;
  long skipped;
  final List<String> examples = new ArrayList<>();
  final Map<String, Long> removed = new TreeMap<>();
  long documents;
  long entries;
  long bytesRead;
  long blankLines;

  /**
   * @param hint how a failure tells the user to skip such records instead (see
   *     {@link CorpusBuilder#badRecordHint})
   */
  StatsCollector(BadRecordPolicy policy, String hint) {
    this.policy = policy;
    this.hint = hint;
  }

  /**
   * A record could not be used: throws under {@link BadRecordPolicy#FAIL}, else counts and logs it.
   *
   * @param where file and line, or list index
   */
  void badRecord(String where, String reason, Throwable cause) {
    String msg = where + ": " + reason;
    if (policy == BadRecordPolicy.FAIL) {
      throw new CorpusException(msg + " (" + hint + ")", cause);
    }
    skipped++;
    if (examples.size() < CorpusStats.MAX_EXAMPLES) {
      examples.add(msg);
    }
    LOG.warn("skipped record: {}", msg);
  }

  void removedBy(String filter) {
    removed.merge(filter, 1L, Long::sum);
  }

  CorpusStats freeze() {
    return new CorpusStats(recordsRead, skipped, examples, removed, documents, entries, bytesRead, blankLines);
  }
}
