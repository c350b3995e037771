package dev.spice.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.spice.core.Completion;
import dev.spice.core.Prompt;
import dev.spice.core.Role;
import dev.spice.core.SamplingParams;
import dev.spice.core.testing.HfReference;
import dev.spice.core.text.WordTokenizer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Exported graphs against Hugging Face transformers ({@link HfReference}): log-probs of the
 * reference samples and greedy decoding (with and without the KV cache) for Llama with llama3 rope
 * scaling, Llama, Qwen2 and Qwen3, tied and untied.
 */
class OnnxHfReferenceTest {
  @TempDir
  static Path tmp;

  static Stream<String> models() {
    return HfReference.MODELS.stream();
  }

  @ParameterizedTest
  @MethodSource("models")
  void logProbsAndGreedyDecodingMatchTransformers(String name) {
    Path ckpt = HfReference.extract(name, tmp.resolve("ckpt"));
    Map<String, Object> ref = HfReference.reference(ckpt);
    for (boolean cache : new boolean[] {true, false}) {
      Path model = OnnxExporter.export(ckpt, tmp.resolve("onnx-" + name + "-" + cache), cache).model();
      try (OnnxPolicy p = OnnxPolicy.builder().model(model).tokenizer(WordTokenizer.of(HfReference.VOCABULARY))
          .eosTokenIds(List.of()).build()) {
        String where = name + (cache ? " with cache" : " without cache");
        for (Map<String, Object> s : HfReference.samples(ref)) {
          int[] prompt = HfReference.ints(s.get("prompt"));
          int[] completion = HfReference.ints(s.get("completion"));
          double[] want = HfReference.doubles(s.get("logprobs"));
          float[] got = p.scoreContinuations(List.of(Prompt.of(Role.REASONER, HfReference.text(prompt))),
              List.of(completion)).get(0);
          for (int k = 0; k < want.length; k++) {
            assertEquals(want[k], got[k], 2e-4, where + ": token " + k + " of " + s.get("completion"));
          }
        }
        int[] prompt = HfReference.ints(ref.get("greedy_prompt"));
        int[] greedy = HfReference.ints(ref.get("greedy"));
        double[] greedyLp = HfReference.doubles(ref.get("greedy_logprobs"));
        Completion c = p.generate(List.of(Prompt.of(Role.REASONER, HfReference.text(prompt))),
            new SamplingParams(1.0, 1.0, 1, greedy.length, List.of(), 1)).get(0);
        assertArrayEquals(greedy, c.tokens(), where + ": greedy tokens");
        for (int k = 0; k < greedy.length; k++) {
          assertEquals(greedyLp[k], c.logProbs()[k], 2e-4, where + ": greedy log-prob " + k);
        }
      }
    }
  }
}
