package dev.spice.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.Completion;
import dev.spice.core.LossSettings;
import dev.spice.core.Prompt;
import dev.spice.core.Role;
import dev.spice.core.SamplingParams;
import dev.spice.core.TrainingSample;
import dev.spice.core.internal.json.Json;
import dev.spice.core.internal.model.SafeTensors;
import dev.spice.core.model.TransformerConfig;
import dev.spice.core.testing.HfReference;
import dev.spice.core.text.PromptTemplate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The DJL backend against Hugging Face transformers as an independent reference: log-probs,
 * greedy decoding through the KV cache, and the gradient of the clipped policy-gradient loss with
 * respect to every parameter tensor (clipping inactive and active), for Llama (with Llama 3 rope
 * scaling, untied; and tied), Qwen2 (q/k/v biases, tied) and Qwen3 (q/k norms, tied and untied).
 *
 * <p>The reference files ({@link HfReference}, in spice-core's test jar) were made by spice-core's
 * {@code src/test/python/make_hf_reference.py} (torch 2.11, transformers 5.17, float64): random
 * float32 checkpoints saved by transformers itself, and float64 log-probs and gradients of each.
 * The training samples exercise the shared-prompt path, left padding and one-token completions.
 */
class HfReferenceTest {

  @TempDir
  static Path tmp;

  static Stream<String> models() {
    return HfReference.MODELS.stream();
  }

  private static Path dir(String name) {
    Path d = tmp.resolve(name);
    return Files.isDirectory(d) ? d : HfReference.extract(name, tmp);
  }

  private static Map<String, Object> reference(String name) {
    return HfReference.reference(dir(name));
  }

  private static DjlPolicy load(String name, int microBatch) {
    return DjlPolicy.builder().pretrained(dir(name)).tokenizer(Fixtures.tokenizer()).template(PromptTemplate.RAW)
        .microBatchSize(microBatch).build();
  }

  private static List<Map<String, Object>> samples(Map<String, Object> ref) {
    return HfReference.samples(ref);
  }

  private static int[] ints(Object list) {
    return HfReference.ints(list);
  }

  private static double[] doubles(Object list) {
    return HfReference.doubles(list);
  }

  private static String text(int[] ids) {
    return HfReference.text(ids);
  }

  @ParameterizedTest
  @MethodSource("models")
  void configIsReadAsTransformersWroteIt(String name) throws IOException {
    TransformerConfig cfg = TransformerConfig.read(dir(name).resolve("config.json"));
    Map<String, Object> raw = Json.parseObject(Files.readString(dir(name).resolve("config.json")));
    @SuppressWarnings("unchecked")
    Map<String, Object> rope = (Map<String, Object>) raw.get("rope_parameters");
    assertEquals(((Number) rope.get("rope_theta")).doubleValue(), cfg.ropeTheta(), "rope_theta");
    assertEquals(rope.get("rope_type"), cfg.ropeScaling().type());
    assertEquals(name.contains("-tied"), cfg.tieWordEmbeddings());
  }

  @ParameterizedTest
  @MethodSource("models")
  void scoredLogProbsMatchTransformers(String name) throws IOException {
    Map<String, Object> ref = reference(name);
    try (DjlPolicy p = load(name, 0)) {
      for (Map<String, Object> s : samples(ref)) {
        int[] prompt = ints(s.get("prompt"));
        int[] completion = ints(s.get("completion"));
        double[] want = doubles(s.get("logprobs"));
        Prompt pr = Prompt.of(Role.REASONER, text(prompt));
        float[] got = p.scoreContinuations(List.of(pr), List.of(completion)).get(0);
        for (int k = 0; k < want.length; k++) {
          assertEquals(want[k], got[k], 2e-4, name + " token " + k + " of " + s);
        }
      }
    }
  }

  @ParameterizedTest
  @MethodSource("models")
  void greedyDecodingThroughTheCacheMatchesTransformers(String name) throws IOException {
    Map<String, Object> ref = reference(name);
    int[] prompt = ints(ref.get("greedy_prompt"));
    int[] want = ints(ref.get("greedy"));
    double[] wantLp = doubles(ref.get("greedy_logprobs"));
    try (DjlPolicy p = load(name, 0)) {
      Completion c = p.generate(List.of(Prompt.of(Role.REASONER, text(prompt))),
          new SamplingParams(1.0, 1.0, 1, want.length, List.of(), 3)).get(0);
      assertArrayEquals(prompt, c.promptTokens());
      assertArrayEquals(want, c.tokens(), name + ": greedy tokens");
      for (int k = 0; k < want.length; k++) {
        assertEquals(wantLp[k], c.logProbs()[k], 2e-4, name + ": greedy log-prob " + k);
      }
    }
  }

  @ParameterizedTest
  @MethodSource("models")
  void everyParameterGetsTheReferenceGradient(String name) throws IOException {
    Map<String, Object> ref = reference(name);
    for (int microBatch : new int[] {0, 1}) {
      for (boolean clipped : new boolean[] {false, true}) {
        try (DjlPolicy p = load(name, microBatch);
            SafeTensors.Reader grads = SafeTensors.open(dir(name).resolve("gradients.safetensors"))) {
          List<TrainingSample> batch = new ArrayList<>();
          for (Map<String, Object> s : samples(ref)) {
            double[] lp = doubles(s.get("logprobs"));
            double[] shift = doubles(s.get("old_shift"));
            float[] old = new float[lp.length];
            for (int k = 0; k < lp.length; k++) {
              old[k] = (float) (lp[k] + (clipped ? shift[k] : 0));
            }
            int[] prompt = ints(s.get("prompt"));
            batch.add(new TrainingSample(Role.REASONER, Prompt.of(Role.REASONER, text(prompt)), prompt,
                ints(s.get("completion")), old, ((Number) s.get("advantage")).doubleValue(), "g"));
          }
          LossSettings loss = new LossSettings(0.2, 0.28, 0, Fixtures.constant(8));
          float[] flat = ((DjlPolicyImpl) p).lossGradient(batch, loss);
          String prefix = clipped ? "clip." : "noclip.";
          String where = name + (clipped ? " clipped" : " unclipped") + ", micro-batch " + microBatch;
          int checked = 0;
          for (SafeTensors.Tensor t : HfWeights.toHuggingFace(p.config(), flat)) {
            float[] want = grads.floats(prefix + t.name());
            float[] got = t.data();
            assertEquals(want.length, got.length, t.name());
            double diff = 0;
            double norm = 0;
            for (int i = 0; i < want.length; i++) {
              diff += (got[i] - (double) want[i]) * (got[i] - (double) want[i]);
              norm += (double) want[i] * want[i];
            }
            diff = Math.sqrt(diff);
            norm = Math.sqrt(norm);
            assertTrue(norm > 1e-6, where + ": reference gradient of " + t.name() + " is zero");
            assertTrue(diff <= 1e-3 * norm, where + ": gradient of " + t.name() + " is off by " + diff + " (norm "
                + norm + ")");
            checked++;
          }
          assertEquals(p.config().tensorShapes().size(), checked);
        }
      }
    }
  }
}
