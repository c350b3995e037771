package dev.spice.rewards.verify;

import java.util.List;
import java.util.Set;

/** A function of one or two arguments. */
final class Fn extends Node {
  final String name;
  final Node a;
  final Node b; // second argument (root index, binomial k) or null

  private static final java.util.List<String> OPS = java.util.List.of("sin", "cos", "tan", "sec", "csc",
      "cot", "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh", "ln", "exp", "sqrt", "abs", "fact",
      "root", "binom");
  private final int op;

  Fn(String name, Node a, Node b) {
    this.name = name;
    this.a = a;
    this.b = b;
    this.op = OPS.indexOf(name);
  }

  @Override
  double eval(double[] vars) {
    double x = a.eval(vars);
    double y = b == null ? 0 : b.eval(vars);
    double r = raw(x, y);
    if (!Double.isFinite(x) || !Double.isFinite(y)) {
      return r; // a written infinity
    }
    if ((op == 13 || op == 17) && x != 0) {
      return inRange(r); // e^{-1000}, \sqrt[n]{} of a tiny value: underflow
    }
    return noOverflow(r); // e^{1000}, 200!, \csc(0): overflow or a pole
  }

  private double raw(double x, double y) {
    switch (op) {
      case 0: return Math.sin(x);
      case 1: return Math.cos(x);
      case 2: return Math.tan(x);
      case 3: return 1 / Math.cos(x);
      case 4: return 1 / Math.sin(x);
      case 5: return Math.cos(x) / Math.sin(x);
      case 6: return Math.asin(x);
      case 7: return Math.acos(x);
      case 8: return Math.atan(x);
      case 9: return Math.sinh(x);
      case 10: return Math.cosh(x);
      case 11: return Math.tanh(x);
      case 12: return x > 0 ? Math.log(x) : Double.NaN;
      case 13: return Math.exp(x);
      case 14: return x >= 0 ? Math.sqrt(x) : Double.NaN;
      case 15: return Math.abs(x);
      case 16: return factorial(x);
      case 17: {
        double n = y;
        if (n == 0) {
          return Double.NaN;
        }
        if (n == Math.rint(n) && n > 0 && x < 0 && ((long) n) % 2 == 1) {
          return -Math.pow(-x, 1 / n);
        }
        return x >= 0 || n == Math.rint(n) ? Math.pow(x, 1 / n) : Double.NaN;
      }
      case 18: return binom(x, y);
      default: return Double.NaN;
    }
  }

  static double factorial(double x) {
    if (x != Math.rint(x) || x < 0) {
      return Double.NaN;
    }
    if (x > 170) {
      return Double.POSITIVE_INFINITY;
    }
    double r = 1;
    for (int i = 2; i <= (int) x; i++) {
      r *= i;
    }
    return r;
  }

  static double binom(double n, double k) {
    if (n != Math.rint(n) || k != Math.rint(k) || k < 0 || n < 0) {
      return Double.NaN;
    }
    if (k > n) {
      return 0;
    }
    double kk = Math.min(k, n - k);
    if (kk > 2000) {
      return Double.POSITIVE_INFINITY;
    }
    double r = 1;
    for (int i = 1; i <= (int) kk; i++) {
      r = r * (n - kk + i) / i;
    }
    return Math.rint(r);
  }

  @Override
  String canon() {
    return name + "(" + c(a) + (b == null ? "" : "," + c(b)) + ")";
  }

  @Override
  void collectVars(Set<String> out) {
    a.collectVars(out);
    if (b != null) {
      b.collectVars(out);
    }
  }

  @Override
  void index(List<String> names) {
    a.index(names);
    if (b != null) {
      b.index(names);
    }
  }

  @Override
  boolean hasPm() {
    return a.hasPm() || (b != null && b.hasPm());
  }

  @Override
  Node resolvePm(int sign) {
    return new Fn(name, a.resolvePm(sign), b == null ? null : b.resolvePm(sign));
  }
}
