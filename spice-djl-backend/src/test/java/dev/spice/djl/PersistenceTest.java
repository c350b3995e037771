package dev.spice.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import dev.spice.core.Completion;
import dev.spice.core.Prompt;
import dev.spice.core.Role;
import dev.spice.core.SamplingParams;
import dev.spice.core.SpiceException;
import dev.spice.core.TrainingSample;
import dev.spice.core.internal.model.SafeTensors;
import dev.spice.core.model.TransformerConfig;
import dev.spice.core.text.PromptTemplate;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

class PersistenceTest {
  private static final List<Prompt> PROMPTS = List.of(Prompt.of(Role.REASONER, "w1 w2 w3"),
      Prompt.of(Role.CHALLENGER, "w5 w6 w7 w8 w9 w10"));

  private static List<float[]> score(DjlPolicy p, List<int[]> conts) {
    return p.scoreContinuations(PROMPTS, conts);
  }

  private static List<int[]> conts() {
    return List.of(new int[] {7, 8, 9, 3}, new int[] {10, 11});
  }

  @Test
  void savedCheckpointDirectoryLoadsWithIdenticalLogProbs(@TempDir Path dir) {
    for (TransformerConfig cfg : List.of(Fixtures.qwen3(), Fixtures.llama(), Fixtures.qwen2())) {
      Path out = dir.resolve(cfg.modelType());
      List<float[]> before;
      try (DjlPolicy p = Fixtures.policy(cfg, 5, OptimizerSettings.adamW(1e-2))) {
        before = score(p, conts());
        p.savePretrained(out);
      }
      assertTrue(Files.isRegularFile(out.resolve("config.json")));
      assertTrue(Files.isRegularFile(out.resolve("tokenizer.json")));
      try (SafeTensors.Reader r = SafeTensors.openDirectory(out)) {
        assertEquals(new java.util.TreeSet<>(cfg.tensorShapes().keySet()), new java.util.TreeSet<>(r.names()),
            "the file holds exactly the Hugging Face tensor names");
      }
      // The directory is a Hugging Face checkpoint: config.json, safetensors and a tokenizer.json
      // read through DJL's Hugging Face tokenizers, with no Python involved.
      try (DjlPolicy q = DjlPolicy.builder().pretrained(out).template(PromptTemplate.RAW).build()) {
        // config.json carries the tokenizer's end-of-sequence id when the config had none
        assertEquals(cfg.eosTokenIds().isEmpty() ? cfg.withEosTokenIds(java.util.List.of(q.tokenizer().eosIds()[0])) : cfg,
            q.config());
        assertArrayEquals(Fixtures.tokenizer().encode("w1 w2 w39"), q.tokenize("w1 w2 w39"));
        assertEquals("w1 w2 w39", q.detokenize(q.tokenize("w1 w2 w39")));
        List<float[]> after = score(q, conts());
        for (int i = 0; i < before.size(); i++) {
          assertArrayEquals(before.get(i), after.get(i), cfg.modelType());
        }
      }
    }
  }

  @Test
  void handWrittenHuggingFaceDirectoryLoads(@TempDir Path dir) throws Exception {
    // config.json and weights written by hand (not by the policy), plus a BPE-free WordLevel
    // tokenizer.json with a whitespace pre-tokenizer, as another tool would produce them.
    TransformerConfig cfg = new TransformerConfig("llama", 8, 8, 16, 1, 2, 1, 4, 1e-5, 10_000, 64, false, false,
        false, -1, List.of(1));
    java.util.Random r = new java.util.Random(3);
    List<SafeTensors.Tensor> ts = new ArrayList<>();
    for (Map.Entry<String, long[]> e : cfg.tensorShapes().entrySet()) {
      long n = 1;
      for (long d : e.getValue()) {
        n *= d;
      }
      float[] data = new float[(int) n];
      for (int i = 0; i < data.length; i++) {
        data[i] = e.getKey().endsWith("norm.weight") ? 1f : (float) (r.nextGaussian() * 0.3);
      }
      ts.add(new SafeTensors.Tensor(e.getKey(), e.getValue(), data));
    }
    SafeTensors.write(dir.resolve("model.safetensors"), ts, Map.of("format", "pt"));
    Files.writeString(dir.resolve("config.json"), "{\"model_type\": \"llama\", \"vocab_size\": 8, \"hidden_size\": 8,"
        + " \"intermediate_size\": 16, \"num_hidden_layers\": 1, \"num_attention_heads\": 2,"
        + " \"num_key_value_heads\": 1, \"rms_norm_eps\": 1e-5, \"max_position_embeddings\": 64,"
        + " \"eos_token_id\": 1, \"tie_word_embeddings\": false}");
    Files.writeString(dir.resolve("tokenizer.json"), "{\"version\":\"1.0\",\"truncation\":null,\"padding\":null,"
        + "\"added_tokens\":[{\"id\":1,\"content\":\"</s>\",\"single_word\":false,\"lstrip\":false,\"rstrip\":false,"
        + "\"normalized\":false,\"special\":true}],\"normalizer\":null,\"pre_tokenizer\":{\"type\":\"WhitespaceSplit\"},"
        + "\"post_processor\":null,\"decoder\":null,\"model\":{\"type\":\"WordLevel\",\"vocab\":{\"<unk>\":0,\"</s>\":1,"
        + "\"the\":2,\"cat\":3,\"sat\":4,\"on\":5,\"mat\":6,\"a\":7},\"unk_token\":\"<unk>\"}}", StandardCharsets.UTF_8);
    try (DjlPolicy p = DjlPolicy.builder().pretrained(dir).build()) {
      assertArrayEquals(new int[] {2, 3, 4}, p.tokenize("the cat sat"));
      assertEquals(cfg, p.config());
      Prompt q = Prompt.of(Role.REASONER, "the cat sat on the");
      List<Completion> cs = p.generate(List.of(q, q), new SamplingParams(1, 1, 0, 5, List.of(), 1));
      for (Completion c : cs) {
        float[] s = p.scoreContinuations(List.of(q), List.of(c.tokens())).get(0);
        assertArrayEquals(c.logProbs(), s, 1e-5f);
        for (int i = 0; i < c.tokens().length - 1; i++) {
          assertTrue(c.tokens()[i] != 1, "</s> (eos from config.json) ends generation");
        }
      }
    }
  }

