package dev.spice.rewards.verify;

import dev.spice.rewards.verify.Node.Const;
import dev.spice.rewards.verify.Node.Eq;
import dev.spice.rewards.verify.Fn;
import dev.spice.rewards.verify.Node.Nary;
import dev.spice.rewards.verify.Node.PlusMinus;
import dev.spice.rewards.verify.Node.Pow;
import dev.spice.rewards.verify.Node.Seq;
import dev.spice.rewards.verify.Node.Var;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Parses the LaTeX and plain-text maths subset into a {@link Node} tree, or fails with
 * {@link Fail}. Hand-written lexer and recursive-descent parser: no script engine, no reflection.
 *
 * <p>Bounded: input longer than {@link #MAX_CHARS} characters or nested deeper than
 * {@link #MAX_DEPTH} fails; every loop consumes input.
 */
final class ExprParser {
  static final int MAX_CHARS = 1000;
  static final int MAX_DEPTH = 400; // about 5 per bracket level: ~80 nested brackets

  /** Parse failure; preallocated and without a stack trace, so failing is cheap. */
  static final class Fail extends RuntimeException {
    private static final long serialVersionUID = 1L;
    static final Fail INSTANCE = new Fail();

    private Fail() {
      super("unparsable expression", null, false, false);
    }
  }

  // token kinds
  static final int NUM = 1, VAR = 2, CONST = 3, FUNC = 4, PLUS = 5, MINUS = 6, STAR = 7, SLASH = 8,
      CARET = 9, BANG = 10, PERCENT = 11, LPAR = 12, RPAR = 13, LBRACE = 14, RBRACE = 15, LSET = 16,
      RSET = 17, COMMA = 18, EQ = 19, PM = 20, FRAC = 21, SQRT = 22, BINOM = 23, UNDER = 24,
      PIPE = 25, CUP = 26, EOF = 27;

  private final int[] kind;
  private final double[] val;
  private final String[] text;
  private final char[] ch; // bracket char for LPAR/RPAR
  private int ntok;
  private int pos;
  private int depth;
  private int absDepth;

  private ExprParser(int cap) {
    kind = new int[cap];
    val = new double[cap];
    text = new String[cap];
    ch = new char[cap];
  }

  /** Parses {@code s}; throws {@link Fail} if it is not in the subset. */
  static Node parse(String s) {
    if (s.length() > MAX_CHARS) {
      throw Fail.INSTANCE;
    }
    ExprParser p = new ExprParser(s.length() * 2 + 8);
    p.lex(s, 0);
    p.add(EOF, 0, null, '\0');
    Node n = p.top();
    return n;
  }

  // ================================================================== lexer

  private void add(int k, double v, String t, char c) {
    if (ntok >= kind.length) {
      throw Fail.INSTANCE;
    }
    kind[ntok] = k;
    val[ntok] = v;
    text[ntok] = t;
    ch[ntok] = c;
    ntok++;
  }

  private static final String[] FUNCS = {
    "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh", "sin", "cos", "tan", "sec", "csc", "cot",
    "asin", "acos", "atan", "sqrt", "abs", "exp", "log", "ln"
  };

  private static final String GREEK = " alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa"
      + " lambda mu nu xi rho sigma tau upsilon phi varphi chi psi omega Gamma Delta Theta Lambda Xi Sigma"
      + " Phi Psi Omega ";

  private void lex(String s, int level) {
    if (level > 4) {
      throw Fail.INSTANCE;
    }
    int n = s.length();
    int i = 0;
    while (i < n) {
      char c = s.charAt(i);
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '$' || c == '~' || c == '\u00a0') {
        i++;
      } else if (c >= '0' && c <= '9' || (c == '.' && i + 1 < n && isDigit(s.charAt(i + 1)))) {
        int st = i;
        while (i < n && isDigit(s.charAt(i))) {
          i++;
        }
        if (i < n && s.charAt(i) == '.' && i + 1 < n && isDigit(s.charAt(i + 1))) {
          i++;
          while (i < n && isDigit(s.charAt(i))) {
            i++;
          }
        }
        if (i < n && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
          int j = i + 1;
          if (j < n && (s.charAt(j) == '-' || s.charAt(j) == '+')) {
            j++;
          }
          if (j < n && isDigit(s.charAt(j))) {
            while (j < n && isDigit(s.charAt(j))) {
              j++;
            }
            i = j;
          }
        }
        add(NUM, literal(s.substring(st, i)), null, '\0');
      } else if (c == '\\') {
        i = lexCommand(s, i, level);
      } else if (isAsciiLetter(c)) {
        int st = i;
        while (i < n && isAsciiLetter(s.charAt(i))) {
          i++;
        }
        lexWord(s.substring(st, i));
        i = subscript(s, i);
      } else {
        i++;
        switch (c) {
          case '+': add(PLUS, 0, null, c); break;
          case '-': case '\u2212': case '\u2013': add(MINUS, 0, null, c); break;
          case '*':
            if (i < n && s.charAt(i) == '*') {
              i++;
              add(CARET, 0, null, c);
            } else {
              add(STAR, 0, null, c);
            }
            break;
          case '\u00d7': case '\u00b7': case '\u22c5': add(STAR, 0, null, c); break;
          case '/': case '\u00f7': add(SLASH, 0, null, c); break;
          case '^':
            if (s.startsWith("\\circ", i)) {
              i += 5;
            } else if (s.startsWith("{\\circ}", i)) {
              i += 7;
            } else {
              add(CARET, 0, null, c);
            }
            break;
          case '!': add(BANG, 0, null, c); break;
          case '%': add(PERCENT, 0, null, c); break;
          case '(': case '[': add(LPAR, 0, null, c); break;
          case ')': case ']': add(RPAR, 0, null, c); break;
          case '{': add(LBRACE, 0, null, c); break;
          case '}': add(RBRACE, 0, null, c); break;
          case ',': case ';': add(COMMA, 0, null, ','); break;
          case '=': add(EQ, 0, null, c); break;
          case '\u00b1': add(PM, 0, null, c); break;
          case '|': add(PIPE, 0, null, c); break;
          case '_': add(UNDER, 0, null, c); break;
          case '\u221a': add(SQRT, 0, null, c); break;
          case '\u03c0': add(CONST, Math.PI, "\\pi", c); break;
          case '\u221e': add(CONST, Double.POSITIVE_INFINITY, "inf", c); break;
          case '\u222a': add(CUP, 0, null, c); break;
          case '\u00b0': break;
          case '\u00b2': add(CARET, 0, null, '^'); add(NUM, 2, null, '\0'); break;
          case '\u00b3': add(CARET, 0, null, '^'); add(NUM, 3, null, '\0'); break;
          default:
            if (Character.isLetter(c)) {
              add(VAR, 0, String.valueOf(c), c);
              i = subscript(s, i);
            } else {
              throw Fail.INSTANCE;
            }
        }
      }
    }
  }

  /**
   * The value of a number literal, or NaN (undefined: never equal) where a double cannot hold it:
   * more than {@value NumberParser#MAX_DIGITS} digits, overflow to infinity, or a non-zero
   * literal that underflows to 0 or to a subnormal ({@code 1e-401}, {@code 1e-320}).
   */
  static double literal(String t) {
    int digits = 0;
    boolean nonZero = false;
    for (int k = 0; k < t.length(); k++) {
      char c = t.charAt(k);
      if (c == 'e' || c == 'E') {
        break;
      }
      if (isDigit(c)) {
        digits++;
        nonZero |= c != '0';
      }
    }
    if (digits > NumberParser.MAX_DIGITS) {
      return Double.NaN;
    }
    double v = Double.parseDouble(t);
    if (Double.isInfinite(v) || (nonZero && v < Double.MIN_NORMAL)) {
      return Double.NaN;
    }
    return v;
  }

  /** Absorbs a subscript {@code _1}, {@code _{12}} into the last VAR token's name. */
  private int subscript(String s, int i) {
    if (ntok == 0 || kind[ntok - 1] != VAR || i >= s.length() || s.charAt(i) != '_') {
      return i;
    }
    int j = i + 1;
    String sub;
    if (j < s.length() && s.charAt(j) == '{') {
      int close = NumberParser.matchBrace(s, j);
      if (close < 0 || close - j > 20) {
        throw Fail.INSTANCE;
      }
      sub = s.substring(j + 1, close).strip();
      j = close + 1;
    } else if (j < s.length() && Character.isLetterOrDigit(s.charAt(j))) {
      sub = String.valueOf(s.charAt(j));
      j++;
    } else {
      throw Fail.INSTANCE;
    }
    text[ntok - 1] = text[ntok - 1] + "_" + sub;
    return j;
  }

  /** Spellings of infinity in plain text. */
  private static final String[] INFINITY_WORDS = {"inf", "infty", "infinity", "Infinity", "oo"};

  /**
   * Whether {@code w} is another capitalisation of a function name or of {@code pi}/{@code inf}...
   * ({@code Abs}, {@code SIN}, {@code Pi}, {@code INF}). Names are case-sensitive (as in LaTeX, and
   * as the lower-case plain-text spellings read here); such a word is not read as a product of
   * single-letter variables either, it makes the expression unparsable.
   */
  static boolean miscased(String w) {
    for (String f : FUNCS) {
      if (f.equalsIgnoreCase(w)) {
        return !f.equals(w);
      }
    }
    if (w.equalsIgnoreCase("pi")) {
      return !w.equals("pi");
    }
    for (String f : INFINITY_WORDS) {
      if (f.equals(w)) {
        return false;
      }
    }
    for (String f : INFINITY_WORDS) {
      if (f.equalsIgnoreCase(w)) {
        return true;
      }
    }
    return false;
  }

  private void lexWord(String w) {
    switch (w) {
      case "pi": add(CONST, Math.PI, "\\pi", 'p'); return;
      case "inf": case "infty": case "infinity": case "oo": case "Infinity":
        add(CONST, Double.POSITIVE_INFINITY, "inf", 'i'); return;
      case "or": case "and": add(COMMA, 0, null, ','); return;
      default:
    }
    if (w.equalsIgnoreCase("nan")) {
      add(NUM, Double.NaN, null, '\0'); // not a number: undefined, never equal
      return;
    }
    if (miscased(w)) {
      throw Fail.INSTANCE;
    }
    int k = 0;
    outer:
    while (k < w.length()) {
      for (String f : FUNCS) {
        if (w.startsWith(f, k)) {
          addFunc(f);
          k += f.length();
          continue outer;
        }
      }
      if (w.startsWith("pi", k)) {
        add(CONST, Math.PI, "\\pi", 'p');
        k += 2;
        continue;
      }
      char c = w.charAt(k++);
      if (c == 'e') {
        add(CONST, Math.E, "e", 'e');
      } else {
        add(VAR, 0, String.valueOf(c), c);
      }
    }
  }

  private static boolean isFunc(String name) {
    for (String f : FUNCS) {
      if (f.equals(name)) {
        return true;
      }
    }
    return false;
  }

  private void addFunc(String f) {
    switch (f) {
      case "sqrt": add(SQRT, 0, null, 's'); return;
      case "asin": f = "arcsin"; break;
      case "acos": f = "arccos"; break;
      case "atan": f = "arctan"; break;
      default:
    }
    add(FUNC, 0, f, 'f');
  }

  private int lexCommand(String s, int i, int level) {
    int n = s.length();
    int e = i + 1;
    while (e < n && isAsciiLetter(s.charAt(e))) {
      e++;
    }
    if (e == i + 1) {
      if (e >= n) {
        throw Fail.INSTANCE;
      }
      char c = s.charAt(e);
      switch (c) {
        case ',': case '!': case ';': case ':': case ' ': case '(': case ')': case '[': case ']': case '$':
          return e + 1;
        case '%': add(PERCENT, 0, null, c); return e + 1;
        case '{': add(LSET, 0, null, '{'); return e + 1;
        case '}': add(RSET, 0, null, '}'); return e + 1;
        case '|': add(PIPE, 0, null, '|'); return e + 1;
        default: throw Fail.INSTANCE;
      }
    }
    String cmd = s.substring(i + 1, e);
    switch (cmd) {
      case "left": case "right": case "bigl": case "bigr": case "Bigl": case "Bigr": case "big": case "Big":
      case "bigg": case "Bigg": case "biggl": case "biggr":
        if (e < n && s.charAt(e) == '.') {
          return e + 1;
        }
        return e;
      case "displaystyle": case "textstyle": case "quad": case "qquad": case "limits":
        return e;
      case "frac": case "dfrac": case "tfrac": case "cfrac":
        add(FRAC, 0, null, 'f');
        return fracShortArgs(s, e);
      case "binom": case "dbinom": case "tbinom":
        add(BINOM, 0, null, 'b');
        return fracShortArgs(s, e);
      case "sqrt": add(SQRT, 0, null, 's'); return e;
      case "cdot": case "times": case "ast": add(STAR, 0, null, '*'); return e;
      case "div": add(SLASH, 0, null, '/'); return e;
      case "pm": add(PM, 0, null, '\u00b1'); return e;
      case "pi": add(CONST, Math.PI, "\\pi", 'p'); return e;
      case "infty": add(CONST, Double.POSITIVE_INFINITY, "inf", 'i'); return e;
      case "cup": add(CUP, 0, null, 'U'); return e;
      case "lbrace": add(LSET, 0, null, '{'); return e;
      case "rbrace": add(RSET, 0, null, '}'); return e;
      case "langle": add(LPAR, 0, null, '('); return e;
      case "rangle": add(RPAR, 0, null, ')'); return e;
      case "vert": case "lvert": case "rvert": case "mid": add(PIPE, 0, null, '|'); return e;
      case "circ": return e;
      case "in": add(EQ, 0, null, '='); return e; // "x \in [0, 1]" reads like "x = [0, 1]"
      case "exp": case "ln": case "log": case "sin": case "cos": case "tan": case "sec": case "csc": case "cot":
      case "arcsin": case "arccos": case "arctan": case "sinh": case "cosh": case "tanh":
        add(FUNC, 0, cmd, 'f');
        return e;
      case "operatorname": {
        int close = braceArg(s, e);
        String name = s.substring(e + 1, close).strip();
        if (!isFunc(name)) {
          throw Fail.INSTANCE;
        }
        addFunc(name);
        return close + 1;
      }
      case "text": case "textrm": case "mathrm": case "mbox": case "textbf": case "textit": {
        int close = braceArg(s, e);
        String inner = s.substring(e + 1, close).strip();
        if (isWords(inner)) {
          String low = inner.toLowerCase(Locale.ROOT);
          if (low.equals("or") || low.equals("and")) {
            add(COMMA, 0, null, ',');
          } else if (inner.length() == 1 || low.equals("nan") || inner.equals("pi") || inner.equals("inf")
              || inner.equals("infty") || inner.equals("infinity") || inner.equals("Infinity")
              || (isFunc(inner) || miscased(inner)) && !s.substring(close + 1).isBlank()) {
            // \mathrm{sin}(x) is sin(x), \mathrm{NaN} undefined, \mathrm{Abs}(x) unparsable; a
            // function name that ends the answer is a unit ("\sqrt{2}\text{ sec}") and dropped
            lex(inner, level + 1);
          }
          // otherwise a unit or a word: dropped
        } else {
          lex(inner, level + 1);
        }
        return close + 1;
      }
      case "mathbf": case "boldsymbol": case "mathit": case "bm":
        return e;
      default:
        if (GREEK.contains(" " + cmd + " ")) {
          add(VAR, 0, "\\" + cmd, 'g');
          return subscript(s, e);
        }
        throw Fail.INSTANCE;
    }
  }

  private static int braceArg(String s, int e) {
    if (e >= s.length() || s.charAt(e) != '{') {
      throw Fail.INSTANCE;
    }
    int close = NumberParser.matchBrace(s, e);
    if (close < 0) {
      throw Fail.INSTANCE;
    }
    return close;
  }

  /** {@code \frac12}, {@code \frac1x}: single-character arguments without braces. */
  private int fracShortArgs(String s, int e) {
    int n = s.length();
    int j = e;
    while (j < n && s.charAt(j) == ' ') {
      j++;
    }
    if (j < n && isDigit(s.charAt(j))) {
      add(NUM, s.charAt(j) - '0', null, '\0');
      j++;
      while (j < n && s.charAt(j) == ' ') {
        j++;
      }
      if (j < n && isDigit(s.charAt(j))) {
        add(NUM, s.charAt(j) - '0', null, '\0');
        return j + 1;
      }
      if (j < n && isAsciiLetter(s.charAt(j))) {
        char c = s.charAt(j);
        if (c == 'e') {
          add(CONST, Math.E, "e", 'e');
        } else {
          add(VAR, 0, String.valueOf(c), c);
        }
        return j + 1;
      }
      return j;
    }
    return e;
  }

  private static boolean isWords(String t) {
    if (t.isEmpty()) {
      return true;
    }
    for (int k = 0; k < t.length(); k++) {
      char c = t.charAt(k);
      if (!(Character.isLetter(c) || c == ' ' || c == '.' || c == '/' || c == '-')) {
        return false;
      }
    }
    return true;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isAsciiLetter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  // ================================================================== parser

  private int peek() {
    return kind[pos];
  }

  private void expect(int k) {
    if (kind[pos] != k) {
      throw Fail.INSTANCE;
    }
    pos++;
  }

  private void enter() {
    if (++depth > MAX_DEPTH) {
      throw Fail.INSTANCE;
    }
  }

  private Node top() {
    List<Node> items = new ArrayList<>();
    items.add(union());
    while (peek() == COMMA) {
      pos++;
      items.add(union());
    }
    expect(EOF);
    List<Node> expanded = new ArrayList<>();
    for (Node it : items) {
      if (it.hasPm()) {
        expanded.add(it.resolvePm(1));
        expanded.add(it.resolvePm(-1));
      } else {
        expanded.add(it);
      }
    }
    if (expanded.size() == 1) {
      return expanded.get(0);
    }
    if (expanded.size() > 64) {
      throw Fail.INSTANCE;
    }
    return new Seq(',', ',', expanded.toArray(new Node[0]));
  }

  private Node union() {
    Node a = relation();
    if (peek() != CUP) {
      return a;
    }
    List<Node> parts = new ArrayList<>();
    parts.add(a);
    while (peek() == CUP) {
      pos++;
      parts.add(relation());
    }
    return new Seq('U', 'U', parts.toArray(new Node[0]));
  }

  private Node relation() {
    Node l = sum();
    if (peek() == EQ) {
      pos++;
      Node r = sum();
      if (peek() == EQ) {
        throw Fail.INSTANCE;
      }
      return new Eq(l, r);
    }
    return l;
  }

  private Node sum() {
    enter();
    List<Node> terms = new ArrayList<>();
    terms.add(product());
    while (true) {
      int k = peek();
      if (k == PLUS) {
        pos++;
        terms.add(product());
      } else if (k == MINUS) {
        pos++;
        terms.add(neg(product()));
      } else if (k == PM) {
        pos++;
        Node left = terms.size() == 1 ? terms.get(0) : new Nary(true, terms.toArray(new Node[0]));
        terms.clear();
        terms.add(new PlusMinus(left, product()));
      } else {
        break;
      }
    }
    depth--;
    return terms.size() == 1 ? terms.get(0) : new Nary(true, terms.toArray(new Node[0]));
  }

  private static Node neg(Node n) {
    if (n instanceof Const && ((Const) n).name == null) {
      return new Const(-((Const) n).v, null);
    }
    return new Nary(false, new Const(-1, null), n);
  }

  private static Node inverse(Node n) {
    return new Pow(n, new Const(-1, null));
  }

  private Node product() {
    enter();
    List<Node> f = new ArrayList<>();
    f.add(unary());
    while (true) {
      int k = peek();
      if (k == STAR) {
        pos++;
        f.add(unary());
      } else if (k == SLASH) {
        pos++;
        f.add(inverse(unary()));
      } else if (startsPrimary(k)) {
        f.add(power());
      } else {
        break;
      }
    }
    depth--;
    return f.size() == 1 ? f.get(0) : new Nary(false, f.toArray(new Node[0]));
  }

  private boolean startsPrimary(int k) {
    return k == NUM || k == VAR || k == CONST || k == FUNC || k == LPAR || k == LBRACE || k == LSET
        || k == FRAC || k == SQRT || k == BINOM || (k == PIPE && absDepth == 0);
  }

  private Node unary() {
    enter();
    Node r;
    if (peek() == MINUS) {
      pos++;
      r = neg(unary());
    } else if (peek() == PLUS) {
      pos++;
      r = unary();
    } else {
      r = power();
    }
    depth--;
    return r;
  }

  private Node power() {
    enter();
    Node b = postfix();
    if (peek() == CARET) {
      pos++;
      Node e = exponent();
      b = new Pow(b, e);
      while (peek() == BANG) {
        pos++;
        b = new Fn("fact", b, null);
      }
    }
    depth--;
    return b;
  }

  private Node exponent() {
    if (peek() == MINUS) {
      pos++;
      return neg(exponent());
    }
    if (peek() == PLUS) {
      pos++;
      return exponent();
    }
    return power();
  }

  private Node postfix() {
    Node p = primary();
    while (true) {
      if (peek() == BANG) {
        pos++;
        p = new Fn("fact", p, null);
      } else if (peek() == PERCENT) {
        pos++;
        p = new Nary(false, p, new Const(0.01, null));
      } else {
        return p;
      }
    }
  }

  private Node primary() {
    enter();
    int k = peek();
    Node r;
    switch (k) {
      case NUM:
        r = new Const(val[pos++], null);
        break;
      case VAR:
        r = new Var(text[pos++]);
        break;
      case CONST:
        r = new Const(val[pos], text[pos]);
        pos++;
        break;
      case LPAR: {
        char open = ch[pos++];
        List<Node> items = innerList();
        if (peek() != RPAR) {
          throw Fail.INSTANCE;
        }
        char close = ch[pos++];
        boolean matched = (open == '(' && close == ')') || (open == '[' && close == ']');
        if (items.size() == 1 && matched) {
          r = items.get(0);
        } else if (items.size() == 1) {
          throw Fail.INSTANCE;
        } else {
          r = new Seq(open, close, items.toArray(new Node[0]));
        }
        break;
      }
      case LBRACE: {
        pos++;
        List<Node> items = innerList();
        expect(RBRACE);
        r = items.size() == 1 ? items.get(0) : new Seq('{', '}', items.toArray(new Node[0]));
        break;
      }
      case LSET: {
        pos++;
        List<Node> items = innerList();
        expect(RSET);
        r = new Seq('{', '}', items.toArray(new Node[0]));
        break;
      }
      case PIPE: {
        pos++;
        absDepth++;
        Node in = sum();
        absDepth--;
        expect(PIPE);
        r = new Fn("abs", in, null);
        break;
      }
      case FRAC: {
        pos++;
        Node a = groupArg();
        Node b = groupArg();
        r = new Nary(false, a, inverse(b));
        break;
      }
      case BINOM: {
        pos++;
        Node a = groupArg();
        Node b = groupArg();
        r = new Fn("binom", a, b);
        break;
      }
      case SQRT: {
        pos++;
        Node index = null;
        if (peek() == LPAR && ch[pos] == '[') {
          pos++;
          index = sum();
          if (peek() != RPAR || ch[pos] != ']') {
            throw Fail.INSTANCE;
          }
          pos++;
        }
        Node a = groupArg();
        r = index == null ? new Fn("sqrt", a, null) : new Fn("root", a, index);
        break;
      }
      case FUNC:
        r = function();
        break;
      default:
        throw Fail.INSTANCE;
    }
    depth--;
    return r;
  }

  /** Items separated by commas inside brackets (at least one). */
  private List<Node> innerList() {
    List<Node> items = new ArrayList<>();
    int save = absDepth;
    absDepth = 0;
    items.add(relation());
    while (peek() == COMMA) {
      pos++;
      items.add(relation());
    }
    absDepth = save;
    if (items.size() > 64) {
      throw Fail.INSTANCE;
    }
    return items;
  }

  /** A LaTeX argument: a braced group, a bracketed group, or a single primary. */
  private Node groupArg() {
    if (peek() == LBRACE) {
      pos++;
      int save = absDepth;
      absDepth = 0;
      Node a = sum();
      absDepth = save;
      expect(RBRACE);
      return a;
    }
    return primary();
  }

  private Node function() {
    String name = text[pos++];
    Node power = null;
    Node base = null;
    if (peek() == CARET) {
      pos++;
      power = peek() == LBRACE ? groupArg() : exponent();
    }
    if (peek() == UNDER) {
      pos++;
      if (!name.equals("log")) {
        throw Fail.INSTANCE;
      }
      base = groupArg();
    }
    if (power == null && peek() == CARET) {
      pos++;
      power = peek() == LBRACE ? groupArg() : exponent();
    }
    Node arg;
    if (peek() == LPAR && ch[pos] == '(') {
      pos++;
      arg = sum();
      if (peek() != RPAR || ch[pos] != ')') {
        throw Fail.INSTANCE;
      }
      pos++;
    } else if (peek() == LBRACE) {
      arg = groupArg();
    } else {
      // \sin 2x: a power, then implicitly multiplied numbers, variables and constants
      List<Node> f = new ArrayList<>();
      f.add(peek() == MINUS ? unary() : power());
      while (peek() == NUM || peek() == VAR || peek() == CONST) {
        f.add(power());
      }
      arg = f.size() == 1 ? f.get(0) : new Nary(false, f.toArray(new Node[0]));
    }
    Node r;
    if (name.equals("log")) {
      Node ln = new Fn("ln", arg, null);
      r = base == null ? ln : new Nary(false, ln, inverse(new Fn("ln", base, null)));
    } else if (power != null && power instanceof Const && ((Const) power).v == -1
        && (name.equals("sin") || name.equals("cos") || name.equals("tan"))) {
      return new Fn("arc" + name, arg, null);
    } else {
      r = new Fn(name, arg, null);
    }
    if (name.equals("exp") && power == null) {
      r = new Pow(new Const(Math.E, "e"), arg);
    }
    return power == null ? r : new Pow(r, power);
  }
}
