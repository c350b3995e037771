package dev.spice.rewards.verify;

import java.math.BigInteger;
import java.util.Locale;

/**
 * Parses one number written the ways answers write numbers, or gives {@code null}.
 *
 * <p>Accepted: optional sign ({@code + - \u2212}); digits with or without thousands separators in
 * groups of three ({@code 1,000}, {@code 1{,}000}, {@code 1\,000}, {@code 1 000}); decimals
 * ({@code .5}, {@code 5.}); scientific notation ({@code 1.5e-3}, {@code 1.5 \times 10^{-3}});
 * fractions {@code a/b}, {@code \frac{a}{b}}, {@code \dfrac}, {@code \tfrac}, {@code \frac12};
 * mixed numbers ({@code 1 1/2}, {@code 1\frac{1}{2}}); a leading {@code x =}; currency signs before
 * the number ({@code $ \$ € £ ¥}); after it: percent ({@code %}, {@code \%}, {@code percent}), a
 * scale word (thousand, million, billion, trillion), degrees ({@code ^\circ}, {@code °}) and a
 * unit: a tail made of letters (at least two, or one of {@code m g s h l k}), spaces, {@code / . ^}
 * and digits after {@code ^}, possibly inside {@code \text{}} or {@code \mathrm{}}.
 *
 * <p>Something written as a number whose value is undefined (a zero denominator: {@code 1/0},
 * {@code \frac{1}{0}}) or out of range (an exponent beyond +-{@value #MAX_EXPONENT}, more than
 * {@value #MAX_DIGITS} digits) gives {@link Num#UNDEFINED}, which never equals anything.
 *
 * <p>Bounded: callers cut the input; the work is linear in its length.
 */
final class NumberParser {
  static final int MAX_EXPONENT = 400;
  static final int MAX_DIGITS = 400;
  private static final Num PLACEHOLDER = new Num(BigInteger.ONE, BigInteger.ONE, false);

  private final String s;
  private int i;
  /** Set when an accepted part of the number is undefined or out of range. */
  private boolean undefined;

  private NumberParser(String s) {
    this.s = s;
  }

  /**
   * The number {@code raw} denotes; {@link Num#UNDEFINED} when it is written as a number but its
   * value is undefined or out of range; {@code null} when it is not a number.
   */
  static Num parse(String raw) {
    if (raw == null) {
      return null;
    }
    String c = clean(raw);
    if (c == null || c.isEmpty()) {
      return null;
    }
    try {
      NumberParser p = new NumberParser(c);
      Num v = p.parseAll();
      return v != null && p.undefined ? Num.UNDEFINED : v;
    } catch (ArithmeticException | NumberFormatException e) {
      return null;
    }
  }

