package dev.spice.rewards.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.AnswerType;
import dev.spice.core.Task;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The documented rules of {@link Verifiers} that the tables do not pin: percent modes, STRING
 * answers that are numbers, the {@value Verifiers#MAX_ANSWER_CHARS}-character limit. Each test
 * builds its own verifier ({@code Verifiers.builder().build()}) rather than sharing the static
 * {@link Verifiers#defaults()}, so that mutation testing sees a freshly constructed one.
 */
class VerifierRulesTest {

  private static AnswerVerifier verifier(PercentMode mode) {
    return Verifiers.builder().percentMode(mode).build();
  }

  /** Checks both argument orders (the verdict is symmetric). */
  private static void check(boolean expected, AnswerVerifier v, String p, String g, AnswerType t, String why) {
    assertEquals(expected, v.verify(p, g, t), why + ": " + p + " vs " + g + " (" + t + ")");
    assertEquals(expected, v.verify(g, p, t), why + ": " + g + " vs " + p + " (" + t + ", swapped)");
  }

  // ------------------------------------------------------------------ percent

  @ParameterizedTest(name = "{0} vs {1}: LENIENT {2}, DIVIDE {3}, IGNORE {4}")
  @CsvSource(delimiter = '|', value = {
    // LENIENT: the sign read either way; DIVIDE: 50% is 0.5; IGNORE: 50% is 50
    "50%    | 0.5      | true  | true  | false",
    "50%    | 50       | true  | false | true",
    "12.5%  | 1/8      | true  | true  | false",
    "12.5%  | 12.5     | true  | false | true",
    "50%    | 5        | false | false | false",
    // two percentages compare by their numbers in every mode
    "50%    | 50.0%    | true  | true  | true",
    "50%    | 0.5%     | false | false | false",
  })
  void percentModesOnNumbers(String p, String g, boolean lenient, boolean divide, boolean ignore) {
    for (AnswerType t : new AnswerType[] {AnswerType.INTEGER, AnswerType.EXPRESSION, AnswerType.STRING}) {
      check(lenient, verifier(PercentMode.LENIENT), p, g, t, "LENIENT");
      check(divide, verifier(PercentMode.DIVIDE), p, g, t, "DIVIDE");
      check(ignore, verifier(PercentMode.IGNORE), p, g, t, "IGNORE");
    }
  }

  @ParameterizedTest(name = "{0} vs {1}: LENIENT {2}, DIVIDE {3}, IGNORE {4}")
  @CsvSource(delimiter = '|', value = {
    // a percentage against an expression that is not a plain number
    "50%    | 2^{-1}         | true  | true  | false",
    "50%    | \\sin(\\pi/6)  | true  | true  | false",
    "50%    | 5 \\cdot 10    | true  | false | true",
    "50%    | 2^{-2}         | false | false | false",
  })
  void percentModesAgainstExpressions(String p, String g, boolean lenient, boolean divide, boolean ignore) {
    for (AnswerType t : new AnswerType[] {AnswerType.INTEGER, AnswerType.EXPRESSION}) {
      check(lenient, verifier(PercentMode.LENIENT), p, g, t, "LENIENT");
      check(divide, verifier(PercentMode.DIVIDE), p, g, t, "DIVIDE");
      check(ignore, verifier(PercentMode.IGNORE), p, g, t, "IGNORE");
    }
  }

  @Test
  void lenientAcceptsWhateverDivideOrIgnoreAccepts() {
    String[] pcts = {"50%", "12.5%", "200%", "-4%", "0.1%"};
    String[] others = {"0.5", "50", "0.125", "12.5", "2", "200", "-0.04", "-4", "0.001", "2^{-1}", "10 \\cdot 20",
        "\\frac{1}{8}", "1"};
    AnswerVerifier lenient = verifier(PercentMode.LENIENT);
    AnswerVerifier divide = verifier(PercentMode.DIVIDE);
    AnswerVerifier ignore = verifier(PercentMode.IGNORE);
    for (String p : pcts) {
      for (String o : others) {
        for (AnswerType t : new AnswerType[] {AnswerType.INTEGER, AnswerType.EXPRESSION}) {
          boolean d = divide.verify(p, o, t);
          boolean i = ignore.verify(p, o, t);
          assertFalse(d && i, "DIVIDE and IGNORE both accept " + p + " vs " + o);
          assertEquals(d || i, lenient.verify(p, o, t), p + " vs " + o + " (" + t + ")");
        }
      }
    }
  }

  // ------------------------------------------------------------------ STRING answers that are numbers

  @ParameterizedTest(name = "STRING {0} vs {1} -> {2}")
  @CsvSource(delimiter = '|', value = {
    // two numbers compare as numbers, also where the normalised texts differ
    "3.0      | 3        | true",
    "1,000    | 1000     | true",
    "1/2      | 0.5      | true",
    "\\frac{3}{4} | 0.75 | true",
    "$12      | 12       | true",
    "+7       | 7        | true",
    // ... and where dropping punctuation would make two different numbers look alike
    "1.5      | 15       | false",
    "3.0      | 30       | false",
    "-5       | 5        | false",
    "1/2      | 12       | false",
    "0.33     | 0.333    | false",
    // not numbers: the normalised text decides
    "New York | new-york | true",
    "Paris    | London   | false",
  })
  void stringAnswersThatAreNumbersCompareAsNumbers(String p, String g, boolean expected) {
    check(expected, Verifiers.builder().build(), p, g, AnswerType.STRING, "STRING");
  }

  // ------------------------------------------------------------------ wrappers

  @ParameterizedTest(name = "{2}: {0} vs {1} -> {3}")
  @CsvSource(delimiter = '|', value = {
    // \boxed{} and \fbox{} are unwrapped on either side, nested too, inside math delimiters too
    "\\boxed{22}                   | 22                   | INTEGER    | true",
    "$\\boxed{22}$                 | 22                   | INTEGER    | true",
    "\\(\\boxed{22}\\)             | 22                   | INTEGER    | true",
    "\\boxed{\\boxed{22}}          | \\fbox{22}           | INTEGER    | true",
    "\\boxed 5                     | 5                    | INTEGER    | true",
    "\\boxed{22}                   | 23                   | INTEGER    | false",
    "\\boxed{\\frac{1}{2}}         | 0.5                  | INTEGER    | true",
    "\\boxed{50\\%}                | 0.5                  | INTEGER    | true",
    "\\boxed{\\$5}                 | 5                    | INTEGER    | true",
    "$\\boxed{22}$                 | 22                   | EXPRESSION | true",
    "\\boxed{x+1}                  | 1+x                  | EXPRESSION | true",
    "\\boxed{x+1}                  | x-1                  | EXPRESSION | false",
    "\\boxed{\\{1, 2\\}}           | \\{2, 1\\}           | EXPRESSION | true",
    "\\boxed{Paris}                | Paris                | STRING     | true",
    "\\boxed{Paris}                | London               | STRING     | false",
    "\\boxed{B}                    | B                    | CHOICE     | true",
    "$\\boxed{\\text{(B)}}$        | B                    | CHOICE     | true",
    "\\boxed{B}                    | C                    | CHOICE     | false",
    // a box that never closes is not a box: it does not parse
    "\\boxed{22                    | 22                   | INTEGER    | false",
    // style switches change nothing
    "\\displaystyle \\frac{1}{2}    | 0.5                  | INTEGER    | true",
    "\\displaystyle\\boxed{22}      | 22                   | INTEGER    | true",
    "\\scriptstyle x+1             | x+1                  | EXPRESSION | true",
    "\\displaystyle Paris          | Paris                | STRING     | true",
    // \mathrm{} and \text{} keep their content
    "\\mathrm{22}                  | 22                   | INTEGER    | true",
    "\\mathrm{x}+1                 | x+1                  | EXPRESSION | true",
    "\\mathrm{Paris}               | Paris                | STRING     | true",
    "\\mathrm{B}                   | B                    | CHOICE     | true",
  })
  void wrappersAreUnwrapped(String p, String g, AnswerType type, boolean expected) {
    check(expected, Verifiers.builder().build(), p, g, type, "wrapper");
  }

  @Test
  void boxedOptionTextAnswersAMultipleChoiceTask() {
    Task t = Task.multipleChoice("Capital of the UK?", List.of("Paris", "London", "Berlin", "Madrid"), "B");
    AnswerVerifier v = Verifiers.builder().build();
    assertTrue(v.verify("\\boxed{London}", t));
    assertTrue(v.verify("$\\boxed{B}$", t));
    assertFalse(v.verify("\\boxed{Paris}", t));
  }

  @Test
  void deeplyNestedBoxesUnwrapAndManyUnclosedOnesStayBounded() {
    AnswerVerifier v = Verifiers.builder().build();
    String nested = "\\boxed{".repeat(100) + "7" + "}".repeat(100); // 801 characters
    assertTrue(v.verify(nested, "7", AnswerType.INTEGER));
    assertFalse(v.verify("\\boxed{".repeat(140) + "7", "7", AnswerType.INTEGER));
    // the unwrapping is linear: a long unclosed run (as the extractor may pass on) is cheap
    String many = "\\boxed{".repeat(20_000);
    assertEquals(many, Text.stripWrappers(many));
    assertEquals(0, Choices.letter(many, null));
  }

  // ------------------------------------------------------------------ undefined and out of range

  @ParameterizedTest(name = "{0} vs {1} -> {2}")
  @CsvSource(delimiter = '|', value = {
    // exponents: at most +-400 (README); numbers are exact rationals inside that range
    "1e400                | 1e400                | true",
    "1e400                | 1e401                | false",
    "1e401                | 1e401                | false",
    "1e99999              | 1e99999              | false",
    "5 \\times 10^{401}    | 5 \\times 10^{401}    | false",
    "5 \\times 10^{400}    | 5e400                | true",
    "1e-400               | 1e-400               | true",
    "1e-400               | 0                    | false",
    "1e-401               | 0                    | false",
    "1e-401               | 1e-401               | false",
    "1e-320               | 0                    | false",
    "1e-320               | 1e-320               | true",
    // a zero denominator: undefined, equal to nothing, itself included
    "1/0                  | \\frac{1}{0}          | false",
    "1/0                  | 1/0                  | false",
    "0/0                  | 0/0                  | false",
    "\\frac{1}{0}          | \\frac{2}{0}          | false",
    "1\\frac{1}{0}         | 1\\frac{1}{0}         | false",
    "1/0                  | \\infty               | false",
    "1/0                  | 10                   | false",
    "1e401 apples         | 1e401 apples         | false",
  })
  void undefinedAndOutOfRangeNumbersNeverMatch(String p, String g, boolean expected) {
    AnswerVerifier v = Verifiers.builder().build();
    for (AnswerType t : new AnswerType[] {AnswerType.INTEGER, AnswerType.EXPRESSION, AnswerType.STRING}) {
      check(expected, v, p, g, t, "range");
    }
  }

  @Test
  void atMost400Digits() {
    AnswerVerifier v = Verifiers.builder().build();
    String d400 = "1" + "0".repeat(399);
    String d401 = "1" + "0".repeat(400);
    check(true, v, d400, "1e399", AnswerType.INTEGER, "400 digits");
    check(false, v, d401, d401, AnswerType.INTEGER, "401 digits: out of range");
    check(false, v, d401, "1e400", AnswerType.INTEGER, "401 digits: out of range");
  }

  @ParameterizedTest(name = "{0} vs {1}: numbers {2}, STRING {3}")
  @CsvSource(delimiter = '|', value = {
    // not a number: undefined (any capitalisation), never equal; as STRING answers they are words
    "nan            | nan            | false | true",
    "NaN            | NaN            | false | true",
    "NAN            | nan            | false | true",
    "nan            | 0              | false | false",
    "\\mathrm{NaN}   | \\mathrm{NaN}   | false | true",
    // written infinities are the value infinity (not overflow): equal with the same sign
    "inf            | \\infty         | true  | false",
    "Infinity       | \\infty         | true  | false",
    "infinity       | \u221e         | true  | false",
    "inf            | 1e308          | false | false",
    "\\infty         | 2^{5000}       | false | false",
    // only the documented spellings: other capitalisations are not read as infinity
    "Inf            | \\infty         | false | false",
    "INF            | inf            | false | true",
  })
  void notANumberAndInfinityWords(String p, String g, boolean numbers, boolean string) {
    AnswerVerifier v = Verifiers.builder().build();
    check(numbers, v, p, g, AnswerType.INTEGER, "INTEGER");
    check(numbers, v, p, g, AnswerType.EXPRESSION, "EXPRESSION");
    check(string, v, p, g, AnswerType.STRING, "STRING");
  }

  // ------------------------------------------------------------------ bounded length

  @Test
  void answersOverTheCharacterLimitNeverVerify() {
    AnswerVerifier v = Verifiers.builder().build();
    int max = Verifiers.MAX_ANSWER_CHARS;
    String atLimit = "7" + " ".repeat(max - 1); // 1000 characters; the spaces do not matter
    String overLimit = "7" + " ".repeat(max);   // 1001 characters
    for (AnswerType t : new AnswerType[] {AnswerType.INTEGER, AnswerType.EXPRESSION, AnswerType.STRING}) {
      assertTrue(v.verify(atLimit, "7", t), "predicted at the limit, " + t);
      assertTrue(v.verify("7", atLimit, t), "gold at the limit, " + t);
      assertFalse(v.verify(overLimit, "7", t), "predicted over the limit, " + t);
      assertFalse(v.verify("7", overLimit, t), "gold over the limit, " + t);
      assertFalse(v.verify(overLimit, overLimit, t), "identical but over the limit, " + t);
    }
    String choice = "B" + " ".repeat(max);
    assertTrue(v.verify("B" + " ".repeat(max - 1), "B", AnswerType.CHOICE));
    assertFalse(v.verify(choice, "B", AnswerType.CHOICE));
    assertFalse(v.verify("B", choice, AnswerType.CHOICE));
  }

  @Test
  void nullsAndBlanksNeverVerify() {
    AnswerVerifier v = Verifiers.builder().build();
    for (AnswerType t : AnswerType.values()) {
      assertFalse(v.verify(null, "1", t));
      assertFalse(v.verify("1", null, t));
      assertFalse(v.verify(" ", " ", t), "blank vs blank, " + t);
    }
    assertFalse(v.verify("1", "1", null));
  }
}
