package dev.spice.corpus;

import dev.spice.core.SpiceException.CorpusException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Mutable counters filled while indexing; frozen into {@link CorpusStats}. Not thread-safe. */
final class StatsCollector {
  private static final System.Logger LOG = System.getLogger("dev.spice.corpus");

  final BadRecordPolicy policy;
  long recordsRead;
  long skipped;
  final List<String> examples = new ArrayList<>();
  final Map<String, Long> removed = new TreeMap<>();
  long documents;
  long entries;
  long bytesRead;

  StatsCollector(BadRecordPolicy policy) {
    this.policy = policy;
  }

  /**
   * A record could not be read: throws under {@link BadRecordPolicy#FAIL}, else counts and logs it.
   *
   * @param where file and line, or list index
   */
  void badRecord(String where, String reason, Throwable cause) {
    String msg = where + ": " + reason;
    if (policy == BadRecordPolicy.FAIL) {
      throw new CorpusException(msg + " (use BadRecordPolicy.SKIP to skip such records)", cause);
    }
    skipped++;
    if (examples.size() < CorpusStats.MAX_EXAMPLES) {
      examples.add(msg);
    }
    LOG.log(System.Logger.Level.WARNING, "skipped record: {0}", msg);
  }

  void removedBy(String filter) {
    removed.merge(filter, 1L, Long::sum);
  }

  CorpusStats freeze() {
    return new CorpusStats(recordsRead, skipped, examples, removed, documents, entries, bytesRead);
  }
}