  /**
   * Removes what never changes a number's value: {@code $}, LaTeX spacing, {@code \left}, math
   * delimiters, {@code \text{..}} wrappers (the content stays), {@code \displaystyle}. Turns
   * {@code \dfrac}/{@code \tfrac} into {@code \frac}, {@code \%} into {@code %}, Unicode minus into
   * {@code -}. Returns null when the text cannot be a number (for example contains {@code =} twice).
   */
  static String clean(String raw) {
    StringBuilder b = new StringBuilder(raw.length());
    int n = raw.length();
    for (int k = 0; k < n; k++) {
      char ch = raw.charAt(k);
      switch (ch) {
        case '$':
          continue;
        case '\u2212':
        case '\u2013':
          b.append('-');
          continue;
        case '\u00a0':
        case '\u202f':
        case '\u2009':
        case '~':
          b.append(' ');
          continue;
        case '{':
          if (raw.startsWith("{,}", k)) {
            b.append(',');
            k += 2;
            continue;
          }
          b.append(ch);
          continue;
        case '\\': {
          int e = k + 1;
          while (e < n && Character.isLetter(raw.charAt(e))) {
            e++;
          }
          if (e == k + 1) {
            // \, \! \; \: \  \$ \% \( \) \[ \]
            if (e < n) {
              char nx = raw.charAt(e);
              if (nx == '%') {
                b.append('%');
              } else if (nx == ',' || nx == ' ' || nx == ';' || nx == ':') {
                b.append(nx == ',' ? "" : " ");
              }
              // others (\! \$ \( \) \[ \]) vanish
              k = e;
            }
            continue;
          }
          String cmd = raw.substring(k + 1, e);
          switch (cmd) {
            case "left":
            case "right":
            case "displaystyle":
            case "textstyle":
            case "bigl":
            case "bigr":
            case "big":
            case "Big":
              k = e - 1;
              continue;
            case "dfrac":
            case "tfrac":
            case "cfrac":
              b.append("\\frac");
              k = e - 1;
              continue;
            case "text":
            case "textrm":
            case "mathrm":
            case "mbox":
            case "textbf":
            case "mathbf":
            case "operatorname":
              // keep the content, drop the command; braces dropped below by the parser's unit rule
              b.append(' ');
              k = e - 1;
              if (k + 1 < n && raw.charAt(k + 1) == '{') {
                int close = matchBrace(raw, k + 1);
                if (close < 0) {
                  return null;
                }
                b.append(raw, k + 2, close).append(' ');
                k = close;
              }
              continue;
            case "approx":
              b.append('=');
              k = e - 1;
              continue;
            default:
              b.append(raw, k, e);
              k = e - 1;
              continue;
          }
        }
        default:
          b.append(ch);
      }
    }
    String out = b.toString().strip();
    // a leading "x =" / "n=" (one variable name, optional subscript)
    int eq = out.indexOf('=');
    if (eq >= 0) {
      if (out.indexOf('=', eq + 1) >= 0) {
        return null;
      }
      String lhs = out.substring(0, eq).strip();
      if (!isVariableName(lhs)) {
        return null;
      }
      out = out.substring(eq + 1).strip();
    }
    // strip one pair of braces around everything
    while (out.length() >= 2 && out.charAt(0) == '{' && matchBrace(out, 0) == out.length() - 1) {
      out = out.substring(1, out.length() - 1).strip();
    }
    return out;
  }

  static boolean isVariableName(String lhs) {
    if (lhs.isEmpty() || lhs.length() > 12 || !Character.isLetter(lhs.charAt(0))) {
      return false;
    }
    String rest = lhs.substring(1);
    if (rest.isEmpty()) {
      return true;
    }
    if (rest.charAt(0) == '_') {
      for (int j = 1; j < rest.length(); j++) {
        char c = rest.charAt(j);
        if (!(Character.isLetterOrDigit(c) || c == '{' || c == '}')) {
          return false;
        }
      }
      return rest.length() > 1;
    }
    return false;
  }

  /** Index of the brace closing the one at {@code open}, or -1. */
  static int matchBrace(String t, int open) {
    int depth = 0;
    for (int k = open; k < t.length(); k++) {
      char c = t.charAt(k);
      if (c == '{') {
        depth++;
      } else if (c == '}') {
        depth--;
        if (depth == 0) {
          return k;
        }
      }
    }
    return -1;
  }

