package dev.spice.corpus.tokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * Learns byte-level BPE merges from counted pre-tokens: the vocabulary starts with the special
 * tokens and the 256 byte characters (in byte order); then, until the vocabulary is full, the
 * most frequent adjacent pair of tokens (summed over pre-tokens, weighted by their counts) is
 * merged everywhere, provided it occurs at least {@code minFrequency} times. Ties go to the pair
 * whose left token has the smaller id, then whose right token has. The result depends only on the
 * multiset of pre-tokens, never on hash or document order.
 *
 * <p>Incremental: pair counts and, per pair, the pre-tokens holding it are updated after each
 * merge for the pre-tokens that changed only; a priority queue with lazy re-insertion picks the
 * next pair.
 */
final class BpeLearner {
  /** Vocabulary (id to token) and merges ({@code [left id, right id]} in rank order). */
  record Result(List<String> tokens, List<int[]> merges) {}

  private record Candidate(long count, int left, int right) {}

  private static final Comparator<Candidate> ORDER = Comparator.comparingLong((Candidate c) -> -c.count)
      .thenComparingInt(Candidate::left).thenComparingInt(Candidate::right);

  /** Growable list of pre-token indices. */
  private static final class Words {
    int[] a = new int[4];
    int n;

    void add(int w) {
      if (n > 0 && a[n - 1] == w) {
        return;
      }
      if (n == a.length) {
        a = Arrays.copyOf(a, n * 2);
      }
      a[n++] = w;
    }
  }

  private BpeLearner() {}

  private static long key(int left, int right) {
    return ((long) left << 32) | (right & 0xFFFFFFFFL);
  }

  /**
   * @param specials special tokens (ids 0..k-1); none is a single byte character
   * @param words distinct byte-level pre-tokens, sorted
   * @param counts how often each occurred
   */
  static Result learn(List<String> specials, String[] words, long[] counts, int vocabSize, long minFrequency) {
    List<String> tokens = new ArrayList<>(specials);
    Map<String, Integer> ids = new HashMap<>();
    for (int i = 0; i < specials.size(); i++) {
      ids.put(specials.get(i), i);
    }
    int base = tokens.size();
    for (int b = 0; b < 256; b++) {
      String s = String.valueOf(ByteLevel.BYTE_CHAR[b]);
      ids.put(s, tokens.size());
      tokens.add(s);
    }
    int[][] syms = new int[words.length][];
    Map<Long, long[]> pairCounts = new HashMap<>();
    Map<Long, Words> where = new HashMap<>();
    for (int w = 0; w < words.length; w++) {
      String s = words[w];
      int[] x = new int[s.length()];
      for (int i = 0; i < x.length; i++) {
        x[i] = base + ByteLevel.byteOf(s.charAt(i));
      }
      syms[w] = x;
      for (int i = 0; i + 1 < x.length; i++) {
        long k = key(x[i], x[i + 1]);
        pairCounts.computeIfAbsent(k, z -> new long[1])[0] += counts[w];
        where.computeIfAbsent(k, z -> new Words()).add(w);
      }
    }
    PriorityQueue<Candidate> queue = new PriorityQueue<>(Math.max(1, pairCounts.size()), ORDER);
    for (Map.Entry<Long, long[]> e : pairCounts.entrySet()) {
      long k = e.getKey();
      queue.add(new Candidate(e.getValue()[0], (int) (k >>> 32), (int) k));
    }
    List<int[]> merges = new ArrayList<>();
    int[] stamp = new int[words.length];
    int step = 0;
    Set<Long> done = new HashSet<>();
    while (tokens.size() < vocabSize && !queue.isEmpty()) {
      Candidate top = queue.poll();
      int a = top.left();
      int b = top.right();
      long k = key(a, b);
      long[] cur = pairCounts.get(k);
      long c = cur == null ? 0 : cur[0];
      if (c != top.count()) {
        // counts of existing pairs only fall; a pair whose count rose was queued again with it
        if (c > 0 && c < top.count()) {
          queue.add(new Candidate(c, a, b));
        }
        continue;
      }
      if (c < minFrequency) {
        break;
      }
      String merged = tokens.get(a) + tokens.get(b);
      Integer known = ids.get(merged); // the same string from another pair: Hugging Face reuses its id
      int nid;
      if (known == null) {
        nid = tokens.size();
        tokens.add(merged);
        ids.put(merged, nid);
      } else {
        nid = known;
      }
      if (done.add(k)) {
        merges.add(new int[] {a, b});
      }
      // else: the pair came back after a merge that spelled one of its tokens again; it is merged
      // in the counts, but listed once (encoding applies it at its first rank)
      int mark = ++step;
      Words ws = where.remove(k);
      Set<Long> fresh = new HashSet<>();
      for (int j = 0; ws != null && j < ws.n; j++) {
        int w = ws.a[j];
        if (stamp[w] == mark) {
          continue;
        }
        stamp[w] = mark;
        int[] s = syms[w];
        boolean found = false;
        for (int i = 0; i + 1 < s.length && !found; i++) {
          found = s[i] == a && s[i + 1] == b;
        }
        if (!found) {
          continue;
        }
        long cw = counts[w];
        for (int i = 0; i + 1 < s.length; i++) {
          long pk = key(s[i], s[i + 1]);
          long[] pc = pairCounts.get(pk);
          pc[0] -= cw;
          if (pc[0] == 0) {
            pairCounts.remove(pk);
          }
        }
        int[] t = new int[s.length];
        int n = 0;
        for (int i = 0; i < s.length;) {
          if (i + 1 < s.length && s[i] == a && s[i + 1] == b) {
            t[n++] = nid;
            i += 2;
          } else {
            t[n++] = s[i++];
          }
        }
        t = Arrays.copyOf(t, n);
        syms[w] = t;
        for (int i = 0; i + 1 < n; i++) {
          long pk = key(t[i], t[i + 1]);
          pairCounts.computeIfAbsent(pk, z -> new long[1])[0] += cw;
          if (t[i] == nid || t[i + 1] == nid) {
            // any other pair of the new sequence was already in this pre-token, and listed
            where.computeIfAbsent(pk, z -> new Words()).add(w);
            fresh.add(pk);
          }
        }
      }
      pairCounts.remove(k);
      for (long pk : fresh) {
        long[] pc = pairCounts.get(pk);
        if (pc != null) {
          queue.add(new Candidate(pc[0], (int) (pk >>> 32), (int) pk));
        }
      }
    }
    return new Result(tokens, merges);
  }
}
