package dev.spice.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.Completion;
import dev.spice.core.LossSettings;
import dev.spice.core.Prompt;
import dev.spice.core.Role;
import dev.spice.core.SamplingParams;
import dev.spice.core.TrainingSample;
import dev.spice.core.UpdateStats;
import dev.spice.core.internal.model.SafeTensors;
import dev.spice.core.model.TransformerConfig;
import dev.spice.core.text.WordTokenizer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Gradient checks on the backend's own forward pass, for every parameter tensor of every
 * supported architecture (tied and untied): the analytic gradient of the update's loss against a
 * central finite difference of the same loss recomputed from {@code scoreContinuations}, with
 * clipping off, clipping active, and the KL term on; one optimizer step moves every tensor that
 * has a gradient and nothing that has none; and a model learns to emit a token it is never fed.
 * {@link HfReferenceTest} checks the same gradients against Hugging Face transformers.
 */
class GradientCheckTest {

  static TransformerConfig untied(TransformerConfig c) {
    return new TransformerConfig(c.modelType(), c.vocabSize(), c.hiddenSize(), c.intermediateSize(), c.numLayers(),
        c.numHeads(), c.numKvHeads(), c.headDim(), c.rmsNormEps(), c.ropeTheta(), c.maxPositionEmbeddings(), false,
        c.attentionBias(), c.qkNorm(), c.bosTokenId(), c.eosTokenIds(), c.ropeScaling());
  }

  static TransformerConfig tied(TransformerConfig c) {
    return new TransformerConfig(c.modelType(), c.vocabSize(), c.hiddenSize(), c.intermediateSize(), c.numLayers(),
        c.numHeads(), c.numKvHeads(), c.headDim(), c.rmsNormEps(), c.ropeTheta(), c.maxPositionEmbeddings(), true,
        c.attentionBias(), c.qkNorm(), c.bosTokenId(), c.eosTokenIds(), c.ropeScaling());
  }

  static Stream<Arguments> architectures() {
    return Stream.of(
        Arguments.of("qwen3 tied", Fixtures.qwen3()),
        Arguments.of("qwen3 untied", untied(Fixtures.qwen3())),
        Arguments.of("llama untied", Fixtures.llama()),
        Arguments.of("llama tied", tied(Fixtures.llama())),
        Arguments.of("qwen2 tied", Fixtures.qwen2()),
        Arguments.of("qwen2 untied", untied(Fixtures.qwen2())));
  }

  private static final String[] PROMPTS = {"w1 w2 w3 w4", "w1 w2 w3 w4", "w9 w8", "w20", "w5 w6 w7 w30 w31"};
  private static final double[] ADVANTAGES = {1.0, -0.6, 0.8, -1.1, 0.4};
  private static final double[] SHIFTS = {-1.0, 0.0, 1.0};

  /** Sampled completions of {@link #PROMPTS} (2 to 5 tokens), with the policy's own log-probs. */
  private static List<Completion> rollouts(DjlPolicy p) {
    List<Prompt> prompts = new ArrayList<>();
    for (String s : PROMPTS) {
      prompts.add(Prompt.of(Role.REASONER, s));
    }
    List<Completion> out = new ArrayList<>();
    for (int i = 0; i < prompts.size(); i++) {
      Completion c = p.generate(List.of(prompts.get(i)), new SamplingParams(1.0, 1.0, 0, 2 + i % 4, List.of(), 11 + i))
          .get(0);
      out.add(c);
    }
    return out;
  }

  private static float[] score(DjlPolicy p, Completion c) {
    return p.scoreContinuations(List.of(Prompt.of(Role.REASONER, PROMPTS[indexOf(c)])), List.of(c.tokens())).get(0);
  }

  private static final Map<Completion, Integer> INDEX = new java.util.IdentityHashMap<>();

  private static int indexOf(Completion c) {
    return INDEX.get(c);
  }

  /** Samples whose old log-probs are the current ones, shifted by {@link #SHIFTS} when {@code clipped}. */
  private static List<TrainingSample> samples(DjlPolicy p, List<Completion> cs, boolean clipped) {
    List<TrainingSample> out = new ArrayList<>();
    int k = 0;
    for (int i = 0; i < cs.size(); i++) {
      Completion c = cs.get(i);
      float[] old = score(p, c);
      for (int j = 0; j < old.length; j++) {
        old[j] += clipped ? (float) SHIFTS[k++ % SHIFTS.length] : 0f;
      }
      out.add(new TrainingSample(Role.REASONER, Prompt.of(Role.REASONER, PROMPTS[i]), c.promptTokens(), c.tokens(),
          old, ADVANTAGES[i], "g" + i));
    }
    return out;
  }