  private Num parseAll() {
    skipSpaces();
    boolean neg = false;
    if (i < s.length() && (s.charAt(i) == '-' || s.charAt(i) == '+')) {
      neg = s.charAt(i) == '-';
      i++;
      skipSpaces();
    }
    skipCurrency();
    if (i < s.length() && (s.charAt(i) == '-' || s.charAt(i) == '+') && !neg) {
      // "$-5"
      neg = s.charAt(i) == '-';
      i++;
      skipSpaces();
    }
    Num v;
    if (s.startsWith("\\frac", i)) {
      v = parseFrac();
    } else {
      v = parseDecimal(true);
      if (v == null) {
        return null;
      }
      int save = i;
      skipSpaces();
      if (i < s.length() && s.charAt(i) == '/') {
        i++;
        skipSpaces();
        Num d = parseDecimal(false);
        if (d == null) {
          return null;
        }
        if (d.num.signum() == 0) {
          undefined = true; // a/0
        } else {
          v = divide(v, d);
        }
      } else if (save < i || (i < s.length() && s.charAt(i) == '\\')) {
        // mixed number: "1 1/2" or "1\frac{1}{2}" (integer part only)
        int save2 = i;
        Num frac = null;
        if (v.den.equals(BigInteger.ONE) && s.startsWith("\\frac", i)) {
          frac = parseFrac();
        } else if (v.den.equals(BigInteger.ONE) && i < s.length() && Character.isDigit(s.charAt(i))) {
          Num a = parseDigitsOnly();
          skipSpaces();
          if (a != null && i < s.length() && s.charAt(i) == '/') {
            i++;
            skipSpaces();
            Num b = parseDigitsOnly();
            if (b != null && b.num.signum() != 0) {
              frac = divide(a, b);
            }
          }
        }
        if (frac != null && frac.num.signum() >= 0 && frac.num.abs().compareTo(frac.den) < 0) {
          v = new Num(v.num.multiply(frac.den).add(frac.num.multiply(v.den)), v.den.multiply(frac.den), false);
        } else {
          i = save2;
        }
      }
    }
    if (v == null) {
      return null;
    }
    if (neg) {
      v = v.negate();
    }
    return parseTail(v);
  }

  private static Num divide(Num a, Num b) {
    return new Num(a.num.multiply(b.den), a.den.multiply(b.num), false);
  }

  private Num parseFrac() {
    i += "\\frac".length();
    skipSpaces();
    Num a = fracArg();
    skipSpaces();
    Num b = fracArg();
    if (a == null || b == null) {
      return null;
    }
    if (b.num.signum() == 0) {
      undefined = true; // \frac{a}{0}
      return new Num(BigInteger.ZERO, BigInteger.ONE, false);
    }
    return divide(a, b);
  }

  private Num fracArg() {
    if (i >= s.length()) {
      return null;
    }
    char c = s.charAt(i);
    if (c == '{') {
      int close = matchBrace(s, i);
      if (close < 0) {
        return null;
      }
      String inner = s.substring(i + 1, close).strip();
      i = close + 1;
      NumberParser p = new NumberParser(inner);
      boolean neg = false;
      if (!inner.isEmpty() && (inner.charAt(0) == '-' || inner.charAt(0) == '+')) {
        neg = inner.charAt(0) == '-';
        p.i = 1;
        p.skipSpaces();
      }
      Num v = p.parseDecimal(true);
      p.skipSpaces();
      if (v == null || p.i != inner.length()) {
        return null;
      }
      undefined |= p.undefined;
      return neg ? v.negate() : v;
    }
    if (Character.isDigit(c)) {
      i++;
      return new Num(BigInteger.valueOf(c - '0'), BigInteger.ONE, false);
    }
    return null;
  }

  private Num parseDigitsOnly() {
    int st = i;
    while (i < s.length() && Character.isDigit(s.charAt(i)) && s.charAt(i) < 128) {
      i++;
    }
    if (i == st || i - st > 400) {
      return null;
    }
    return new Num(new BigInteger(s.substring(st, i)), BigInteger.ONE, false);
  }

