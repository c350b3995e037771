package dev.spice.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * LoRA in the DJL backend on tiny random models: settings validation, a fresh adapter reproducing
 * the base exactly, frozen base weights, adapter-only AdamW state, the adapter gradient against
 * finite differences, micro-batch invariance and the NaN guard. Files (PEFT layout, merge, resume)
 * are in {@link LoraFilesTest}.
 */
class LoraTest {
  static final WordTokenizer TOK = Fixtures.tokenizer();
  static final List<Prompt> PROMPTS = List.of(Prompt.of(Role.REASONER, "w1 w2 w3"),
      Prompt.of(Role.CHALLENGER, "w5 w6 w7 w8 w9 w10"));
  static final List<int[]> CONTS = List.of(new int[] {7, 8, 9, 3}, new int[] {10, 11});

  static LoraSettings settings(int rank, Set<String> modules) {
    return LoraSettings.builder().rank(rank).alpha(2.0 * rank).targetModules(modules).seed(11).build();
  }

  static DjlPolicy lora(TransformerConfig cfg, LoraSettings s, double lr, int microBatch) {
    return DjlPolicy.builder().randomInit(cfg, 5).tokenizer(TOK).optimizer(OptimizerSettings.adamW(lr))
        .microBatchSize(microBatch).lora(s).build();
  }

  static List<SupervisedSample> docs() {
    List<SupervisedSample> out = new ArrayList<>();
    for (String s : List.of("<bos> w12 w7 w30 w7 w19 <eos>", "w3 w14 w22 w9 <eos>", "w27 w5 w31 w11 w38 w5 w0 <eos>")) {
      out.add(SupervisedSample.document(TOK.encode(s)));
    }
    return out;
  }

  static List<TrainingSample> rollouts(DjlPolicy p, int seed) {
    List<Completion> cs = p.generate(PROMPTS, new SamplingParams(1, 1, 0, 4, List.of(), seed));
    List<TrainingSample> out = new ArrayList<>();
    for (int i = 0; i < cs.size(); i++) {
      out.add(TrainingSample.of(PROMPTS.get(i).role(), PROMPTS.get(i), cs.get(i), i == 0 ? 1 : -0.5, "g"));
    }
    return out;
  }

  private static String refused(Runnable r) {
    return assertThrows(SpiceException.ConfigurationException.class, r::run).getMessage();
  }

  @Test
  void settingsAreValidatedNamingTheValidValues() {
    assertEquals("LoRA rank must be >= 1, got 0", refused(() -> LoraSettings.builder().rank(0).build()));
    assertEquals("LoRA alpha must be finite and > 0, got 0.0", refused(() -> LoraSettings.builder().alpha(0).build()));
    assertEquals("LoRA alpha must be finite and > 0, got NaN",
        refused(() -> LoraSettings.builder().alpha(Double.NaN).build()));
    assertEquals("unknown LoRA target module 'qkv_proj'; valid modules: [q_proj, k_proj, v_proj, o_proj, gate_proj, "
        + "up_proj, down_proj]", refused(() -> LoraSettings.builder().targetModules(Set.of("q_proj", "qkv_proj")).build()));
    assertTrue(refused(() -> LoraSettings.builder().targetModules(Set.of()).build()).contains("empty"));
    assertEquals("LoRA dropout 0.1 is not supported; only 0 (no dropout) is",
        refused(() -> LoraSettings.builder().dropout(0.1).build()));
    LoraSettings s = LoraSettings.builder().rank(4).alpha(8).targetModules(Set.of("down_proj", "q_proj")).build();
    assertEquals(List.of("q_proj", "down_proj"), s.targetModules(), "module order is the layer's");
    assertEquals(2.0, s.scaling());
    assertTrue(refused(() -> DjlPolicy.builder().randomInit(Fixtures.qwen3(), 1).tokenizer(TOK).lora(s)
        .loraAdapter(java.nio.file.Path.of(".")).build()).contains("at most one of lora"));
  }

  @Test
  void adapterParameterCountFollowsTheShapes() {
    // qwen3 tiny: hidden 32, 4 heads x 8 (q 32), 2 kv heads (k, v 16), intermediate 96, 2 layers
    TransformerConfig cfg = Fixtures.qwen3();
    int r = 4;
    long perLayer = r * ((32 + 32) + (32 + 16) + (32 + 16) + (32 + 32) + (32 + 96) + (32 + 96) + (96 + 32));
    assertEquals(2 * perLayer, Lora.parameterCount(cfg, settings(r, Set.copyOf(LoraSettings.MODULES))));
    assertEquals(2L * r * (32 + 16), Lora.parameterCount(cfg, settings(r, Set.of("v_proj"))));
  }

