package dev.spice.rewards.verify;

import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * A parsed number: an exact rational {@code num/den} (den > 0, not necessarily reduced) and
 * whether it was written as a percentage; or {@link #UNDEFINED}.
 */
final class Num {
  /**
   * Something written as a number whose value is undefined ({@code 1/0}, {@code \frac{1}{0}}) or
   * out of range (exponent beyond +-{@value NumberParser#MAX_EXPONENT}, more than
   * {@value NumberParser#MAX_DIGITS} digits): it never equals anything, itself included.
   */
  static final Num UNDEFINED = new Num(BigInteger.ZERO, BigInteger.ZERO, false);

  final BigInteger num;
  final BigInteger den;
  final boolean percent;

  Num(BigInteger num, BigInteger den, boolean percent) {
    if (den.signum() < 0) {
      num = num.negate();
      den = den.negate();
    }
    this.num = num;
    this.den = den;
    this.percent = percent;
  }

  /** Whether this is {@link #UNDEFINED} (zero denominator). */
  boolean undefined() {
    return den.signum() == 0;
  }

  /**
   * This value as a double, or NaN where the double would misrepresent it: beyond the double range
   * (overflow) or a non-zero value that rounds to 0 or to a subnormal (underflow).
   */
  double doubleOrNaN() {
    if (undefined()) {
      return Double.NaN;
    }
    double d = doubleValue();
    if (!Double.isFinite(d) || (num.signum() != 0 && Math.abs(d) < Double.MIN_NORMAL)) {
      return Double.NaN;
    }
    return d;
  }

  Num negate() {
    return new Num(num.negate(), den, percent);
  }

  /** This value divided by 100 (the percent sign applied), no longer a percentage. */
  Num percentApplied() {
    return new Num(num, den.multiply(HUNDRED), false);
  }

  /** This value as a plain number (the percent sign ignored). */
  Num plain() {
    return percent ? new Num(num, den, false) : this;
  }

  double doubleValue() {
    double n = num.doubleValue();
    double d = den.doubleValue();
    if (Double.isFinite(n) && Double.isFinite(d)) {
      return n / d;
    }
    return new BigDecimal(num).divide(new BigDecimal(den), java.math.MathContext.DECIMAL64).doubleValue();
  }

  /** Whether the decimal expansion terminates: den has no prime factors other than 2 and 5. */
  boolean terminating() {
    BigInteger g = num.gcd(den);
    BigInteger d = g.signum() == 0 ? den : den.divide(g);
    if (d.bitLength() < 63) {
      long x = d.longValue();
      if (x == 0) {
        return true;
      }
      while (x % 2 == 0) {
        x /= 2;
      }
      while (x % 5 == 0) {
        x /= 5;
      }
      return x == 1;
    }
    int twos = d.getLowestSetBit();
    d = d.shiftRight(twos);
    BigInteger[] qr;
    while ((qr = d.divideAndRemainder(FIVE))[1].signum() == 0) {
      d = qr[0];
    }
    return d.equals(BigInteger.ONE);
  }

  static final BigInteger FIVE = BigInteger.valueOf(5);
  static final BigInteger HUNDRED = BigInteger.valueOf(100);

  /**
   * Exact comparison first; when the two differ and at least one has a non-terminating decimal
   * expansion, within relative tolerance {@code relTol}.
   */
  static boolean close(Num a, Num b, double relTol) {
    if (a.undefined() || b.undefined()) {
      return false;
    }
    BigInteger x = a.num.multiply(b.den);
    BigInteger y = b.num.multiply(a.den);
    if (x.equals(y)) {
      return true;
    }
    if (relTol <= 0 || (a.terminating() && b.terminating())) {
      return false;
    }
    BigInteger diff = x.subtract(y).abs();
    BigInteger m = x.abs().max(y.abs());
    return new BigDecimal(diff).compareTo(new BigDecimal(m).multiply(BigDecimal.valueOf(relTol))) <= 0;
  }

  @Override
  public String toString() {
    return undefined() ? "undefined" : num + "/" + den + (percent ? "%" : "");
  }
}
