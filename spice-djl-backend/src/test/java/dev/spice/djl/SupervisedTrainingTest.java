package dev.spice.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.Completion;
import dev.spice.core.Prompt;
import dev.spice.core.Role;
import dev.spice.core.SamplingParams;
import dev.spice.core.SpiceException;
import dev.spice.core.SupervisedSample;
import dev.spice.core.TrainingSample;
import dev.spice.core.UpdateStats;
import dev.spice.core.model.TransformerConfig;
import dev.spice.core.text.WordTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Supervised (next-token) updates: the loss value, micro-batch invariance, the gradient against
 * finite differences for every tensor, memorising a small corpus, the NaN guard and atomicity, and
 * exact resume after mixed supervised and policy-gradient steps.
 */
class SupervisedTrainingTest {
  private static final WordTokenizer TOK = Fixtures.tokenizer();

  /** Prompt text (fed as-is by the RAW template), target text, weight. */
  private record Example(String prompt, String target, double weight) {
    SupervisedSample sample() {
      return new SupervisedSample(TOK.encode(prompt), TOK.encode(target), weight);
    }
  }

  /**
   * Shared prompts, a document after BOS, a document after its first token, unequal weights and a
   * weight-0 sample.
   */
  private static final List<Example> EXAMPLES = List.of(
      new Example("w1 w2 w3", "w7 w8 <eos>", 1.0),
      new Example("w1 w2 w3", "w9 <eos>", 0.5),
      new Example("<bos>", "w10 w11 w12 w13 w14", 2.0),
      new Example("w20", "w21 w22 w23", 1.0),
      new Example("w5 w6", "w30 w31", 0.0),
      new Example("w4 w3 w2 w1 w0", "w33 w34 w35 w36 w37 w38 <eos>", 0.75));

  private static List<SupervisedSample> samples() {
    List<SupervisedSample> out = new ArrayList<>();
    for (Example e : EXAMPLES) {
      out.add(e.sample());
    }
    return out;
  }

  /** sum_i w_i sum_t -log p / sum_i w_i |t_i|, in double from scored log-probs (the forward pass only). */
  private static double hostLoss(DjlPolicy p) {
    double num = 0;
    double den = 0;
    for (Example e : EXAMPLES) {
      float[] lp = p.scoreContinuations(List.of(Prompt.of(Role.REASONER, e.prompt())),
          List.of(TOK.encode(e.target()))).get(0);
      for (float x : lp) {
        num -= e.weight() * x;
      }
      den += e.weight() * lp.length;
    }
    return num / den;
  }

  private static float[] weights(DjlPolicy p) {
    return ((DjlPolicyImpl) p).weights();
  }

  private static DjlPolicy build(TransformerConfig cfg, long seed, OptimizerSettings opt, int microBatchSize) {
    return DjlPolicy.builder().randomInit(cfg, seed).tokenizer(TOK).optimizer(opt).microBatchSize(microBatchSize)
        .build();
  }

  @Test
  void documentSampleHelpersMatchTheTokenizer() {
    SupervisedSample s = SupervisedSample.document(TOK.tokenId(WordTokenizer.BOS), TOK.encode("w10 w11"));
    assertArrayEquals(TOK.encode("<bos>"), s.promptTokens());
    assertEquals(EXAMPLES.get(3).sample(), SupervisedSample.document(TOK.encode("w20 w21 w22 w23")));
  }

  @Test
  void lossIsTheWeightedTokenMeanAndMicroBatchesDoNotChangeTheUpdate() {
    // A large Adam epsilon keeps the first step a smooth function of the gradient (as in TrainingTest).
    OptimizerSettings opt = new OptimizerSettings(1e-2, 0.9, 0.999, 1e-3, 0.01, 1.0, 0);
    float[] w1;
    UpdateStats s1;
    try (DjlPolicy p = build(Fixtures.llama(), 9, opt, 0)) {
      double expected = hostLoss(p);
      s1 = p.supervisedUpdate(samples());
      assertFalse(s1.skipped(), s1.skipReason());
      assertEquals(expected, s1.loss(), 1e-5 * Math.abs(expected), "the weighted mean NLL per target token");
      assertTrue(s1.loss() > 3.0 && s1.loss() < 4.5, "about ln(44) at random init: " + s1.loss());
      assertEquals(EXAMPLES.size(), s1.numSamples());
      assertEquals(3 + 2 + 5 + 3 + 2 + 7, s1.numTokens());
      assertTrue(s1.entropy() > 3.0, "entropy near ln(44) at init: " + s1.entropy());
      assertEquals(0.0, s1.clipFractionLow());
      assertEquals(0.0, s1.clipFractionHigh());
      assertEquals(0.0, s1.kl());
      assertEquals(1, p.updateCount());
      assertTrue(hostLoss(p) < expected, "one step lowers the loss: " + expected + " -> " + hostLoss(p));
      w1 = weights(p);
    }
    try (DjlPolicy p = build(Fixtures.llama(), 9, opt, 1)) {
      UpdateStats s2 = p.supervisedUpdate(samples());
      assertEquals(s1.loss(), s2.loss(), 1e-6 * Math.abs(s1.loss()));
      assertEquals(s1.gradNorm(), s2.gradNorm(), 1e-5 * s1.gradNorm());
      assertEquals(s1.entropy(), s2.entropy(), 1e-5);
      float[] w2 = weights(p);
      double maxDiff = 0;
      for (int i = 0; i < w1.length; i++) {
        maxDiff = Math.max(maxDiff, Math.abs(w1[i] - w2[i]));
      }
      assertTrue(maxDiff < 1e-6, "micro-batch size 1 vs 0: max weight difference " + maxDiff);
    }
  }