  /** The update's loss, recomputed in double from scored log-probs (the forward pass only). */
  private static double loss(DjlPolicy p, List<Completion> cs, List<TrainingSample> batch, LossSettings ls,
      List<float[]> refLp) {
    double total = 0;
    double w = 1.0 / 8;
    for (int i = 0; i < cs.size(); i++) {
      float[] lp = score(p, cs.get(i));
      TrainingSample s = batch.get(i);
      for (int j = 0; j < lp.length; j++) {
        double r = Math.exp(lp[j] - (double) s.oldLogProbs()[j]);
        double a = s.advantage();
        double clipped = Math.min(Math.max(r, 1 - ls.clipLow()), 1 + ls.clipHigh());
        total -= w * Math.min(r * a, clipped * a);
        if (ls.klBeta() > 0) {
          double d = refLp.get(i)[j] - (double) lp[j];
          total += w * ls.klBeta() * (Math.exp(d) - d - 1);
        }
      }
    }
    return total;
  }

  static Map<String, float[]> byName(TransformerConfig cfg, float[] flat) {
    Map<String, float[]> m = new LinkedHashMap<>();
    for (SafeTensors.Tensor t : HfWeights.toHuggingFace(cfg, flat)) {
      m.put(t.name(), t.data());
    }
    return m;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("architectures")
  void analyticGradientMatchesFiniteDifferencesForEveryTensor(String label, TransformerConfig cfg) {
    try (DjlPolicy p = DjlPolicy.builder().randomInit(cfg, 5).tokenizer(Fixtures.tokenizer()).keepReference(true)
        .optimizer(OptimizerSettings.adamW(2e-2)).build()) {
      DjlPolicyImpl impl = (DjlPolicyImpl) p;
      List<Completion> cs = rollouts(p);
      for (int i = 0; i < cs.size(); i++) {
        INDEX.put(cs.get(i), i);
      }
      List<float[]> refLp = new ArrayList<>();
      for (Completion c : cs) {
        refLp.add(score(p, c));
      }
      // Move away from the initial weights (unit norms, reference = current) before checking.
      for (int i = 0; i < 3; i++) {
        UpdateStats st = p.update(samples(p, cs, false), Fixtures.loss());
        assertFalse(st.skipped(), st.skipReason());
      }
      for (String mode : new String[] {"unclipped", "clipped", "kl"}) {
        LossSettings ls = new LossSettings(0.2, 0.28, mode.equals("kl") ? 0.5 : 0, Fixtures.constant(8));
        List<TrainingSample> batch = samples(p, cs, !mode.equals("unclipped"));
        float[] w0 = impl.weights();
        Map<String, float[]> grads = byName(cfg, impl.lossGradient(batch, ls));
        Map<String, float[]> weights = byName(cfg, w0);
        // The loss curves strongly along a unit step in the gradient's direction: a small step keeps
        // the truncation error under the float32 noise of the scored log-probs (about 1e-7 / h).
        double h = 1e-3;
        for (Map.Entry<String, float[]> e : grads.entrySet()) {
          String name = e.getKey();
          float[] g = e.getValue();
          double norm = 0;
          for (float x : g) {
            norm += (double) x * x;
          }
          norm = Math.sqrt(norm);
          String where = label + ", " + mode + ", " + name;
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
            impl.setWeights(flat(cfg, moved));
            fd[side] = loss(p, cs, batch, ls, refLp);
          }
          impl.setWeights(w0);
          double derivative = (fd[0] - fd[1]) / (2 * h);
          assertEquals(norm, derivative, 0.01 * norm + 3e-4, where + ": finite difference");
        }
      }
    }
  }

