package dev.spice.rewards.rzero;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.AnswerType;
import dev.spice.core.SpiceException.ConfigurationException;
import dev.spice.core.Task;
import dev.spice.rewards.rzero.DifficultyFilter.Verdict;
import dev.spice.rewards.verify.Verifiers;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class RZeroDifficultyFilterTest {

  /** k copies of "1" and m - k distinct other answers: agreement k/m (for k >= 2). */
  private static MajorityVote votes(int k, int m) {
    List<String> a = new ArrayList<>(Collections.nCopies(k, "1"));
    for (int i = k; i < m; i++) {
      a.add(String.valueOf(100 + i));
    }
    return MajorityVote.of(a, AnswerType.INTEGER);
  }

  @Test
  void defaultBandKeepsThreeToSevenOfTen() {
    DifficultyFilter f = DifficultyFilter.defaults();
    assertEquals(Verdict.TOO_HARD, f.classify(votes(2, 10)));   // 0.2 < 0.25
    assertEquals(Verdict.KEEP, f.classify(votes(3, 10)));       // 0.3
    assertEquals(Verdict.KEEP, f.classify(votes(5, 10)));       // 0.5
    assertEquals(Verdict.KEEP, f.classify(votes(7, 10)));       // 0.7
    assertEquals(Verdict.TOO_EASY, f.classify(votes(8, 10)));   // 0.8 > 0.75
    assertEquals(Verdict.TOO_EASY, f.classify(votes(10, 10)));  // 1.0
    assertEquals(Verdict.NO_LABEL, f.classify(MajorityVote.of(Arrays.asList(null, null), AnswerType.INTEGER)));
  }

  @Test
  void boundsAreInclusive() {
    DifficultyFilter f = DifficultyFilter.defaults();
    assertEquals(Verdict.KEEP, f.classify(votes(1, 4)));        // 0.25 exactly
    assertEquals(Verdict.KEEP, f.classify(votes(3, 4)));        // 0.75 exactly
    assertEquals(Verdict.TOO_EASY, f.classify(votes(4, 4)));
    DifficultyFilter g = DifficultyFilter.band(0.3, 0.7);
    assertEquals(Verdict.KEEP, g.classify(votes(3, 10)));       // 3/10 == 0.3
    assertEquals(Verdict.KEEP, g.classify(votes(7, 10)));       // 7/10 == 0.7
    assertEquals(Verdict.TOO_HARD, g.classify(votes(2, 7)));    // 0.2857
    assertEquals(Verdict.TOO_EASY, g.classify(votes(5, 7)));    // 0.7143
  }

  @Test
  void selectLabelsFiltersAndCounts() {
    List<Task> tasks = List.of(
        Samples.question("q0: what is 2 + 2 ?", AnswerType.INTEGER),
        Samples.question("q1: what is 3 + 4 ?", AnswerType.INTEGER),
        Samples.question("q2: pick a number", AnswerType.INTEGER),
        Samples.question("q3: unanswerable", AnswerType.INTEGER),
        Samples.question("q4: simplify 1 + x", AnswerType.EXPRESSION));
    List<List<String>> answers = List.of(
        Arrays.asList("4", "4.0", "5", null),  // 2/4 = 0.5: kept, label "4"
        List.of("7", "7", "7", "7"),            // 4/4 = 1: too easy
        List.of("1", "2", "3", "4", "5"),       // 1/5 = 0.2: too hard
        Arrays.asList(null, null, null),        // no label
        List.of("x+1", "1+x", "2x"));           // 2/3: kept, label "x+1"
    PseudoLabelledSet set = DifficultyFilter.defaults().select(tasks, answers, Verifiers.defaults());
    assertEquals(List.of(new PseudoLabelledTask(tasks.get(0), "4", 0.5),
        new PseudoLabelledTask(tasks.get(4), "x+1", 2.0 / 3)), set.kept());
    assertEquals(1, set.noLabel());
    assertEquals(1, set.tooEasy());
    assertEquals(1, set.tooHard());
    assertEquals(2, set.keptCount());
    assertEquals(3, set.droppedCount());
    assertEquals(5, set.total());
    assertEquals(set, DifficultyFilter.defaults().select(tasks, answers, Verifiers.defaults()));
    // a wider band keeps the hard one too
    assertEquals(3, DifficultyFilter.band(0.2, 0.75).select(tasks, answers, Verifiers.defaults()).keptCount());
  }

  @Test
  void selectRejectsMismatchedInput() {
    List<Task> one = List.of(Samples.question("q", AnswerType.INTEGER));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> DifficultyFilter.defaults().select(one, List.of(), Verifiers.defaults()));
    assertTrue(e.getMessage().contains("1 tasks, 0 answer lists"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> DifficultyFilter.defaults().select(one, List.of(List.of()), Verifiers.defaults()));
    assertTrue(e.getMessage().contains("task 0"), e.getMessage());
  }

  @Test
  void badBandsAreRejectedByName() {
    assertMessage(() -> DifficultyFilter.band(-0.1, 0.5), "low", "-0.1");
    assertMessage(() -> DifficultyFilter.band(0.2, 1.5), "high", "1.5");
    assertMessage(() -> DifficultyFilter.band(0.8, 0.2), "low <= high", "0.8");
    assertMessage(() -> DifficultyFilter.band(Double.NaN, 0.5), "low", "NaN");
    DifficultyFilter f = DifficultyFilter.band(0, 1);
    assertEquals(0, f.low());
    assertEquals(1, f.high());
    assertEquals(Verdict.KEEP, DifficultyFilter.band(0.5, 0.5).classify(votes(2, 4)));
  }

  private static void assertMessage(org.junit.jupiter.api.function.Executable call, String... parts) {
    ConfigurationException e = assertThrows(ConfigurationException.class, call);
    for (String p : parts) {
      assertTrue(e.getMessage().contains(p), e.getMessage());
    }
  }
}
