package dev.spice.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.Completion;
import dev.spice.core.SamplingParams;
import dev.spice.core.SpiceException;
import dev.spice.core.TrainingSample;
import dev.spice.core.model.TransformerConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link DjlPolicy#withAdapter}: an adapter policy over another policy's weights computes exactly
 * what a separately built {@code pretrained(dir).loraAdapter(path)} policy computes, shares the
 * base (no copy) and the tokenizer, keeps the base alive until the last user closes, and refuses
 * what would change the shared base.
 */
class SharedBaseTest {
  private static final Set<String> ALL = Set.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj",
      "down_proj");
  private static final SamplingParams SAMPLE = new SamplingParams(1, 1, 0, 6, List.of(), 7);

  /** Writes a base checkpoint ({@code dir/base}) and a random non-zero adapter ({@code dir/adapter}). */
  private static void writeBaseAndAdapter(TransformerConfig cfg, Path dir) {
    try (DjlPolicy p = DjlPolicy.builder().randomInit(cfg, 5).tokenizer(LoraTest.TOK)
        .lora(LoraTest.settings(4, ALL)).build()) {
      p.savePretrained(dir.resolve("base"));
      float[] a = new float[(int) p.adapterParameterCount()];
      Random r = new Random(3);
      for (int i = 0; i < a.length; i++) {
        a[i] = (float) (r.nextGaussian() * 0.1);
      }
      ((DjlPolicyImpl) p).setAdapterWeights(a);
      p.saveAdapter(dir.resolve("adapter"));
    }
  }

  private static DjlPolicyImpl impl(DjlPolicy p) {
    return (DjlPolicyImpl) p;
  }

  private static void assertSameScores(List<float[]> want, List<float[]> got, String what) {
    assertEquals(want.size(), got.size());
    for (int i = 0; i < want.size(); i++) {
      assertArrayEquals(want.get(i), got.get(i), what + ": row " + i + " bit for bit");
    }
  }

  private static void assertSameGeneration(List<Completion> want, List<Completion> got) {
    for (int i = 0; i < want.size(); i++) {
      assertArrayEquals(want.get(i).tokens(), got.get(i).tokens(), "tokens of row " + i);
      assertArrayEquals(want.get(i).logProbs(), got.get(i).logProbs(), "log-probs of row " + i);
    }
  }

  @Test
  void adapterOverAPlainPolicyIsTheSeparatelyBuiltAdapterPolicyBitForBit(@TempDir Path dir) {
    for (TransformerConfig cfg : List.of(Fixtures.qwen3(), Fixtures.llama(), Fixtures.qwen2())) {
      Path d = dir.resolve(cfg.modelType());
      writeBaseAndAdapter(cfg, d);
      Path base = d.resolve("base");
      Path adapter = d.resolve("adapter");
      OptimizerSettings opt = OptimizerSettings.adamW(1e-2);
      try (DjlPolicy separate = DjlPolicy.builder().pretrained(base).optimizer(opt).loraAdapter(adapter).build();
          DjlPolicy source = DjlPolicy.builder().pretrained(base).optimizer(opt).build();
          DjlPolicy shared = source.withAdapter(adapter)) {
        assertSame(source.tokenizer(), shared.tokenizer(), "the tokenizer is shared");
        assertEquals(separate.lora(), shared.lora());
        assertEquals(separate.adapterParameterCount(), shared.adapterParameterCount());
        assertEquals(separate.parameterCount(), shared.parameterCount());
        List<float[]> want = separate.scoreContinuations(LoraTest.PROMPTS, LoraTest.CONTS);
        assertSameScores(want, shared.scoreContinuations(LoraTest.PROMPTS, LoraTest.CONTS), cfg.modelType());
        assertFalse(java.util.Arrays.equals(want.get(0),
            source.scoreContinuations(LoraTest.PROMPTS, LoraTest.CONTS).get(0)), "the adapter changes the outputs");
        assertSameGeneration(separate.generate(LoraTest.PROMPTS, SAMPLE), shared.generate(LoraTest.PROMPTS, SAMPLE));
        // Training the adapter: the same step on both gives the same adapter, then the same outputs.
        List<TrainingSample> batch = LoraTest.rollouts(separate, 9);
        assertEquals(separate.update(batch, Fixtures.loss()).loss(), shared.update(batch, Fixtures.loss()).loss());
        assertArrayEquals(impl(separate).adapterWeights(), impl(shared).adapterWeights(), "one AdamW step");
        assertSameScores(separate.scoreContinuations(LoraTest.PROMPTS, LoraTest.CONTS),
            shared.scoreContinuations(LoraTest.PROMPTS, LoraTest.CONTS), cfg.modelType() + " after an update");
        assertEquals(impl(separate).model.base.checksum(), impl(shared).model.base.checksum(),
            "the viewed base has the loaded base's checksum");
      }
    }
  }

  @Test
  void theBaseIsSharedNotCopied(@TempDir Path dir) {
    TransformerConfig cfg = Fixtures.qwen3();
    writeBaseAndAdapter(cfg, dir);
    try (DjlPolicy source = DjlPolicy.builder().pretrained(dir.resolve("base")).build();
        DjlPolicy shared = source.withAdapter(dir.resolve("adapter"))) {
      Model m = impl(shared).model;
      assertNull(m.flat, "the adapter policy has no weights tensor of its own");
      assertSame(impl(source).shared(), impl(shared).shared());
      assertEquals(2, impl(source).shared().users());
      // Overwrite the source's weights in place: the adapter policy's base is the same storage.
      float[] w = impl(source).weights();
      for (int i = 0; i < w.length; i++) {
        w[i] *= 0.5f;
      }
      Model.overwrite(impl(source).model.flat, w);
      assertArrayEquals(w, impl(shared).weights(), "the adapter policy sees the source's storage");
    }
  }

  @Test
  void adapterOverALoraPolicySharesItsBaseAndDtypeAndIgnoresItsAdapter(@TempDir Path dir) {
    TransformerConfig cfg = Fixtures.qwen3();
    writeBaseAndAdapter(cfg, dir);
    Path base = dir.resolve("base");
    Path adapter = dir.resolve("adapter");
    for (BaseDtype t : BaseDtype.values()) {
      try (DjlPolicy separate = DjlPolicy.builder().pretrained(base).baseDtype(t).loraAdapter(adapter).build();
          DjlPolicy source = DjlPolicy.builder().pretrained(base).baseDtype(t)
              .lora(LoraTest.settings(2, Set.of("q_proj"))).build();
          DjlPolicy shared = source.withAdapter(adapter)) {
        assertSame(impl(source).model.base, impl(shared).model.base, t + ": the same base tensors");
        assertEquals(LoraTest.settings(4, ALL).rank(), shared.lora().orElseThrow().rank());
        assertSameScores(separate.scoreContinuations(LoraTest.PROMPTS, LoraTest.CONTS),
            shared.scoreContinuations(LoraTest.PROMPTS, LoraTest.CONTS), t.name());
        assertSameGeneration(separate.generate(LoraTest.PROMPTS, SAMPLE), shared.generate(LoraTest.PROMPTS, SAMPLE));
        // A LoRA source trains its own adapter only, so it may train while shared.
        source.update(LoraTest.rollouts(source, 4), Fixtures.loss());
        assertSameScores(separate.scoreContinuations(LoraTest.PROMPTS, LoraTest.CONTS),
            shared.scoreContinuations(LoraTest.PROMPTS, LoraTest.CONTS), t + " after the source trained");
      }
    }
  }

  @Test
  void theBaseLivesUntilTheLastUserClosesInEitherOrder(@TempDir Path dir) {
    TransformerConfig cfg = Fixtures.llama();
    writeBaseAndAdapter(cfg, dir);
    Path base = dir.resolve("base");
    Path adapter = dir.resolve("adapter");
    List<float[]> want;
    List<float[]> plain;
    try (DjlPolicy separate = DjlPolicy.builder().pretrained(base).loraAdapter(adapter).build();
        DjlPolicy plainPolicy = DjlPolicy.builder().pretrained(base).build()) {
      want = separate.scoreContinuations(LoraTest.PROMPTS, LoraTest.CONTS);
      plain = plainPolicy.scoreContinuations(LoraTest.PROMPTS, LoraTest.CONTS);
    }
    // The source closes first: the adapter policies keep working, on the same base.
    DjlPolicy source = DjlPolicy.builder().pretrained(base).build();
    SharedBase sb = impl(source).shared();
    DjlPolicy a = source.withAdapter(adapter);
    DjlPolicy b = a.withAdapter(adapter);
    assertEquals(3, sb.users());
    source.close();
    assertEquals(2, sb.users());
    assertThrows(SpiceException.BackendException.class, () -> source.withAdapter(adapter));
    assertSameScores(want, a.scoreContinuations(LoraTest.PROMPTS, LoraTest.CONTS), "after the source closed");
    a.close();
    a.close();
    assertEquals(1, sb.users(), "closing twice releases once");
    assertSameScores(want, b.scoreContinuations(LoraTest.PROMPTS, LoraTest.CONTS), "the last user");
    assertEquals(b.tokenizer().encode("w1 w2").length, 2, "the shared tokenizer is still open");
    b.close();
    assertEquals(0, sb.users(), "the last close frees the base");
    // The adapter policies close first: the source is unchanged.
    try (DjlPolicy src = DjlPolicy.builder().pretrained(base).build()) {
      try (DjlPolicy x = src.withAdapter(adapter)) {
        assertSameScores(want, x.scoreContinuations(LoraTest.PROMPTS, LoraTest.CONTS), "while shared");
      }
      assertEquals(1, impl(src).shared().users());
      assertSameScores(plain, src.scoreContinuations(LoraTest.PROMPTS, LoraTest.CONTS), "closing never frees the base");
      assertEquals(2, src.tokenize("w1 w2").length);
    }
  }

  @Test
  void whatWouldChangeTheSharedBaseIsRefusedNamingTheMethod(@TempDir Path dir) {
    TransformerConfig cfg = Fixtures.qwen2();
    writeBaseAndAdapter(cfg, dir);
    Path adapter = dir.resolve("adapter");
    Path ckpt = dir.resolve("ckpt");
    try (DjlPolicy source = DjlPolicy.builder().pretrained(dir.resolve("base")).build()) {
      source.saveCheckpoint(ckpt);
      List<TrainingSample> batch = LoraTest.rollouts(source, 2);
      float[] before = impl(source).weights();
      try (DjlPolicy shared = source.withAdapter(adapter)) {
        String m = assertThrows(SpiceException.ConfigurationException.class,
            () -> source.update(batch, Fixtures.loss())).getMessage();
        assertEquals("update is refused: this policy's base weights are shared with 1 other policy(ies) made by "
            + "DjlPolicy.withAdapter, and update would change them; close the other policies first", m);
        assertTrue(assertThrows(SpiceException.ConfigurationException.class,
            () -> source.supervisedUpdate(LoraTest.docs())).getMessage().startsWith("supervisedUpdate is refused"));
        assertTrue(assertThrows(SpiceException.ConfigurationException.class,
            () -> source.loadCheckpoint(ckpt)).getMessage().startsWith("loadCheckpoint is refused"));
        assertTrue(assertThrows(SpiceException.ConfigurationException.class,
            () -> shared.loadCheckpoint(ckpt)).getMessage().contains("loadCheckpoint may replace them"));
        assertArrayEquals(before, impl(source).weights(), "nothing changed");
        assertEquals("LoRA adapter directory " + dir.resolve("none") + " does not exist",
            assertThrows(SpiceException.ConfigurationException.class,
                () -> source.withAdapter(dir.resolve("none"))).getMessage());
        assertEquals(2, impl(source).shared().users(), "a failed withAdapter holds nothing");
        shared.update(LoraTest.rollouts(shared, 3), Fixtures.loss());
        assertArrayEquals(before, impl(source).weights(), "training the adapter leaves the base as it was");
      }
      assertFalse(source.update(batch, Fixtures.loss()).skipped(), "no longer shared: training is allowed");
      assertFalse(java.util.Arrays.equals(before, impl(source).weights()), "the update changed the weights");
    }
  }
}
