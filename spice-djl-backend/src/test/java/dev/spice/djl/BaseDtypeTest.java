package dev.spice.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.spice.core.Completion;
import dev.spice.core.SamplingParams;
import dev.spice.core.SpiceException;
import dev.spice.core.internal.json.Json;
import dev.spice.core.model.TransformerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The per-tensor LoRA base ({@link BaseWeights}) in float32 and 16-bit types: sizing without a
 * model-wide limit, precision against the float32 LoRA model, frozen training, memory, merge and
 * checkpoints. The float32 per-tensor base reproducing the full model bit for bit is
 * {@link LoraTest#aFreshAdapterReproducesTheBaseExactly}.
 */
class BaseDtypeTest {
  /** Documented tolerance (module README, "LoRA") of 16-bit-base log-probs against the float32 base on tiny models. */
  static final float TOLERANCE = 1e-3f;
  static final LoraSettings ALL = LoraTest.settings(4, Set.copyOf(LoraSettings.MODULES));

  static DjlPolicy lora(TransformerConfig cfg, long seed, BaseDtype dtype) {
    return DjlPolicy.builder().randomInit(cfg, seed).tokenizer(LoraTest.TOK).optimizer(OptimizerSettings.adamW(1e-2))
        .keepReference(true).lora(ALL).baseDtype(dtype).build();
  }

  static BaseWeights base(DjlPolicy p) {
    return ((DjlPolicyImpl) p).model.base;
  }

  @Test
  void theBuilderAndTheProviderValidateTheBaseDtype() {
    String msg = assertThrows(SpiceException.ConfigurationException.class, () -> DjlPolicy.builder()
        .randomInit(Fixtures.qwen3(), 1).tokenizer(LoraTest.TOK).baseDtype(BaseDtype.FLOAT16).build()).getMessage();
    assertTrue(msg.contains("baseDtype(FLOAT16) needs lora(...)"), msg);
    assertThrows(NullPointerException.class, () -> DjlPolicy.builder().baseDtype(null));
    assertEquals(BaseDtype.FLOAT16, BaseDtype.named(" Float16 "));
    assertEquals("unknown base dtype 'half'; valid: float32, float16", assertThrows(
        SpiceException.ConfigurationException.class, () -> BaseDtype.named("half")).getMessage());
    assertEquals("unknown base dtype 'bfloat16'; valid: float32, float16 (DJL 0.36.0's PyTorch binding has no "
        + "bfloat16 tensors)", assertThrows(SpiceException.ConfigurationException.class,
        () -> BaseDtype.named("bfloat16")).getMessage());
    assertEquals(BaseDtype.FLOAT32, DjlPolicy.builder().baseDtype, "float32 by default");
  }

  @Test
  void aModelAboveTwoToThe31IsSizedPerTensorUnderLora() {
    // 60,000 layers of ~41k parameters: 2.5e9 parameters in all, every tensor small
    TransformerConfig many = new TransformerConfig("qwen3", 64, 64, 128, 60_000, 4, 2, 16, 1e-6, 10_000, 256, true,
        false, true, -1, List.of());
    assertTrue(many.parameterCount() > Integer.MAX_VALUE, "total " + many.parameterCount());
    ModelLayout.Layout lay = ModelLayout.layoutOf(many);
    assertEquals(many.parameterCount(), lay.size(), "the layout accepts it, offsets are longs");
    long largest = lay.slots().stream().mapToLong(Model.Slot::count).max().orElseThrow();
    assertEquals(64L * 2 * 128, largest, "gate_up");
    String flat = assertThrows(SpiceException.BackendException.class, () -> ModelLayout.requireFlat(many)).getMessage();
    assertTrue(flat.contains("full fine-tuning keeps them in one tensor of at most 2147483639"), flat);
    // loading asks for one slot at a time and releases what it made when a slot fails
    EngineStart.pytorch(1, true);
    try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
      int[] calls = {0};
      long[] biggest = {0};
      RuntimeException e = assertThrows(IllegalStateException.class, () -> BaseWeights.load(lay.slots(), m,
          BaseDtype.FLOAT16, s -> {
            if (++calls[0] == 20) {
              throw new IllegalStateException("stop at slot 20");
            }
            biggest[0] = Math.max(biggest[0], s.count());
            return new float[(int) s.count()];
          }));
      assertEquals("stop at slot 20", e.getMessage());
      assertEquals(64L * 2 * 128, biggest[0], "no request larger than one slot");
      assertEquals(0, m.getManagedArrays().size(), "the tensors made before the failure were closed");
    }
    // Qwen3-4B (module README, "Memory plan"): refused flat, accepted per tensor
    TransformerConfig qwen3x4b = new TransformerConfig("qwen3", 151_936, 2560, 9728, 36, 32, 8, 128, 1e-6, 1_000_000,
        40_960, true, false, true, -1, List.of());
    assertEquals(4_022_468_096L, qwen3x4b.parameterCount());
    assertEquals(4_022_468_096L, ModelLayout.layoutOf(qwen3x4b).size());
    assertEquals(388_956_160L, ModelLayout.layoutOf(qwen3x4b).slots().stream().mapToLong(Model.Slot::count).max()
        .orElseThrow(), "the embedding is the largest tensor");
    assertThrows(SpiceException.BackendException.class, () -> ModelLayout.requireFlat(qwen3x4b));
    // the limit is per tensor: 4096 x 2 x 262,143 fits, 4096 x 2 x 262,144 = 2^31 does not
    TransformerConfig justFits = new TransformerConfig("llama", 64, 4096, 262_143, 1, 32, 8, 128, 1e-6, 10_000,
        256, false, false, false, -1, List.of());
    assertEquals(4096L * 2 * 262_143, ModelLayout.layoutOf(justFits).slots().stream()
        .mapToLong(Model.Slot::count).max().orElseThrow());
    TransformerConfig tooWide = new TransformerConfig("llama", 64, 4096, 262_144, 1, 32, 8, 128, 1e-6, 10_000,
        256, false, false, false, -1, List.of());
    String msg = assertThrows(SpiceException.BackendException.class, () -> ModelLayout.layoutOf(tooWide)).getMessage();
    assertTrue(msg.startsWith("the model's 'gate_up' weight has 2147483648 elements"), msg);
    TransformerConfig wideVocab = new TransformerConfig("llama", 600_000, 4096, 64, 1, 32, 8, 128, 1e-6, 10_000,
        256, true, false, false, -1, List.of());
    msg = assertThrows(SpiceException.BackendException.class, () -> ModelLayout.layoutOf(wideVocab)).getMessage();
    assertTrue(msg.startsWith("the model's 'embed' weight has 2457600000 elements"), msg);
  }

  @Test
  void aWeightBeyondFloat16sRangeIsRefused() {
    Model.Slot s = new Model.Slot("L0.down", 0, new long[] {1, 3}, true);
    BaseWeights.requireInRange(s, new float[] {1f, -65504f, 3f}, BaseDtype.FLOAT16);
    BaseWeights.requireInRange(s, new float[] {1f, 7e4f, 3f}, BaseDtype.FLOAT32);
    String msg = assertThrows(SpiceException.BackendException.class,
        () -> BaseWeights.requireInRange(s, new float[] {1f, -7e4f, 3f}, BaseDtype.FLOAT16)).getMessage();
    assertEquals("weight 'L0.down' (internal layout [1, 3]) holds -70000.0 at index 1, beyond float16's range "
        + "(+-65504); build the policy with baseDtype(BaseDtype.FLOAT32)", msg);
  }

  @Test
  void sixteenBitBasesHalveTheMemoryAndStayWithinTheTolerance() {
    for (TransformerConfig cfg : List.of(Fixtures.qwen3(), Fixtures.llama(), Fixtures.qwen2())) {
      try (DjlPolicy f32 = lora(cfg, 5, BaseDtype.FLOAT32)) {
        BaseWeights b32 = base(f32);
        assertEquals(4 * f32.parameterCount(), b32.byteSize());
        // a trained-looking adapter (B != 0), so that the delta path is compared too
        float[] a = ((DjlPolicyImpl) f32).adapterWeights();
        Random rnd = new Random(3);
        for (int i = 0; i < a.length; i++) {
          a[i] = (float) (rnd.nextGaussian() * 0.05);
        }
        ((DjlPolicyImpl) f32).setAdapterWeights(a);
        List<float[]> ref = f32.scoreContinuations(LoraTest.PROMPTS, LoraTest.CONTS);
        for (BaseDtype dt : List.of(BaseDtype.FLOAT16)) {
          try (DjlPolicy half = lora(cfg, 5, dt)) {
            BaseWeights b = base(half);
            DataType want = DataType.FLOAT16;
            for (int i = 0; i < b.slots().size(); i++) {
              assertEquals(want, b.get(i).getDataType(), b.slots().get(i).name());
            }
            assertEquals(b32.byteSize() / 2, b.byteSize(), "half the bytes");
            assertEquals(b32.checksum(), b.checksum(), "the checksum is of the values as loaded");
            assertEquals(DataType.FLOAT32, ((DjlPolicyImpl) half).model.trainable().getDataType(), "adapters fp32");
            ((DjlPolicyImpl) half).setAdapterWeights(a);
            List<float[]> got = half.scoreContinuations(LoraTest.PROMPTS, LoraTest.CONTS);
            double worst = 0;
            for (int i = 0; i < ref.size(); i++) {
              for (int j = 0; j < ref.get(i).length; j++) {
                worst = Math.max(worst, Math.abs(ref.get(i)[j] - got.get(i)[j]));
              }
            }
            assertTrue(worst <= TOLERANCE, cfg.modelType() + " " + dt + ": max |delta log-prob| " + worst);
            assertTrue(worst > 0, cfg.modelType() + " " + dt + ": the 16-bit base does round");
            List<Completion> gen = half.generate(LoraTest.PROMPTS, new SamplingParams(1, 1, 0, 4, List.of(), 3));
            assertEquals(2, gen.size());
          }
        }
      }
    }
  }

  @Test
  void aFloat16BaseTrainsTheAdapterOnlyAndStaysBitIdentical() {
    TransformerConfig cfg = Fixtures.qwen3();
    float[] g32;
    try (DjlPolicy f32 = lora(cfg, 5, BaseDtype.FLOAT32)) {
      g32 = ((DjlPolicyImpl) f32).supervisedGradient(LoraTest.docs());
    }
    try (DjlPolicy p = lora(cfg, 5, BaseDtype.FLOAT16)) {
      DjlPolicyImpl impl = (DjlPolicyImpl) p;
      float[] g16 = impl.supervisedGradient(LoraTest.docs());
      double dot = 0;
      double n1 = 0;
      double n2 = 0;
      for (int i = 0; i < g32.length; i++) {
        dot += (double) g32[i] * g16[i];
        n1 += (double) g32[i] * g32[i];
        n2 += (double) g16[i] * g16[i];
      }
      assertTrue(dot / Math.sqrt(n1 * n2) > 0.99, "adapter gradient through the fp16 base: cosine "
          + dot / Math.sqrt(n1 * n2));
      float[] base = impl.weights();
      float[] a0 = impl.adapterWeights();
      int live = -1;
      for (int i = 0; i < 3; i++) {
        assertFalse(p.supervisedUpdate(LoraTest.docs()).skipped());
        assertFalse(p.update(LoraTest.rollouts(p, i), Fixtures.loss()).skipped());
        live = live < 0 ? impl.liveArrays() : live; // after the first step: AdamW's scratch buffers exist
      }
      assertArrayEquals(base, impl.weights(), "the fp16 base is bit-identical after updates");
      assertEquals(p.adapterParameterCount(), impl.firstMoment().length, "AdamW state is adapter-sized");
      assertFalse(java.util.Arrays.equals(a0, impl.adapterWeights()), "the adapter trained");
      p.scoreContinuations(LoraTest.PROMPTS, LoraTest.CONTS);
      assertEquals(live, impl.liveArrays(), "no per-call array (casts included) outlives its call");
    }
  }

  @Test
  void aPretrainedBaseLoadsTensorByTensorAndMatchesTheFullModel(@TempDir Path dir) {
    for (TransformerConfig cfg : List.of(Fixtures.qwen3(), Fixtures.llama(), Fixtures.qwen2())) {
      Path hf = dir.resolve(cfg.modelType());
      float[] w;
      List<float[]> full;
      try (DjlPolicy p = Fixtures.policy(cfg, 7, OptimizerSettings.adamW(1e-2))) {
        p.savePretrained(hf);
      }
      try (DjlPolicy p = DjlPolicy.builder().pretrained(hf).tokenizer(LoraTest.TOK)
          .template(dev.spice.core.text.PromptTemplate.RAW).build()) {
        w = ((DjlPolicyImpl) p).weights();
        full = p.scoreContinuations(LoraTest.PROMPTS, LoraTest.CONTS);
      }
      String sum;
      try (DjlPolicy q = DjlPolicy.builder().pretrained(hf).tokenizer(LoraTest.TOK)
          .template(dev.spice.core.text.PromptTemplate.RAW).lora(ALL).build()) {
        assertArrayEquals(w, ((DjlPolicyImpl) q).weights(), cfg.modelType() + ": the same weights, per tensor");
        List<float[]> lp = q.scoreContinuations(LoraTest.PROMPTS, LoraTest.CONTS);
        for (int i = 0; i < full.size(); i++) {
          assertArrayEquals(full.get(i), lp.get(i), cfg.modelType() + ": a fresh adapter is the full model bit for bit");
        }
        sum = base(q).checksum();
      }
      try (DjlPolicy h = DjlPolicy.builder().pretrained(hf).tokenizer(LoraTest.TOK)
          .template(dev.spice.core.text.PromptTemplate.RAW).lora(ALL).baseDtype(BaseDtype.FLOAT16).build()) {
        assertEquals(sum, base(h).checksum());
        List<float[]> lp = h.scoreContinuations(LoraTest.PROMPTS, LoraTest.CONTS);
        for (int i = 0; i < full.size(); i++) {
          assertArrayEquals(full.get(i), lp.get(i), TOLERANCE, cfg.modelType());
        }
      }
    }
  }

  @Test
  void loraCheckpointsStoreTheBaseChecksumNotTheBase(@TempDir Path dir) throws IOException {
    TransformerConfig cfg = Fixtures.qwen3();
    Path ck = dir.resolve("ck");
    float[] straight;
    try (DjlPolicy p = lora(cfg, 5, BaseDtype.FLOAT16)) {
      for (int i = 0; i < 4; i++) {
        if (i == 2) {
          p.saveCheckpoint(ck);
        }
        assertFalse(p.supervisedUpdate(LoraTest.docs()).skipped());
        assertFalse(p.update(LoraTest.rollouts(p, i), Fixtures.loss()).skipped());
      }
      straight = ((DjlPolicyImpl) p).adapterWeights();
    }
    assertFalse(Files.exists(ck.resolve("model.safetensors")), "the frozen base is not written");
    assertTrue(Files.exists(ck.resolve("adapter_model.safetensors")));
    try (DjlPolicy q = lora(cfg, 5, BaseDtype.FLOAT16)) {
      q.loadCheckpoint(ck);
      for (int i = 2; i < 4; i++) {
        assertFalse(q.supervisedUpdate(LoraTest.docs()).skipped());
        assertFalse(q.update(LoraTest.rollouts(q, i), Fixtures.loss()).skipped());
      }
      assertArrayEquals(straight, ((DjlPolicyImpl) q).adapterWeights(), "fp16 resume is bit-identical");
    }
    try (DjlPolicy other = lora(cfg, 6, BaseDtype.FLOAT16)) {
      float[] before = ((DjlPolicyImpl) other).adapterWeights();
      String msg = assertThrows(SpiceException.CheckpointException.class, () -> other.loadCheckpoint(ck)).getMessage();
      assertTrue(msg.contains("the checkpoint's base weights have checksum crc32c:"), msg);
      assertArrayEquals(before, ((DjlPolicyImpl) other).adapterWeights(), "a refused checkpoint changes nothing");
      assertEquals(0, other.updateCount());
    }
    try (DjlPolicy f32 = lora(cfg, 5, BaseDtype.FLOAT32)) {
      String msg = assertThrows(SpiceException.CheckpointException.class, () -> f32.loadCheckpoint(ck)).getMessage();
      assertTrue(msg.contains("trained on a FLOAT16 base") && msg.contains("baseDtype(BaseDtype.FLOAT16)"), msg);
    }
  }

  @Test
  void loraCheckpointsOfTheEarlierLayoutStillLoadTheirBase(@TempDir Path dir) throws IOException {
    TransformerConfig cfg = Fixtures.qwen3();
    Path ck = dir.resolve("ck");
    float[] six;
    try (DjlPolicy full = Fixtures.policy(cfg, 6, OptimizerSettings.adamW(1e-2))) {
      full.savePretrained(dir.resolve("six"));
      six = ((DjlPolicyImpl) full).weights();
    }
    try (DjlPolicy p = lora(cfg, 5, BaseDtype.FLOAT32)) {
      p.saveCheckpoint(ck);
    }
    // the earlier layout: base unmerged in model.safetensors, no 'base' entry in trainer_state.json
    Files.copy(dir.resolve("six/model.safetensors"), ck.resolve("model.safetensors"));
    Path st = ck.resolve("trainer_state.json");
    Map<String, Object> state = Json.parseObject(Files.readString(st));
    @SuppressWarnings("unchecked")
    Map<String, Object> l = (Map<String, Object>) state.get("lora");
    l.remove("base");
    Files.writeString(st, Json.write(state));
    try (DjlPolicy q = lora(cfg, 5, BaseDtype.FLOAT32)) {
      assertNotEquals(java.util.Arrays.toString(six), java.util.Arrays.toString(((DjlPolicyImpl) q).weights()));
      q.loadCheckpoint(ck);
      assertArrayEquals(six, ((DjlPolicyImpl) q).weights(), "the stored base replaced the policy's");
      q.saveCheckpoint(dir.resolve("again"));
    }
    try (DjlPolicy r = lora(cfg, 6, BaseDtype.FLOAT32)) {
      r.loadCheckpoint(dir.resolve("again")); // the checksum now names the seed-6 base
      assertArrayEquals(six, ((DjlPolicyImpl) r).weights());
    }
  }

  @Test
  void savePretrainedOfAFloat16PolicyWritesItsMergedWeightsInFloat32(@TempDir Path dir) {
    TransformerConfig cfg = Fixtures.llama();
    try (DjlPolicy p = lora(cfg, 5, BaseDtype.FLOAT16)) {
      assertFalse(p.supervisedUpdate(LoraTest.docs()).skipped());
      p.savePretrained(dir);
      float[] base = ((DjlPolicyImpl) p).weights();
      List<float[]> lp = p.scoreContinuations(LoraTest.PROMPTS, LoraTest.CONTS);
      try (DjlPolicy merged = DjlPolicy.builder().pretrained(dir).tokenizer(LoraTest.TOK)
          .template(dev.spice.core.text.PromptTemplate.RAW).build()) {
        float[] mw = ((DjlPolicyImpl) merged).weights();
        Model.Slot embed = ((DjlPolicyImpl) p).model.byName.get("embed");
        for (int i = 0; i < embed.count(); i++) {
          assertEquals(base[i], mw[i], "an untargeted weight is the fp16 base value, exactly");
        }
        List<float[]> m = merged.scoreContinuations(LoraTest.PROMPTS, LoraTest.CONTS);
        for (int i = 0; i < lp.size(); i++) {
          assertArrayEquals(lp.get(i), m.get(i), TOLERANCE);
        }
      }
    }
  }
}
