package dev.spice.core;

/** The two roles one policy plays. */
public enum Role {
  /** Reads a document and writes a task with a gold answer. */
  CHALLENGER,
  /** Answers a task without the document. */
  REASONER;

  /**
   * Lower-case name used as metric prefix: {@code challenger} or {@code reasoner}.
   *
   * @return {@code challenger} or {@code reasoner}
   */
  public String metricPrefix() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
