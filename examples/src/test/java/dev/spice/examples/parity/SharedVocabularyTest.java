package dev.spice.examples.parity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.Completion;
import dev.spice.core.Prompt;
import dev.spice.core.Role;
import dev.spice.core.SamplingParams;
import dev.spice.core.model.TransformerConfig;
import dev.spice.core.text.PromptTemplate;
import dev.spice.core.text.WordTokenizer;
import dev.spice.djl.DjlPolicy;
import dev.spice.onnx.OnnxExporter;
import dev.spice.onnx.OnnxPolicy;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One vocabulary for both backends: the same core {@link WordTokenizer} object and the same
 * hand-made lambda {@link PromptTemplate} go into the DJL and the ONNX builders, and the two
 * policies then read the same prompt ids, sample the same tokens and decode the same text.
 */
class SharedVocabularyTest {
  private static final List<String> WORDS = List.of("question", "answer", "alpha", "beta", "gamma", "yes", "no",
      ":");

  @Test
  void oneWordTokenizerAndOneLambdaTemplateServeBothBuilders(@TempDir Path dir) {
    WordTokenizer vocabulary = WordTokenizer.withSpecialTokens(WORDS);
    PromptTemplate template = p -> "question " + p.text() + " answer :";
    int eos = vocabulary.tokenId(WordTokenizer.EOS);
    TransformerConfig cfg = new TransformerConfig("qwen3", vocabulary.vocabSize(), 32, 64, 2, 4, 2, 8, 1e-6, 10_000,
        64, true, false, true, -1, List.of(eos));
    List<Prompt> prompts = List.of(Prompt.of(Role.REASONER, "alpha beta"), Prompt.of(Role.CHALLENGER, "gamma"),
        Prompt.of(Role.REASONER, "alpha unknownword"));
    SamplingParams params = new SamplingParams(1.0, 1.0, 0, 6, List.of(), 23);
    try (DjlPolicy djl = DjlPolicy.builder().randomInit(cfg, 11).tokenizer(vocabulary).template(template).threads(1)
        .build()) {
      Path hf = dir.resolve("hf");
      djl.savePretrained(hf);
      OnnxExporter.export(hf, dir.resolve("onnx"));
      try (OnnxPolicy onnx = OnnxPolicy.builder().model(dir.resolve("onnx")).tokenizer(vocabulary).template(template)
          .threads(1).build()) {
        List<Completion> a = djl.generate(prompts, params);
        List<Completion> b = onnx.generate(prompts, params);
        for (int i = 0; i < prompts.size(); i++) {
          int[] expected = vocabulary.encode(template.render(prompts.get(i)));
          assertArrayEquals(expected, a.get(i).promptTokens(), "DJL prompt ids of row " + i);
          assertArrayEquals(expected, b.get(i).promptTokens(), "ONNX prompt ids of row " + i);
          assertArrayEquals(a.get(i).tokens(), b.get(i).tokens(), "sampled tokens of row " + i);
          assertEquals(a.get(i).text(), b.get(i).text(), "text of row " + i);
          assertEquals(a.get(i).finishReason(), b.get(i).finishReason(), "finish of row " + i);
        }
        assertEquals(vocabulary.tokenId(WordTokenizer.UNK), b.get(2).promptTokens()[2], "<unk> in both");
        String text = "alpha <pad> beta <eos> yes";
        assertArrayEquals(djl.tokenize(text), onnx.tokenize(text));
        assertEquals(djl.detokenize(djl.tokenize(text)), onnx.detokenize(onnx.tokenize(text)));
        assertEquals("alpha beta yes", onnx.detokenize(onnx.tokenize(text)), "both drop <pad> and <eos>");
        assertTrue(a.stream().anyMatch(c -> c.tokens().length > 1), "the test generates real sequences");
      }
      assertArrayEquals(new int[] {6, 7}, vocabulary.encode("alpha beta"), "neither policy closed the tokenizer");
    }
  }
}
