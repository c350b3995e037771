package dev.spice.rewards.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.AnswerType;
import dev.spice.core.Task;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Pathological input gives "not equivalent" (or no answer) and never an exception; plus a seeded
 * random fuzz loop over a LaTeX-heavy alphabet that complements Jazzer's seed-only regression run.
 */
class BoundedInputTest {
  private static final AnswerVerifier V = Verifiers.defaults();
  private static final Task MCQ = Task.multipleChoice("Q?", List.of("Paris", "London", "Berlin", "Madrid"), "A");

  @Test
  void pathologicalInputIsNotEquivalent() {
    String deep = "(".repeat(5000) + "x" + ")".repeat(5000);
    String deep2 = "(".repeat(400) + "x" + ")".repeat(400);
    String braces = "\\frac{".repeat(300) + "1" + "}{2}".repeat(300);
    for (AnswerType t : AnswerType.values()) {
      assertFalse(V.verify(deep, "x + 1", t));
      assertFalse(V.verify(deep2, "y", t));
      assertFalse(V.verify(braces, "0", t));
      assertFalse(V.verify("1e999999999", "1e999999998", t));
      assertFalse(V.verify("10^{10^{10^{10}}}", "10^{10^{10^{11}}}", t));
      assertFalse(V.verify("99999999!", "99999998!", t));
      assertFalse(V.verify("\\binom{1000000000}{500000000}", "1", t));
      assertFalse(V.verify("x".repeat(2000), "x".repeat(1999), t));
      assertFalse(V.verify(null, "1", t));
      assertFalse(V.verify("1", "", t));
    }
    assertTrue(V.verify("(".repeat(30) + "x" + ")".repeat(30), "x", AnswerType.EXPRESSION), "moderate nesting parses");
  }

  @Test
  void pathologicalTextGivesABoundedAnswer() {
    String boxes = "\\boxed{".repeat(20_000);
    assertEquals(Optional.empty(), AnswerExtractors.defaults().extract(boxes, null));
    String longText = "blah ".repeat(50_000) + "\\boxed{7}";
    assertEquals(Optional.of("7"), AnswerExtractors.defaults().extract(longText, null));
    assertEquals(Optional.empty(), AnswerExtractors.defaults().extract("####", MCQ));
    assertEquals(Optional.empty(), AnswerExtractors.defaults().extract(null, MCQ));
  }

  private static final String[] ALPHABET = {"\\frac", "\\sqrt", "{", "}", "(", ")", "[", "]", "\\{", "\\}", "^", "_",
    "x", "y", "e", "\\pi", "1", "0", "9", ".", ",", "=", "+", "-", "*", "/", "!", "%", "|", "\\left", "\\right",
    "\\cdot", "\\pm", "\\infty", "\\cup", "\\text{", "\\boxed{", "####", "Answer:", "answer is", "(B)", " ", "\n",
    "\\sin", "\\log_", "\\binom", "e5", "1,000", "$", "\\", "é", "\u0000", "\\dfrac12", "\\sqrt[3]"};

  @Test
  void seededRandomFuzzLoopNeverThrows() {
    Random r = new Random(2024);
    for (int n = 0; n < 3000; n++) {
      StringBuilder a = new StringBuilder();
      StringBuilder b = new StringBuilder();
      int len = 1 + r.nextInt(30);
      for (int i = 0; i < len; i++) {
        a.append(ALPHABET[r.nextInt(ALPHABET.length)]);
        b.append(ALPHABET[r.nextInt(ALPHABET.length)]);
      }
      String x = a.toString();
      String y = r.nextBoolean() ? b.toString() : x + " + 0";
      for (AnswerType t : AnswerType.values()) {
        assertEquals(V.verify(x, y, t), V.verify(y, x, t), "symmetry: " + x + " | " + y);
      }
      AnswerExtractors.defaults().extract(x + "\n" + y, MCQ);
      AnswerExtractors.defaults().extract(x, null);
      try {
        ExprParser.parse(x);
      } catch (ExprParser.Fail expected) {
        // not in the subset
      }
    }
  }
}
