package dev.spice.corpus;

import dev.spice.core.Document;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** MinHash near-duplicate detection with LSH banding. */
final class MinHashDeduplicator implements Deduplicator {
  private static final int HASHES = 128;
  private static final int SHINGLE = 5;
  private final double threshold;
  private final long[] salts = new long[HASHES];
  private final int bands;
  private final int rows;
  private final List<int[]> signatures = new ArrayList<>();
  private final Map<Long, List<Integer>> buckets = new HashMap<>();

  MinHashDeduplicator(double threshold, long seed) {
    this.threshold = threshold;
    for (int i = 0; i < HASHES; i++) {
      salts[i] = Shuffle.key(seed, 0x6d696eL, i);
    }
    // choose the banding whose S-curve threshold (1/b)^(1/r) lies just below the target
    int bestB = 16;
    double best = Double.MAX_VALUE;
    for (int b : new int[] {4, 8, 16, 32, 64}) {
      int r = HASHES / b;
      double t = Math.pow(1.0 / b, 1.0 / r);
      double d = Math.abs(t - (threshold - 0.1));
      if (d < best) {
        best = d;
        bestB = b;
      }
    }
    bands = bestB;
    rows = HASHES / bestB;
  }

  @Override
  public String name() {
    return "near-duplicate";
  }

  @Override
  public boolean firstSeen(Document document) {
    int[] sig = signature(document.text());
    long[] keys = new long[bands];
    for (int b = 0; b < bands; b++) {
      long h = b * 0x9e3779b97f4a7c15L;
      for (int r = 0; r < rows; r++) {
        h = Shuffle.mix(h ^ sig[b * rows + r]);
      }
      keys[b] = h;
      List<Integer> cands = buckets.get(h);
      if (cands != null) {
        for (int c : cands) {
          if (similarity(sig, signatures.get(c)) >= threshold) {
            return false;
          }
        }
      }
    }
    int id = signatures.size();
    signatures.add(sig);
    for (long k : keys) {
      buckets.computeIfAbsent(k, x -> new ArrayList<>(1)).add(id);
    }
    return true;
  }

  private static double similarity(int[] a, int[] b) {
    int eq = 0;
    for (int i = 0; i < HASHES; i++) {
      if (a[i] == b[i]) {
        eq++;
      }
    }
    return eq / (double) HASHES;
  }

  int[] signature(String text) {
    List<Long> words = new ArrayList<>();
    String lower = text.toLowerCase(Locale.ROOT);
    int i = 0;
    int n = lower.length();
    while (i < n) {
      while (i < n && !Character.isLetterOrDigit(lower.charAt(i))) {
        i++;
      }
      long h = 0x84222325cbf29ce4L;
      int start = i;
      while (i < n && Character.isLetterOrDigit(lower.charAt(i))) {
        h = (h ^ lower.charAt(i)) * 0x100000001b3L;
        i++;
      }
      if (i > start) {
        words.add(h);
      }
    }
    int[] sig = new int[HASHES];
    java.util.Arrays.fill(sig, Integer.MAX_VALUE);
    int shingles = Math.max(1, words.size() - SHINGLE + 1);
    for (int s = 0; s < shingles; s++) {
      long h = 0;
      for (int k = s; k < Math.min(words.size(), s + SHINGLE); k++) {
        h = Shuffle.mix(h * 31 + words.get(k));
      }
      for (int j = 0; j < HASHES; j++) {
        int v = (int) (Shuffle.mix(h ^ salts[j]) >>> 33);
        if (v < sig[j]) {
          sig[j] = v;
        }
      }
    }
    return sig;
  }
}
