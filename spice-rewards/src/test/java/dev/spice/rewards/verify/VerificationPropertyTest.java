package dev.spice.rewards.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

  @Test
  void verificationIsReflexiveAlsoThroughTheParser() {
    qt().withFixedSeed(SEED).withExamples(300).forAll(expressions()).checkAssert(e -> {
      assertTrue(V.verify(e, e, AnswerType.EXPRESSION), e);
      assertTrue(V.verify(e, "(" + e + ")", AnswerType.EXPRESSION), "parenthesised: " + e);
      assertTrue(V.verify(e, "1 \\cdot (" + e + ")", AnswerType.EXPRESSION), "times one: " + e);
      assertTrue(V.verify(e, e, AnswerType.STRING), e);
    });
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