  @Test
  void aFreshAdapterReproducesTheBaseExactly() {
    for (TransformerConfig cfg : List.of(Fixtures.qwen3(), Fixtures.llama(), Fixtures.qwen2())) {
      List<float[]> base;
      List<Completion> baseGen;
      SamplingParams sp = new SamplingParams(1, 1, 0, 5, List.of(), 3);
      try (DjlPolicy p = Fixtures.policy(cfg, 5, OptimizerSettings.adamW(1e-2))) {
        base = p.scoreContinuations(PROMPTS, CONTS);
        baseGen = p.generate(PROMPTS, sp);
      }
      for (Set<String> modules : List.of(Set.copyOf(LoraSettings.MODULES), Set.of("k_proj", "up_proj"))) {
        try (DjlPolicy q = lora(cfg, settings(4, modules), 1e-2, 0)) {
          assertEquals(Lora.parameterCount(cfg, q.lora().orElseThrow()), q.adapterParameterCount());
          List<float[]> withAdapter = q.scoreContinuations(PROMPTS, CONTS);
          for (int i = 0; i < base.size(); i++) {
            assertArrayEquals(base.get(i), withAdapter.get(i), cfg.modelType() + " " + modules + ": bit for bit");
          }
          List<Completion> gen = q.generate(PROMPTS, sp);
          for (int i = 0; i < gen.size(); i++) {
            assertArrayEquals(baseGen.get(i).tokens(), gen.get(i).tokens());
            assertArrayEquals(baseGen.get(i).logProbs(), gen.get(i).logProbs());
          }
        }
      }
    }
  }

  @Test
  void onlyTheAdapterTrainsAndOnlyItHasOptimizerState() {
    try (DjlPolicy p = lora(Fixtures.qwen3(), settings(4, Set.copyOf(LoraSettings.MODULES)), 1e-2, 0)) {
      DjlPolicyImpl impl = (DjlPolicyImpl) p;
      float[] base = impl.weights();
      float[] a0 = impl.adapterWeights();
      assertEquals(p.adapterParameterCount(), impl.firstMoment().length, "AdamW state is adapter-sized");
      List<float[]> before = p.scoreContinuations(PROMPTS, CONTS);
      for (int i = 0; i < 3; i++) {
        assertFalse(p.supervisedUpdate(docs()).skipped());
        UpdateStats st = p.update(rollouts(p, i), Fixtures.loss());
        assertFalse(st.skipped(), st.skipReason());
      }
      assertEquals(6, p.updateCount());
      assertArrayEquals(base, impl.weights(), "base weights bit for bit unchanged");
      assertEquals(p.adapterParameterCount(), impl.firstMoment().length);
      float[] a1 = impl.adapterWeights();
      int changed = 0;
      for (int i = 0; i < a1.length; i++) {
        changed += a1[i] != a0[i] ? 1 : 0;
      }
      assertTrue(changed > a1.length * 9 / 10, "most adapter weights moved: " + changed + " of " + a1.length);
      assertNotEquals(before.get(0)[0], p.scoreContinuations(PROMPTS, CONTS).get(0)[0], "the outputs moved");
    }
  }

  /** sum -log p over all target tokens / count, from scored log-probs (forward only). */
  private static double hostLoss(DjlPolicy p) {
    double num = 0;
    int n = 0;
    for (SupervisedSample s : docs()) {
      int[] pr = s.promptTokens();
      float[] lp = p.scoreContinuations(List.of(Prompt.of(Role.REASONER, TOK.decode(pr))),
          List.of(s.targetTokens())).get(0);
      for (float x : lp) {
        num -= x;
        n++;
      }
    }
    return num / n;
  }