  /** The flat layout of Hugging Face tensors (the inverse of {@link HfWeights#toHuggingFace}). */
  static float[] flat(TransformerConfig cfg, Map<String, float[]> tensors) {
    SafeTensors.Reader r = new MapReader(cfg, tensors);
    return HfWeights.fromHuggingFace(cfg, r, "test");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("architectures")
  void oneStepMovesEveryTensorWithAGradientAndNothingElse(String label, TransformerConfig cfg) {
    OptimizerSettings noDecay = new OptimizerSettings(1e-3, 0.9, 0.999, 1e-8, 0.0, 1.0, 0);
    try (DjlPolicy p = DjlPolicy.builder().randomInit(cfg, 9).tokenizer(Fixtures.tokenizer()).optimizer(noDecay)
        .build()) {
      DjlPolicyImpl impl = (DjlPolicyImpl) p;
      List<Completion> cs = rollouts(p);
      for (int i = 0; i < cs.size(); i++) {
        INDEX.put(cs.get(i), i);
      }
      Set<Integer> fed = new HashSet<>();
      for (Completion c : cs) {
        for (int t : c.promptTokens()) {
          fed.add(t);
        }
        for (int j = 0; j < c.tokens().length - 1; j++) {
          fed.add(c.tokens()[j]);
        }
      }
      Map<String, float[]> before = byName(cfg, impl.weights());
      UpdateStats st = p.update(samples(p, cs, false), Fixtures.loss());
      assertFalse(st.skipped(), st.skipReason());
      Map<String, float[]> after = byName(cfg, impl.weights());
      int h = cfg.hiddenSize();
      for (String name : before.keySet()) {
        float[] a = before.get(name);
        float[] b = after.get(name);
        if (name.equals("model.embed_tokens.weight")) {
          for (int row = 0; row < cfg.vocabSize(); row++) {
            boolean moved = false;
            for (int j = 0; j < h; j++) {
              moved |= a[row * h + j] != b[row * h + j];
            }
            // Untied: only rows fed as input have a gradient. Tied: the output side reaches every row.
            boolean expected = cfg.tieWordEmbeddings() || fed.contains(row);
            assertEquals(expected, moved, label + ": embedding row " + row + (fed.contains(row) ? " (fed)" : ""));
          }
        } else {
          double maxDiff = 0;
          for (int i = 0; i < a.length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs(a[i] - b[i]));
          }
          assertTrue(maxDiff > 1e-5, label + ": " + name + " did not move (max difference " + maxDiff + ")");
        }
      }
      assertTrue(fed.size() < cfg.vocabSize(), "some tokens must stay unfed for the check to mean something");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("architectures")
  void learnsToEmitATokenItIsNeverFed(String label, TransformerConfig cfg) {
    WordTokenizer tok = Fixtures.tokenizer();
    int eos = tok.tokenId(WordTokenizer.EOS);
    try (DjlPolicy p = DjlPolicy.builder().randomInit(cfg, 4).tokenizer(tok).optimizer(OptimizerSettings.adamW(1e-2))
        .build()) {
      Prompt prompt = Prompt.of(Role.REASONER, "w1 w2 w3");
      int[] promptIds = tok.encode("w1 w2 w3");
      int[] target = {tok.tokenId("w7"), eos};
      double before = Math.exp(p.scoreContinuations(List.of(prompt), List.of(target)).get(0)[1]);
      assertTrue(before < 0.2, label + ": P(eos) starts low, got " + before);
      double pEos = before;
      for (int step = 0; step < 60 && pEos <= 0.95; step++) {
        float[] old = p.scoreContinuations(List.of(prompt), List.of(target)).get(0);
        UpdateStats st = p.update(List.of(new TrainingSample(Role.REASONER, prompt, promptIds, target, old, 1.0, "g")),
            Fixtures.loss());
        assertFalse(st.skipped(), st.skipReason());
        pEos = Math.exp(p.scoreContinuations(List.of(prompt), List.of(target)).get(0)[1]);
      }
      assertTrue(pEos > 0.9, label + ": P(eos | prompt, w7) = " + pEos + " after training (was " + before + ")");
    }
  }

  /** Hugging Face tensors held in memory, as a reader for {@link HfWeights#fromHuggingFace}. */
  private record MapReader(TransformerConfig cfg, Map<String, float[]> tensors) implements SafeTensors.Reader {
    @Override
    public List<String> names() {
      return List.copyOf(tensors.keySet());
    }

    @Override
    public SafeTensors.TensorInfo info(String name) {
      return new SafeTensors.TensorInfo(name, SafeTensors.DType.F32, cfg.tensorShapes().get(name), 0,
          4L * tensors.get(name).length);
    }

    @Override
    public java.nio.ByteBuffer bytes(String name) {
      float[] v = tensors.get(name);
      java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 * v.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
      b.asFloatBuffer().put(v);
      return b;
    }

    @Override
    public Map<String, String> metadata() {
      return Map.of();
    }

    @Override
    public void close() {}
  }
}
