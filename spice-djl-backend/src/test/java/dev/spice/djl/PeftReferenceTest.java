package dev.spice.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.Completion;
import dev.spice.core.LossSettings;
import dev.spice.core.Prompt;
import dev.spice.core.Role;
import dev.spice.core.SamplingParams;
import dev.spice.core.TrainingSample;
import dev.spice.core.internal.json.Json;
import dev.spice.core.internal.model.SafeTensors;
import dev.spice.core.model.TransformerConfig;
import dev.spice.core.testing.HfReference;
import dev.spice.core.text.PromptTemplate;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * LoRA against Hugging Face PEFT as an independent reference, both ways, on spice-core's Hugging
 * Face reference models ({@link HfReference}):
 *
 * <ul>
 *   <li><b>PEFT writes, this backend reads</b> ({@code peft-reference/<model>/}): adapters built
 *       and saved by PEFT's own {@code save_pretrained} (its full {@code adapter_config.json},
 *       random {@code A} and {@code B}) load through {@link DjlPolicy.Builder#loraAdapter}, and
 *       the log-probs, greedy decoding, the gradient of the clipped loss with respect to every
 *       {@code lora_A}/{@code lora_B} (clipping inactive and active) and the merged export
 *       ({@link DjlPolicy#savePretrained}) equal PEFT's float64 numbers;
 *   <li><b>this backend writes, PEFT reads</b> ({@code peft-reference/java-adapter/<model>/}):
 *       adapters written by {@link DjlPolicy#saveAdapter} were loaded by
 *       {@code PeftModel.from_pretrained} with every tensor matched (none missing, none
 *       unexpected, none changed) and PEFT's log-probs equal this backend's; and the writer still
 *       writes exactly those bytes, so what PEFT read is what this code writes today.
 * </ul>
 *
 * <p>The files were made by {@code src/test/python/make_peft_reference.py} (torch 2.11,
 * transformers 5.17, peft; see {@code reference.json}'s version fields) from adapters this class's
 * {@link #writeJavaAdapters} wrote.
 */
class PeftReferenceTest {
  /** Models PEFT wrote adapters for, and this backend wrote adapters for PEFT to read. */
  static final List<String> MODELS = List.of("qwen3-tied", "llama3-scaled-untied");

  @TempDir
  static Path tmp;

  static Stream<String> models() {
    return MODELS.stream();
  }

  private static Path base(String name) {
    Path d = tmp.resolve("base").resolve(name);
    return Files.isDirectory(d) ? d : HfReference.extract(name, tmp.resolve("base"));
  }

  static Path resource(String path) {
    URL u = PeftReferenceTest.class.getResource("/peft-reference/" + path);
    if (u == null) {
      throw new IllegalStateException("peft-reference/" + path + " is not on the test class path");
    }
    try {
      return Path.of(u.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Map<String, Object> json(Path file) {
    try {
      return Json.parseObject(Files.readString(file));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static DjlPolicy withAdapter(String name, Path adapter, int microBatch) {
    return DjlPolicy.builder().pretrained(base(name)).tokenizer(Fixtures.tokenizer()).template(PromptTemplate.RAW)
        .microBatchSize(microBatch).loraAdapter(adapter).build();
  }

  private static float[] score(DjlPolicy p, Map<String, Object> sample) {
    int[] prompt = HfReference.ints(sample.get("prompt"));
    int[] completion = HfReference.ints(sample.get("completion"));
    Prompt pr = Prompt.of(Role.REASONER, HfReference.text(prompt));
    return p.scoreContinuations(List.of(pr), List.of(completion)).get(0);
  }

  private static void assertLogProbs(double[] want, float[] got, String where) {
    assertEquals(want.length, got.length, where);
    for (int k = 0; k < want.length; k++) {
      assertEquals(want[k], got[k], 2e-4, where + " token " + k);
    }
  }

  // ------------------------------------------------------------ PEFT writes, this backend reads

  @ParameterizedTest
  @MethodSource("models")
  void peftAdapterLoadsWithPeftsSettings(String name) {
    Map<String, Object> ref = json(resource(name + "/reference.json"));
    try (DjlPolicy p = withAdapter(name, resource(name), 0)) {
      LoraSettings s = p.lora().orElseThrow();
      assertEquals(((Number) ref.get("r")).intValue(), s.rank(), "r");
      assertEquals(((Number) ref.get("lora_alpha")).doubleValue(), s.alpha(), "lora_alpha");
      assertEquals(Set.copyOf((List<?>) ref.get("target_modules")), Set.copyOf(s.targetModules()));
    }
  }

  @ParameterizedTest
  @MethodSource("models")
  void logProbsWithAPeftAdapterMatchPeft(String name) {
    Map<String, Object> ref = json(resource(name + "/reference.json"));
    try (DjlPolicy p = withAdapter(name, resource(name), 0)) {
      for (Map<String, Object> s : HfReference.samples(ref)) {
        assertLogProbs(HfReference.doubles(s.get("logprobs")), score(p, s), name + " " + s.get("prompt"));
      }
    }
  }

  @ParameterizedTest
  @MethodSource("models")
  void greedyDecodingWithAPeftAdapterMatchesPeft(String name) {
    Map<String, Object> ref = json(resource(name + "/reference.json"));
    int[] prompt = HfReference.ints(ref.get("greedy_prompt"));
    int[] want = HfReference.ints(ref.get("greedy"));
    try (DjlPolicy p = withAdapter(name, resource(name), 0)) {
      Completion c = p.generate(List.of(Prompt.of(Role.REASONER, HfReference.text(prompt))),
          new SamplingParams(1.0, 1.0, 1, want.length, List.of(), 3)).get(0);
      assertArrayEquals(want, c.tokens(), name + ": greedy tokens");
      assertLogProbs(HfReference.doubles(ref.get("greedy_logprobs")), c.logProbs(), name + ": greedy log-prob");
    }
  }

  @ParameterizedTest
  @MethodSource("models")
  void everyAdapterTensorGetsPeftsGradient(String name) {
    Map<String, Object> ref = json(resource(name + "/reference.json"));
    for (int microBatch : new int[] {0, 1}) {
      for (boolean clipped : new boolean[] {false, true}) {
        try (DjlPolicy p = withAdapter(name, resource(name), microBatch);
            SafeTensors.Reader grads = SafeTensors.open(resource(name + "/gradients.safetensors"))) {
          List<TrainingSample> batch = new ArrayList<>();
          for (Map<String, Object> s : HfReference.samples(ref)) {
            double[] lp = HfReference.doubles(s.get("logprobs"));
            double[] shift = HfReference.doubles(s.get("old_shift"));
            float[] old = new float[lp.length];
            for (int k = 0; k < lp.length; k++) {
              old[k] = (float) (lp[k] + (clipped ? shift[k] : 0));
            }
            int[] prompt = HfReference.ints(s.get("prompt"));
            batch.add(new TrainingSample(Role.REASONER, Prompt.of(Role.REASONER, HfReference.text(prompt)), prompt,
                HfReference.ints(s.get("completion")), old, ((Number) s.get("advantage")).doubleValue(), "g"));
          }
          DjlPolicyImpl impl = (DjlPolicyImpl) p;
          float[] flat = impl.lossGradient(batch, new LossSettings(0.2, 0.28, 0, Fixtures.constant(8)));
          String where = name + (clipped ? " clipped" : " unclipped") + ", micro-batch " + microBatch;
          List<Lora.Slot> slots = Lora.layoutOf(p.config(), p.lora().orElseThrow());
          assertEquals(Lora.parameterCount(p.config(), p.lora().orElseThrow()), flat.length, where);
          for (Lora.Slot sl : slots) {
            float[] want = grads.floats((clipped ? "clip." : "noclip.") + sl.peftName());
            int rows = (int) sl.rows();
            int cols = (int) sl.cols();
            double diff = 0;
            double norm = 0;
            for (int i = 0; i < rows; i++) {
              for (int j = 0; j < cols; j++) {
                double w = want[j * rows + i]; // PEFT's [cols, rows]
                double g = flat[(int) sl.offset() + i * cols + j];
                diff += (g - w) * (g - w);
                norm += w * w;
              }
            }
            diff = Math.sqrt(diff);
            norm = Math.sqrt(norm);
            assertTrue(norm > 1e-6, where + ": PEFT's gradient of " + sl.peftName() + " is zero");
            assertTrue(diff <= 1e-3 * norm, where + ": gradient of " + sl.peftName() + " is off by " + diff
                + " (norm " + norm + ")");
          }
        }
      }
    }
  }

  @ParameterizedTest
  @MethodSource("models")
  void mergedExportMatchesPeftsMergeAndUnload(String name) {
    Map<String, Object> ref = json(resource(name + "/reference.json"));
    Path merged = tmp.resolve("merged-" + name);
    try (DjlPolicy p = withAdapter(name, resource(name), 0)) {
      p.savePretrained(merged);
    }
    try (DjlPolicy m = DjlPolicy.builder().pretrained(merged).tokenizer(Fixtures.tokenizer())
        .template(PromptTemplate.RAW).build()) {
      for (Map<String, Object> s : HfReference.samples(ref)) {
        assertLogProbs(HfReference.doubles(s.get("merged_logprobs")), score(m, s), name + " merged " + s.get("prompt"));
      }
    }
  }

  // ------------------------------------------------------------ this backend writes, PEFT reads

  @ParameterizedTest
  @MethodSource("models")
  void peftReadEveryTensorOfOurAdapter(String name) {
    Map<String, Object> read = json(resource("java-adapter/" + name + "/peft-read.json"));
    assertEquals(List.of(), read.get("missing"), "LoRA parameters PEFT found no tensor for");
    assertEquals(List.of(), read.get("unexpected"), "tensors PEFT did not use");
    assertEquals(List.of(), read.get("differing"), "tensors PEFT loaded with other values");
    assertEquals(read.get("tensors_in_file"), read.get("lora_parameters"));
    LoraSettings s = javaSettings(name);
    @SuppressWarnings("unchecked")
    Map<String, Object> cfg = (Map<String, Object>) read.get("peft_config");
    assertEquals((long) s.rank(), cfg.get("r"));
    assertEquals(s.alpha(), ((Number) cfg.get("lora_alpha")).doubleValue());
    assertEquals(s.targetModules().stream().sorted().toList(), cfg.get("target_modules"));
  }

  @ParameterizedTest
  @MethodSource("models")
  void peftsLogProbsWithOurAdapterMatchOurs(String name) {
    Map<String, Object> read = json(resource("java-adapter/" + name + "/peft-read.json"));
    try (DjlPolicy p = withAdapter(name, resource("java-adapter/" + name), 0)) {
      for (Map<String, Object> s : HfReference.samples(read)) {
        assertLogProbs(HfReference.doubles(s.get("logprobs")), score(p, s), name + " " + s.get("prompt"));
      }
    }
  }

  @ParameterizedTest
  @MethodSource("models")
  void theWriterStillWritesTheBytesPeftRead(String name) throws IOException {
    Path out = tmp.resolve("rewritten-" + name);
    writeJavaAdapter(name, out);
    String rerun = " changed since PEFT read it: rerun writeJavaAdapters and make_peft_reference.py";
    assertArrayEquals(Files.readAllBytes(resource("java-adapter/" + name + "/" + LoraFiles.WEIGHTS)),
        Files.readAllBytes(out.resolve(LoraFiles.WEIGHTS)), name + "/" + LoraFiles.WEIGHTS + rerun);
    // the config names the base model's folder, which differs from run to run; every other field must not
    Map<String, Object> was = json(resource("java-adapter/" + name + "/" + LoraFiles.CONFIG));
    Map<String, Object> now = json(out.resolve(LoraFiles.CONFIG));
    assertEquals(base(name).toString(), now.remove("base_model_name_or_path"));
    was.remove("base_model_name_or_path");
    assertEquals(was, now, name + "/" + LoraFiles.CONFIG + rerun);
  }

  /** The settings of the adapter this backend writes for {@code name}. */
  static LoraSettings javaSettings(String name) {
    return name.startsWith("qwen3")
        ? LoraSettings.builder().rank(4).alpha(8).targetModules(Set.copyOf(LoraSettings.MODULES)).build()
        : LoraSettings.builder().rank(3).alpha(5).targetModules(Set.of("k_proj", "o_proj", "gate_proj", "up_proj"))
            .build();
  }

  /** Writes the adapter PEFT reads: seeded random A and B on the reference base, via saveAdapter. */
  static void writeJavaAdapter(String name, Path dir) {
    try (DjlPolicy p = DjlPolicy.builder().pretrained(base(name)).tokenizer(Fixtures.tokenizer())
        .template(PromptTemplate.RAW).lora(javaSettings(name)).build()) {
      DjlPolicyImpl impl = (DjlPolicyImpl) p;
      float[] w = new float[impl.adapterWeights().length];
      Random r = new Random(name.hashCode());
      for (int i = 0; i < w.length; i++) {
        w[i] = (float) (0.3 * r.nextGaussian());
      }
      impl.setAdapterWeights(w);
      p.saveAdapter(dir);
    }
  }

  /**
   * Not a check: writes this backend's adapters for {@code make_peft_reference.py} to read, into
   * the directory named by {@code -Dspice.peft.javaAdapters=DIR} (one folder per model).
   */
  @Test
  @EnabledIfSystemProperty(named = "spice.peft.javaAdapters", matches = ".+")
  void writeJavaAdapters() {
    Path dir = Path.of(System.getProperty("spice.peft.javaAdapters"));
    for (String name : MODELS) {
      writeJavaAdapter(name, dir.resolve(name));
      assertTrue(Files.isRegularFile(dir.resolve(name).resolve(LoraFiles.WEIGHTS)));
    }
  }
}
