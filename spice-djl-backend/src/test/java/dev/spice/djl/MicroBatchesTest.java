package dev.spice.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Micro-batch grouping as documented on {@link TeacherForcing#microBatches}: rows sorted by input
 * length (prompt + completion - 1), a batch closes at {@code maxRows} rows (0 = no limit) or when
 * adding a row would make padding more than a third of the batch's tokens. Pure Java: no model.
 */
class MicroBatchesTest {

  /** A row whose input is {@code prompt + completion - 1} tokens long. */
  private static TeacherForcing.Row row(int prompt, int completion) {
    return new TeacherForcing.Row(new int[prompt], new int[completion], null);
  }

  /** Rows of the given input lengths (prompt of {@code len - 1} tokens, two completion tokens). */
  private static List<TeacherForcing.Row> lengths(int... lens) {
    List<TeacherForcing.Row> rows = new ArrayList<>();
    for (int l : lens) {
      rows.add(row(l - 1, 2));
    }
    return rows;
  }

  @Test
  void rowsAreSortedByInputLengthWithoutALimit() {
    // input lengths 2 + 4 - 1 = 5, 1 + 1 - 1 = 1, 3 + 1 - 1 = 3, 1 + 3 - 1 = 3
    List<TeacherForcing.Row> rows = List.of(row(2, 4), row(1, 1), row(3, 1), row(1, 3));
    assertEquals(List.of(List.of(1, 2, 3, 0)), TeacherForcing.microBatches(rows, 0));
    assertEquals(List.of(List.of(1, 2, 3, 0)), DjlPolicyImpl.microBatches(rows, 0));
    assertEquals(List.of(), TeacherForcing.microBatches(List.of(), 0));
  }

  @Test
  void aBatchClosesAtMaxRows() {
    List<TeacherForcing.Row> rows = lengths(4, 4, 4, 4, 4);
    assertEquals(List.of(List.of(0, 1), List.of(2, 3), List.of(4)), TeacherForcing.microBatches(rows, 2));
    assertEquals(List.of(List.of(0), List.of(1), List.of(2), List.of(3), List.of(4)),
        TeacherForcing.microBatches(rows, 1));
    assertEquals(List.of(List.of(0, 1, 2, 3, 4)), TeacherForcing.microBatches(rows, 5));
    assertEquals(List.of(List.of(4, 1, 2, 0, 3)),
        TeacherForcing.microBatches(lengths(9, 3, 5, 9, 1), 0), "sorted, equal lengths in input order");
  }

  @Test
  void aBatchClosesWhenPaddingWouldExceedAThirdOfItsTokens() {
    // eight rows of 1 token, then one of 10: padded to 9 x 10 = 90 tokens of which 18 are real
    assertEquals(List.of(List.of(0, 1, 2, 3, 4, 5, 6, 7), List.of(8)),
        TeacherForcing.microBatches(lengths(1, 1, 1, 1, 1, 1, 1, 1, 10), 0));
    // eight rows of 5 and one of 8: 72 tokens, 48 real: padding is exactly a third, not more
    assertEquals(List.of(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8)),
        TeacherForcing.microBatches(lengths(5, 5, 5, 5, 5, 5, 5, 5, 8), 0));
    // ... one of 9: 81 tokens, 49 real: more than a third is padding
    assertEquals(List.of(List.of(0, 1, 2, 3, 4, 5, 6, 7), List.of(8)),
        TeacherForcing.microBatches(lengths(5, 5, 5, 5, 5, 5, 5, 5, 9), 0));
    // after closing, the next batch counts its own tokens only: eight of 10 (80 real) and one of 17
    // make 153 tokens of which 97 are real, more than a third padding
    assertEquals(List.of(List.of(0, 1, 2, 3, 4, 5, 6, 7), List.of(8, 9, 10, 11, 12, 13, 14, 15), List.of(16)),
        TeacherForcing.microBatches(lengths(1, 1, 1, 1, 1, 1, 1, 1, 10, 10, 10, 10, 10, 10, 10, 10, 17), 0));
  }

  @Test
  void sortingIsByPromptPlusCompletion() {
    // (prompt, completion): (1, 6) -> 6, (5, 1) -> 5, (3, 3) -> 5, (6, 0) -> 5, (2, 2) -> 3
    List<TeacherForcing.Row> rows = List.of(row(1, 6), row(5, 1), row(3, 3), row(6, 0), row(2, 2));
    assertEquals(List.of(List.of(4, 1, 2, 3, 0)), TeacherForcing.microBatches(rows, 0));
    assertEquals(6, row(1, 6).inputLength());
  }
}
