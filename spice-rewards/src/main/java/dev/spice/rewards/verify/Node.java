package dev.spice.rewards.verify;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * An expression tree node. Subtraction is stored as addition of a product with -1, division as a
 * power with exponent -1, so that the canonical form sees through both. Trees are built fresh for
 * each check (variable indices are assigned per comparison) and are not shared between threads.
 */
abstract class Node {
  /**
   * Evaluates with {@code vars[i]} the value of the variable of index i; NaN where the value is
   * undefined: outside the domain, at a pole ({@code 1/0}), or where double arithmetic cannot
   * represent it: an infinite result from finite operands (overflow) and a zero or subnormal result
   * of a product, power, root or exponential of non-zero finite operands (underflow). Infinity
   * therefore only comes from a written infinity.
   */
  abstract double eval(double[] vars);

  /** {@code r} computed from finite operands: NaN if it overflowed (or hit a pole). */
  static double noOverflow(double r) {
    return Double.isInfinite(r) ? Double.NaN : r;
  }

  /** {@code r} computed from finite non-zero operands: NaN if it overflowed or underflowed. */
  static double inRange(double r) {
    return Double.isInfinite(r) || Math.abs(r) < Double.MIN_NORMAL ? Double.NaN : r;
  }

  /** A canonical text: equal texts mean equal expressions (the converse does not hold). */
  abstract String canon();

  /** Adds the names of this tree's variables. */
  abstract void collectVars(Set<String> out);

  /** Assigns each variable its index in {@code names}. */
  abstract void index(List<String> names);

  /** Whether the tree holds a plus-minus node. */
  boolean hasPm() {
    return false;
  }

  /** This tree with every plus-minus node resolved to {@code +} (sign 1) or {@code -} (sign -1). */
  Node resolvePm(int sign) {
    return this;
  }

  // ---------------------------------------------------------------- leaves

  static final class Const extends Node {
    final double v;
    final String name; // "\\pi", "e", or null for a plain number

    Const(double v, String name) {
      this.v = v;
      this.name = name;
    }

    @Override
    double eval(double[] vars) {
      return v;
    }

    @Override
    String canon() {
      return name != null ? name : fmt(v);
    }

    @Override
    void collectVars(Set<String> out) {}

    @Override
    void index(List<String> names) {}
  }

  static String fmt(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    return Double.toString(v);
  }

  static final class Var extends Node {
    final String name;
    int idx = -1;

    Var(String name) {
      this.name = name;
    }

    @Override
    double eval(double[] vars) {
      return vars[idx];
    }

    @Override
    String canon() {
      return name;
    }

    @Override
    void collectVars(Set<String> out) {
      out.add(name);
    }

    @Override
    void index(List<String> names) {
      idx = names.indexOf(name);
    }
  }

  // ---------------------------------------------------------------- n-ary

  /** Sum (isSum) or product of its children. */
  static final class Nary extends Node {
    final boolean isSum;
    final Node[] kids;

    Nary(boolean isSum, Node... kids) {
      this.isSum = isSum;
      this.kids = kids;
    }

    @Override
    double eval(double[] vars) {
      double acc = isSum ? 0 : 1;
      for (Node k : kids) {
        double v = k.eval(vars);
        double r = isSum ? acc + v : acc * v;
        if (Double.isFinite(acc) && Double.isFinite(v)) {
          r = isSum || acc == 0 || v == 0 ? noOverflow(r) : inRange(r);
        }
        acc = r;
      }
      return acc;
    }

    @Override
    String canon() {
      return canonical();
    }

    private void flatten(Nary n, List<String> parts, double[] acc) {
      for (Node k : n.kids) {
        if (k instanceof Nary && ((Nary) k).isSum == isSum) {
          flatten((Nary) k, parts, acc);
        } else if (k instanceof Const && ((Const) k).name == null) {
          acc[0] = isSum ? acc[0] + ((Const) k).v : acc[0] * ((Const) k).v;
        } else {
          parts.add(c(k));
        }
      }
    }

    String canonical() {
      List<String> parts = new ArrayList<>();
      double[] acc = {isSum ? 0 : 1};
      flatten(this, parts, acc);
      String[] arr = parts.toArray(new String[0]);
      Arrays.sort(arr);
      StringBuilder b = new StringBuilder(isSum ? "+(" : "*(");
      if (isSum ? acc[0] != 0 : acc[0] != 1) {
        b.append(fmt(acc[0])).append(',');
      }
      if (!isSum && acc[0] == 0) {
        return "0";
      }
      for (String p : arr) {
        b.append(p).append(',');
      }
      if (arr.length == 1 && (isSum ? acc[0] == 0 : acc[0] == 1)) {
        return arr[0];
      }
      return b.append(')').toString();
    }

    @Override
    void collectVars(Set<String> out) {
      for (Node k : kids) {
        k.collectVars(out);
      }
    }

    @Override
    void index(List<String> names) {
      for (Node k : kids) {
        k.index(names);
      }
    }

