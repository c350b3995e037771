package dev.spice.djl;

import dev.spice.core.LossAggregation;
import dev.spice.core.LossSettings;
import dev.spice.core.model.TransformerConfig;
import dev.spice.core.text.WordTokenizer;
import java.util.ArrayList;
import java.util.List;

/** Small models and vocabularies for the tests. */
final class Fixtures {
  private Fixtures() {}

  static final List<String> WORDS = words(40);

  static List<String> words(int n) {
    List<String> w = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      w.add("w" + i);
    }
    return w;
  }

  static WordTokenizer tokenizer() {
    return WordTokenizer.withSpecialTokens(WORDS);
  }

  /** Qwen3-style: tied embeddings, q/k norms, GQA 4/2. */
  static TransformerConfig qwen3() {
    return TransformerConfig.tiny(44, 32, 2, 4, 2);
  }

  /** Llama-style: untied, no q/k norm, GQA 4/1, rope theta 500000. */
  static TransformerConfig llama() {
    return new TransformerConfig("llama", 44, 32, 48, 2, 4, 1, 8, 1e-5, 500_000, 256, false, false, false, 2,
        List.of(3));
  }

  /** Qwen2-style: q/k/v biases, MHA. */
  static TransformerConfig qwen2() {
    return new TransformerConfig("qwen2", 44, 24, 40, 1, 2, 2, 12, 1e-6, 1_000_000, 256, true, true, false, -1,
        List.of(3));
  }

  static DjlPolicy policy(TransformerConfig cfg, long seed, OptimizerSettings opt) {
    return DjlPolicy.builder().randomInit(cfg, seed).tokenizer(tokenizer()).optimizer(opt).build();
  }

  /** Dr. GRPO constant normaliser. */
  static LossAggregation constant(double norm) {
    return new LossAggregation() {
      @Override
      public String name() {
        return "constant(" + norm + ")";
      }

      @Override
      public double[] sampleWeights(int[] lengths) {
        double[] w = new double[lengths.length];
        java.util.Arrays.fill(w, 1.0 / norm);
        return w;
      }
    };
  }

  /** Global token mean: weights depend on the whole batch. */
  static LossAggregation tokenMean() {
    return new LossAggregation() {
      @Override
      public String name() {
        return "token_mean";
      }

      @Override
      public double[] sampleWeights(int[] lengths) {
        long total = 0;
        for (int l : lengths) {
          total += l;
        }
        double[] w = new double[lengths.length];
        java.util.Arrays.fill(w, 1.0 / Math.max(1, total));
        return w;
      }
    };
  }

  static LossSettings loss() {
    return new LossSettings(0.2, 0.28, 0, constant(8));
  }
}
