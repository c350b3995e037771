package dev.spice.examples.parity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.Completion;
import dev.spice.core.LossSettings;
import dev.spice.core.Prompt;
import dev.spice.core.Role;
import dev.spice.core.SamplingParams;
import dev.spice.core.TrainingSample;
import dev.spice.core.model.TransformerConfig;
import dev.spice.core.text.PromptTemplate;
import dev.spice.core.text.WordTokenizer;
import dev.spice.djl.DjlPolicy;
import dev.spice.onnx.OnnxExporter;
import dev.spice.onnx.OnnxPolicy;
import dev.spice.rewards.LossAggregations;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same weights give the same policy in both backends: a DJL model trained a few steps, saved
 * in the Hugging Face layout and exported to ONNX, scores continuations with the same
 * log-probabilities and, since both backends share one sampler, draws the same tokens from the
 * same seed.
 */
class DjlOnnxParityTest {
  private static final List<String> WORDS = List.of("alpha", "beta", "gamma", "delta", "one", "two", "three",
      "four", "five", "is", "what", "?", "MCQ", "FREE", "A", "B", "C", "D");

  @Test
  void djlAndOnnxAgreeOnLogProbsAndSampledTokens(@TempDir Path dir) {
    WordTokenizer tokenizer = WordTokenizer.withSpecialTokens(WORDS);
    int eos = tokenizer.tokenId(WordTokenizer.EOS);
    TransformerConfig cfg = new TransformerConfig("qwen3", tokenizer.vocabSize(), 32, 64, 2, 4, 2, 8, 1e-6, 10_000,
        64, true, false, true, -1, List.of(eos));
    List<Prompt> prompts = List.of(Prompt.of(Role.CHALLENGER, "alpha is one beta is two"),
        Prompt.of(Role.REASONER, "what is alpha ?"), Prompt.of(Role.REASONER, "FREE gamma"),
        Prompt.of(Role.REASONER, "what is alpha ?"));
    SamplingParams params = new SamplingParams(1.0, 1.0, 0, 5, List.of(), 17);
    try (DjlPolicy djl = DjlPolicy.builder().randomInit(cfg, 5).tokenizer(tokenizer).template(PromptTemplate.RAW)
        .build()) {
      // a few updates so the exported weights are trained ones, not the initialisation
      LossSettings loss = new LossSettings(0.2, 0.2, 0, LossAggregations.drGrpo(16));
      for (int step = 0; step < 3; step++) {
        List<Completion> out = djl.generate(prompts, params.withSeed(step));
        List<TrainingSample> batch = new ArrayList<>();
        for (int i = 0; i < out.size(); i++) {
          if (out.get(i).tokens().length > 0) {
            batch.add(TrainingSample.of(prompts.get(i).role(), prompts.get(i), out.get(i), i % 2 == 0 ? 1 : -1, "g" + i));
          }
        }
        djl.update(batch, loss);
      }
      Path hf = dir.resolve("hf");
      djl.savePretrained(hf);
      OnnxExporter.export(hf, dir.resolve("onnx"));
      try (OnnxPolicy onnx = OnnxPolicy.builder().model(dir.resolve("onnx")).threads(1).build()) {
        List<Completion> a = djl.generate(prompts, params);
        List<Completion> b = onnx.generate(prompts, params);
        List<int[]> conts = new ArrayList<>();
        for (int i = 0; i < prompts.size(); i++) {
          assertArrayEquals(a.get(i).promptTokens(), b.get(i).promptTokens(), "prompt tokens of row " + i);
          conts.add(a.get(i).tokens());
        }
        List<float[]> sa = djl.scoreContinuations(prompts, conts);
        List<float[]> sb = onnx.scoreContinuations(prompts, conts);
        int sameRows = 0;
        for (int i = 0; i < prompts.size(); i++) {
          assertEquals(sa.get(i).length, sb.get(i).length);
          for (int t = 0; t < sa.get(i).length; t++) {
            assertEquals(sa.get(i)[t], sb.get(i)[t], 1e-4, "row " + i + " token " + t);
          }
          if (java.util.Arrays.equals(a.get(i).tokens(), b.get(i).tokens())) {
            sameRows++;
            for (int t = 0; t < a.get(i).logProbs().length; t++) {
              assertEquals(a.get(i).logProbs()[t], b.get(i).logProbs()[t], 1e-4, "sampled log-prob row " + i);
            }
          }
        }
        // identical logits up to ~1e-6 and one shared sampler: a draw can only differ when a uniform
        // falls within ~1e-6 of a CDF boundary, which these seeds do not hit
        assertEquals(prompts.size(), sameRows, "rows with identical sampled tokens");
        assertTrue(a.stream().anyMatch(c -> c.tokens().length > 1), "the test generates real sequences");
      }
    }
  }
}
