package dev.spice.djl;

import dev.spice.core.TrainablePolicy;
import dev.spice.core.model.TransformerConfig;
import dev.spice.core.testing.TrainablePolicyContract;
import dev.spice.core.text.WordTokenizer;
import java.util.List;

/** The core contract for the DJL policy (a tiny random Qwen3-style model and a word vocabulary). */
class DjlPolicyContractTest extends TrainablePolicyContract {
  static final List<String> WORDS = List.of("hello", "world", "what", "is", "two", "plus", "four", "A", "B");

  @Override
  protected TrainablePolicy createBackend() {
    WordTokenizer tok = WordTokenizer.withSpecialTokens(WORDS);
    return DjlPolicy.builder()
        .randomInit(TransformerConfig.tiny(tok.vocabSize(), 32, 2, 4, 2), 1)
        .tokenizer(tok)
        .optimizer(OptimizerSettings.adamW(1e-2))
        .build();
  }

  @Override
  protected double logProbTolerance() {
    return 1e-5;
  }
}
