package dev.spice.rewards.rzero;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.AnswerType;
import dev.spice.core.SpiceException.RewardException;
import dev.spice.core.Task;
import dev.spice.core.TaskFormat;
import dev.spice.rewards.verify.Verifiers;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RZeroPseudoLabelledTaskTest {
  private static final Task MCQ = Task.multipleChoice("Capital of France?", List.of("Paris", "London", "Rome", "Oslo"), "D");

  @Test
  void freeFormLabelBecomesTheGoldAnswer() {
    Task t = new Task("what is 2 + 2 ?", TaskFormat.FREE_FORM, List.of(), "0", AnswerType.INTEGER,
        Map.of(Verifiers.ALIASES_KEY, "zero", "source", "challenger"));
    Task labelled = new PseudoLabelledTask(t, " 4.0 ", 0.5).labelledTask();
    assertEquals("4.0", labelled.goldAnswer());
    assertEquals(t.question(), labelled.question());
    assertEquals(AnswerType.INTEGER, labelled.answerType());
    assertEquals(Map.of("source", "challenger"), labelled.metadata());
    assertTrue(Verifiers.defaults().verify("4", labelled));
    assertFalse(Verifiers.defaults().verify("0", labelled));
  }

  @Test
  void multipleChoiceLabelBecomesItsLetter() {
    assertEquals("B", new PseudoLabelledTask(MCQ, "(B)", 0.5).labelledTask().goldAnswer());
    assertEquals("A", new PseudoLabelledTask(MCQ, "A", 0.5).labelledTask().goldAnswer());
    assertThrows(RewardException.class, () -> new PseudoLabelledTask(MCQ, "no idea", 0.5).labelledTask());
  }

  @Test
  void validation() {
    Task t = Samples.question("q", AnswerType.INTEGER);
    assertThrows(NullPointerException.class, () -> new PseudoLabelledTask(null, "1", 0.5));
    assertThrows(NullPointerException.class, () -> new PseudoLabelledTask(t, null, 0.5));
    assertThrows(IllegalArgumentException.class, () -> new PseudoLabelledTask(t, " ", 0.5));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new PseudoLabelledTask(t, "1", 0));
    assertTrue(e.getMessage().contains("(0, 1]"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new PseudoLabelledTask(t, "1", 1.5));
    assertThrows(IllegalArgumentException.class, () -> new PseudoLabelledTask(t, "1", Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> new PseudoLabelledSet(List.of(), -1, 0, 0));
  }
}