  /**
   * Digits (with thousands separators when {@code allowGroups}), optional fraction, optional
   * exponent ({@code e5}, {@code \times 10^{5}}).
   */
  private Num parseDecimal(boolean allowGroups) {
    int n = s.length();
    StringBuilder digits = new StringBuilder(16);
    int st = i;
    while (i < n && isAsciiDigit(s.charAt(i))) {
      digits.append(s.charAt(i++));
    }
    int intLen = i - st;
    if (allowGroups && intLen >= 1 && intLen <= 3 && i < n && (s.charAt(i) == ',' || s.charAt(i) == ' ')) {
      char sep = s.charAt(i);
      int save = i;
      StringBuilder saveDigits = new StringBuilder(digits);
      boolean any = false;
      while (at(i) == sep
          && isAsciiDigit(at(i + 1)) && isAsciiDigit(at(i + 2)) && isAsciiDigit(at(i + 3))
          && !isAsciiDigit(at(i + 4))) {
        digits.append(s, i + 1, i + 4);
        i += 4;
        any = true;
      }
      if (!any) {
        i = save;
        digits = saveDigits;
      } else if (sep == ',' && i < n && s.charAt(i) == ',') {
        return null; // a malformed group such as 1,000,00
      }
    }
    int scale = 0;
    if (i < n && s.charAt(i) == '.' && i + 1 < n && isAsciiDigit(s.charAt(i + 1))) {
      i++;
      while (i < n && isAsciiDigit(s.charAt(i))) {
        digits.append(s.charAt(i++));
        scale++;
      }
    } else if (i < n && s.charAt(i) == '.' && digits.length() > 0
        && (i + 1 == n || !Character.isLetterOrDigit(s.charAt(i + 1)))) {
      i++; // "5." (or a sentence end; both harmless)
    }
    if (digits.length() == 0) {
      return null;
    }
    int exp = 0;
    int save = i;
    if (i < n && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
      i++;
      Integer e = readExponentInt();
      if (e == null) {
        i = save;
      } else {
        exp = e;
      }
    } else {
      skipSpaces();
      boolean times = false;
      if (s.startsWith("\\times", i)) {
        i += 6;
        times = true;
      } else if (s.startsWith("\\cdot", i)) {
        i += 5;
        times = true;
      } else if (i < n && (s.charAt(i) == '*' || s.charAt(i) == '\u00d7' || s.charAt(i) == 'x')) {
        i++;
        times = true;
      }
      Integer e = null;
      if (times) {
        skipSpaces();
        if (s.startsWith("10^", i)) {
          i += 3;
          if (i < n && s.charAt(i) == '{') {
            int close = matchBrace(s, i);
            if (close > 0) {
              NumberParser p = new NumberParser(s.substring(i + 1, close).strip());
              Integer v = p.readExponentInt();
              if (v != null && p.i == p.s.length()) {
                e = v;
                i = close + 1;
                undefined |= p.undefined;
              }
            }
          } else {
            e = readExponentInt();
          }
        }
      }
      if (e == null) {
        i = save;
      } else {
        exp = e;
      }
    }
    int e10 = exp - scale;
    if (digits.length() > MAX_DIGITS || Math.abs(e10) > MAX_EXPONENT + MAX_DIGITS) {
      undefined = true; // out of range; the rest is still read, so that "1e401 apples" is a number
      return PLACEHOLDER;
    }
    BigInteger mant = digits.length() <= 18 ? BigInteger.valueOf(Long.parseLong(digits.toString()))
        : new BigInteger(digits.toString());
    if (e10 >= 0) {
      return new Num(mant.multiply(BigInteger.TEN.pow(e10)), BigInteger.ONE, false);
    }
    return new Num(mant, BigInteger.TEN.pow(-e10), false);
  }

  private char at(int k) {
    return k < s.length() ? s.charAt(k) : '\0';
  }

