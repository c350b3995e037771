package dev.spice.examples.parity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.spice.core.Prompt;
import dev.spice.core.Role;
import dev.spice.core.SupervisedSample;
import dev.spice.core.model.TransformerConfig;
import dev.spice.core.text.PromptTemplate;
import dev.spice.core.text.WordTokenizer;
import dev.spice.djl.DjlPolicy;
import dev.spice.djl.LoraSettings;
import dev.spice.djl.OptimizerSettings;
import dev.spice.onnx.OnnxExporter;
import dev.spice.onnx.OnnxPolicy;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * LoRA export: a DJL policy with trained adapters, saved merged ({@code savePretrained}) and
 * exported by the unchanged {@link OnnxExporter}, scores continuations as the LoRA policy does.
 */
class LoraOnnxExportTest {
  private static final List<String> WORDS = List.of("alpha", "beta", "gamma", "delta", "one", "two", "three",
      "four", "is", "what", "?");

  @Test
  void mergedAdapterExportsToOnnxWithTheSameLogProbs(@TempDir Path dir) {
    WordTokenizer tok = WordTokenizer.withSpecialTokens(WORDS);
    int eos = tok.tokenId(WordTokenizer.EOS);
    TransformerConfig cfg = new TransformerConfig("qwen3", tok.vocabSize(), 32, 64, 2, 4, 2, 8, 1e-6, 10_000,
        64, true, false, true, -1, List.of(eos));
    List<Prompt> prompts = List.of(Prompt.of(Role.REASONER, "what is alpha ?"), Prompt.of(Role.CHALLENGER, "beta"));
    List<int[]> conts = List.of(tok.encode("alpha is one <eos>"), tok.encode("two three"));
    LoraSettings lora = LoraSettings.builder().rank(4).alpha(8).targetModules(Set.copyOf(LoraSettings.MODULES))
        .build();
    try (DjlPolicy djl = DjlPolicy.builder().randomInit(cfg, 5).tokenizer(tok).template(PromptTemplate.RAW)
        .optimizer(OptimizerSettings.adamW(3e-2)).lora(lora).build()) {
      List<SupervisedSample> docs = List.of(SupervisedSample.document(tok.encode("what is alpha ? alpha is one <eos>")),
          SupervisedSample.document(tok.encode("beta two three four <eos>")));
      for (int step = 0; step < 4; step++) {
        assertFalse(djl.supervisedUpdate(docs).skipped());
      }
      Path hf = dir.resolve("merged");
      djl.savePretrained(hf);
      OnnxExporter.export(hf, dir.resolve("onnx"));
      try (OnnxPolicy onnx = OnnxPolicy.builder().model(dir.resolve("onnx")).threads(1).build()) {
        List<float[]> a = djl.scoreContinuations(prompts, conts);
        List<float[]> b = onnx.scoreContinuations(prompts, conts);
        for (int i = 0; i < prompts.size(); i++) {
          assertEquals(a.get(i).length, b.get(i).length);
          for (int t = 0; t < a.get(i).length; t++) {
            assertEquals(a.get(i)[t], b.get(i)[t], 1e-4, "row " + i + " token " + t);
          }
        }
      }
    }
  }
}
