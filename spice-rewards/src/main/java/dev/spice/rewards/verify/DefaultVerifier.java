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
    if (Text.light(a).equals(Text.light(b))) {
      return true;
    }
    Num x = NumberParser.parse(a);
    Num y = NumberParser.parse(b);
    if (x != null && y != null) {
      return numEq(x, y);
    }
    return expressions(a, b, x, y);
  }

  private boolean expressions(String a, String b) {
    if (a.isBlank() || b.isBlank()) {
      return false;
    }
    if (Text.light(a).equals(Text.light(b))) {
      return true;
    }
    if (a.indexOf('=') >= 0 && b.indexOf('=') >= 0) {
      return expressions(a, b, null, null); // two equations: x = 3 and y = 3 differ
    }
    Num x = NumberParser.parse(a);
    Num y = NumberParser.parse(b);
    if (x != null && y != null) {
      return numEq(x, y);
    }
    return expressions(a, b, x, y);
  }

  private boolean expressions(String a, String b, Num x, Num y) {
    Node na;
    Node nb;
    try {
      na = x != null ? constant(x, percent == PercentMode.DIVIDE) : ExprParser.parse(a);
      nb = y != null ? constant(y, percent == PercentMode.DIVIDE) : ExprParser.parse(b);
    } catch (ExprParser.Fail f) {
      return false;
    }
    if (expr.equivalent(na, nb)) {
      return true;
    }
    // LENIENT reads a percentage either way: 50% against an expression worth 0.5 as well as 50
    boolean pct = x != null && x.percent || y != null && y.percent;
    return pct && percent == PercentMode.LENIENT
        && expr.equivalent(x != null ? constant(x, true) : na, y != null ? constant(y, true) : nb);
  }

  private static Node constant(Num n, boolean applyPercent) {
    return new Node.Const(n.percent && applyPercent ? n.percentApplied().doubleValue() : n.doubleValue(), null);
  }

  private boolean strings(String a, String b) {
    String na = Text.normalizeString(a);
    String nb = Text.normalizeString(b);
    if (na.isEmpty() || nb.isEmpty()) {
      // e.g. the answer "A" (an article after normalisation): compare lightly instead
      return !a.isBlank() && a.strip().equalsIgnoreCase(b.strip());
    }
    // two numbers compare as numbers, before punctuation is dropped: "1.5" is not "15", "-5" not "5"
    Num x = NumberParser.parse(a);
    Num y = x == null ? null : NumberParser.parse(b);
    if (x != null && y != null) {
      return numEq(x, y);
    }
    return na.equals(nb);
  }

  boolean numEq(Num x, Num y) {
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
