package dev.spice.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.SpiceException;
import dev.spice.core.model.TransformerConfig;
import dev.spice.core.text.PromptTemplate;
import dev.spice.core.text.Tokenizer;
import dev.spice.core.text.WordTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every option key of {@link DjlPolicyProvider} reaches the builder with the documented default
 * or the given value; bad values are named. No model is built here.
 */
class ProviderOptionsTest {
  @TempDir Path dir;
  Path config;
  Path vocab;

  @BeforeEach
  void files() throws Exception {
    config = dir.resolve("config.json");
    Fixtures.qwen3().write(config);
    vocab = Files.writeString(dir.resolve("vocab.txt"), "a\n\n  b \n\t\nc\n");
  }

  private Map<String, String> random(String... kv) {
    Map<String, String> m = new HashMap<>(Map.of("config", config.toString(), "vocab", vocab.toString()));
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }

  private static String refused(Map<String, String> options) {
    return assertThrows(SpiceException.ConfigurationException.class, () -> DjlPolicyProvider.configure(options))
        .getMessage();
  }

  @Test
  void theProviderIsTheTrainableDefault() {
    DjlPolicyProvider p = new DjlPolicyProvider();
    assertEquals("djl", p.name());
    assertTrue(p.rank() > 0, "preferred over rank-0 backends when none is named");
    assertTrue(p.isAvailable(), "PyTorch is on the test class path");
    assertEquals(Set.of("model", "config", "vocab", "seed", "tokenizer", "template", "device", "threads",
        "micro_batch_size", "generation_batch_size", "learning_rate", "beta1", "beta2", "epsilon", "weight_decay",
        "grad_clip", "warmup_steps", "keep_reference", "eos_when_constrained", "add_bos", "lora_rank", "lora_alpha",
        "lora_target_modules", "lora_seed", "lora_adapter", "base_dtype"), DjlPolicyProvider.KEYS);
  }

  @Test
  void defaults() {
    DjlPolicy.Builder b = DjlPolicyProvider.configure(random());
    assertEquals(Fixtures.qwen3(), b.config);
    assertEquals(0, b.seed);
    assertNull(b.pretrained);
    assertEquals(List.of("a", "b", "c"), ((WordTokenizer) b.tokenizer).vocabulary(), "blank lines ignored, stripped");
    assertNull(b.template, "the builder's own default");
    assertEquals("cpu", b.device);
    assertEquals(0, b.threads);
    assertEquals(0, b.microBatchSize);
    assertEquals(256, b.generationBatchSize);
    assertEquals(OptimizerSettings.adamW(1e-6), b.optimizer);
    assertFalse(b.keepReference);
    assertTrue(b.eosWhenConstrained);
    assertFalse(b.addBos);
  }

  @Test
  void everyOptionIsApplied() {
    DjlPolicy.Builder b = DjlPolicyProvider.configure(random("seed", " 7 ", "template", "chatml", "device", "gpu:1",
        "threads", "2", "micro_batch_size", "4", "generation_batch_size", "16", "learning_rate", "1e-3",
        "beta1", "0.8", "beta2", "0.95", "epsilon", "1e-6", "weight_decay", "0.1", "grad_clip", "0.5",
        "warmup_steps", "10", "keep_reference", "TRUE", "eos_when_constrained", " false ", "add_bos", "true"));
    assertEquals(7, b.seed);
    assertSame(PromptTemplate.CHATML, b.template);
    assertEquals("gpu:1", b.device);
    assertEquals(2, b.threads);
    assertEquals(4, b.microBatchSize);
    assertEquals(16, b.generationBatchSize);
    assertEquals(new OptimizerSettings(1e-3, 0.8, 0.95, 1e-6, 0.1, 0.5, 10), b.optimizer);
    assertTrue(b.keepReference);
    assertFalse(b.eosWhenConstrained);
    assertTrue(b.addBos);
    DjlPolicy.Builder off = DjlPolicyProvider.configure(random("keep_reference", "false", "add_bos", "False",
        "eos_when_constrained", "true"));
    assertFalse(off.keepReference);
    assertFalse(off.addBos);
    assertTrue(off.eosWhenConstrained);
  }

