package dev.spice.rewards.rzero;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class RZeroBleuTest {

  @Test
  void identicalTextsScoreExactlyOne() {
    assertEquals(1.0, Bleu.sentence("what is 2 + 2 ?", "what is 2 + 2 ?"), 0.0);
    assertEquals(1.0, Bleu.sentence("hello", "hello"), 0.0);
    // only whitespace separates tokens, and runs of it count once
    assertEquals(1.0, Bleu.sentence(" a  b\tc\n", "a b c"), 0.0);
  }

  @Test
  void disjointVocabulariesScoreZero() {
    assertEquals(0.0, Bleu.sentence("a b c", "d e f"), 0.0);
    assertEquals(0.0, Bleu.symmetric("name the capital", "how many legs"), 0.0);
  }

  @Test
  void emptyCandidateScoresZero() {
    assertEquals(0.0, Bleu.sentence("", "a b"), 0.0);
    assertEquals(0.0, Bleu.sentence("   ", "   "), 0.0);
    assertEquals(0.0, Bleu.sentence("a b", ""), 0.0);
  }

  @Test
  void handWorkedSentencePair() {
    // c = r in length (6), so BP = 1.
    // p1 = 5/6 (the x2, cat, on, mat), p2 = (3+1)/(5+1) (the cat, on the, the mat),
    // p3 = (1+1)/(4+1) (on the mat), p4 = (0+1)/(3+1): BLEU = (5/6 * 2/3 * 2/5 * 1/4)^(1/4) = (1/18)^(1/4)
    double expected = Math.pow(1.0 / 18, 0.25);
    assertEquals(expected, Bleu.sentence("the cat sat on the mat", "the cat is on the mat"), 1e-12);
    assertEquals(0.48549, expected, 1e-5);
    assertEquals(expected, Bleu.symmetric("the cat sat on the mat", "the cat is on the mat"), 1e-12);
  }

  @Test
  void nearCopyDifferingInOneToken() {
    // p1 = 5/6, p2 = (3+1)/(5+1), p3 = (2+1)/(4+1), p4 = (1+1)/(3+1), BP = 1: (1/6)^(1/4) = 0.63894
    assertEquals(Math.pow(1.0 / 6, 0.25), Bleu.sentence("what is 2 + 3 ?", "what is 2 + 2 ?"), 1e-12);
    assertEquals(Math.pow(1.0 / 6, 0.25), Bleu.sentence("what is 2 + 2 ?", "what is 2 + 3 ?"), 1e-12);
    // one more token: BP = exp(1 - 8/7) one way, (7/8 * 7/8 * 6/7 * 5/6)^(1/4) = (35/64)^(1/4) the other
    String q = "how many legs does a spider have";
    assertEquals(Math.exp(-1.0 / 7), Bleu.sentence(q, q + " ?"), 1e-12);
    assertEquals(Math.pow(35.0 / 64, 0.25), Bleu.sentence(q + " ?", q), 1e-12);
  }

  @Test
  void brevityPenaltyMakesBleuAsymmetricAndSymmetricAverages() {
    // short candidate: every precision is 1 (p3, p4 have no n-grams: (0+1)/(0+1)), BP = exp(1 - 4/2)
    assertEquals(Math.exp(-1), Bleu.sentence("a b", "a b c d"), 1e-12);
    // long candidate: p1 = 2/4, p2 = (1+1)/(3+1), p3 = (0+1)/(2+1), p4 = (0+1)/(1+1), BP = 1
    assertEquals(Math.pow(1.0 / 24, 0.25), Bleu.sentence("a b c d", "a b"), 1e-12);
    double sym = (Math.exp(-1) + Math.pow(1.0 / 24, 0.25)) / 2;
    assertEquals(sym, Bleu.symmetric("a b", "a b c d"), 1e-12);
    assertEquals(0.40984, sym, 1e-5);
    assertEquals(Bleu.symmetric("a b c d", "a b"), Bleu.symmetric("a b", "a b c d"), 0.0);
  }

  @Test
  void countsAreClippedByTheReference() {
    // p1 = 1/4 (one "the" in the reference), p2 = (0+1)/(3+1), p3 = (0+1)/(2+1), p4 = (0+1)/(1+1), BP = 1
    assertEquals(Math.pow(1.0 / 96, 0.25), Bleu.sentence("the the the the", "the cat"), 1e-12);
  }

  @Test
  void tokensAreCaseSensitive() {
    assertEquals(0.0, Bleu.sentence("Paris", "paris"), 0.0);
  }

  @Test
  void nullIsRejected() {
    assertThrows(NullPointerException.class, () -> Bleu.sentence(null, "a"));
    assertThrows(NullPointerException.class, () -> Bleu.symmetric("a", null));
  }
}