  @Test
  void learningRateIsTheNextStepsOnTheWarmUpRampAndIsRestoredWithTheStepCount(@TempDir Path dir) {
    OptimizerSettings opt = OptimizerSettings.adamW(1e-3).withWarmupSteps(4);
    try (DjlPolicy p = build(Fixtures.llama(), 9, opt, 0); DjlPolicy twin = build(Fixtures.llama(), 9, opt, 0)) {
      assertEquals(0.25e-3, p.learningRate().orElseThrow(), 1e-18, "step 1 of 4: lr / 4");
      assertTrue(p.supervisedUpdate(List.of(EXAMPLES.get(4).sample())).skipped(), "all-zero weights skip");
      assertEquals(0.25e-3, p.learningRate().orElseThrow(), 1e-18, "a skipped step is not counted");
      assertFalse(p.supervisedUpdate(samples()).skipped());
      assertEquals(0.5e-3, p.learningRate().orElseThrow(), 1e-18, "step 2 of 4");
      p.saveCheckpoint(dir);
      twin.loadCheckpoint(dir);
      assertEquals(0.5e-3, twin.learningRate().orElseThrow(), 1e-18, "restored with the step count");
      for (int i = 0; i < 3; i++) {
        assertFalse(p.supervisedUpdate(samples()).skipped());
      }
      assertEquals(1e-3, p.learningRate().orElseThrow(), 1e-18, "after the ramp: lr");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.spice.djl.GradientCheckTest#architectures")
  void analyticGradientMatchesFiniteDifferencesForEveryTensor(String label, TransformerConfig cfg) {
    try (DjlPolicy p = build(cfg, 5, OptimizerSettings.adamW(2e-2), 0)) {
      DjlPolicyImpl impl = (DjlPolicyImpl) p;
      // Move away from the initial weights (unit norms) before checking.
      for (int i = 0; i < 3; i++) {
        UpdateStats st = p.supervisedUpdate(samples());
        assertFalse(st.skipped(), st.skipReason());
      }
      float[] w0 = impl.weights();
      Map<String, float[]> grads = GradientCheckTest.byName(cfg, impl.supervisedGradient(samples()));
      assertArrayEquals(w0, impl.weights(), "the gradient seam changes no weights");
      Map<String, float[]> weights = GradientCheckTest.byName(cfg, w0);
      double h = 1e-3;
      for (Map.Entry<String, float[]> e : grads.entrySet()) {
        String name = e.getKey();
        float[] g = e.getValue();
        double norm = 0;
        for (float x : g) {
          norm += (double) x * x;
        }
        norm = Math.sqrt(norm);
        String where = label + ", " + name;
        assertTrue(norm > 1e-5, where + ": no gradient");
        // Along the gradient's own direction the directional derivative is its norm.
        double[] fd = new double[2];
        for (int side = 0; side < 2; side++) {
          Map<String, float[]> moved = new LinkedHashMap<>(weights);
          float[] t = weights.get(name).clone();
          for (int i = 0; i < t.length; i++) {
            t[i] += (float) ((side == 0 ? h : -h) * g[i] / norm);
          }
          moved.put(name, t);
          impl.setWeights(GradientCheckTest.flat(cfg, moved));
          fd[side] = hostLoss(p);
        }
        impl.setWeights(w0);
        double derivative = (fd[0] - fd[1]) / (2 * h);
        assertEquals(norm, derivative, 0.01 * norm + 3e-4, where + ": finite difference");
      }
    }
  }

  /** Four sentences: one after BOS, three after their first word; each ends with EOS. */
  private static final List<String> CORPUS = List.of(
      "<bos> w12 w7 w30 w7 w19 w4 w25 w16 <eos>",
      "w3 w14 w22 w9 w14 w35 w1 w28 <eos>",
      "w27 w5 w31 w11 w38 w5 w0 w17 w20 <eos>",
      "w6 w36 w2 w29 w15 w24 w33 <eos>");

  @Test
  void aTinyModelMemorisesASmallCorpusBySupervisedSteps() {
    List<SupervisedSample> docs = new ArrayList<>();
    for (String s : CORPUS) {
      docs.add(SupervisedSample.document(TOK.encode(s)));
    }
    try (DjlPolicy p = build(Fixtures.qwen3(), 3, OptimizerSettings.adamW(1e-2), 0)) {
      int steps = 0;
      double firstLoss = Double.NaN;
      double lastLoss = Double.NaN;
      boolean memorised = false;
      while (!memorised && steps < 300) {
        UpdateStats st = p.supervisedUpdate(docs);
        assertFalse(st.skipped(), st.skipReason());
        steps++;
        lastLoss = st.loss();
        if (steps == 1) {
          firstLoss = st.loss();
        }
        if (steps % 5 == 0) {
          memorised = reproducesGreedily(p);
        }
      }
      assertTrue(memorised, "the corpus is not reproduced greedily after " + steps + " steps (loss " + firstLoss
          + " -> " + lastLoss + ")");
      double minEos = 1;
      for (String s : CORPUS) {
        int[] ids = TOK.encode(s);
        float[] lp = p.scoreContinuations(List.of(Prompt.of(Role.REASONER, s.substring(0, s.indexOf(' ')))),
            List.of(Arrays.copyOfRange(ids, 1, ids.length))).get(0);
        minEos = Math.min(minEos, Math.exp(lp[lp.length - 1]));
      }
      System.out.printf("supervised memorisation: %d steps, loss %.3f -> %.4f, min P(eos) %.4f%n", steps, firstLoss,
          lastLoss, minEos);
      assertTrue(minEos > 0.9, "P(<eos> | sentence) = " + minEos);
      assertEquals(steps, p.updateCount());
    }
  }

  private static boolean reproducesGreedily(DjlPolicy p) {
    for (String s : CORPUS) {
      int[] ids = TOK.encode(s);
      Prompt first = Prompt.of(Role.REASONER, s.substring(0, s.indexOf(' ')));
      Completion c = p.generate(List.of(first), new SamplingParams(1.0, 1.0, 1, ids.length + 2, List.of(), 0)).get(0);
      if (!Arrays.equals(Arrays.copyOfRange(ids, 1, ids.length), c.tokens())) {
        return false;
      }
    }
    return true;
  }

  @Test
  void nonFiniteLossOrZeroWeightSkipsAndChangesNothing() {
    OptimizerSettings opt = OptimizerSettings.adamW(1e-2);
    try (DjlPolicy p = build(Fixtures.qwen3(), 3, opt, 2); DjlPolicy twin = build(Fixtures.qwen3(), 3, opt, 2)) {
      DjlPolicyImpl impl = (DjlPolicyImpl) p;
      assertFalse(p.supervisedUpdate(samples()).skipped()); // give Adam some state
      assertFalse(twin.supervisedUpdate(samples()).skipped());
      float[] good = weights(p);
      assertArrayEquals(good, weights(twin));

      List<SupervisedSample> zero = new ArrayList<>();
      for (SupervisedSample s : samples()) {
        zero.add(s.withWeight(0));
      }
      UpdateStats st = p.supervisedUpdate(zero);
      assertTrue(st.skipped());
      assertTrue(st.skipReason().contains("weight"), st.skipReason());
      assertArrayEquals(good, weights(p));
      assertEquals(1, p.updateCount());

      // Non-finite weights make the loss NaN: skipped, the NaN weights left exactly as they were.
      float[] nan = good.clone();
      for (int i = 0; i < nan.length; i += 7) {
        nan[i] = Float.NaN;
      }
      impl.setWeights(nan);
      st = p.supervisedUpdate(samples());
      assertTrue(st.skipped());
      assertTrue(st.skipReason().contains("loss"), st.skipReason());
      assertArrayEquals(nan, weights(p));
      assertEquals(1, p.updateCount());

      // A sample the model cannot take fails before anything changes.
      impl.setWeights(good);
      SupervisedSample outOfVocab = new SupervisedSample(new int[] {4}, new int[] {5, 999}, 1);
      SpiceException e = assertThrows(SpiceException.BackendException.class,
          () -> p.supervisedUpdate(List.of(samples().get(0), outOfVocab)));
      assertTrue(e.getMessage().contains("supervised sample 1 target") && e.getMessage().contains("999"),
          e.getMessage());
      int[] tooLong = new int[2048];
      Arrays.fill(tooLong, 5);
      e = assertThrows(SpiceException.BackendException.class,
          () -> p.supervisedUpdate(List.of(SupervisedSample.document(2, tooLong))));
      assertTrue(e.getMessage().contains("max_position_embeddings"), e.getMessage());
      assertArrayEquals(good, weights(p));
      assertTrue(p.supervisedUpdate(List.of()).skipped());

      // The optimizer state is untouched too: the next step equals a twin's that never skipped.
      assertFalse(p.supervisedUpdate(samples()).skipped());
      assertFalse(twin.supervisedUpdate(samples()).skipped());
      assertArrayEquals(weights(twin), weights(p));
      assertEquals(2, p.updateCount());
    }
  }

  private static final List<Prompt> PROMPTS = List.of(Prompt.of(Role.REASONER, "w1 w2 w3"),
      Prompt.of(Role.CHALLENGER, "w9 w8 w7 w6"), Prompt.of(Role.REASONER, "w20"));

  private static List<TrainingSample> rollouts(DjlPolicy p, int seed) {
    List<Completion> cs = p.generate(PROMPTS, new SamplingParams(1, 1, 0, 3, List.of(), seed));
    List<TrainingSample> out = new ArrayList<>();
    for (int i = 0; i < cs.size(); i++) {
      out.add(TrainingSample.of(PROMPTS.get(i).role(), PROMPTS.get(i), cs.get(i), i == 0 ? 1 : -0.5, "g"));
    }
    return out;
  }

  @Test
  void checkpointAfterMixedStepsResumesExactly(@TempDir Path dir) throws Exception {
    OptimizerSettings opt = OptimizerSettings.adamW(1e-2).withWarmupSteps(3).withWeightDecay(0.1);
    Path ck = Files.createDirectory(dir.resolve("ck"));
    float[] expected;
    List<TrainingSample> pg;
    List<SupervisedSample> sft = samples();
    try (DjlPolicy p = DjlPolicy.builder().randomInit(Fixtures.qwen3(), 8).tokenizer(TOK).optimizer(opt)
        .keepReference(true).build()) {
      assertFalse(p.supervisedUpdate(sft).skipped());
      assertFalse(p.update(rollouts(p, 1), Fixtures.loss()).skipped());
      assertFalse(p.supervisedUpdate(sft.subList(2, 6)).skipped());
      assertEquals(3, p.updateCount());
      p.saveCheckpoint(ck);
      pg = rollouts(p, 2);
      assertFalse(p.update(pg, Fixtures.loss()).skipped());
      assertFalse(p.supervisedUpdate(sft).skipped());
      expected = weights(p);
    }
    try (DjlPolicy q = DjlPolicy.builder().randomInit(Fixtures.qwen3(), 99).tokenizer(TOK).optimizer(opt)
        .keepReference(true).build()) {
      q.loadCheckpoint(ck);
      assertEquals(3, q.updateCount());
      assertFalse(q.update(pg, Fixtures.loss()).skipped());
      assertFalse(q.supervisedUpdate(sft).skipped());
      assertEquals(5, q.updateCount());
      assertArrayEquals(expected, weights(q));
    }
  }

  @Test
  void sameRunBitForBitWhenMemoryIsFreedBeforeTheBackwardAndMemoryStaysFlat() {
    float[] plain = threeSteps();
    DjlPolicyImpl.beforeBackward = SupervisedTrainingTest::churn;
    try {
      assertArrayEquals(plain, threeSteps(), "native memory churned before each backward");
    } finally {
      DjlPolicyImpl.beforeBackward = null;
    }
    try (DjlPolicy p = build(Fixtures.qwen3(), 2, OptimizerSettings.adamW(1e-3), 0)) {
      DjlPolicyImpl impl = (DjlPolicyImpl) p;
      p.supervisedUpdate(samples());
      int live = impl.liveArrays();
      for (int i = 0; i < 30; i++) {
        p.supervisedUpdate(samples());
      }
      assertEquals(live, impl.liveArrays(), "NDArrays owned by the policy after 30 supervised updates");
    }
  }

  private static float[] threeSteps() {
    try (DjlPolicy p = build(Fixtures.qwen3(), 11, OptimizerSettings.adamW(1e-2), 3)) {
      for (int i = 0; i < 3; i++) {
        assertFalse(p.supervisedUpdate(samples()).skipped());
      }
      return weights(p);
    }
  }

  private static final List<Object> SINK = new ArrayList<>();

  /** Collects garbage and hands freed small native blocks back out, filled with NaN bits (see DeterminismTest). */
  private static void churn() {
    System.gc();
    try {
      Thread.sleep(5);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    List<java.nio.ByteBuffer> reuse = new ArrayList<>();
    for (int i = 0; i < 512; i++) {
      java.nio.ByteBuffer b = java.nio.ByteBuffer.allocateDirect(4 + 4 * (i % 4));
      for (int j = 0; j + 4 <= b.capacity(); j += 4) {
        b.putInt(j, 0x7fc00001);
      }
      reuse.add(b);
    }
    SINK.add(reuse);
    if (SINK.size() > 8) {
      SINK.remove(0);
    }
  }
}
