package dev.spice.core.eval;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The items of a benchmark file, in file order, and what was left out while reading it.
 *
 * @param name the benchmark's name (by {@link BenchmarkFile}: the file name without
 *     {@code .jsonl}), not blank
 * @param items the items, at least one, ids unique
 * @param skippedLines bad lines skipped under {@link BenchmarkFile.Builder#skipBadLines(boolean)},
 *     {@code >= 0}
 * @param skipReasons {@code file:line: reason} of the first {@value #MAX_SKIP_REASONS} skipped
 *     lines, at most {@code skippedLines} entries
 */
public record BenchmarkSet(String name, List<BenchmarkItem> items, int skippedLines, List<String> skipReasons) {
  /** How many skip reasons a set keeps. */
  public static final int MAX_SKIP_REASONS = 10;

  /**
   * Validates and copies.
   *
   *
   * @param name the benchmark's name (by {@link BenchmarkFile}: the file name without
   *     {@code .jsonl}), not blank
   * @param items the items, at least one, ids unique
   * @param skippedLines bad lines skipped under {@link
   *     BenchmarkFile.Builder#skipBadLines(boolean)},
   *     {@code >= 0}
   * @param skipReasons {@code file:line: reason} of the first {@value #MAX_SKIP_REASONS} skipped
   *     lines, at most {@code skippedLines} entries
   * @throws IllegalArgumentException if the name is blank, there are no items, two items share an
   *     id, {@code skippedLines < 0} or there are more reasons than skipped lines
   */
  public BenchmarkSet {
    Objects.requireNonNull(name, "name");
    items = List.copyOf(items);
    skipReasons = List.copyOf(skipReasons);
    if (name.isBlank()) {
      throw new IllegalArgumentException("benchmark name is blank");
    }
    if (items.isEmpty()) {
      throw new IllegalArgumentException("benchmark '" + name + "' has no items");
    }
    Set<String> ids = new HashSet<>();
    for (BenchmarkItem i : items) {
      if (!ids.add(i.id())) {
        throw new IllegalArgumentException("benchmark '" + name + "' has two items with id '" + i.id() + "'");
      }
    }
    if (skippedLines < 0 || skipReasons.size() > skippedLines) {
      throw new IllegalArgumentException("benchmark '" + name + "': " + skippedLines + " skipped lines but "
          + skipReasons.size() + " skip reasons");
    }
  }

  /**
   * A set without skipped lines.
   *
   * @param name the name
   * @param items the items
   * @return a set without skipped lines
   */
  public static BenchmarkSet of(String name, List<BenchmarkItem> items) {
    return new BenchmarkSet(name, items, 0, List.of());
  }
}