    @Override
    boolean hasPm() {
      for (Node k : kids) {
        if (k.hasPm()) {
          return true;
        }
      }
      return false;
    }

    @Override
    Node resolvePm(int sign) {
      Node[] r = new Node[kids.length];
      for (int i = 0; i < kids.length; i++) {
        r[i] = kids[i].resolvePm(sign);
      }
      return new Nary(isSum, r);
    }
  }

  // ---------------------------------------------------------------- binary / unary

  static final class Pow extends Node {
    final Node base;
    final Node exp;

    Pow(Node base, Node exp) {
      this.base = base;
      this.exp = exp;
    }

    @Override
    double eval(double[] vars) {
      double b = base.eval(vars);
      double e = exp.eval(vars);
      double r = raw(b, e);
      if (!Double.isFinite(b) || !Double.isFinite(e)) {
        return r; // a written infinity: 1/\infty is 0, e^{\infty} is infinite
      }
      return b == 0 ? noOverflow(r) : inRange(r); // 0^{-1} is a pole; 2^{5000}, 2^{-5000} out of range
    }

    private static double raw(double b, double e) {
      if (e == -1) {
        return 1 / b;
      }
      if (b < 0 && e != Math.rint(e) && Double.isFinite(e)) {
        // real odd roots: e = p/q with q odd gives sign (-1)^p * |b|^e
        for (int q = 3; q <= 9; q += 2) {
          double pq = e * q;
          if (Math.abs(pq - Math.rint(pq)) < 1e-9) {
            double r = Math.pow(-b, e);
            return ((long) Math.rint(pq)) % 2 == 0 ? r : -r;
          }
        }
      }
      return Math.pow(b, e);
    }

    @Override
    String canon() {
      return "(" + c(base) + ")^(" + c(exp) + ")";
    }

    @Override
    void collectVars(Set<String> out) {
      base.collectVars(out);
      exp.collectVars(out);
    }

    @Override
    void index(List<String> names) {
      base.index(names);
      exp.index(names);
    }

    @Override
    boolean hasPm() {
      return base.hasPm() || exp.hasPm();
    }

    @Override
    Node resolvePm(int sign) {
      return new Pow(base.resolvePm(sign), exp.resolvePm(sign));
    }
  }

  static String c(Node n) {
    return n instanceof Nary ? ((Nary) n).canonical() : n.canon();
  }

  /** a +- b. */
  static final class PlusMinus extends Node {
    final Node a;
    final Node b;

    PlusMinus(Node a, Node b) {
      this.a = a;
      this.b = b;
    }

    @Override
    double eval(double[] vars) {
      return Double.NaN; // resolved before evaluation
    }

    @Override
    String canon() {
      return "pm(" + c(a) + "," + c(b) + ")";
    }

    @Override
    void collectVars(Set<String> out) {
      a.collectVars(out);
      b.collectVars(out);
    }

    @Override
    void index(List<String> names) {
      a.index(names);
      b.index(names);
    }

    @Override
    boolean hasPm() {
      return true;
    }

    @Override
    Node resolvePm(int sign) {
      Node bb = b.resolvePm(sign);
      return new Nary(true, a.resolvePm(sign), sign > 0 ? bb : new Nary(false, new Const(-1, null), bb));
    }
  }

  // ---------------------------------------------------------------- structure

  /** An equation {@code l = r}. */
  static final class Eq extends Node {
    final Node l;
    final Node r;

    Eq(Node l, Node r) {
      this.l = l;
      this.r = r;
    }

    @Override
    double eval(double[] vars) {
      double x = l.eval(vars);
      double y = r.eval(vars);
      return Double.isFinite(x) && Double.isFinite(y) ? noOverflow(x - y) : x - y;
    }

    @Override
    String canon() {
      return "eq(" + c(l) + "," + c(r) + ")";
    }

    @Override
    void collectVars(Set<String> out) {
      l.collectVars(out);
      r.collectVars(out);
    }

    @Override
    void index(List<String> names) {
      l.index(names);
      r.index(names);
    }
  }

  /**
   * A sequence: a tuple or interval ({@code open}/{@code close} are its brackets), a set
   * ({@code '{'}), a bare comma list ({@code ','}) or a union of intervals ({@code 'U'}).
   */
  static final class Seq extends Node {
    final char open;
    final char close;
    final Node[] items;

    Seq(char open, char close, Node[] items) {
      this.open = open;
      this.close = close;
      this.items = items;
    }

    boolean unordered() {
      return open == '{' || open == ',' || open == 'U';
    }

    @Override
    double eval(double[] vars) {
      return Double.NaN;
    }

    @Override
    String canon() {
      StringBuilder b = new StringBuilder().append(open);
      for (Node n : items) {
        b.append(c(n)).append(';');
      }
      return b.append(close).toString();
    }

    @Override
    void collectVars(Set<String> out) {
      for (Node n : items) {
        n.collectVars(out);
      }
    }

    @Override
    void index(List<String> names) {
      for (Node n : items) {
        n.index(names);
      }
    }
  }
}