  @Test
  void truncatedOrLyingSafetensorsGiveClearErrors(@TempDir Path dir) throws Exception {
    Path good = dir.resolve("good");
    try (DjlPolicy p = Fixtures.policy(Fixtures.qwen3(), 1, OptimizerSettings.adamW(1e-3))) {
      p.savePretrained(good);
    }
    byte[] bytes = Files.readAllBytes(good.resolve("model.safetensors"));
    Path trunc = Files.createDirectory(dir.resolve("trunc"));
    Files.copy(good.resolve("config.json"), trunc.resolve("config.json"));
    Files.copy(good.resolve("tokenizer.json"), trunc.resolve("tokenizer.json"));
    Files.write(trunc.resolve("model.safetensors"), java.util.Arrays.copyOf(bytes, bytes.length - 100));
    SpiceException e = assertThrows(SpiceException.class, () -> DjlPolicy.builder().pretrained(trunc).build());
    assertTrue(e.getMessage().contains("model.safetensors") && e.getMessage().contains("truncated"), e.getMessage());
    // A header that claims a shape the data offsets cannot hold.
    long hlen = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    String header = new String(bytes, 8, (int) hlen, StandardCharsets.UTF_8);
    String lying = header.replaceFirst("\"shape\":\\[44,32\\]", "\"shape\":[45,32]");
    assertTrue(!lying.equals(header), "fixture rewrote the embedding shape");
    byte[] lb = lying.getBytes(StandardCharsets.UTF_8);
    ByteBuffer out = ByteBuffer.allocate(8 + lb.length + bytes.length - 8 - (int) hlen).order(ByteOrder.LITTLE_ENDIAN);
    out.putLong(lb.length).put(lb).put(bytes, 8 + (int) hlen, bytes.length - 8 - (int) hlen);
    Path lie = Files.createDirectory(dir.resolve("lie"));
    Files.copy(good.resolve("config.json"), lie.resolve("config.json"));
    Files.copy(good.resolve("tokenizer.json"), lie.resolve("tokenizer.json"));
    Files.write(lie.resolve("model.safetensors"), out.array());
    e = assertThrows(SpiceException.class, () -> DjlPolicy.builder().pretrained(lie).build());
    assertTrue(e.getMessage().contains("model.embed_tokens.weight"), e.getMessage());
    // A config that disagrees with the weights names the tensor and both shapes.
    Path wrongCfg = Files.createDirectory(dir.resolve("cfg"));
    Files.copy(good.resolve("model.safetensors"), wrongCfg.resolve("model.safetensors"));
    Files.copy(good.resolve("tokenizer.json"), wrongCfg.resolve("tokenizer.json"));
    TransformerConfig.tiny(44, 32, 3, 4, 2).write(wrongCfg.resolve("config.json"));
    e = assertThrows(SpiceException.class, () -> DjlPolicy.builder().pretrained(wrongCfg).build());
    assertTrue(e.getMessage().contains("model.layers.2"), e.getMessage());
  }

