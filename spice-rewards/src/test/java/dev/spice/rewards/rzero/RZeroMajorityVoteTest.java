package dev.spice.rewards.rzero;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.AnswerType;
import dev.spice.rewards.verify.Verifiers;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RZeroMajorityVoteTest {

  @Test
  void answersAreGroupedByVerifierEquivalence() {
    // classes {"4", "4.0"}, {"5"}; the null counts in m = 4
    MajorityVote v = MajorityVote.of(Arrays.asList("4", "4.0", "5", null), AnswerType.INTEGER);
    assertEquals(Optional.of("4"), v.label());
    assertEquals(0.5, v.agreement(), 0.0);
    assertEquals(2, v.labelCount());
    assertEquals(4, v.sampleCount());
    assertArrayEquals(new boolean[] {true, true, false, false}, v.correct());
    assertArrayEquals(new double[] {1, 1, 0, 0}, v.passIndicators(), 0.0);
  }

  @Test
  void noAnswersGiveNoLabelAndZeroAgreement() {
    MajorityVote v = MajorityVote.of(Arrays.asList(null, null, "  "), AnswerType.INTEGER);
    assertFalse(v.hasLabel());
    assertEquals(Optional.empty(), v.label());
    assertEquals(0.0, v.agreement(), 0.0);
    assertArrayEquals(new boolean[3], v.correct());
  }

  @Test
  void tiesGoToTheClassWhoseFirstMemberComesFirst() {
    // {"5", "5.0"} opens before {"4", "4.00"}: both of size 2
    MajorityVote v = MajorityVote.of(List.of("5", "4", "4.00", "5.0"), AnswerType.INTEGER);
    assertEquals("5", v.label().orElseThrow());
    assertEquals(0.5, v.agreement(), 0.0);
    assertArrayEquals(new boolean[] {true, false, false, true}, v.correct());
    assertEquals("7", MajorityVote.of(List.of("7", "8"), AnswerType.INTEGER).label().orElseThrow());
    assertEquals("8", MajorityVote.of(Arrays.asList(null, "8", "7"), AnswerType.INTEGER).label().orElseThrow());
  }

  @Test
  void largestClassWinsWhereverItStarts() {
    MajorityVote v = MajorityVote.of(List.of("1", "2", "3", "3", "1/2", "0.5", "2/4"), AnswerType.INTEGER);
    assertEquals("1/2", v.label().orElseThrow());
    assertEquals(3.0 / 7, v.agreement(), 0.0);
    assertArrayEquals(new boolean[] {false, false, false, false, true, true, true}, v.correct());
  }

  @Test
  void expressionsStringsAndChoices() {
    MajorityVote e = MajorityVote.of(List.of("x+1", "1+x", "2x"), AnswerType.EXPRESSION);
    assertEquals("x+1", e.label().orElseThrow());
    assertEquals(2.0 / 3, e.agreement(), 0.0);
    // articles and case are ignored for strings
    MajorityVote s = MajorityVote.of(List.of("The Paris", "paris", "London", "Rome"), AnswerType.STRING);
    assertEquals("The Paris", s.label().orElseThrow());
    assertEquals(0.5, s.agreement(), 0.0);
    MajorityVote c = MajorityVote.of(List.of("(B)", "B", "A"), AnswerType.CHOICE);
    assertEquals("(B)", c.label().orElseThrow());
    assertEquals(2.0 / 3, c.agreement(), 0.0);
  }

  @Test
  void undefinedAnswersNeverFormAClass() {
    // 1/0 matches nothing, not even itself: two copies do not outvote one "3"
    MajorityVote v = MajorityVote.of(List.of("1/0", "1/0", "3"), AnswerType.INTEGER);
    assertEquals("3", v.label().orElseThrow());
    assertEquals(1.0 / 3, v.agreement(), 0.0);
    assertArrayEquals(new boolean[] {false, false, true}, v.correct());
  }

  @Test
  void unanimityGivesAgreementOne() {
    MajorityVote v = MajorityVote.of(List.of("42", "42", "42.0", "84/2"), AnswerType.INTEGER, Verifiers.defaults());
    assertEquals(1.0, v.agreement(), 0.0);
    assertEquals(4, v.labelCount());
  }

  @Test
  void equalInputsGiveEqualVotes() {
    List<String> a = Arrays.asList("4", null, "4.0");
    assertEquals(MajorityVote.of(a, AnswerType.INTEGER), MajorityVote.of(a, AnswerType.INTEGER));
    assertEquals(MajorityVote.of(a, AnswerType.INTEGER).hashCode(), MajorityVote.of(a, AnswerType.INTEGER).hashCode());
    assertTrue(MajorityVote.of(a, AnswerType.INTEGER).toString().contains("2/3"));
  }

  @Test
  void badInputsAreRejected() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> MajorityVote.of(List.of(), AnswerType.INTEGER));
    assertTrue(e.getMessage().contains("at least one"), e.getMessage());
    assertThrows(NullPointerException.class, () -> MajorityVote.of(null, AnswerType.INTEGER));
    assertThrows(NullPointerException.class, () -> MajorityVote.of(List.of("1"), null));
    assertThrows(NullPointerException.class, () -> MajorityVote.of(List.of("1"), AnswerType.INTEGER, null));
  }
}
