package dev.spice.rewards.verify;

import dev.spice.core.AnswerType;

/** The verifier behind {@link Verifiers}. Immutable, thread-safe. */
final class DefaultVerifier implements AnswerVerifier {
  private final double relTol;
  private final PercentMode percent;
  private final ExprEquivalence expr;

  DefaultVerifier(double relTol, PercentMode percent, ExprEquivalence expr) {
    this.relTol = relTol;
    this.percent = percent;
    this.expr = expr;
  }

  @Override
  public boolean verify(String predicted, String gold, AnswerType type) {
    if (predicted == null || gold == null || type == null) {
      return false;
    }
    if (predicted.length() > Verifiers.MAX_ANSWER_CHARS || gold.length() > Verifiers.MAX_ANSWER_CHARS) {
      return false;
    }
    // \boxed{}, \fbox{}, \displaystyle... never change an answer (either side, nested too)
    predicted = Text.stripWrappers(predicted);
    gold = Text.stripWrappers(gold);
    // order the pair so that the verdict is symmetric by construction
    String a = predicted;
    String b = gold;
    if (a.compareTo(b) > 0) {
      a = gold;
      b = predicted;
    }
    try {
      switch (type) {
        case CHOICE: {
          char x = Choices.letter(a, null);
          return x != 0 && x == Choices.letter(b, null);
        }
        case STRING:
          return strings(a, b);
        case INTEGER:
          return numbers(a, b);
        default:
          return expressions(a, b);
      }
    } catch (RuntimeException | StackOverflowError e) {
      return false; // bounded parsers should not get here; any surprise means "not equivalent"
    }
  }

  private boolean numbers(String a, String b) {
    if (a.isBlank() || b.isBlank()) {
      return false;
    }
    Num x = NumberParser.parse(a);
    Num y = NumberParser.parse(b);
    if (x != null && y != null) {
      return numEq(x, y);
    }
    if (x != null && x.undefined() || y != null && y.undefined()) {
      return false; // undefined or out of range: never equal, not even to itself
    }
    if (Text.light(a).equals(Text.light(b))) {
      return defined(a, x) && defined(b, y); // the same text ("12" and "1 2"), unless undefined
    }
    return expressions(a, b, x, y);
  }

  private boolean expressions(String a, String b) {
    if (a.isBlank() || b.isBlank()) {
      return false;
    }
    if (a.indexOf('=') >= 0 && b.indexOf('=') >= 0) {
      // two equations: x = 3 and y = 3 differ
      if (Text.light(a).equals(Text.light(b))) {
        return defined(a, null) && defined(b, null);
      }
      return expressions(a, b, null, null);
    }
    return numbers(a, b);
  }

  /**
   * Whether an answer may match its own text: a number ({@code n}), text outside the expression
   * subset, or an expression that is defined ({@link ExprEquivalence#defined}); not {@code 1/0},
   * {@code nan}, {@code 2^{5000}}.
   */
  private boolean defined(String s, Num n) {
    if (n != null) {
      return !n.undefined();
    }
    Node node;
    try {
      node = ExprParser.parse(s);
    } catch (ExprParser.Fail f) {
      return true;
    }
    return expr.defined(node);
  }

  /**
   * Expression equivalence ({@code x}, {@code y}: the sides already read as numbers, or null).
   * Where a side is outside the parser's subset, only the same text (up to spacing and
   * delimiters, see {@link Text#light}) matches; a side that parses is compared by value, so an
   * undefined one ({@code 1/0}, {@code nan}, an overflow) matches nothing, not even itself.
   */
  private boolean expressions(String a, String b, Num x, Num y) {
    Node na;
    Node nb;
    try {
      na = x != null ? constant(x, percent == PercentMode.DIVIDE) : ExprParser.parse(a);
      nb = y != null ? constant(y, percent == PercentMode.DIVIDE) : ExprParser.parse(b);
    } catch (ExprParser.Fail f) {
      return Text.light(a).equals(Text.light(b));
    }
    if (expr.equivalent(na, nb)) {
      return true;
    }
    // LENIENT reads a percentage either way: 50% against an expression worth 0.5 as well as 50
    boolean pct = x != null && x.percent || y != null && y.percent;
    return pct && percent == PercentMode.LENIENT
        && expr.equivalent(x != null ? constant(x, true) : na, y != null ? constant(y, true) : nb);
  }

  /** The number as an expression constant: NaN (undefined) where a double would misrepresent it. */
  private static Node constant(Num n, boolean applyPercent) {
    return new Node.Const(n.percent && applyPercent ? n.percentApplied().doubleOrNaN() : n.doubleOrNaN(), null);
  }

  private boolean strings(String a, String b) {
    String na = Text.normalizeString(a);
    String nb = Text.normalizeString(b);
    if (na.isEmpty() || nb.isEmpty()) {
      // e.g. the answer "A" (an article after normalisation): compare lightly instead
      return !a.isBlank() && a.strip().equalsIgnoreCase(b.strip());
    }
    // two numbers compare as numbers, before punctuation is dropped: "1.5" is not "15", "-5" not "5";
    // a number that is undefined or out of range ("1/0", "1e401") matches nothing
    Num x = NumberParser.parse(a);
    Num y = NumberParser.parse(b);
    if (x != null && x.undefined() || y != null && y.undefined()) {
      return false;
    }
    if (x != null && y != null) {
      return numEq(x, y);
    }
    return na.equals(nb);
  }

  boolean numEq(Num x, Num y) {
    if (x.undefined() || y.undefined()) {
      return false;
    }
    if (x.percent == y.percent) {
      return Num.close(x.plain(), y.plain(), relTol);
    }
    Num p = x.percent ? x : y;
    Num q = x.percent ? y : x;
    switch (percent) {
      case DIVIDE:
        return Num.close(p.percentApplied(), q, relTol);
      case IGNORE:
        return Num.close(p.plain(), q, relTol);
      default:
        return Num.close(p.plain(), q, relTol) || Num.close(p.percentApplied(), q, relTol);
    }
  }
}
