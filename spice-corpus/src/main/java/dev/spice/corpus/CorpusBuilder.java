package dev.spice.corpus;

import dev.spice.core.SpiceException.ConfigurationException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Settings shared by every corpus builder: name, seed, filters, de-duplication, segmenting and
 * the bad-record policy. The pipeline runs once, at {@link #build()}, in this order: read record,
 * drop blank texts (counted as {@code empty}), filters (in the order added), de-duplication,
 * segmenting. Builders are not thread-safe and may
 * be reused; each {@code build()} indexes afresh.
 *
 * @param <B> the concrete builder type
 */
public abstract class CorpusBuilder<B extends CorpusBuilder<B>> {
  /** The default of {@link #badRecordHint(String)}. */
  public static final String DEFAULT_BAD_RECORD_HINT =
      "use onBadRecord(BadRecordPolicy.SKIP) to skip and count such records";

  String name;
  long seed = Corpora.DEFAULT_SEED;
  final List<DocumentFilter> filters = new ArrayList<>();
  Supplier<Deduplicator> dedup;
  Segmenter segmenter;
  BadRecordPolicy policy = BadRecordPolicy.FAIL;
  String badRecordHint = DEFAULT_BAD_RECORD_HINT;

  CorpusBuilder() {}

  @SuppressWarnings("unchecked")
  final B self() {
    return (B) this;
  }

  /**
   * The source name used in {@link dev.spice.core.Document#source()} and cursors; one line, not
   * blank. Default: derived from the input (file or directory name).
   *
   * @param name the source name
   * @return this builder
   */
  public B name(String name) {
    this.name = Objects.requireNonNull(name, "name");
    return self();
  }

  /**
   * The sampling seed (default {@link Corpora#DEFAULT_SEED}).
   *
   * @param seed the sampling seed
   * @return this builder
   */
  public B seed(long seed) {
    this.seed = seed;
    return self();
  }

  /**
   * Adds a filter; documents it rejects are counted in {@link CorpusStats#removed()}.
   *
   * @param filter the filter to add
   * @return this builder
   */
  public B filter(DocumentFilter filter) {
    filters.add(Objects.requireNonNull(filter, "filter"));
    return self();
  }

  /**
   * De-duplicates with a fresh instance from the factory per build, for example
   * {@code Deduplicator::exact} or {@code () -> Deduplicator.nearDuplicates(0.8, 1)}.
   *
   * @param factory makes a fresh de-duplicator per build
   * @return this builder
   */
  public B deduplicate(Supplier<Deduplicator> factory) {
    this.dedup = Objects.requireNonNull(factory, "factory");
    return self();
  }

  /**
   * Splits kept documents into segments; each segment becomes one sampling entry.
   *
   * @param segmenter the segmenter
   * @return this builder
   */
  public B segment(Segmenter segmenter) {
    this.segmenter = Objects.requireNonNull(segmenter, "segmenter");
    return self();
  }

  /**
   * What to do with unreadable records (default {@link BadRecordPolicy#FAIL}).
   *
   * @param policy the bad-record policy
   * @return this builder
   */
  public B onBadRecord(BadRecordPolicy policy) {
    this.policy = Objects.requireNonNull(policy, "policy");
    return self();
  }

  /**
   * How the message of a build that fails on a bad record (under {@link BadRecordPolicy#FAIL})
   * tells the user to skip such records instead; it is appended in parentheses. Default
   * {@value #DEFAULT_BAD_RECORD_HINT}. An application that exposes the policy under its own name
   * says so here, for example {@code "set on_bad_record=skip to skip and count such records"}.
   *
   * @param hint the hint text; not blank
   * @return this builder
   */
  public B badRecordHint(String hint) {
    Objects.requireNonNull(hint, "hint");
    if (hint.isBlank()) {
      throw new ConfigurationException("bad-record hint must not be blank");
    }
    this.badRecordHint = hint;
    return self();
  }

  /**
   * Validates the settings, reads and indexes the input.
   *
   * @return the indexed corpus
   * @throws ConfigurationException for invalid settings (naming the valid values)
   * @throws dev.spice.core.SpiceException.CorpusException for unreadable input or an empty corpus
   */
  public abstract Corpus build();

  final String resolvedName(String fallback) {
    String n = name != null ? name : fallback;
    checkName(n);
    return n;
  }

  static void checkName(String n) {
    if (n == null || n.isBlank() || n.indexOf('\n') >= 0 || n.indexOf('\r') >= 0) {
      throw new ConfigurationException("corpus name must be one non-blank line, got '" + n + "'");
    }
  }

  final Corpus index(String resolvedName, RecordStore store) {
    return IndexedCorpus.build(
        resolvedName, store, seed, new StatsCollector(policy, badRecordHint), List.copyOf(filters), dedup, segmenter);
  }
}