  @Test
  void aCheckpointAndATokenizerFile() throws Exception {
    Path ckpt = Files.createDirectory(dir.resolve("ckpt"));
    Path tok = dir.resolve("tokenizer.json");
    WordTokenizer.withSpecialTokens(List.of("x", "y")).writeHuggingFaceJson(tok);
    DjlPolicy.Builder b = DjlPolicyProvider.configure(Map.of("model", ckpt.toString(), "tokenizer", tok.toString()));
    try (Tokenizer t = b.tokenizer) {
      assertEquals(ckpt, b.pretrained);
      assertNull(b.config);
      assertEquals(6, t.vocabSize());
      assertEquals(5, t.tokenId("y"));
    }
  }

  @Test
  void badOptionsAreNamed() {
    assertEquals("give either 'model' or 'config' + 'vocab', not both",
        refused(Map.of("model", dir.toString(), "config", config.toString())));
    assertEquals("give either 'model' or 'config' + 'vocab', not both",
        refused(Map.of("model", dir.toString(), "vocab", vocab.toString())));
    String needs = "backend djl needs option 'model' (checkpoint directory) or 'config' and 'vocab' (random init)";
    assertEquals(needs, refused(Map.of("config", config.toString())));
    assertEquals(needs, refused(Map.of("vocab", vocab.toString())));
    assertEquals(needs, refused(Map.of()));
    assertTrue(refused(random("lr", "1")).startsWith("unknown option 'lr' for backend djl; valid: [add_bos, base_dtype, beta1,"));
    assertEquals("option 'seed' must be an integer, got 'x'", refused(random("seed", "x")));
    assertEquals("option 'threads' must be an integer, got '1.5'", refused(random("threads", "1.5")));
    assertEquals("option 'learning_rate' must be a number, got 'fast'", refused(random("learning_rate", "fast")));
    assertEquals("option 'keep_reference' must be true or false, got 'yes'", refused(random("keep_reference", "yes")));
    assertEquals("optimizer setting beta1 must be [0, 1), got 1.0", refused(random("beta1", "1")));
    assertEquals("unknown prompt template 'jinja'; valid: raw, plain, chatml", refused(random("template", "jinja")));
    Path missing = dir.resolve("missing.txt");
    assertTrue(refused(random("vocab", missing.toString())).startsWith("cannot read vocabulary file " + missing + ": "));
  }

  @Test
  void theConfigIsReadFromItsFile() throws Exception {
    TransformerConfig other = TransformerConfig.tiny(44, 16, 1, 2, 1);
    other.write(config);
    assertEquals(other, DjlPolicyProvider.configure(random()).config);
  }

  @Test
  void loraOptions() {
    assertNull(DjlPolicyProvider.configure(random()).lora, "no LoRA unless asked");
    DjlPolicy.Builder b = DjlPolicyProvider.configure(random("lora_rank", "4", "lora_target_modules",
        "v_proj, q_proj", "lora_seed", "3"));
    assertEquals(new LoraSettings(4, 8, List.of("q_proj", "v_proj"), 3), b.lora);
    assertEquals(List.copyOf(LoraSettings.MODULES),
        DjlPolicyProvider.configure(random("lora_rank", "2", "lora_alpha", "1.5")).lora.targetModules());
    assertEquals(1.5, DjlPolicyProvider.configure(random("lora_rank", "2", "lora_alpha", "1.5")).lora.alpha());
    assertEquals("option 'lora_alpha' needs 'lora_rank'", refused(random("lora_alpha", "2")));
    assertEquals("LoRA rank must be >= 1, got 0", refused(random("lora_rank", "0")));
    assertTrue(refused(random("lora_rank", "2", "lora_target_modules", "q,k")).startsWith(
        "unknown LoRA target module 'q'; valid modules: [q_proj"));
    assertEquals(java.nio.file.Path.of("adapter"), DjlPolicyProvider.configure(random("lora_adapter", "adapter"))
        .loraAdapter);
    assertEquals(BaseDtype.FLOAT32, DjlPolicyProvider.configure(random()).baseDtype);
    assertEquals(BaseDtype.FLOAT16, DjlPolicyProvider.configure(random("lora_rank", "2", "base_dtype", "float16"))
        .baseDtype);
    assertEquals("unknown base dtype 'fp8'; valid: float32, float16", refused(random("base_dtype", "fp8")));
  }
}