  /** An exponent; one beyond +-{@link #MAX_EXPONENT} is read whole and marks the number undefined. */
  private Integer readExponentInt() {
    int n = s.length();
    boolean neg = false;
    if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
      neg = s.charAt(i) == '-';
      i++;
    }
    int st = i;
    int v = 0;
    boolean over = false;
    while (i < n && isAsciiDigit(s.charAt(i))) {
      if (!over) {
        v = v * 10 + (s.charAt(i) - '0');
        over = v > MAX_EXPONENT;
      }
      i++;
    }
    if (i == st) {
      return null;
    }
    if (over) {
      undefined = true;
      return 0;
    }
    return neg ? -v : v;
  }

  private static final String[] CURRENCY = {"\u20ac", "\u00a3", "\u00a5", "usd", "us", "rs.", "rs", "inr", "eur", "gbp"};

  private void skipCurrency() {
    if (i >= s.length()) {
      return;
    }
    char first = s.charAt(i);
    if ((first >= '0' && first <= '9') || first == '.' || first == '\\' || first == '-' || first == '+') {
      return; // the common case: no currency
    }
    for (String c : CURRENCY) {
      if (s.regionMatches(true, i, c, 0, c.length())) {
        int after = i + c.length();
        // currency word must be followed by a space, a digit or a sign
        if (after < s.length() && (s.charAt(after) == ' ' || isAsciiDigit(s.charAt(after)) || s.charAt(after) == '-')) {
          i = after;
          skipSpaces();
          return;
        }
      }
    }
  }

  /** Percent, scale words, degrees, units; then the end of the text (a final '.' allowed). */
  private Num parseTail(Num v) {
    skipSpaces();
    int n = s.length();
    boolean percent = false;
    if (i < n && s.charAt(i) == '%') {
      percent = true;
      i++;
    } else if (s.regionMatches(true, i, "percent", 0, 7)) {
      percent = true;
      i += 7;
    } else if (s.regionMatches(true, i, "per cent", 0, 8)) {
      percent = true;
      i += 8;
    }
    skipSpaces();
    if (!percent) {
      String[] scales = {"thousand", "million", "billion", "trillion"};
      int[] pows = {3, 6, 9, 12};
      for (int k = 0; k < scales.length; k++) {
        if (s.regionMatches(true, i, scales[k], 0, scales[k].length())
            && (i + scales[k].length() == n || !Character.isLetter(s.charAt(i + scales[k].length())))) {
          v = new Num(v.num.multiply(BigInteger.TEN.pow(pows[k])), v.den, false);
          i += scales[k].length();
          skipSpaces();
          break;
        }
      }
    }
    // degrees
    if (s.startsWith("^\\circ", i)) {
      i += 6;
    } else if (s.startsWith("^{\\circ}", i)) {
      i += 8;
    } else if (i < n && s.charAt(i) == '\u00b0') {
      i++;
    }
    skipSpaces();
    if (i < n) {
      String tail = s.substring(i).strip();
      if (tail.endsWith(".")) {
        tail = tail.substring(0, tail.length() - 1).strip();
      }
      if (!tail.isEmpty() && !isUnit(tail)) {
        return null;
      }
    }
    return percent ? new Num(v.num, v.den, true) : v;
  }

  private static final String SINGLE_LETTER_UNITS = "mgshlkMKLNVWJAT";

  /** A unit-like tail: letters, spaces, '/', '.', '^' with digits, braces; at least two letters or a known one. */
  static boolean isUnit(String t) {
    int letters = 0;
    for (int k = 0; k < t.length(); k++) {
      char c = t.charAt(k);
      if (Character.isLetter(c)) {
        letters++;
      } else if (c == ' ' || c == '/' || c == '.' || c == '{' || c == '}' || c == '\u00b2' || c == '\u00b3'
          || c == '\u00b0' || c == '-') {
        // fine
      } else if (c == '^') {
        if (k + 1 < t.length() && (isAsciiDigit(t.charAt(k + 1)) || t.charAt(k + 1) == '{')) {
          continue;
        }
        return false;
      } else if (isAsciiDigit(c)) {
        if (k == 0 || !(t.charAt(k - 1) == '^' || t.charAt(k - 1) == '{' || isAsciiDigit(t.charAt(k - 1)))) {
          return false;
        }
      } else {
        return false;
      }
    }
    if (!Character.isLetter(t.charAt(0)) && t.charAt(0) != '\u00b0') {
      return false;
    }
    if (letters >= 2) {
      // "pi", "e^x"-like tails are not units
      String low = t.toLowerCase(Locale.ROOT);
      return !(low.equals("pi") || low.startsWith("sqrt") || low.startsWith("i ") || low.equals("i"));
    }
    return letters == 1 && SINGLE_LETTER_UNITS.indexOf(t.charAt(0)) >= 0;
  }

  private static boolean isAsciiDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private void skipSpaces() {
    while (i < s.length() && s.charAt(i) == ' ') {
      i++;
    }
  }
}
