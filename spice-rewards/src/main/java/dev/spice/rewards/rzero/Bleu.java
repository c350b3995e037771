package dev.spice.rewards.rzero;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Sentence-level BLEU between two texts, as used by R-Zero's repetition penalty.
 *
 * <p>Definition of {@link #sentence(String, String)}, for candidate {@code c} and reference
 * {@code r}:
 *
 * <ul>
 *   <li><b>Tokens</b>: the text split on whitespace ({@link Character#isWhitespace(int)}); tokens
 *       are compared exactly (case and punctuation kept).
 *   <li><b>Clipped n-gram precision</b> for {@code n = 1..4}: {@code m_n} = the number of
 *       candidate n-grams, each counted at most as often as it occurs in the reference;
 *       {@code l_n = max(0, |c| - n + 1)}, the number of candidate n-grams.
 *   <li><b>Smoothing</b> (Lin and Och 2004, "add one" for {@code n > 1}; NLTK's
 *       {@code SmoothingFunction().method2}): {@code p_1 = m_1 / l_1} and
 *       {@code p_n = (m_n + 1) / (l_n + 1)} for {@code n = 2..4}. An order the candidate is too
 *       short for ({@code l_n = 0}) thus contributes {@code p_n = 1}.
 *   <li><b>Brevity penalty</b>: {@code BP = 1} if {@code |c| > |r|}, else
 *       {@code exp(1 - |r| / |c|)}.
 *   <li>{@code BLEU = BP * exp(sum_n (1/4) log p_n)} (uniform weights); it is 0 when the
 *       candidate has no tokens or no unigram matches ({@code m_1 = 0}), and exactly 1 for two
 *       texts with the same tokens.
 * </ul>
 *
 * <p>BLEU is not symmetric (the brevity penalty and the precisions look at the candidate);
 * {@link #symmetric(String, String)} averages both directions. All methods are pure and
 * thread-safe; values lie in {@code [0, 1]}.
 */
public final class Bleu {
  /** The largest n-gram order. */
  public static final int MAX_ORDER = 4;

  private Bleu() {}

  /**
   * Sentence BLEU of {@code candidate} against {@code reference} (see the class comment).
   *
   * @param candidate the text scored
   * @param reference the text it is compared with
   * @return a value in {@code [0, 1]}
   * @throws NullPointerException if either text is null
   */
  public static double sentence(String candidate, String reference) {
    return score(NGrams.of(candidate), NGrams.of(reference));
  }

  /**
   * {@code (sentence(a, b) + sentence(b, a)) / 2}: a symmetric BLEU, in {@code [0, 1]};
   * {@code symmetric(a, b) == symmetric(b, a)} exactly.
   *
   * @param a one text
   * @param b the other text
   * @return a value in {@code [0, 1]}
   * @throws NullPointerException if either text is null
   */
  public static double symmetric(String a, String b) {
    return symmetric(NGrams.of(a), NGrams.of(b));
  }

  static double symmetric(NGrams a, NGrams b) {
    return (score(a, b) + score(b, a)) / 2;
  }

  static double score(NGrams c, NGrams r) {
    int len = c.length;
    if (len == 0) {
      return 0;
    }
    double logSum = 0;
    for (int n = 1; n <= MAX_ORDER; n++) {
      int matches = 0;
      for (Map.Entry<List<String>, Integer> e : c.counts.get(n - 1).entrySet()) {
        matches += Math.min(e.getValue(), r.counts.get(n - 1).getOrDefault(e.getKey(), 0));
      }
      int total = Math.max(0, len - n + 1);
      if (n == 1) {
        if (matches == 0) {
          return 0;
        }
        logSum += Math.log((double) matches / total);
      } else {
        logSum += Math.log((matches + 1.0) / (total + 1.0));
      }
    }
    double bp = len > r.length ? 1 : Math.exp(1 - (double) r.length / len);
    return bp * Math.exp(logSum / MAX_ORDER);
  }

  /** The tokens of a text and their n-gram counts for n = 1..4, computed once per text. */
  static final class NGrams {
    final int length;
    final List<Map<List<String>, Integer>> counts;

    private NGrams(int length, List<Map<List<String>, Integer>> counts) {
      this.length = length;
      this.counts = counts;
    }

    static NGrams of(String text) {
      List<String> tokens = tokens(Objects.requireNonNull(text, "text"));
      List<Map<List<String>, Integer>> counts = new ArrayList<>(MAX_ORDER);
      for (int n = 1; n <= MAX_ORDER; n++) {
        Map<List<String>, Integer> m = new HashMap<>();
        for (int i = 0; i + n <= tokens.size(); i++) {
          m.merge(tokens.subList(i, i + n), 1, Integer::sum);
        }
        counts.add(m);
      }
      return new NGrams(tokens.size(), counts);
    }

    static List<String> tokens(String text) {
      List<String> out = new ArrayList<>();
      int i = 0;
      int n = text.length();
      while (i < n) {
        while (i < n && Character.isWhitespace(text.codePointAt(i))) {
          i += Character.charCount(text.codePointAt(i));
        }
        int start = i;
        while (i < n && !Character.isWhitespace(text.codePointAt(i))) {
          i += Character.charCount(text.codePointAt(i));
        }
        if (i > start) {
          out.add(text.substring(start, i));
        }
      }
      return List.copyOf(out);
    }
  }
}
