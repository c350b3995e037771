package dev.spice.rewards.verify;

import dev.spice.core.SpiceException.ConfigurationException;

/**
 * Entry point for answer verification: {@link #defaults()} or a configured {@link #builder()}.
 *
 * <h2>Rules by answer type</h2>
 *
 * <p>First, on both sides and for every type, {@code \boxed{...}} and {@code \fbox{...}} are
 * unwrapped (nested too) and {@code \displaystyle}-like style switches dropped.
 *
 * <ul>
 *   <li>{@code INTEGER} (any number): both sides are read as exact rationals (signs, thousands
 *       separators in groups of three, decimals, scientific notation, {@code a/b},
 *       {@code \frac{a}{b}}, mixed numbers, percent, currency signs and a trailing unit dropped;
 *       see below). Values compare exactly; when they differ and at least one has a
 *       non-terminating decimal expansion ({@code 1/3}) they match within the relative tolerance
 *       (default {@value #DEFAULT_RELATIVE_TOLERANCE}). So {@code 0.333333} matches {@code 1/3} but
 *       {@code 0.33} does not match {@code 0.333}. If either side is not a plain number the
 *       expression rules apply ({@code 2^{10}} vs {@code 1024}). Exponents are at most +-400 and
 *       numbers at most 400 digits long.
 *   <li><b>Undefined and out of range</b> ({@code INTEGER}, {@code EXPRESSION}, and numbers in
 *       {@code STRING}): a zero denominator, a pole, {@code nan}, a number beyond the range above,
 *       a function outside its domain, and in expressions (evaluated in double precision) overflow
 *       and underflow to 0 or a subnormal never count as equal: not to each other, not to
 *       themselves, not to anything. Written infinities ({@code \infty}, {@code inf}...) are values.
 *       Function names are case-sensitive: {@code abs(x)}, not sympy's {@code Abs(x)}.
 *   <li>{@code EXPRESSION}: numbers as above; otherwise both sides are parsed into expression
 *       trees and compared by canonical form, then by evaluation at {@value #DEFAULT_POINTS}
 *       seeded pseudo-random points (absolute tolerance {@value #DEFAULT_ABSOLUTE_TOLERANCE} plus
 *       the relative tolerance); both sides must be defined at the same points and agree there, at
 *       at least 3 points. Tuples and intervals compare in order with their brackets; sets,
 *       bare comma lists and unions of intervals compare as multisets; {@code x = 3} matches
 *       {@code 3}; two equations match when one is a non-zero multiple of the other.
 *   <li>{@code STRING}: Unicode NFKC, lower case, punctuation, the articles a/an/the and all
 *       whitespace removed, then exact match; two numbers compare as numbers.
 *   <li>{@code CHOICE}: the letter named by each side ({@code B}, {@code (B)}, {@code B)},
 *       {@code Answer: B}, {@code \text{(B)}}...). Use {@link AnswerVerifier#verify(String,
 *       dev.spice.core.Task)} to also accept an option's text.
 * </ul>
 *
 * <p><b>Percent</b>: by default ({@link PercentMode#LENIENT}) {@code 50%} matches both {@code 50}
 * and {@code 0.5}. <b>Units</b>: a trailing word-like tail (at least two letters, or one of
 * {@code m g s h l k}, with spaces, {@code / . ^} and digits after {@code ^}; also inside
 * {@code \text{}}), degrees and currency signs ({@code $ € £ ¥}, {@code USD}) are dropped; scale
 * words (thousand, million, billion, trillion) multiply.
 */
public final class Verifiers {
  /** Longest answer (each side) that is examined; longer ones never verify. */
  public static final int MAX_ANSWER_CHARS = 1000;
  /** Task metadata key holding {@code |}-separated gold-answer aliases. */
  public static final String ALIASES_KEY = "aliases";
  /** Default relative tolerance. */
  public static final double DEFAULT_RELATIVE_TOLERANCE = 1e-6;
  /** Default absolute tolerance of expression evaluation. */
  public static final double DEFAULT_ABSOLUTE_TOLERANCE = 1e-9;
  /** Default number of evaluation points. */
  public static final int DEFAULT_POINTS = 12;
  /** Default seed of the evaluation points. */
  public static final long DEFAULT_SEED = 0x5EEDL;

  private static final AnswerVerifier DEFAULT = builder().build();

  private Verifiers() {}

  /**
   * The verifier with all defaults (shared, thread-safe).
   *
   * @return the default verifier
   */
  public static AnswerVerifier defaults() {
    return DEFAULT;
  }

  /**
   * A builder seeded with the defaults.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /** Fail-fast builder of an {@link AnswerVerifier}; validated at {@link #build()}. */
  public static final class Builder {
    private double relativeTolerance = DEFAULT_RELATIVE_TOLERANCE;
    private double absoluteTolerance = DEFAULT_ABSOLUTE_TOLERANCE;
    private PercentMode percentMode = PercentMode.LENIENT;
    private int points = DEFAULT_POINTS;
    private long seed = DEFAULT_SEED;

    private Builder() {}

    /**
     * Relative tolerance, in {@code [0, 0.1]}; 0 demands exact equality of numbers.
     *
     * @param v the tolerance
     * @return this builder
     */
    public Builder relativeTolerance(double v) {
      this.relativeTolerance = v;
      return this;
    }

    /**
     * Absolute tolerance of expression evaluation, in {@code [0, 0.1]}.
     *
     * @param v the tolerance
     * @return this builder
     */
    public Builder absoluteTolerance(double v) {
      this.absoluteTolerance = v;
      return this;
    }

    /**
     * How percentages compare with plain numbers; default {@link PercentMode#LENIENT}.
     *
     * @param mode the percent mode
     * @return this builder
     */
    public Builder percentMode(PercentMode mode) {
      this.percentMode = mode;
      return this;
    }

    /**
     * Number of random evaluation points for expressions, in {@code [3, 64]}.
     *
     * @param n the number of points
     * @return this builder
     */
    public Builder evaluationPoints(int n) {
      this.points = n;
      return this;
    }

    /**
     * Seed of the evaluation points (any value; the same seed gives the same verdicts).
     *
     * @param seed the seed
     * @return this builder
     */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /**
     * Builds the verifier.
     *
     * @return the configured verifier
     * @throws ConfigurationException naming the setting and its valid values
     */
    public AnswerVerifier build() {
      if (!(relativeTolerance >= 0 && relativeTolerance <= 0.1)) {
        throw new ConfigurationException("relativeTolerance must be in [0, 0.1], got " + relativeTolerance);
      }
      if (!(absoluteTolerance >= 0 && absoluteTolerance <= 0.1)) {
        throw new ConfigurationException("absoluteTolerance must be in [0, 0.1], got " + absoluteTolerance);
      }
      if (percentMode == null) {
        throw new ConfigurationException("percentMode must be one of LENIENT, DIVIDE, IGNORE, got null");
      }
      if (points < 3 || points > 64) {
        throw new ConfigurationException("evaluationPoints must be in [3, 64], got " + points);
      }
      return new DefaultVerifier(relativeTolerance, percentMode,
          new ExprEquivalence(relativeTolerance, absoluteTolerance, points, seed));
    }
  }
}
