package dev.spice.core.internal.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.spice.core.SamplingParams;
import java.util.List;
import org.junit.jupiter.api.Test;

class TokenSamplerTest {
  static final float[] LOGITS = {0.5f, 2.0f, -1.0f, 1.0f, 0.0f};

  static double[] frequencies(SamplingParams p, int[] allowed) {
    java.util.SplittableRandom rng = TokenSampler.rowStream(p.seed(), 0);
    double[] f = new double[LOGITS.length];
    int n = 40_000;
    for (int i = 0; i < n; i++) {
      f[TokenSampler.sample(LOGITS, 0, LOGITS.length, allowed, p, rng, null)] += 1.0 / n;
    }
    return f;
  }

  @Test
  void samplesFollowTheSoftmaxAndTheMask() {
    double[] f = frequencies(new SamplingParams(1.0, 1.0, 0, 1, List.of(), 3), null);
    for (int i = 0; i < LOGITS.length; i++) {
      assertEquals(Math.exp(TokenSampler.logProb(LOGITS, 0, LOGITS.length, null, i)), f[i], 0.01, "token " + i);
    }
    double[] masked = frequencies(new SamplingParams(1.0, 1.0, 0, 1, List.of(), 3), new int[] {0, 2});
    assertEquals(0.0, masked[1] + masked[3] + masked[4]);
    assertEquals(Math.exp(TokenSampler.logProb(LOGITS, 0, 5, new int[] {0, 2}, 0)), masked[0], 0.01);
  }

  @Test
  void temperatureTopKAndTopP() {
    double[] hot = frequencies(new SamplingParams(0.5, 1.0, 0, 1, List.of(), 1), null);
    double z = 0;
    for (float l : LOGITS) {
      z += Math.exp(l / 0.5);
    }
    assertEquals(Math.exp(2.0 / 0.5) / z, hot[1], 0.01);
    double[] top2 = frequencies(new SamplingParams(1.0, 1.0, 2, 1, List.of(), 1), null);
    assertEquals(1.0, top2[1] + top2[3], 1e-9);
    assertEquals(Math.exp(2.0) / (Math.exp(2.0) + Math.exp(1.0)), top2[1], 0.01);
    double[] nucleus = frequencies(new SamplingParams(1.0, 0.5, 0, 1, List.of(), 1), null);
    assertEquals(1.0, nucleus[1], 1e-9); // token 1 alone holds more than half the mass
  }

  @Test
  void rowStreamsDifferAndRepeat() {
    assertEquals(TokenSampler.rowStream(5, 3).nextLong(), TokenSampler.rowStream(5, 3).nextLong());
    assertNotEquals(TokenSampler.rowStream(5, 3).nextLong(), TokenSampler.rowStream(5, 4).nextLong());
    assertNotEquals(TokenSampler.rowStream(5, 3).nextLong(), TokenSampler.rowStream(6, 3).nextLong());
  }

  @Test
  void reportsTheUntruncatedMaskedLogProbOfTheDrawnToken() {
    double[] lp = new double[1];
    SamplingParams p = new SamplingParams(0.7, 0.9, 3, 1, List.of(), 2);
    java.util.SplittableRandom rng = TokenSampler.rowStream(2, 0);
    for (int i = 0; i < 100; i++) {
      int t = TokenSampler.sample(LOGITS, 0, LOGITS.length, new int[] {0, 1, 3}, p, rng, lp);
      assertEquals(TokenSampler.logProb(LOGITS, 0, LOGITS.length, new int[] {0, 1, 3}, t), lp[0], 1e-6);
    }
  }
}
