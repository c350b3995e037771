package dev.spice.core.internal.sampling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.SamplingParams;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The sampling scheme of {@link TokenSampler}'s Javadoc, checked token for token: every backend
 * relies on it to draw the same tokens from the same logits, settings and seed. The reference below
 * is the Javadoc written out plainly; the uniform {@code u} is the first {@code nextDouble()} of an
 * identical stream (each token consumes exactly one).
 */
class TokenSamplerSchemeTest {

  /** The documented scheme; {@code u} is the row stream's next double. */
  static int reference(float[] logits, int offset, int vocab, int[] allowed, SamplingParams p, double u) {
    int n = allowed == null ? vocab : allowed.length;
    List<Integer> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ids.add(allowed == null ? i : allowed[i]);
    }
    boolean topKCuts = p.topK() > 0 && p.topK() < n;
    boolean truncates = topKCuts || p.topP() < 1.0;
    if (p.temperature() == 1.0 && !truncates) {
      // inverse CDF over the masked softmax, ascending ids
      double max = Double.NEGATIVE_INFINITY;
      for (int id : ids) {
        max = Math.max(max, logits[offset + id]);
      }
      double z = 0;
      for (int id : ids) {
        z += Math.exp(logits[offset + id] - max);
      }
      double lse = max + Math.log(z);
      double acc = 0;
      for (int id : ids) {
        acc += Math.exp(logits[offset + id] - lse);
        if (acc > u) {
          return id;
        }
      }
      return ids.get(n - 1);
    }
    if (truncates) {
      // highest logit first, ties by lower id
      ids.sort(Comparator.comparingDouble((Integer id) -> -logits[offset + id]).thenComparingInt(id -> id));
    }
    int keep = topKCuts ? p.topK() : n;
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < keep; i++) {
      max = Math.max(max, logits[offset + ids.get(i)]);
    }
    double[] w = new double[keep];
    double total = 0;
    for (int i = 0; i < keep; i++) {
      w[i] = Math.exp((logits[offset + ids.get(i)] - max) / p.temperature());
      total += w[i];
    }
    if (p.topP() < 1.0) {
      // the shortest prefix whose normalised mass reaches topP (all of it if rounding never gets there)
      double mass = 0;
      int k = 0;
      while (k < keep && mass < p.topP()) {
        mass += w[k] / total;
        k++;
      }
      keep = k;
      total = 0;
      for (int i = 0; i < keep; i++) {
        total += w[i];
      }
    }
    double target = u * total;
    double acc = 0;
    for (int i = 0; i < keep; i++) {
      acc += w[i];
      if (acc > target) {
        return ids.get(i);
      }
    }
    return ids.get(keep - 1);
  }

  static SamplingParams params(double temperature, double topP, int topK) {
    return new SamplingParams(temperature, topP, topK, 1, List.of(), 0);
  }

  @Test
  void everyDrawIsTheDocumentedInverseCdfToken() {
    Random gen = new Random(12345);
    int vocab = 9;
    List<SamplingParams> settings = new ArrayList<>();
    for (double t : new double[] {1.0, 0.5, 1.7}) {
      for (double topP : new double[] {1.0, 0.9, 0.3}) {
        for (int topK : new int[] {0, 1, 3, 6, 9, 12}) {
          settings.add(params(t, topP, topK));
        }
      }
    }
    int checked = 0;
    for (int trial = 0; trial < 40; trial++) {
      // three rows in one buffer; the middle one is sampled
      float[] buf = new float[3 * vocab];
      float shift = trial % 5 == 0 ? 800f : 0f; // softmax is shift-invariant, even far from 0
      for (int i = 0; i < buf.length; i++) {
        buf[i] = shift + (trial % 2 == 0 ? gen.nextInt(5) * 0.5f : (float) (gen.nextGaussian() * 2)); // ties too
      }
      int[] allowed = null;
      if (trial % 3 == 1) {
        allowed = gen.ints(0, vocab).distinct().limit(2 + gen.nextInt(vocab - 2)).sorted().toArray();
      }
      for (SamplingParams p : settings) {
        for (int draw = 0; draw < 6; draw++) {
          long seed = gen.nextLong();
          double u = new SplittableRandom(seed).nextDouble();
          int want = reference(buf, vocab, vocab, allowed, p, u);
          SplittableRandom rng = new SplittableRandom(seed);
          double[] lp = new double[1];
          int got = TokenSampler.sample(buf, vocab, vocab, allowed, p, rng, lp);
          assertEquals(want, got, "trial " + trial + " " + p + " u=" + u + " allowed=" + Arrays.toString(allowed));
          // log-prob of the policy itself: temperature 1, mask applied, no truncation
          assertEquals(TokenSampler.logProb(buf, vocab, vocab, allowed, got), lp[0], 1e-5);
          // exactly one nextDouble() per token
          SplittableRandom fresh = new SplittableRandom(seed);
          fresh.nextDouble();
          assertEquals(fresh.nextDouble(), rng.nextDouble());
          checked++;
        }
      }
    }
    assertEquals(40 * 54 * 6, checked);
  }

  @Test
  void withoutTruncationTokensAreTakenInIdOrderEvenWhenTopKCoversEverything() {
    // logits deliberately not sorted: id order and logit order differ
    float[] logits = {0f, 3f, 1f, 2f};
    for (SamplingParams p : List.of(params(1, 1, 0), params(1, 1, 4), params(1, 1, 7))) {
      for (long seed = 0; seed < 300; seed++) {
        double u = new SplittableRandom(seed).nextDouble();
        double acc = 0;
        int want = 3;
        for (int id = 0; id < 4; id++) {
          acc += Math.exp(TokenSampler.logProb(logits, 0, 4, null, id));
          if (acc > u) {
            want = id;
            break;
          }
        }
        assertEquals(want, TokenSampler.sample(logits, 0, 4, null, p, new SplittableRandom(seed), null), p.toString());
      }
    }
  }

  static double[] frequencies(float[] logits, int[] allowed, SamplingParams p, int draws) {
    SplittableRandom rng = TokenSampler.rowStream(7, 0);
    double[] f = new double[logits.length];
    for (int i = 0; i < draws; i++) {
      f[TokenSampler.sample(logits, 0, logits.length, allowed, p, rng, null)] += 1.0 / draws;
    }
    return f;
  }

  @Test
  void topPKeepsTheShortestPrefixReachingTheMassAndRenormalises() {
    float[] logits = {0f, 2f, 1f, -1f};
    double[] p = new double[4];
    double z = 0;
    for (float l : logits) {
      z += Math.exp(l);
    }
    for (int i = 0; i < 4; i++) {
      p[i] = Math.exp(logits[i]) / z; // 0.087, 0.644, 0.237, 0.032
    }
    // 0.8: token 1 (0.644) is not enough, tokens 1 and 2 (0.881) are
    double[] f = frequencies(logits, null, params(1, 0.8, 0), 40_000);
    assertEquals(0.0, f[0] + f[3]);
    assertEquals(p[1] / (p[1] + p[2]), f[1], 0.01);
    assertEquals(p[2] / (p[1] + p[2]), f[2], 0.01);
    // a mass reached exactly: two of four equal tokens hold 0.5, ties go to the lower ids
    double[] half = frequencies(new float[] {1f, 1f, 1f, 1f}, null, params(1, 0.5, 0), 20_000);
    assertEquals(0.0, half[2] + half[3]);
    assertEquals(0.5, half[0], 0.015);
    // rounding: seven equal shares add up to less than the largest double below 1; all seven stay
    double[] seven = frequencies(new float[7], null, params(1, Math.nextDown(1.0), 0), 35_000);
    for (double s : seven) {
      assertEquals(1.0 / 7, s, 0.01);
    }
  }

  @Test
  void temperatureSharpensOrFlattensAndTopKKeepsTheHighest() {
    float[] logits = {1f, 0f, 2f};
    for (double t : new double[] {0.5, 2.0}) {
      double z = 0;
      for (float l : logits) {
        z += Math.exp(l / t);
      }
      double[] f = frequencies(logits, null, params(t, 1, 0), 40_000);
      for (int i = 0; i < 3; i++) {
        assertEquals(Math.exp(logits[i] / t) / z, f[i], 0.01, "temperature " + t + " token " + i);
      }
    }
    double[] top1 = frequencies(logits, null, params(1, 1, 1), 1000);
    assertEquals(1.0, top1[2], 1e-9);
    double[] top2 = frequencies(logits, new int[] {0, 1}, params(0.5, 1, 1), 1000);
    assertEquals(1.0, top2[0], 1e-9, "top-k counts within the allowed ids");
  }

  @Test
  void logitsFarFromZeroGiveTheSameDistribution() {
    float[] near = {1f, 0f, 2f, -1f};
    float[] far = new float[4];
    for (int i = 0; i < 4; i++) {
      far[i] = near[i] + 1000f;
    }
    for (SamplingParams p : List.of(params(0.5, 1, 0), params(1, 1, 3), params(0.3, 0.95, 0))) {
      assertArrayEquals(frequencies(near, null, p, 20_000), frequencies(far, null, p, 20_000), 0.0, p.toString());
    }
  }

  @Test
  void reportedLogProbIsTheMaskedUntruncatedOneAtTemperatureOne() {
    float[] logits = {0.5f, 2.0f, -1.0f, 1.0f};
    int[] allowed = {0, 1, 3};
    double lse = Math.log(Math.exp(0.5) + Math.exp(2.0) + Math.exp(1.0));
    double[] lp = new double[1];
    int t = TokenSampler.sample(logits, 0, 4, allowed, params(0.25, 0.5, 1), new SplittableRandom(1), lp);
    assertEquals(1, t);
    assertEquals(2.0 - lse, lp[0], 1e-6);
    assertEquals(2.0 - lse, TokenSampler.logProb(logits, 0, 4, allowed, 1), 1e-6);
    assertEquals(Float.NEGATIVE_INFINITY, TokenSampler.logProb(logits, 0, 4, allowed, 2), "masked-out token");
    assertEquals(lse, TokenSampler.logSumExp(logits, 0, 4, allowed), 1e-9);
  }

  @Test
  void nonFiniteLogitsStillGiveACandidateId() {
    // A diverged model (NaN logits) must not make the sampler index outside the candidates.
    float[] logits = {0f, Float.NaN, 1f, 2f, Float.NaN};
    int[] allowed = {0, 1, 3};
    for (SamplingParams p : List.of(params(1, 1, 0), params(0.7, 1, 0), params(1, 1, 2), params(1, 0.5, 0))) {
      for (long seed = 0; seed < 20; seed++) {
        int a = TokenSampler.sample(logits, 0, 5, allowed, p, new SplittableRandom(seed), new double[1]);
        assertTrue(a == 0 || a == 1 || a == 3, p + " gave " + a);
        int b = TokenSampler.sample(logits, 0, 5, null, p, new SplittableRandom(seed), null);
        assertTrue(b >= 0 && b < 5, p + " gave " + b);
      }
    }
  }

  @Test
  void rowStreamsOfDistinctSeedAndRowPairsNeverCoincide() {
    // Two rows drawing from the same stream would produce identical completions.
    Set<Long> firsts = new HashSet<>();
    for (long seed = 0; seed < 200; seed++) {
      for (int row = 0; row < 200; row++) {
        firsts.add(TokenSampler.rowStream(seed, row).nextLong());
      }
    }
    assertEquals(200 * 200, firsts.size());
  }
}
