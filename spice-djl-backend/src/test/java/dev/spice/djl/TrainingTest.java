package dev.spice.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.Completion;
import dev.spice.core.LossAggregation;
import dev.spice.core.LossSettings;
import dev.spice.core.Prompt;
import dev.spice.core.Role;
import dev.spice.core.SamplingParams;
import dev.spice.core.SpiceException;
import dev.spice.core.TrainingSample;
import dev.spice.core.UpdateStats;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrainingTest {

  private static final Prompt PROMPT = Prompt.of(Role.REASONER, "w1 w2 w3");

  private static List<TrainingSample> batch(DjlPolicy p, int n, double advantage, long seed) {
    List<Prompt> prompts = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      prompts.add(Prompt.of(i % 2 == 0 ? Role.CHALLENGER : Role.REASONER,
          "w" + (i % 7) + " w" + (i % 5 + 10) + (i % 3 == 0 ? " w30 w31 w32" : "")));
    }
    List<Completion> cs = p.generate(prompts, new SamplingParams(1.0, 1.0, 0, 1 + (int) (seed % 3), List.of(), seed));
    List<TrainingSample> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      double a = Double.isNaN(advantage) ? (i % 2 == 0 ? 1 : -1) * (0.25 + 0.1 * i) : advantage;
      out.add(TrainingSample.of(prompts.get(i).role(), prompts.get(i), cs.get(i), a, "g" + i / 4));
    }
    return out;
  }

  private static float[] weights(DjlPolicy p) {
    return ((DjlPolicyImpl) p).weights();
  }

  @Test
  void positiveAdvantageRaisesLogProbAndNegativeLowersIt() {
    for (double adv : new double[] {1.0, -1.0}) {
      try (DjlPolicy p = Fixtures.policy(Fixtures.qwen3(), 3, OptimizerSettings.adamW(1e-2))) {
        Completion c = p.generate(List.of(PROMPT), new SamplingParams(1.0, 1.0, 0, 3, List.of(), 5)).get(0);
        double before = c.totalLogProb();
        UpdateStats st = p.update(List.of(TrainingSample.of(Role.REASONER, PROMPT, c, adv, "g")), Fixtures.loss());
        assertFalse(st.skipped(), st.skipReason());
        assertEquals(c.tokens().length, st.numTokens());
        double after = sum(p.scoreContinuations(List.of(PROMPT), List.of(c.tokens())).get(0));
        if (adv > 0) {
          assertTrue(after > before + 1e-3, "log-prob should rise: " + before + " -> " + after);
        } else {
          assertTrue(after < before - 1e-3, "log-prob should fall: " + before + " -> " + after);
        }
        assertEquals(1, p.updateCount());
      }
    }
  }

  @Test
  void zeroAdvantagesLeaveWeightsUnchanged() {
    try (DjlPolicy p = Fixtures.policy(Fixtures.qwen3(), 3, OptimizerSettings.adamW(1e-2))) {
      float[] before = weights(p);
      UpdateStats st = p.update(batch(p, 8, 0.0, 1), Fixtures.loss());
      assertFalse(st.skipped());
      assertEquals(0.0, st.loss(), 0.0);
      assertArrayEquals(before, weights(p));
    }
  }

  @Test
  void microBatchLayoutDoesNotChangeTheUpdate() {
    // A large Adam epsilon keeps the first step a smooth function of the gradient, so float
    // rounding differences between layouts stay far below the tolerance.
    OptimizerSettings opt = new OptimizerSettings(1e-2, 0.9, 0.999, 1e-3, 0.01, 1.0, 0);
    for (LossAggregation agg : List.of(Fixtures.constant(8), Fixtures.tokenMean())) {
      LossSettings ls = new LossSettings(0.2, 0.28, 0, agg);
      float[] w1;
      UpdateStats s1;
      try (DjlPolicy p = DjlPolicy.builder().randomInit(Fixtures.llama(), 9).tokenizer(Fixtures.tokenizer())
          .optimizer(opt).build()) {
        s1 = p.update(batch(p, 8, Double.NaN, 2), ls);
        w1 = weights(p);
      }
      try (DjlPolicy p = DjlPolicy.builder().randomInit(Fixtures.llama(), 9).tokenizer(Fixtures.tokenizer())
          .optimizer(opt).microBatchSize(2).build()) {
        UpdateStats s2 = p.update(batch(p, 8, Double.NaN, 2), ls);
        assertEquals(s1.loss(), s2.loss(), 1e-6 * Math.max(1, Math.abs(s1.loss())));
        assertEquals(s1.gradNorm(), s2.gradNorm(), 1e-5 * s1.gradNorm());
        assertEquals(s1.entropy(), s2.entropy(), 1e-5);
        float[] w2 = weights(p);
        for (int i = 0; i < w1.length; i++) {
          assertEquals(w1[i], w2[i], 1e-6, "weight " + i + " with " + agg.name());
        }
      }
    }
  }

  @Test
  void sameSeedGivesSameTokensAndLosses() {
    List<double[]> runs = new ArrayList<>();
    List<List<Completion>> gens = new ArrayList<>();
    for (int r = 0; r < 2; r++) {
      try (DjlPolicy p = Fixtures.policy(Fixtures.qwen3(), 21, OptimizerSettings.adamW(1e-2))) {
        double[] losses = new double[3];
        List<Completion> all = new ArrayList<>();
        for (int it = 0; it < 3; it++) {
          List<TrainingSample> b = batch(p, 6, Double.NaN, 100 + it);
          b.forEach(s -> all.add(new Completion("", s.promptTokens(), s.completionTokens(), s.oldLogProbs(),
              Completion.FinishReason.LENGTH)));
          losses[it] = p.update(b, Fixtures.loss()).loss();
        }
        runs.add(losses);
        gens.add(all);
      }
    }
    assertArrayEquals(runs.get(0), runs.get(1));
    assertEquals(gens.get(0), gens.get(1));
  }

  @Test
  void nonFiniteLossSkipsTheStepAndChangesNothing() {
    try (DjlPolicy p = Fixtures.policy(Fixtures.qwen3(), 3, OptimizerSettings.adamW(1e-2))) {
      p.update(batch(p, 4, Double.NaN, 1), Fixtures.loss()); // give Adam some state
      float[] before = weights(p);
      List<TrainingSample> b = new ArrayList<>(batch(p, 4, Double.NaN, 2));
      TrainingSample s = b.get(0);
      float[] bad = s.oldLogProbs().clone();
      bad[0] = Float.NaN;
      b.set(0, new TrainingSample(s.role(), s.prompt(), s.promptTokens(), s.completionTokens(), bad, 1.0, "g"));
      UpdateStats st = p.update(b, Fixtures.loss());
      assertTrue(st.skipped());
      assertTrue(st.skipReason().contains("loss"), st.skipReason());
      assertArrayEquals(before, weights(p));
      assertEquals(1, p.updateCount());
      // A later good step behaves as if the skipped one never happened.
      assertFalse(p.update(batch(p, 4, Double.NaN, 3), Fixtures.loss()).skipped());
    }
  }

  @Test
  void failedUpdateLeavesStateUnchanged() {
    try (DjlPolicy p = Fixtures.policy(Fixtures.qwen3(), 3, OptimizerSettings.adamW(1e-2))) {
      float[] before = weights(p);
      LossAggregation broken = new LossAggregation() {
        @Override
        public String name() {
          return "broken";
        }

        @Override
        public double[] sampleWeights(int[] lengths) {
          return new double[] {1.0};
        }
      };
      List<TrainingSample> b = batch(p, 4, 1.0, 1);
      SpiceException e = assertThrows(SpiceException.class,
          () -> p.update(b, new LossSettings(0.2, 0.2, 0, broken)));
      assertTrue(e.getMessage().contains("broken"), e.getMessage());
      TrainingSample s = b.get(0);
      TrainingSample outOfVocab = new TrainingSample(s.role(), s.prompt(), s.promptTokens(), new int[] {999},
          new float[] {-1f}, 1.0, "g");
      e = assertThrows(SpiceException.class, () -> p.update(List.of(outOfVocab), Fixtures.loss()));
      assertTrue(e.getMessage().contains("999"), e.getMessage());
      assertArrayEquals(before, weights(p));
      assertEquals(0, p.updateCount());
    }
  }

  @Test
  void klNeedsAReferenceAndIsZeroAtTheStart() {
    try (DjlPolicy p = Fixtures.policy(Fixtures.qwen3(), 3, OptimizerSettings.adamW(1e-2))) {
      LossSettings kl = new LossSettings(0.2, 0.2, 0.1, Fixtures.constant(8));
      assertThrows(SpiceException.ConfigurationException.class, () -> p.update(batch(p, 2, 1.0, 1), kl));
    }
    try (DjlPolicy p = DjlPolicy.builder().randomInit(Fixtures.qwen3(), 3).tokenizer(Fixtures.tokenizer())
        .optimizer(OptimizerSettings.adamW(1e-2)).keepReference(true).build()) {
      LossSettings kl = new LossSettings(0.2, 0.2, 0.1, Fixtures.constant(8));
      UpdateStats first = p.update(batch(p, 4, Double.NaN, 1), kl);
      assertFalse(first.skipped(), first.skipReason());
      assertEquals(0.0, first.kl(), 1e-6);
      UpdateStats second = p.update(batch(p, 4, Double.NaN, 2), kl);
      assertTrue(second.kl() > 0, "kl after a step: " + second.kl());
      assertTrue(second.entropy() > 0);
    }
  }

  private static double sum(float[] a) {
    double s = 0;
    for (float f : a) {
      s += f;
    }
    return s;
  }
}
