package dev.spice.benchmarks.remote;

import dev.spice.core.PolicyBackend;
import dev.spice.core.Prompt;
import dev.spice.core.Role;
import dev.spice.core.SpiceException;
import dev.spice.core.model.TransformerConfig;
import dev.spice.core.text.PromptTemplate;
import dev.spice.core.text.WordTokenizer;
import dev.spice.djl.DjlPolicy;
import dev.spice.djl.LoraSettings;
import dev.spice.djl.OptimizerSettings;
import dev.spice.serve.AdapterHost;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A random-init Qwen3-style model written to a Hugging Face folder, with a word tokenizer: the
 * quickstart's size (width 64, 2 layers, about 120k parameters) or about 10M parameters (width
 * 320, 6 layers, vocab 4096, as {@code DjlBackendBench}'s 10M).
 */
final class BenchModel {
  final String name;
  final TransformerConfig config;
  final WordTokenizer tokenizer;
  final Path dir;
  final int threads;

  private BenchModel(String name, TransformerConfig config, WordTokenizer tokenizer, Path dir, int threads) {
    this.name = name;
    this.config = config;
    this.tokenizer = tokenizer;
    this.dir = dir;
    this.threads = threads;
  }

  /**
   * Creates the model folder under {@code root}.
   *
   * @param size {@code quickstart} or {@code 10M}
   */
  static BenchModel create(String size, Path root, int threads) {
    int vocab;
    TransformerConfig cfg;
    switch (size) {
      case "quickstart" -> {
        vocab = 256;
        cfg = TransformerConfig.tiny(vocab, 64, 2, 4, 4);
      }
      case "10M" -> {
        vocab = 4096;
        cfg = new TransformerConfig("qwen3", vocab, 320, 960, 6, 5, 5, 64, 1e-6, 10_000, 1024, true, false, true,
            -1, List.of());
      }
      default -> throw new IllegalArgumentException("model size must be quickstart or 10M, got '" + size + "'");
    }
    List<String> words = new ArrayList<>();
    for (int i = 0; i < vocab - 4; i++) {
      words.add("t" + i);
    }
    WordTokenizer tok = WordTokenizer.withSpecialTokens(words);
    if (tok.vocabSize() != vocab) {
      throw new IllegalStateException("tokenizer has " + tok.vocabSize() + " ids, the config " + vocab);
    }
    Path dir = root.resolve("model-" + size);
    try (DjlPolicy p = DjlPolicy.builder().randomInit(cfg, 1).tokenizer(tok).threads(threads).build()) {
      p.savePretrained(dir);
    }
    return new BenchModel(size, cfg, tok, dir, threads);
  }

  /** The policy of the folder's weights (RAW template, the harness's thread count). */
  DjlPolicy load() {
    return base().build();
  }

  /** A LoRA trainer over the folder's weights: rank 8, alpha 16, all seven projections. */
  DjlPolicy loraTrainer() {
    return base().lora(LoraSettings.builder().rank(8).alpha(16).build()).optimizer(OptimizerSettings.adamW(1e-4))
        .build();
  }

  private DjlPolicy.Builder base() {
    return DjlPolicy.builder().pretrained(dir).tokenizer(tokenizer).template(PromptTemplate.RAW).threads(threads);
  }

  /** {@code count} prompts of {@code words} random vocabulary words, seeded. */
  List<Prompt> prompts(int count, int words, long seed) {
    Random r = new Random(seed);
    List<Prompt> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      StringBuilder sb = new StringBuilder();
      for (int j = 0; j < words; j++) {
        sb.append(j == 0 ? "" : " ").append('t').append(r.nextInt(config.vocabSize() - 4));
      }
      out.add(Prompt.of(Role.REASONER, sb.toString()));
    }
    return out;
  }

  /**
   * The server side of the LoRA endpoints: each load makes a policy of the served base plus the
   * adapter, sharing the base's weights ({@code DjlPolicy.withAdapter}), as {@code spice serve
   * --enable-lora} does; with {@code rebuild}, as before that existed: a policy built from the base
   * folder plus the adapter ({@code DjlPolicy.Builder.loraAdapter}), its own copy of the base.
   */
  AdapterHost adapterHost(DjlPolicy served, boolean rebuild) {
    Map<String, DjlPolicy> loaded = new ConcurrentHashMap<>();
    return new AdapterHost() {
      @Override
      public PolicyBackend load(String adapter, Path path) {
        DjlPolicy p = rebuild ? base().loraAdapter(path).build() : served.withAdapter(path);
        loaded.put(adapter, p);
        return p;
      }

      @Override
      public void unload(String adapter) {
        DjlPolicy p = loaded.remove(adapter);
        if (p == null) {
          throw new SpiceException.BackendException("adapter '" + adapter + "' was not loaded by this host");
        }
        p.close();
      }
    };
  }
}
