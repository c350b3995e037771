package dev.spice.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.SpiceException;
import dev.spice.core.internal.json.Json;
import dev.spice.core.internal.model.SafeTensors;
import dev.spice.core.model.TransformerConfig;
import dev.spice.core.text.PromptTemplate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * LoRA on disk: PEFT's adapter layout (names, shapes, config), loading it back exactly, refusing
 * what this backend does not implement, the merged Hugging Face export, and exact resume of LoRA
 * training from a checkpoint.
 */
class LoraFilesTest {
  private static final Set<String> ALL = Set.copyOf(LoraSettings.MODULES);
  private static final dev.spice.core.LossSettings KL = new dev.spice.core.LossSettings(0.2, 0.28, 0.05,
      Fixtures.constant(8));

  /** A LoRA policy trained a few steps (so B is not zero). */
  private static DjlPolicy trained(TransformerConfig cfg, LoraSettings s) {
    DjlPolicy p = LoraTest.lora(cfg, s, 3e-2, 0);
    for (int i = 0; i < 3; i++) {
      assertFalse(p.supervisedUpdate(LoraTest.docs()).skipped());
    }
    return p;
  }

  @Test
  void adapterIsSavedInPeftLayoutAndLoadsBackExactly(@TempDir Path dir) throws Exception {
    TransformerConfig cfg = Fixtures.qwen3();
    LoraSettings s = LoraTest.settings(4, Set.of("q_proj", "k_proj", "o_proj", "up_proj", "down_proj"));
    List<float[]> scores;
    float[] adapter;
    try (DjlPolicy p = trained(cfg, s)) {
      scores = p.scoreContinuations(LoraTest.PROMPTS, LoraTest.CONTS);
      adapter = ((DjlPolicyImpl) p).adapterWeights();
      p.saveAdapter(dir);
    }
    Map<String, Object> c = Json.parseObject(Files.readString(dir.resolve("adapter_config.json")));
    assertEquals("LORA", c.get("peft_type"));
    assertEquals(4L, c.get("r"));
    assertEquals(8.0, c.get("lora_alpha"));
    assertEquals(List.of("q_proj", "k_proj", "o_proj", "up_proj", "down_proj"), c.get("target_modules"));
    assertEquals(0.0, c.get("lora_dropout"));
    assertEquals("none", c.get("bias"));
    assertEquals("CAUSAL_LM", c.get("task_type"));
    assertEquals(false, c.get("fan_in_fan_out"));
    assertTrue(c.containsKey("base_model_name_or_path"));
    try (SafeTensors.Reader r = SafeTensors.open(dir.resolve("adapter_model.safetensors"))) {
      assertEquals(2 * 5 * 2, r.names().size());
      String q = "base_model.model.model.layers.1.self_attn.q_proj.";
      assertArrayEquals(new long[] {4, 32}, r.info(q + "lora_A.weight").shape(), "A [r, in]");
      assertArrayEquals(new long[] {32, 4}, r.info(q + "lora_B.weight").shape(), "B [out, r]");
      assertArrayEquals(new long[] {16, 4}, r.info("base_model.model.model.layers.0.self_attn.k_proj.lora_B.weight")
          .shape());
      String down = "base_model.model.model.layers.0.mlp.down_proj.";
      assertArrayEquals(new long[] {4, 96}, r.info(down + "lora_A.weight").shape());
      assertArrayEquals(new long[] {32, 4}, r.info(down + "lora_B.weight").shape());
      // PEFT's B[o][k] is the internal [r, out] B transposed: check one entry by hand
      Lora.Slot b = Lora.layoutOf(cfg, s).stream().filter(x -> x.peftName().equals(down + "lora_B.weight"))
          .findFirst().orElseThrow();
      float[] peftB = r.floats(down + "lora_B.weight");
      assertEquals(adapter[(int) b.offset() + 3 * 32 + 5], peftB[5 * 4 + 3]);
    }
    try (DjlPolicy q = DjlPolicy.builder().randomInit(cfg, 5).tokenizer(LoraTest.TOK).loraAdapter(dir).build()) {
      assertEquals(s.rank(), q.lora().orElseThrow().rank());
      assertEquals(s.targetModules(), q.lora().orElseThrow().targetModules());
      assertArrayEquals(adapter, ((DjlPolicyImpl) q).adapterWeights());
      List<float[]> again = q.scoreContinuations(LoraTest.PROMPTS, LoraTest.CONTS);
      for (int i = 0; i < scores.size(); i++) {
        assertArrayEquals(scores.get(i), again.get(i));
      }
    }
  }

