package dev.spice.rewards.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.spice.core.AnswerType;
import java.math.BigDecimal;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/** Verification properties: reflexive, symmetric, notation-independent (QuickTheories, fixed seeds). */
class VerificationPropertyTest {
  private static final long SEED = 42L;
  private static final AnswerVerifier V = Verifiers.defaults();

  /** A random expression of the supported subset, from a seed. */
  static String expr(Random r, int depth) {
    if (depth <= 0 || r.nextInt(4) == 0) {
      switch (r.nextInt(5)) {
        case 0: return "x";
        case 1: return "y";
        case 2: return "\\pi";
        default: return Integer.toString(1 + r.nextInt(9));
      }
    }
    String a = expr(r, depth - 1);
    String b = expr(r, depth - 1);
    switch (r.nextInt(9)) {
      case 0: return a + " + " + b;
      case 1: return a + " - " + b;
      case 2: return "(" + a + ")(" + b + ")";
      case 3: return a + " \\cdot " + b;
      case 4: return "\\frac{" + a + "}{" + b + "}";
      case 5: return "(" + a + ")^{" + (2 + r.nextInt(2)) + "}";
      case 6: return "\\sqrt{" + a + "}";
      case 7: return "\\sin(" + a + ")";
      default: return "\\left(" + a + "\\right)";
    }
  }

  private static Gen<String> expressions() {
    return longs().all().map(s -> expr(new Random(s), 4));
  }

  /**
   * Share of 600 points (the verifier's three ranges, its own seed) where {@code e} is defined. An
   * oracle independent of the verifier's 12 points.
   */
  static double definedShare(String e) {
    Node n = ExprParser.parse(e);
    java.util.TreeSet<String> names = new java.util.TreeSet<>();
    n.collectVars(names);
    n.index(new java.util.ArrayList<>(names));
    Random r = new Random(1);
    double[] vars = new double[names.size()];
    int defined = 0;
    for (int k = 0; k < 600; k++) {
      for (int v = 0; v < vars.length; v++) {
        vars[v] = k % 3 == 0 ? 0.3 + 2 * r.nextDouble() : k % 3 == 1 ? -3 + 6 * r.nextDouble() : 1 + 19 * r.nextDouble();
      }
      defined += Double.isNaN(n.eval(vars)) ? 0 : 1;
    }
    return defined / 600.0;
  }

  /**
   * Reflexive where defined (README: undefined values never count as equal, not even to
   * themselves): an expression defined almost everywhere matches itself; one defined nowhere
   * ({@code \frac{x}{1 - 1}}, {@code \sqrt{3 - 9}}) matches nothing, itself included; and writing it
   * parenthesised or times one never changes the verdict. As a STRING the text matches itself.
   */
  @Test
  void verificationIsReflexiveWhereDefinedAlsoThroughTheParser() {
    int[] seen = new int[2];
    qt().withFixedSeed(SEED).withExamples(300).forAll(expressions()).checkAssert(e -> {
      double share = definedShare(e);
      boolean self = V.verify(e, e, AnswerType.EXPRESSION);
      if (share >= 0.75) {
        assertTrue(self, "defined, so reflexive: " + e);
        seen[0]++;
      } else if (share == 0) {
        assertFalse(self, "undefined everywhere, so not even equal to itself: " + e);
        seen[1]++;
      }
      assertEquals(self, V.verify(e, "(" + e + ")", AnswerType.EXPRESSION), "parenthesised: " + e);
      assertEquals(self, V.verify(e, "1 \\cdot (" + e + ")", AnswerType.EXPRESSION), "times one: " + e);
      assertTrue(V.verify(e, e, AnswerType.STRING), e);
    });
    assertTrue(seen[0] >= 100 && seen[1] >= 1, "both kinds generated: " + seen[0] + " defined, " + seen[1] + " not");
  }

  @Test
  void verificationIsSymmetric() {
    qt().withFixedSeed(SEED).withExamples(300).forAll(expressions(), expressions()).checkAssert((a, b) -> {
      for (AnswerType t : AnswerType.values()) {
        assertEquals(V.verify(a, b, t), V.verify(b, a, t), t + ": " + a + " | " + b);
      }
      String c = a + " + 0";
      assertEquals(V.verify(a, c, AnswerType.EXPRESSION), V.verify(c, a, AnswerType.EXPRESSION));
    });
  }

  @Test
  void aNumberWrittenInTwoNotationsVerifies() {
    qt().withFixedSeed(SEED).withExamples(500).forAll(longs().between(-999_999_999_999L, 999_999_999_999L),
        integers().between(0, 6)).checkAssert((n, scale) -> {
          BigDecimal d = BigDecimal.valueOf(n, scale); // n / 10^scale
          String plain = d.toPlainString();
          String sci = d.stripTrailingZeros().toString().replace("E+", "e").replace("E", "e");
          String frac = "\\frac{" + n + "}{" + BigDecimal.ONE.movePointRight(scale).toPlainString() + "}";
          String grouped = String.format(java.util.Locale.ROOT, "%,d", n);
          String padded = plain.contains(".") ? plain + "00" : plain + ".0";
          for (String other : new String[] {sci, frac, padded, "$" + plain + "$", (n >= 0 ? "+" : "") + plain}) {
            assertTrue(V.verify(plain, other, AnswerType.INTEGER), plain + " vs " + other);
            assertTrue(V.verify(other, plain, AnswerType.EXPRESSION), other + " vs " + plain);
          }
          if (scale == 0) {
            assertTrue(V.verify(grouped, Long.toString(n), AnswerType.INTEGER), grouped);
            assertTrue(!V.verify(Long.toString(n + 1), Long.toString(n), AnswerType.INTEGER), "n+1 must differ: " + n);
            assertTrue(V.verify(n + "%", d.movePointLeft(2).toPlainString(), AnswerType.INTEGER), n + "%");
          }
        });
  }
}
