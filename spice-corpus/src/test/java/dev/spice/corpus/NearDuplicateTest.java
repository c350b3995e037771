package dev.spice.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.Document;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@code Deduplicator.nearDuplicates(threshold, seed)} against its documented definition: the
 * Jaccard similarity of the sets of word 5-grams (words: lowercased runs of letters and digits),
 * estimated with 128 MinHash functions; at least {@code threshold} means duplicate.
 */
class NearDuplicateTest {

  static Document doc(String id, String text) {
    return Document.of(id, text, "t");
  }

  /** n distinct random lowercase words. */
  static List<String> freshWords(SplittableRandom r, int n, Set<String> used) {
    List<String> out = new ArrayList<>();
    while (out.size() < n) {
      int len = 3 + r.nextInt(6);
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < len; i++) {
        sb.append((char) ('a' + r.nextInt(26)));
      }
      if (used.add(sb.toString())) {
        out.add(sb.toString());
      }
    }
    return out;
  }

  /** Exact Jaccard similarity of the word 5-gram sets (a text under five words is one shingle). */
  static double jaccard(List<String> a, List<String> b) {
    Set<List<String>> sa = shingles(a);
    Set<List<String>> sb = shingles(b);
    Set<List<String>> union = new HashSet<>(sa);
    union.addAll(sb);
    sa.retainAll(sb);
    return sa.size() / (double) union.size();
  }

  static Set<List<String>> shingles(List<String> w) {
    Set<List<String>> out = new LinkedHashSet<>();
    for (int s = 0; s == 0 || s + 5 <= w.size(); s++) {
      out.add(List.copyOf(w.subList(s, Math.min(w.size(), s + 5))));
    }
    return out;
  }

  /**
   * Pairs of texts whose exact Jaccard similarity lies in [lo, hi]: the second text keeps a run of
   * the first one's words and replaces the rest with new words.
   */
  static List<List<List<String>>> pairs(SplittableRandom r, int count, double lo, double hi) {
    List<List<List<String>>> out = new ArrayList<>();
    while (out.size() < count) {
      Set<String> used = new HashSet<>();
      int n = 80 + r.nextInt(120);
      List<String> a = freshWords(r, n, used);
      // shared run of m words gives m - 4 shared shingles out of 2 (n - 4) - (m - 4)
      double target = lo + (hi - lo) * r.nextDouble();
      int m = (int) Math.round(4 + target * 2 * (n - 4) / (1 + target));
      int from = r.nextInt(n - m + 1);
      List<String> b = new ArrayList<>(freshWords(r, from, used));
      b.addAll(a.subList(from, from + m));
      b.addAll(freshWords(r, n - from - m, used));
      double j = jaccard(a, b);
      if (j >= lo && j <= hi) {
        out.add(List.of(a, b));
      }
    }
    return out;
  }

  /** How many of the pairs' second texts are taken as duplicates of their first (fresh instance each). */
  static int removed(List<List<List<String>>> pairs, double threshold, long seed) {
    int removed = 0;
    for (List<List<String>> p : pairs) {
      Deduplicator d = Deduplicator.nearDuplicates(threshold, seed++);
      assertTrue(d.firstSeen(doc("a", String.join(" ", p.get(0)))));
      removed += d.firstSeen(doc("b", String.join(" ", p.get(1)))) ? 0 : 1;
    }
    return removed;
  }

  /**
   * Pairs 0.05 to 0.1 above the threshold are removed and pairs 0.05 to 0.1 below it are kept, up to
   * the estimate's sampling error (128 hashes: standard deviation about 0.04).
   */
  @Test
  void pairsJustAboveTheThresholdAreRemovedAndJustBelowKept() {
    SplittableRandom r = new SplittableRandom(11);
    double[][] cases = {{0.8, 0.85, 0.9, 0.7, 0.75}, {0.5, 0.56, 0.62, 0.38, 0.44}};
    for (double[] c : cases) {
      double t = c[0];
      int up = removed(pairs(r, 40, c[1], c[2]), t, 100);
      int down = removed(pairs(r, 40, c[3], c[4]), t, 200);
      assertTrue(up >= 32, "threshold " + t + ": only " + up + " of 40 pairs above it removed");
      assertTrue(down <= 8, "threshold " + t + ": " + down + " of 40 pairs below it removed");
    }
  }

  @Test
  void aLowThresholdStillFindsLooselySimilarPairs() {
    SplittableRandom r = new SplittableRandom(12);
    List<List<List<String>>> loose = pairs(r, 30, 0.25, 0.35);
    assertTrue(removed(loose, 0.1, 300) >= 27);
    List<List<List<String>>> unrelated = pairs(r, 30, 0.0, 0.0);
    assertEquals(0, removed(unrelated, 0.1, 400));
  }

  /** Threshold 1 ("at least") removes texts with the same shingles: case and punctuation ignored. */
  @Test
  void thresholdOneRemovesTextsWithTheSameWordsOnly() {
    String base = "the quick brown fox jumps over the lazy dog again";
    Deduplicator d = Deduplicator.nearDuplicates(1.0, 5);
    assertTrue(d.firstSeen(doc("a", base)));
    assertFalse(d.firstSeen(doc("b", base)));
    assertFalse(d.firstSeen(doc("c", "The Quick, brown fox -- jumps over the LAZY dog; again.")));
    assertFalse(d.firstSeen(doc("d", "  \"the quick brown fox jumps over the lazy dog again\"!\n")));
    assertTrue(d.firstSeen(doc("e", "the quick brown fox jumps over the lazy dog twice")));
    assertTrue(d.firstSeen(doc("f", "a quick brown fox jumps over the lazy dog again")));
    assertTrue(d.firstSeen(doc("g", "the quick brown fox jumps over the lazy dog again and again")));
    assertTrue(d.firstSeen(doc("h", "red apple")));
    assertFalse(d.firstSeen(doc("i", "Red apple!")));
    assertTrue(d.firstSeen(doc("j", "green apple")));
    assertTrue(d.firstSeen(doc("k", "route 66 is 2448 miles")));
    assertTrue(d.firstSeen(doc("l", "route 66 is 2449 miles")));
  }

  /** A text of five words is a single shingle: changing any word makes a different document. */
  @Test
  void fiveWordTextsDifferingInOneWordAreNotDuplicates() {
    Deduplicator d = Deduplicator.nearDuplicates(0.2, 9);
    String[] firsts = {"alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel"};
    for (String f : firsts) {
      assertTrue(d.firstSeen(doc(f, f + " walks into the bar")), f);
    }
    for (String f : firsts) {
      assertTrue(d.firstSeen(doc(f + "2", "the bar walks into " + f)), f);
    }
  }

  @Test
  void nearDuplicatesAreCountedUnderTheirNameInStats() {
    String text = "Rivers and hills make a pleasant landscape for a long walk in the spring sun.";
    List<Document> docs = List.of(
        doc("a", text), doc("b", text.toUpperCase(java.util.Locale.ROOT)), doc("c", "Something else entirely, with other words in it."));
    Corpus c = Corpora.memory(docs).deduplicate(() -> Deduplicator.nearDuplicates(0.8, 1)).build();
    assertEquals(2, c.size().orElseThrow());
    assertEquals(Map.of("near-duplicate", 1L), c.stats().removed());
  }
}