  @Test
  void adapterGradientMatchesFiniteDifferences() {
    TransformerConfig cfg = Fixtures.llama();
    LoraSettings s = settings(3, Set.copyOf(LoraSettings.MODULES));
    try (DjlPolicy p = lora(cfg, s, 2e-2, 0)) {
      DjlPolicyImpl impl = (DjlPolicyImpl) p;
      for (int i = 0; i < 3; i++) {
        assertFalse(p.supervisedUpdate(docs()).skipped()); // B away from 0, so A gets a gradient
      }
      float[] a0 = impl.adapterWeights();
      float[] g = impl.supervisedGradient(docs());
      assertArrayEquals(a0, impl.adapterWeights(), "the gradient seam changes nothing");
      double h = 1e-3;
      for (Lora.Slot sl : Lora.layoutOf(cfg, s)) {
        int off = (int) sl.offset();
        int n = (int) sl.count();
        double norm = 0;
        for (int i = off; i < off + n; i++) {
          norm += (double) g[i] * g[i];
        }
        norm = Math.sqrt(norm);
        String where = sl.peftName();
        assertTrue(norm > 1e-6, where + ": no gradient");
        double[] fd = new double[2];
        for (int side = 0; side < 2; side++) {
          float[] moved = a0.clone();
          for (int i = off; i < off + n; i++) {
            moved[i] += (float) ((side == 0 ? h : -h) * g[i] / norm);
          }
          impl.setAdapterWeights(moved);
          fd[side] = hostLoss(p);
        }
        impl.setAdapterWeights(a0);
        assertEquals(norm, (fd[0] - fd[1]) / (2 * h), 0.01 * norm + 3e-4, where + ": finite difference");
      }
    }
  }

  @Test
  void microBatchesDoNotChangeTheAdapterGradientOrUpdate() {
    LoraSettings s = settings(4, Set.of("q_proj", "v_proj", "o_proj", "down_proj"));
    try (DjlPolicy whole = lora(Fixtures.qwen3(), s, 1e-2, 0); DjlPolicy split = lora(Fixtures.qwen3(), s, 1e-2, 1)) {
      DjlPolicyImpl a = (DjlPolicyImpl) whole;
      DjlPolicyImpl b = (DjlPolicyImpl) split;
      // The gradients agree to float rounding (summation order); after an AdamW step, whose
      // per-coordinate normalisation magnifies the rounding of tiny gradient entries, to 1e-4.
      assertArrayEquals(a.supervisedGradient(docs()), b.supervisedGradient(docs()), 1e-6f);
      assertFalse(whole.supervisedUpdate(docs()).skipped());
      assertFalse(split.supervisedUpdate(docs()).skipped());
      assertArrayEquals(a.adapterWeights(), b.adapterWeights(), 1e-4f);
      b.setAdapterWeights(a.adapterWeights());
      List<TrainingSample> batch = rollouts(whole, 4);
      assertArrayEquals(a.lossGradient(batch, Fixtures.loss()), b.lossGradient(batch, Fixtures.loss()), 1e-6f);
      assertArrayEquals(a.supervisedGradient(docs()), b.supervisedGradient(docs()), 1e-6f);
      assertFalse(whole.update(batch, Fixtures.loss()).skipped());
      assertFalse(split.update(batch, Fixtures.loss()).skipped());
      assertArrayEquals(a.adapterWeights(), b.adapterWeights(), 1e-4f);
      assertArrayEquals(a.weights(), b.weights(), "both bases frozen");
    }
  }

  @Test
  void nonFiniteLossSkipsTheStepLeavingAdapterAndOptimizerStateUnchanged() {
    try (DjlPolicy p = lora(Fixtures.qwen3(), settings(2, Set.copyOf(LoraSettings.MODULES)), 1e-2, 0)) {
      DjlPolicyImpl impl = (DjlPolicyImpl) p;
      assertFalse(p.update(rollouts(p, 1), Fixtures.loss()).skipped()); // give Adam some state
      float[] adapter = impl.adapterWeights();
      float[] moment = impl.firstMoment();
      float[] base = impl.weights();
      List<TrainingSample> b = new ArrayList<>(rollouts(p, 2));
      TrainingSample s = b.get(0);
      float[] bad = s.oldLogProbs().clone();
      bad[0] = Float.NaN;
      b.set(0, new TrainingSample(s.role(), s.prompt(), s.promptTokens(), s.completionTokens(), bad, 1.0, "g"));
      UpdateStats st = p.update(b, Fixtures.loss());
      assertTrue(st.skipped());
      assertTrue(st.skipReason().contains("loss"), st.skipReason());
      assertArrayEquals(adapter, impl.adapterWeights());
      assertArrayEquals(moment, impl.firstMoment());
      assertArrayEquals(base, impl.weights());
      assertEquals(1, p.updateCount());

      // NaN adapter weights make the loss NaN: skipped, the adapter left exactly as it was.
      float[] nan = adapter.clone();
      nan[0] = Float.NaN;
      impl.setAdapterWeights(nan);
      st = p.supervisedUpdate(docs());
      assertTrue(st.skipped(), "NaN adapter");
      assertArrayEquals(nan, impl.adapterWeights());
      assertArrayEquals(moment, impl.firstMoment());
      assertEquals(1, p.updateCount());
      impl.setAdapterWeights(adapter);
      assertFalse(p.supervisedUpdate(docs()).skipped(), "a later good step runs");
    }
  }
}
