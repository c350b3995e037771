package dev.spice.rewards.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.AnswerType;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Expression equivalence (README "Expressions" and "Tolerance"): tolerances, the evaluation points
 * and the at-least-3-defined-points rule, the variable limit, infinities, equations and sequences.
 *
 * <p>Every verifier here is built fresh: the evaluation points are computed in the constructor of
 * {@link ExprEquivalence}, and the shared {@link Verifiers#defaults()} is built once per JVM, before
 * a mutation tool swaps in a changed constructor (it would report false survivors).
 */
class ExpressionRulesTest {

  private static AnswerVerifier fresh() {
    return Verifiers.builder().build();
  }

  private static void check(boolean expected, AnswerVerifier v, String p, String g) {
    assertEquals(expected, v.verify(p, g, AnswerType.EXPRESSION), p + " vs " + g);
    assertEquals(expected, v.verify(g, p, AnswerType.EXPRESSION), g + " vs " + p + " (swapped)");
  }

  // ------------------------------------------------------------------ tolerances

  @ParameterizedTest(name = "{0} vs {1} -> {2}")
  @CsvSource(delimiterString = "=>", value = {
    // relative tolerance 1e-6 of the larger magnitude
    "\\pi          => 3.14159265   => true",
    "1000\\pi      => 3141.5927    => true",
    "\\pi          => 3.1416       => false",
    "\\pi x        => 3.14159265x  => true",
    "\\pi x        => 3.1416x      => false",
    "\\sqrt{2}     => 1.41421356   => true",
    "\\sqrt{2}     => 1.4142       => false",
    // absolute tolerance 1e-9: rounding noise around zero
    "\\sin(\\pi)   => 0            => true",
    "\\sin(\\pi)   => 0.00000001   => false",
    "\\cos(\\pi/2) x => 0 \\cdot x  => true",
  })
  void defaultTolerances(String p, String g, boolean expected) {
    check(expected, fresh(), p, g);
  }

  @Test
  void configuredTolerancesAreUsedAndInclusive() {
    AnswerVerifier noAbs = Verifiers.builder().absoluteTolerance(0).build();
    check(false, noAbs, "\\sin(\\pi)", "0");
    check(true, noAbs, "\\pi", "3.14159265");

    AnswerVerifier coarse = Verifiers.builder().relativeTolerance(1e-3).build();
    check(true, coarse, "\\pi", "3.1416");
    check(false, coarse, "\\pi", "3.15");

    // |2 - 2.0625| = 0.0625 = the absolute tolerance: within (binary fractions, no rounding)
    AnswerVerifier abs = Verifiers.builder().relativeTolerance(0).absoluteTolerance(0.0625).build();
    check(true, abs, "\\sqrt{4}", "2.0625");
    check(true, abs, "\\sqrt{4}", "1.9375");
    check(false, abs, "\\sqrt{4}", "2.0626");
  }

  // ------------------------------------------------------------------ evaluation points

  @ParameterizedTest(name = "{0} vs {1} -> {2}")
  @CsvSource(delimiterString = "=>", value = {
    // told apart only by negative points ("both signs")
    "|x|          => x        => false",
    "\\sqrt{x^2}  => x        => false",
    "\\sqrt{x^2}  => |x|      => true",
    // told apart only by larger positive points (x > 5)
    "|x - 5|      => 5 - x    => false",
    "|x - 5|      => |5 - x|  => true",
    // equal where both are defined, and defined at the same points
    "\\ln(x^2)    => 2\\ln(|x|) => true",
    "\\ln(x^2)    => 2\\ln(x)   => false",
    "\\frac{x^2 - 1}{x - 1} => x + 1 => true",
  })
  void pointsCoverBothSignsAndSeveralRanges(String p, String g, boolean expected) {
    check(expected, fresh(), p, g);
  }

  @Test
  void theSameSeedGivesTheSameVerdicts() {
    SplittableRandom r = new SplittableRandom(7);
    String[] pool = {"x", "|x|", "x^2", "\\sqrt{x^2}", "|x - 5|", "5 - x", "\\ln(x^2)", "2\\ln(|x|)", "(x+1)^2",
        "x^2 + 2x + 1", "\\frac{1}{x}", "x^{-1}"};
    for (int n = 0; n < 40; n++) {
      long seed = r.nextLong();
      String a = pool[r.nextInt(pool.length)];
      String b = pool[r.nextInt(pool.length)];
      boolean first = Verifiers.builder().seed(seed).build().verify(a, b, AnswerType.EXPRESSION);
      assertEquals(first, Verifiers.builder().seed(seed).build().verify(a, b, AnswerType.EXPRESSION), a + " vs " + b);
    }
  }

  @Test
  void atLeastThreeDefinedPointsAreNeeded() {
    // defined nowhere (on the reals): no evidence, not equivalent
    check(false, fresh(), "\\sqrt{-1 - x^2}", "\\ln(-1 - x^2)");
    check(false, fresh(), "y = \\sqrt{-1 - x^2}", "y = \\ln(-1 - x^2)");
    // the smallest allowed number of points: all three defined is enough
    AnswerVerifier three = Verifiers.builder().evaluationPoints(3).build();
    check(true, three, "(x+1)^2", "x^2 + 2x + 1");
    check(false, three, "(x+1)^2", "x^2 + x + 1");
    check(true, three, "y = 2x + 1", "2x - y + 1 = 0");
    check(false, three, "y = 2x + 1", "2x - y - 1 = 0");
  }

  // ------------------------------------------------------------------ variables

  private static String vars(int n, String format) {
    return IntStream.rangeClosed(3, n).mapToObj(i -> String.format(format, i)).collect(Collectors.joining());
  }

  @Test
  void atMostSixteenVariables() {
    AnswerVerifier v = fresh();
    // (x1 + x2)^2 is not expanded by the canonical form, so these compare by evaluation
    String a16 = "(x_{1} + x_{2})^2" + vars(16, " + x_{%d}");
    String b16 = "x_{1}^2 + 2x_{1}x_{2} + x_{2}^2" + vars(16, " + x_{%d}");
    check(true, v, a16, b16);
    check(false, v, a16 + " + x_{17}", b16 + " + x_{17}");
    // equations: one a multiple of the other
    String e16 = "x_{1} + x_{2}" + vars(16, " + x_{%d}") + " = 1";
    String f16 = "2x_{1} + 2x_{2}" + vars(16, " + 2x_{%d}") + " = 2";
    check(true, v, e16, f16);
    check(false, v, e16.replace(" = 1", " + x_{17} = 1"), f16.replace(" = 2", " + 2x_{17} = 2"));
  }

  @Test
  void anIdentityInOneVariableEqualsItsValue() {
    check(true, fresh(), "(\\sin(x))^2 + (\\cos(x))^2", "1");
    check(false, fresh(), "(\\sin(x))^2 + (\\cos(x))^2", "2");
    check(true, fresh(), "(x - y) + y", "x");
  }

  // ------------------------------------------------------------------ infinity and overflow

  @ParameterizedTest(name = "{0} vs {1} -> {2}")
  @CsvSource(delimiterString = "=>", value = {
    "\\infty      => \\infty + 1   => true",
    "-\\infty     => -\\infty - 1  => true",
    "\\infty      => -\\infty      => false",
    // overflow never counts as equal, not even to a written infinity
    "\\infty      => e^{1000}      => false",
    "2^{5000}     => \\infty       => false",
    "2^{5000}     => 3^{5000}      => false",
  })
  void infinities(String p, String g, boolean expected) {
    check(expected, fresh(), p, g);
  }

  @ParameterizedTest(name = "{0} vs {1} -> {2}")
  @CsvSource(delimiterString = "=>", value = {
    // a written infinity is a value; its sign matters; 1/infinity is 0
    "\\infty            => \\infty            => true",
    "-inf              => inf               => false",
    "-\\infty           => -inf              => true",
    "x + \\infty        => \\infty + x        => true",
    "\\frac{1}{\\infty} => 0                 => true",
    // double range: 2^1023 and 2^-1022 fit, one step further does not (overflow, subnormal)
    "2^{1023}          => 2^{1023}          => true",
    "2^{1024}          => 2^{1024}          => false",
    "2^{-1022}         => 2^{-1022}         => true",
    "2^{-1023}         => 2^{-1023}         => false",
    "170!              => 170!              => true",
    "171!              => 171!              => false",
    // overflow hidden by a division is still overflow; underflow is never 0
    "\\frac{1}{2^{5000}} => 0                 => false",
    "\\frac{1}{2^{5000}} => \\frac{1}{3^{5000}} => false",
    "10^{-400}         => 0                 => false",
    "10^{-400}         => 10^{-401}         => false",
    "e^{-1000}         => 0                 => false",
    "e^{-1000}         => e^{-1001}         => false",
    "1e-320 x          => 0                 => false",
    "1e-401 x          => 0 x               => false",
    "1e400 x           => 1e401 x           => false",
    "1e400             => 10^{400}          => false",
    "2^{5000}          => 2^{5000}          => false",
    "e^{1000} - e^{1000} => 0               => false",
    // poles and division by zero: undefined, not equal to themselves either
    "\\frac{1}{0}       => \\frac{1}{0}       => false",
    "x/0               => x/0               => false",
    "\\frac{x}{0}       => \\frac{1}{0}       => false",
    "\\frac{x}{x - x}   => \\frac{x}{x - x}   => false",
    "\\csc(0)           => \\csc(0)           => false",
    "\\log_1(8)         => \\log_1(8)         => false",
    // an undefined factor is not cancelled by a zero factor
    "0 \\cdot \\frac{1}{0} => 0                => false",
    "0 \\cdot \\sqrt{-1 - x^2} => 0            => false",
    // undefined parts make tuples, sets and equations undefined
    "(1, 1/0)          => (1, 1/0)          => false",
    "\\{1, 1/0\\}       => \\{1/0, 1\\}       => false",
    "x = 1/0           => x = 1/0           => false",
    "y = \\frac{x}{0}   => y = \\frac{x}{0}   => false",
  })
  void overflowUnderflowAndUndefinedNeverCountAsEqual(String p, String g, boolean expected) {
    check(expected, fresh(), p, g);
  }

  @Test
  void pointsWhereBothSidesAreUndefinedAreNoEvidence() {
    // the same text, defined nowhere on the reals: not equal to itself (at least 3 defined points)
    check(false, fresh(), "\\sqrt{-1 - x^2}", "\\sqrt{-1 - x^2}");
    check(false, fresh(), "\\ln(-1 - x^2)", "\\ln(-1-x^2)");
    // defined only where the 12 points (all below 20) never go: no evidence either
    check(false, fresh(), "\\ln(x - 100)", "\\ln(x - 100)");
    // equal canonical forms still need both sides defined at the same points
    check(false, fresh(), "\\sqrt{x} \\cdot 0", "0");
    check(true, fresh(), "|x| \\cdot 0", "0");
    // one side defined where the other is not: never equal
    check(false, fresh(), "\\sqrt{x}", "\\sqrt{-x}");
    // defined at some points only, agreeing there: equal
    check(true, fresh(), "\\sqrt{x}^2", "x \\cdot \\frac{\\sqrt{x}}{\\sqrt{x}}");
  }

  // ------------------------------------------------------------------ function names

  @ParameterizedTest(name = "{0} vs {1} -> {2}")
  @CsvSource(delimiterString = "=>", value = {
    // plain-text names are the lower-case ones; sympy's Abs is not a documented input
    "abs(x - 1)           => |x - 1|   => true",
    "Abs(x - 1)           => |x - 1|   => false",
    "ABS(x - 1)           => |x - 1|   => false",
    "aBs(x - 1)           => |x - 1|   => false",
    "Abs(-3)              => 3         => false",
    // ... nor a product of variables A, b, s
    "Abs(x - 1)           => sAb(x - 1) => false",
    "sin(x)               => \\sin x    => true",
    "Sin(x)               => \\sin x    => false",
    "SQRT(4)              => 2         => false",
    "pi                   => \\pi       => true",
    "Pi                   => \\pi       => false",
    // LaTeX commands are case-sensitive too
    "\\operatorname{abs}(x) => |x|     => true",
    "\\operatorname{Abs}(x) => |x|     => false",
    // a function name in \mathrm{} or \text{} is the function, not a dropped word
    "\\mathrm{sin}(x)      => \\sin x    => true",
    "\\mathrm{sin}(x)      => x         => false",
    "\\mathrm{Abs}(x)      => |x|       => false",
    // ... unless it ends the answer: then it is a unit (seconds)
    "\\sqrt{2}\\text{ sec}  => \\sqrt{2}  => true",
  })
  void functionNamesAreCaseSensitive(String p, String g, boolean expected) {
    check(expected, fresh(), p, g);
  }

  @Test
  void miscasedNamesAreOutsideTheSubset() {
    for (String s : new String[] {"Abs(x)", "ABS(x)", "aBs(x)", "Sin(x)", "LN(x)", "Pi", "INF", "Inf"}) {
      assertThrows(ExprParser.Fail.class, () -> ExprParser.parse(s), s);
    }
    // the documented spellings parse; words that merely contain a name are products as before
    for (String s : new String[] {"abs(x)", "sin(x)", "ln(x)", "pi", "inf", "Infinity", "oo", "nan", "NaN", "ab"}) {
      ExprParser.parse(s);
    }
  }

  // ------------------------------------------------------------------ equations

  @ParameterizedTest(name = "{0} vs {1} -> {2}")
  @CsvSource(delimiterString = "=>", value = {
    // x = 3 matches 3 (the side that is not a lone variable is compared)
    "a = b + 1      => b + 1          => true",
    "a = b + 1      => b + 2          => false",
    "x = a + 1      => a + 1          => true",
    "x = a + 2      => a + 1          => false",
    "3              => x = 4          => false",
    "3              => x = 3          => true",
    // non-zero multiples
    "|x| = x        => 2|x| = 2x      => true",
    "|x| = x        => 2|x| = 0       => false",
    "x = x          => y = 1          => false",
    "y = \\ln(x)    => 2y = 2\\ln(x)  => true",
    "y = \\ln(x)    => 2y = \\ln(x^2) => false",
    "y = 2x + 1     => 4x - 2y + 2 = 0 => true",
    "y = 2x + 1     => y = 2x + 2     => false",
  })
  void equations(String p, String g, boolean expected) {
    check(expected, fresh(), p, g);
  }

  @ParameterizedTest(name = "{0} vs {1} -> {2}")
  @CsvSource(delimiterString = "=>", value = {
    // an equation whose right side is a set: same variable, sets as multisets
    "x = \\{1, 2\\}   => x = \\{2, 1\\}   => true",
    "x = \\{1, 2\\}   => y = \\{1, 2\\}   => false",
    "x = \\{1, 2\\}   => x = \\{1, 3\\}   => false",
    "x = \\{1, 2\\}   => x = 1           => false",
    "A = \\{1, 2\\}   => \\{2, 1\\}       => true",
    "A = \\{1, 2\\}   => \\{1, 3\\}       => false",
    "I = [0, 1]      => [0, 1]          => true",
    "I = [0, 1]      => (0, 1)          => false",
  })
  void equationsWithSets(String p, String g, boolean expected) {
    check(expected, fresh(), p, g);
  }

  // ------------------------------------------------------------------ sequences

  @ParameterizedTest(name = "{0} vs {1} -> {2}")
  @CsvSource(delimiterString = "=>", value = {
    "(1, 2)                          => 3                               => false",
    "(1, 2)                          => (1, 2, 3)                       => false",
    "1, 2                            => (1, 2)                          => true",
    "1, 2                            => [1, 2]                          => false",
    "1, 2                            => \\{2, 1\\}                       => true",
    "\\{1, 2\\}                      => \\{1, 2, 3\\}                   => false",
    "\\{1, 2, 2\\}                   => \\{1, 2, 1\\}                   => false",
    "\\{\\{1, 2\\}, \\{3, 4\\}\\}    => \\{\\{4, 3\\}, \\{2, 1\\}\\}    => true",
    "\\{\\{1, 2\\}, \\{3, 4\\}\\}    => \\{\\{1, 3\\}, \\{2, 4\\}\\}    => false",
    "[0, 1] \\cup [2, 3]             => [2, 3] \\cup [0, 1]             => true",
    "[0, 1] \\cup [2, 3]             => \\{[0, 1], [2, 3]\\}            => false",
  })
  void sequences(String p, String g, boolean expected) {
    check(expected, fresh(), p, g);
  }

  @Test
  void equivalenceOfSharedTreesDoesNotDependOnCallOrder() {
    // variable indices are assigned per comparison: reusing one parsed tree against others is safe
    ExprEquivalence eq = new ExprEquivalence(1e-6, 1e-9, 12, 1);
    Node xy = ExprParser.parse("x + y");
    assertTrue(eq.equivalent(xy, ExprParser.parse("y + x")));
    assertFalse(eq.equivalent(xy, ExprParser.parse("x + z")));
    assertTrue(eq.equivalent(ExprParser.parse("(y + x)^1"), xy));
  }
}
