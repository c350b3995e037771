package dev.spice.core.eval;

import dev.spice.core.Task;
import java.util.Objects;

/**
 * One benchmark question with its gold answer, as read by {@link BenchmarkFile}.
 *
 * @param id the item's id, unique within its {@link BenchmarkSet}, not blank
 * @param category the category results are grouped by, not blank ({@value
 *     BenchmarkFile#DEFAULT_CATEGORY}
 *     when the file gives none)
 * @param task the question, options, gold answer and answer type; its metadata holds the id under
 *     {@value BenchmarkFile#ID_KEY} and the category under {@value BenchmarkFile#CATEGORY_KEY}
 */
public record BenchmarkItem(String id, String category, Task task) {
  /**
   * Validates. @throws IllegalArgumentException if the id or category is blank
   *
   * @param id the item's id, unique within its {@link BenchmarkSet}, not blank
   * @param category the category results are grouped by, not blank ({@value
   *     BenchmarkFile#DEFAULT_CATEGORY}
   *     when the file gives none)
   * @param task the question, options, gold answer and answer type; its metadata holds the id under
   *     {@value BenchmarkFile#ID_KEY} and the category under {@value BenchmarkFile#CATEGORY_KEY}
   */
  public BenchmarkItem {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(category, "category");
    Objects.requireNonNull(task, "task");
    if (id.isBlank()) {
      throw new IllegalArgumentException("benchmark item id is blank");
    }
    if (category.isBlank()) {
      throw new IllegalArgumentException("benchmark item '" + id + "' has a blank category");
    }
  }
}