  @Test
  void checkpointRestoresWeightsAndOptimizerExactly(@TempDir Path dir) throws Exception {
    OptimizerSettings opt = OptimizerSettings.adamW(1e-2).withWarmupSteps(3).withWeightDecay(0.1);
    Path ck = Files.createDirectory(dir.resolve("ck"));
    float[] expected;
    List<TrainingSample> third;
    try (DjlPolicy p = DjlPolicy.builder().randomInit(Fixtures.qwen3(), 8).tokenizer(Fixtures.tokenizer())
        .optimizer(opt).keepReference(true).build()) {
      for (int i = 0; i < 2; i++) {
        p.update(samples(p, i), Fixtures.loss());
      }
      p.saveCheckpoint(ck);
      third = samples(p, 2);
      p.update(third, Fixtures.loss());
      expected = ((DjlPolicyImpl) p).weights();
    }
    try (DjlPolicy q = DjlPolicy.builder().randomInit(Fixtures.qwen3(), 99).tokenizer(Fixtures.tokenizer())
        .optimizer(opt).keepReference(true).build()) {
      q.loadCheckpoint(ck);
      assertEquals(2, q.updateCount());
      q.update(third, Fixtures.loss());
      assertArrayEquals(expected, ((DjlPolicyImpl) q).weights());
    }
    try (DjlPolicy other = DjlPolicy.builder().randomInit(Fixtures.llama(), 1).tokenizer(Fixtures.tokenizer()).build()) {
      float[] w = ((DjlPolicyImpl) other).weights();
      SpiceException e = assertThrows(SpiceException.CheckpointException.class, () -> other.loadCheckpoint(ck));
      assertTrue(e.getMessage().contains("architecture"), e.getMessage());
      assertArrayEquals(w, ((DjlPolicyImpl) other).weights());
    }
  }

  @Test
  void optimizerStateIsAllocatedOnlyWhenTrainingStarts(@TempDir Path dir) throws Exception {
    OptimizerSettings opt = OptimizerSettings.adamW(1e-2).withWeightDecay(0.1);
    Path fresh = Files.createDirectory(dir.resolve("fresh"));
    float[] expected;
    List<TrainingSample> first;
    try (DjlPolicy p = DjlPolicy.builder().randomInit(Fixtures.qwen3(), 8).tokenizer(Fixtures.tokenizer())
        .optimizer(opt).build()) {
      DjlPolicyImpl impl = (DjlPolicyImpl) p;
      first = samples(p, 0);
      p.scoreContinuations(PROMPTS, List.of(new int[] {5}, new int[] {6}));
      assertEquals(0, impl.optimizerTensors(), "generation and scoring allocate no optimizer state");
      p.saveCheckpoint(fresh); // zero moments, written without allocating them
      assertEquals(0, impl.optimizerTensors());
      p.update(first, Fixtures.loss());
      assertEquals(6, impl.optimizerTensors(), "m, v, two scratch buffers, decay mask and factor");
      expected = impl.weights();
    }
    try (DjlPolicy q = DjlPolicy.builder().randomInit(Fixtures.qwen3(), 99).tokenizer(Fixtures.tokenizer())
        .optimizer(opt).build()) {
      q.loadCheckpoint(fresh);
      q.update(first, Fixtures.loss());
      assertArrayEquals(expected, ((DjlPolicyImpl) q).weights(), "a checkpoint taken before training resumes exactly");
    }
  }

  private static List<TrainingSample> samples(DjlPolicy p, int seed) {
    List<Completion> cs = p.generate(PROMPTS, new SamplingParams(1, 1, 0, 3, List.of(), seed));
    List<TrainingSample> out = new ArrayList<>();
    for (int i = 0; i < cs.size(); i++) {
      out.add(TrainingSample.of(PROMPTS.get(i).role(), PROMPTS.get(i), cs.get(i), i == 0 ? 1 : -0.5, "g"));
    }
    return out;
  }

  @Test
  void nativeMemoryStaysFlatOverManyCalls() {
    try (DjlPolicy p = Fixtures.policy(Fixtures.qwen3(), 2, OptimizerSettings.adamW(1e-3))) {
      DjlPolicyImpl impl = (DjlPolicyImpl) p;
      for (int i = 0; i < 3; i++) {
        p.update(samples(p, i), Fixtures.loss());
      }
      int live = impl.liveArrays();
      for (int i = 0; i < 40; i++) {
        p.update(samples(p, i), Fixtures.loss());
        score(p, conts());
      }
      assertEquals(live, impl.liveArrays(), "NDArrays owned by the policy after 40 generate/score/update rounds");
    }
  }

  static boolean gpuPresent() {
    try {
      return Engine.getEngine("PyTorch").getGpuCount() > 0;
    } catch (RuntimeException e) {
      return false;
    }
  }

  @Test
  @EnabledIf("gpuPresent")
  void runsOnCudaWhenAGpuIsPresent() {
    try (DjlPolicy gpu = DjlPolicy.builder().randomInit(Fixtures.qwen3(), 5).tokenizer(Fixtures.tokenizer())
        .device("gpu").build();
        DjlPolicy cpu = Fixtures.policy(Fixtures.qwen3(), 5, OptimizerSettings.adamW(1e-6))) {
      List<float[]> a = score(gpu, conts());
      List<float[]> b = score(cpu, conts());
      for (int i = 0; i < a.size(); i++) {
        assertArrayEquals(b.get(i), a.get(i), 1e-4f);
      }
      assertTrue(!gpu.update(samples(gpu, 1), Fixtures.loss()).skipped());
    }
  }
}