  private static String refusedLoad(Path dir) {
    return assertThrows(SpiceException.CheckpointException.class, () -> DjlPolicy.builder()
        .randomInit(Fixtures.qwen3(), 5).tokenizer(LoraTest.TOK).loraAdapter(dir).build()).getMessage();
  }

  @Test
  void unsupportedOrInconsistentAdaptersAreRefusedByName(@TempDir Path dir) throws Exception {
    try (DjlPolicy p = LoraTest.lora(Fixtures.qwen3(), LoraTest.settings(2, Set.of("q_proj")), 1e-2, 0)) {
      p.saveAdapter(dir);
    }
    Path config = dir.resolve("adapter_config.json");
    String good = Files.readString(config);
    Files.writeString(config, good.replace("\"use_dora\":false", "\"use_dora\":true"));
    assertTrue(refusedLoad(dir).contains("'use_dora' is true"), refusedLoad(dir));
    Files.writeString(config, good.replace("\"use_dora\":false", "\"use_dora\":false,\"lora_bias\":true"));
    assertTrue(refusedLoad(dir).contains("'lora_bias' is true"), refusedLoad(dir));
    Files.writeString(config, good.replace("\"use_dora\":false", "\"use_dora\":false,\"alora_invocation_tokens\":[5]"));
    assertTrue(refusedLoad(dir).contains("'alora_invocation_tokens' is [5]; this backend supports only plain LoRA"),
        refusedLoad(dir));
    Files.writeString(config, good.replace("\"lora_dropout\":0.0", "\"lora_dropout\":1.5"));
    assertTrue(refusedLoad(dir).contains("lora_dropout is 1.5; expected a probability in [0, 1)"), refusedLoad(dir));
    Files.writeString(config, good.replace("\"lora_dropout\":0.0", "\"lora_dropout\":0.05"));
    try (DjlPolicy p = DjlPolicy.builder().randomInit(Fixtures.qwen3(), 5).tokenizer(LoraTest.TOK).loraAdapter(dir)
        .build()) {
      assertEquals(2, p.lora().orElseThrow().rank(), "TRL's default dropout 0.05 loads (a warning says it is unused)");
    }
    Files.writeString(config, good.replace("[\"q_proj\"]", "[\"q_proj\",\"c_attn\"]"));
    assertTrue(refusedLoad(dir).contains("unknown LoRA target module 'c_attn'; valid modules"));
    Files.writeString(config, good.replace("[\"q_proj\"]", "[\"q_proj\",\"v_proj\"]"));
    assertTrue(refusedLoad(dir).contains("lacks tensor 'base_model.model.model.layers.0.self_attn.v_proj.lora_A"));
    Files.writeString(config, good.replace("\"r\":2", "\"r\":3"));
    assertTrue(refusedLoad(dir).contains("has shape [2, 32], expected [3, 32]"), refusedLoad(dir));
    Files.writeString(config, good.replace("\"peft_type\":\"LORA\"", "\"peft_type\":\"IA3\""));
    assertTrue(refusedLoad(dir).contains("peft_type is IA3"));
    Files.writeString(config, good);
    try (DjlPolicy p = LoraTest.lora(Fixtures.qwen3(), LoraTest.settings(2, Set.of("q_proj", "v_proj")), 1e-2, 0)) {
      p.saveAdapter(dir.resolve("two"));
    }
    Files.copy(dir.resolve("two/adapter_model.safetensors"), dir.resolve("adapter_model.safetensors"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    assertTrue(refusedLoad(dir).contains("holds tensors this adapter config does not describe"), refusedLoad(dir));
    Path nan = dir.resolve("nan");
    try (DjlPolicy p = LoraTest.lora(Fixtures.qwen3(), LoraTest.settings(2, Set.of("q_proj")), 1e-2, 0)) {
      float[] w = ((DjlPolicyImpl) p).adapterWeights();
      w[3] = Float.NaN;
      ((DjlPolicyImpl) p).setAdapterWeights(w);
      p.saveAdapter(nan);
    }
    String msg = refusedLoad(nan);
    assertTrue(msg.contains("'base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight' holds 1 non-finite")
        && msg.contains("allowNonFiniteWeights(true)"), msg);
    try (DjlPolicy p = DjlPolicy.builder().randomInit(Fixtures.qwen3(), 5).tokenizer(LoraTest.TOK).loraAdapter(nan)
        .allowNonFiniteWeights(true).build()) {
      assertTrue(Float.isNaN(((DjlPolicyImpl) p).adapterWeights()[3]), "loaded as saved when allowed");
    }
    try (DjlPolicy p = Fixtures.policy(Fixtures.qwen3(), 1, OptimizerSettings.adamW(1e-3))) {
      assertThrows(SpiceException.ConfigurationException.class, () -> p.saveAdapter(dir.resolve("none")));
      assertEquals(0, p.adapterParameterCount());
      assertTrue(p.lora().isEmpty());
    }
  }

  @Test
  void mergedExportIsAPlainModelWithTheAdaptersOutputs(@TempDir Path dir) throws Exception {
    for (TransformerConfig cfg : List.of(Fixtures.qwen3(), Fixtures.qwen2())) {
      Path out = dir.resolve(cfg.modelType());
      List<float[]> lora;
      float[] base;
      try (DjlPolicy p = trained(cfg, LoraTest.settings(4, ALL))) {
        lora = p.scoreContinuations(LoraTest.PROMPTS, LoraTest.CONTS);
        base = ((DjlPolicyImpl) p).weights();
        p.savePretrained(out);
        assertArrayEquals(base, ((DjlPolicyImpl) p).weights(), "saving merged leaves the policy as it was");
      }
      assertFalse(Files.exists(out.resolve("adapter_config.json")));
      try (SafeTensors.Reader r = SafeTensors.openDirectory(out)) {
        assertEquals(new TreeSet<>(cfg.tensorShapes().keySet()), new TreeSet<>(r.names()), "plain HF tensor names");
      }
      try (DjlPolicy merged = DjlPolicy.builder().pretrained(out).template(PromptTemplate.RAW).build()) {
        float[] mw = ((DjlPolicyImpl) merged).weights();
        double moved = 0;
        for (int i = 0; i < mw.length; i++) {
          moved = Math.max(moved, Math.abs(mw[i] - base[i]));
        }
        assertTrue(moved > 1e-3, cfg.modelType() + ": the merge changed the weights (max " + moved + ")");
        List<float[]> m = merged.scoreContinuations(LoraTest.PROMPTS, LoraTest.CONTS);
        for (int i = 0; i < lora.size(); i++) {
          assertArrayEquals(lora.get(i), m.get(i), 1e-5f, cfg.modelType());
        }
      }
    }
  }

  @Test
  void loraTrainingResumesExactlyFromACheckpoint(@TempDir Path dir) {
    TransformerConfig cfg = Fixtures.qwen3();
    LoraSettings s = LoraTest.settings(4, ALL);
    float[] straight;
    List<float[]> straightScores;
    try (DjlPolicy p = DjlPolicy.builder().randomInit(cfg, 5).tokenizer(LoraTest.TOK)
        .optimizer(OptimizerSettings.adamW(1e-2)).keepReference(true).lora(s).build()) {
      for (int i = 0; i < 4; i++) {
        if (i == 2) {
          p.saveCheckpoint(dir);
        }
        assertFalse(p.supervisedUpdate(LoraTest.docs()).skipped());
        assertFalse(p.update(LoraTest.rollouts(p, i), KL).skipped());
      }
      straight = ((DjlPolicyImpl) p).adapterWeights();
      straightScores = p.scoreContinuations(LoraTest.PROMPTS, LoraTest.CONTS);
    }
    try (DjlPolicy q = DjlPolicy.builder().randomInit(cfg, 5).tokenizer(LoraTest.TOK)
        .optimizer(OptimizerSettings.adamW(1e-2)).keepReference(true).lora(s.withSeed(99)).build()) {
      q.loadCheckpoint(dir);
      assertEquals(4, q.updateCount());
      for (int i = 2; i < 4; i++) {
        assertFalse(q.supervisedUpdate(LoraTest.docs()).skipped());
        assertFalse(q.update(LoraTest.rollouts(q, i), KL).skipped());
      }
      assertArrayEquals(straight, ((DjlPolicyImpl) q).adapterWeights(), "bit-identical to uninterrupted training");
      List<float[]> sc = q.scoreContinuations(LoraTest.PROMPTS, LoraTest.CONTS);
      for (int i = 0; i < sc.size(); i++) {
        assertArrayEquals(straightScores.get(i), sc.get(i));
      }
    }
    try (DjlPolicy full = Fixtures.policy(cfg, 5, OptimizerSettings.adamW(1e-2))) {
      String msg = assertThrows(SpiceException.CheckpointException.class, () -> full.loadCheckpoint(dir)).getMessage();
      assertTrue(msg.contains("is a LoRA checkpoint"), msg);
    }
    try (DjlPolicy other = LoraTest.lora(cfg, LoraTest.settings(2, ALL), 1e-2, 0)) {
      String msg = assertThrows(SpiceException.CheckpointException.class, () -> other.loadCheckpoint(dir)).getMessage();
      assertTrue(msg.contains("this policy has r 2"), msg);
    }
  }
}
