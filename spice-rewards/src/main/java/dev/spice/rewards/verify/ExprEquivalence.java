package dev.spice.rewards.verify;

import dev.spice.rewards.verify.Node.Eq;
import dev.spice.rewards.verify.Node.Seq;
import dev.spice.rewards.verify.Node.Var;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * Equivalence of parsed expressions: canonical form first, then evaluation of both sides at
 * seeded pseudo-random points. Immutable and thread-safe (trees are per call).
 */
final class ExprEquivalence {
  static final int MAX_VARS = 16;

  private final double relTol;
  private final double absTol;
  private final int minValid;
  /** points[k][v]: value of variable v at point k. */
  private final double[][] points;

  ExprEquivalence(double relTol, double absTol, int numPoints, long seed) {
    this.relTol = relTol;
    this.absTol = absTol;
    this.minValid = Math.max(1, Math.min(3, numPoints));
    SplittableRandom r = new SplittableRandom(seed);
    points = new double[numPoints][MAX_VARS];
    for (int k = 0; k < numPoints; k++) {
      for (int v = 0; v < MAX_VARS; v++) {
        switch (k % 3) {
          case 0: points[k][v] = 0.3 + 2 * r.nextDouble(); break;   // small positive
          case 1: points[k][v] = -3 + 6 * r.nextDouble(); break;   // either sign
          default: points[k][v] = 1 + 19 * r.nextDouble(); break;  // larger positive
        }
      }
    }
  }

  /** Whether two parsed answers are equivalent. */
  boolean equivalent(Node a, Node b) {
    boolean ea = a instanceof Eq;
    boolean eb = b instanceof Eq;
    if (ea && eb) {
      Eq x = (Eq) a;
      Eq y = (Eq) b;
      if (x.r instanceof Seq || y.r instanceof Seq) {
        return x.l instanceof Var && y.l instanceof Var && ((Var) x.l).name.equals(((Var) y.l).name)
            && equivalent(x.r, y.r);
      }
      return scalar(a, b) || proportional(x, y);
    }
    if (a instanceof Seq || b instanceof Seq) {
      if (ea) {
        return stripEq((Eq) a, b);
      }
      if (eb) {
        return stripEq((Eq) b, a);
      }
      return seqs(a, b);
    }
    if (ea) {
      return stripEq((Eq) a, b);
    }
    if (eb) {
      return stripEq((Eq) b, a);
    }
    return scalar(a, b);
  }

  /**
   * Whether {@code n} is defined, that is equivalent to itself: a scalar defined (not NaN) at at
   * least {@code minValid} points (at its one point if constant), and so on for every item of a
   * sequence and both sides of an equation.
   */
  boolean defined(Node n) {
    return equivalent(n, n);
  }

  /** {@code x = 3} against {@code 3}: the side that is not a lone variable is compared. */
  private boolean stripEq(Eq e, Node other) {
    if (e.l instanceof Var && !(e.r instanceof Var) && equivalent(e.r, other)) {
      return true;
    }
    return e.r instanceof Var && !(e.l instanceof Var) && equivalent(e.l, other);
  }

  private boolean seqs(Node a, Node b) {
    if (!(a instanceof Seq) || !(b instanceof Seq)) {
      return false;
    }
    Seq x = (Seq) a;
    Seq y = (Seq) b;
    if (x.items.length != y.items.length) {
      return false;
    }
    boolean xl = x.open == ',';
    boolean yl = y.open == ',';
    boolean ordered;
    if (x.unordered() && y.unordered()) {
      if (x.open == 'U' != (y.open == 'U')) {
        return false;
      }
      ordered = false;
    } else if (xl || yl) {
      Seq other = xl ? y : x;
      if (!(other.open == '(' && other.close == ')')) {
        return false;
      }
      ordered = true;
    } else {
      if (x.open != y.open || x.close != y.close) {
        return false;
      }
      ordered = true;
    }
    int n = x.items.length;
    if (ordered) {
      for (int i = 0; i < n; i++) {
        if (!equivalent(x.items[i], y.items[i])) {
          return false;
        }
      }
      return true;
    }
    boolean[] used = new boolean[n];
    for (int i = 0; i < n; i++) {
      boolean found = false;
      for (int j = 0; j < n && !found; j++) {
        if (!used[j] && equivalent(x.items[i], y.items[j])) {
          used[j] = true;
          found = true;
        }
      }
      if (!found) {
        return false;
      }
    }
    return true;
  }

  private List<String> vars(Node a, Node b) {
    TreeSet<String> names = new TreeSet<>();
    a.collectVars(names);
    b.collectVars(names);
    List<String> list = new ArrayList<>(names);
    a.index(list);
    b.index(list);
    return list;
  }

  /**
   * Scalars: values at the points (one point when there are no variables). A value is defined
   * unless it is NaN (see {@link Node#eval}: undefined, overflow, underflow); infinite values come
   * only from a written infinity and match the same infinity. Both sides must be defined at the
   * same points and agree there (equal canonical texts count as agreeing), at at least
   * {@code minValid} points; so an undefined side matches nothing, not even itself.
   */
  private boolean scalar(Node a, Node b) {
    boolean same = Node.c(a).equals(Node.c(b));
    List<String> names = vars(a, b);
    if (names.size() > MAX_VARS) {
      return false;
    }
    if (names.isEmpty()) {
      double x = a.eval(points[0]);
      double y = b.eval(points[0]);
      return x == x && y == y && (same || agree(x, y, a, b));
    }
    int valid = 0;
    for (double[] p : points) {
      double x = a.eval(p);
      double y = b.eval(p);
      boolean dx = x == x;
      boolean dy = y == y;
      if (dx && dy) {
        if (!same && !agree(x, y, a, b)) {
          return false;
        }
        valid++;
      } else if (dx != dy) {
        return false;
      }
    }
    return valid >= minValid;
  }

  /** Two defined values agree: within tolerance, or the same written infinity. */
  private boolean agree(double x, double y, Node a, Node b) {
    if (Double.isInfinite(x) || Double.isInfinite(y)) {
      // equal infinities only from a written infinity, never from overflow (which is NaN anyway)
      return x == y && Node.c(a).contains("inf") && Node.c(b).contains("inf");
    }
    return close(x, y);
  }

  /** Equations: {@code l1 - r1} is a non-zero constant multiple of {@code l2 - r2}. */
  private boolean proportional(Eq a, Eq b) {
    List<String> names = vars(a, b);
    if (names.size() > MAX_VARS || names.isEmpty()) {
      return false;
    }
    double ratio = Double.NaN;
    int valid = 0;
    for (double[] p : points) {
      double x = a.eval(p);
      double y = b.eval(p);
      boolean fx = Double.isFinite(x);
      boolean fy = Double.isFinite(y);
      if (fx != fy) {
        return false;
      }
      if (!fx) {
        continue;
      }
      if (Math.abs(y) <= absTol) {
        if (Math.abs(x) > absTol) {
          return false;
        }
        valid++;
        continue;
      }
      if (ratio != ratio) {
        ratio = x / y;
        if (!(Math.abs(ratio) > 1e-12) || Double.isInfinite(ratio)) {
          return false;
        }
      } else if (!close(x, ratio * y)) {
        return false;
      }
      valid++;
    }
    return valid >= minValid && ratio == ratio;
  }

  boolean close(double x, double y) {
    if (x == y) {
      return true;
    }
    return Math.abs(x - y) <= absTol + relTol * Math.max(Math.abs(x), Math.abs(y));
  }
}
