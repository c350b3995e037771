package dev.spice.djl;

import dev.spice.core.SpiceException;
import dev.spice.core.internal.json.Json;
import dev.spice.core.internal.model.SafeTensors;
import dev.spice.core.model.TransformerConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * LoRA adapters on disk in PEFT's layout, and merging them into the base weights. Host arrays only.
 *
 * <ul>
 *   <li>{@code adapter_config.json}: {@code peft_type "LORA"}, {@code r}, {@code lora_alpha},
 *       {@code target_modules}, {@code lora_dropout 0}, {@code bias "none"},
 *       {@code task_type "CAUSAL_LM"}, {@code base_model_name_or_path}, {@code fan_in_fan_out false};
 *   <li>{@code adapter_model.safetensors}: F32 tensors
 *       {@code base_model.model.model.layers.{i}.self_attn.q_proj.lora_A.weight [r, in]} and
 *       {@code ...lora_B.weight [out, r]} (MLP modules under {@code mlp.}).
 * </ul>
 *
 * <p>{@link #load} validates the config (refusing PEFT features this backend does not implement:
 * biases, rsLoRA, DoRA, per-layer patterns, {@code fan_in_fan_out}; a non-zero {@code lora_dropout}
 * is accepted with a warning, since dropout does not act at inference) and the exact tensor
 * set and shapes before anything is returned.
 */
final class LoraFiles {
  private static final Logger LOG = LoggerFactory.getLogger(LoraFiles.class);
  static final String CONFIG = "adapter_config.json";
  static final String WEIGHTS = "adapter_model.safetensors";

  private LoraFiles() {}

  /** Settings and weights ({@link Lora} layout) read from an adapter directory. */
  record Loaded(LoraSettings settings, float[] weights) {}

  static void save(Path dir, TransformerConfig cfg, LoraSettings s, float[] adapter, String baseModel) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new SpiceException.CheckpointException("cannot create " + dir + ": " + e.getMessage(), e);
    }
    List<SafeTensors.Tensor> ts = new ArrayList<>();
    for (Lora.Slot sl : Lora.layoutOf(cfg, s)) {
      // internal [rows, cols] is PEFT's [cols, rows]
      float[] t = transpose(adapter, (int) sl.offset(), (int) sl.rows(), (int) sl.cols());
      ts.add(new SafeTensors.Tensor(sl.peftName(), new long[] {sl.cols(), sl.rows()}, t));
    }
    SafeTensors.write(dir.resolve(WEIGHTS), ts, Map.of("format", "pt", "producer", "spice-djl-backend"));
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("peft_type", "LORA");
    c.put("task_type", "CAUSAL_LM");
    c.put("base_model_name_or_path", baseModel);
    c.put("r", s.rank());
    c.put("lora_alpha", s.alpha());
    c.put("target_modules", s.targetModules());
    c.put("lora_dropout", 0.0);
    c.put("bias", "none");
    c.put("fan_in_fan_out", false);
    c.put("use_rslora", false);
    c.put("use_dora", false);
    c.put("init_lora_weights", true);
    c.put("inference_mode", true);
    c.put("modules_to_save", null);
    c.put("layers_to_transform", null);
    c.put("rank_pattern", Map.of());
    c.put("alpha_pattern", Map.of());
    try {
      Files.writeString(dir.resolve(CONFIG), Json.write(c), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new SpiceException.CheckpointException("cannot write " + dir.resolve(CONFIG) + ": " + e.getMessage(), e);
    }
  }

  /**
   * Reads and validates a PEFT LoRA adapter directory for a model of architecture {@code cfg};
   * NaN / infinite values are refused unless {@code allowNonFinite}.
   */
  static Loaded load(Path dir, TransformerConfig cfg, boolean allowNonFinite) {
    Path file = dir.resolve(CONFIG);
    Map<String, Object> c;
    try {
      c = Json.parseObject(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException | Json.JsonException e) {
      throw new SpiceException.CheckpointException("cannot read " + file + ": " + e.getMessage(), e);
    }
    LoraSettings s = settings(c, file);
    float[] w = new float[(int) Lora.parameterCount(cfg, s)];
    List<Lora.Slot> slots = Lora.layoutOf(cfg, s);
    Path wf = dir.resolve(WEIGHTS);
    try (SafeTensors.Reader r = SafeTensors.open(wf)) {
      TreeSet<String> expected = new TreeSet<>();
      slots.forEach(sl -> expected.add(sl.peftName()));
      TreeSet<String> extra = new TreeSet<>(r.names());
      extra.removeAll(expected);
      if (!extra.isEmpty()) {
        throw new SpiceException.CheckpointException(wf + " holds tensors this adapter config does not describe "
            + "(target_modules " + s.targetModules() + ", " + cfg.numLayers() + " layers): " + extra);
      }
      for (Lora.Slot sl : slots) {
        String name = sl.peftName();
        if (!r.contains(name)) {
          throw new SpiceException.CheckpointException(wf + " lacks tensor '" + name + "'");
        }
        long[] want = {sl.cols(), sl.rows()};
        if (!Arrays.equals(r.info(name).shape(), want)) {
          throw new SpiceException.CheckpointException(wf + " tensor '" + name + "' has shape "
              + Arrays.toString(r.info(name).shape()) + ", expected " + Arrays.toString(want) + " (r = " + s.rank()
              + " on this model's " + LoraSettings.MODULES.get(sl.module()) + ")");
        }
        float[] v = r.floats(name);
        if (!allowNonFinite) {
          SafeTensors.requireFinite(v, r.info(name), wf, "DjlPolicy.builder().allowNonFiniteWeights(true)");
        }
        // PEFT's [cols, rows] back to the internal [rows, cols]
        float[] t = transpose(v, 0, (int) sl.cols(), (int) sl.rows());
        System.arraycopy(t, 0, w, (int) sl.offset(), t.length);
      }
    } catch (SpiceException.CheckpointException e) {
      throw e;
    } catch (SpiceException e) {
      throw new SpiceException.CheckpointException("cannot load adapter " + dir + ": " + e.getMessage(), e);
    }
    return new Loaded(s, w);
  }

  private static LoraSettings settings(Map<String, Object> c, Path file) {
    if (!"LORA".equals(c.get("peft_type"))) {
      throw new SpiceException.CheckpointException(file + ": peft_type is " + c.get("peft_type") + ", expected LORA");
    }
    if (!(c.get("r") instanceof Long r) || r < 1 || r > Integer.MAX_VALUE) {
      throw new SpiceException.CheckpointException(file + ": field 'r' must be a positive integer, got " + c.get("r"));
    }
    if (!(c.get("lora_alpha") instanceof Number alpha)) {
      throw new SpiceException.CheckpointException(file + ": field 'lora_alpha' must be a number, got "
          + c.get("lora_alpha"));
    }
    Object dropout = c.getOrDefault("lora_dropout", 0L);
    if (!(dropout instanceof Number dn) || !(dn.doubleValue() >= 0 && dn.doubleValue() < 1)) {
      throw new SpiceException.CheckpointException(file + ": lora_dropout is " + dropout
          + "; expected a probability in [0, 1)");
    }
    if (dn.doubleValue() != 0) {
      // Dropout acts only while training (PEFT and vLLM ignore it at inference), so the weights mean
      // the same here; say so rather than refusing adapters trained with TRL's default 0.05.
      LOG.warn("{}: lora_dropout {} is not applied: this backend trains and samples without adapter dropout "
          + "(inference is unaffected; further training here runs without it)", file, dropout);
    }
    unsupported(c, file, "bias", "none");
    unsupported(c, file, "fan_in_fan_out", false);
    unsupported(c, file, "use_rslora", false);
    unsupported(c, file, "use_dora", false);
    unsupported(c, file, "lora_bias", false);
    unsupported(c, file, "use_qalora", false);
    // PEFT 0.21 fields that change what the adapter computes without adding tensors we would notice
    for (String k : List.of("alora_invocation_tokens", "layer_replication", "target_parameters", "use_bdlora",
        "arrow_config", "monteclora_config", "velora_config", "kasa_config")) {
      Object v = c.get(k);
      if (v != null && !(v instanceof List<?> l && l.isEmpty()) && !(v instanceof Map<?, ?> m && m.isEmpty())) {
        throw new SpiceException.CheckpointException(file + ": '" + k + "' is " + v + "; this backend supports "
            + "only plain LoRA (this PEFT feature changes what the adapter computes)");
      }
    }
    for (String k : List.of("layers_to_transform", "modules_to_save", "rank_pattern", "alpha_pattern")) {
      Object v = c.get(k);
      boolean empty = v == null || (v instanceof Map<?, ?> m && m.isEmpty()) || (v instanceof List<?> l && l.isEmpty());
      if (!empty) {
        throw new SpiceException.CheckpointException(file + ": '" + k + "' is " + v + "; this backend supports only "
            + "one rank and alpha for every layer and no extra trained modules");
      }
    }
    if (!(c.get("target_modules") instanceof List<?> tm)) {
      throw new SpiceException.CheckpointException(file + ": 'target_modules' must be a list of module names (a "
          + "regular expression is not supported), got " + c.get("target_modules") + "; valid modules: "
          + LoraSettings.MODULES);
    }
    List<String> modules = new ArrayList<>();
    for (Object o : tm) {
      modules.add(String.valueOf(o));
    }
    try {
      return new LoraSettings(r.intValue(), alpha.doubleValue(), modules, 0);
    } catch (SpiceException.ConfigurationException e) {
      throw new SpiceException.CheckpointException(file + ": " + e.getMessage(), e);
    }
  }

  private static void unsupported(Map<String, Object> c, Path file, String key, Object supported) {
    Object v = c.get(key);
    if (v != null && !v.equals(supported)) {
      throw new SpiceException.CheckpointException(file + ": '" + key + "' is " + v + "; this backend supports only "
          + supported);
    }
  }

  /** {@code [rows, cols]} at {@code off} in {@code src} as a new {@code [cols, rows]} array. */
  private static float[] transpose(float[] src, int off, int rows, int cols) {
    float[] t = new float[rows * cols];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        t[j * rows + i] = src[off + i * cols + j];
      }
    }
    return t;
  }

  /**
   * The base weights ({@link Model} flat layout) with every adapter merged in:
   * {@code W' = W + (alpha / r) B A} (in the flat {@code [in, out]} layout:
   * {@code W'[i][o] += scale sum_k A[i][k] B[k][o]}, accumulated in double). {@code base} is not
   * changed.
   */
  static float[] merge(TransformerConfig cfg, float[] base, LoraSettings s, float[] adapter) {
    float[] w = base.clone();
    for (Model.Slot target : ModelLayout.layoutOf(cfg).slots()) {
      mergeInto(cfg, target, w, (int) target.offset(), s, adapter);
    }
    return w;
  }

  /**
   * {@link #merge} of one slot: adds the adapters that target {@code slot} (if any) to its values
   * {@code w} ({@code [in, out]} layout from index 0), in place.
   */
  static void mergeSlot(TransformerConfig cfg, Model.Slot slot, float[] w, LoraSettings s, float[] adapter) {
    mergeInto(cfg, slot, w, 0, s, adapter);
  }

  private static void mergeInto(TransformerConfig cfg, Model.Slot target, float[] w, int base, LoraSettings s,
      float[] adapter) {
    int qd = cfg.numHeads() * cfg.headDim();
    int kvd = cfg.numKvHeads() * cfg.headDim();
    int inter = cfg.intermediateSize();
    String[] slotOf = {"qkv", "qkv", "qkv", "o", "gate_up", "gate_up", "down"};
    int[] colOff = {0, qd, qd + kvd, 0, 0, inter, 0};
    double scale = s.scaling();
    int r = s.rank();
    List<Lora.Slot> slots = Lora.layoutOf(cfg, s);
    for (int i = 0; i < slots.size(); i += 2) {
      Lora.Slot a = slots.get(i);
      Lora.Slot b = slots.get(i + 1);
      if (!target.name().equals("L" + a.layer() + "." + slotOf[a.module()])) {
        continue;
      }
      int cols = (int) target.shape()[1];
      int in = (int) a.rows();
      int out = (int) b.cols();
      double[] row = new double[out];
      for (int x = 0; x < in; x++) {
        Arrays.fill(row, 0);
        for (int k = 0; k < r; k++) {
          double aik = scale * adapter[(int) a.offset() + x * r + k];
          int bo = (int) b.offset() + k * out;
          for (int o = 0; o < out; o++) {
            row[o] += aik * adapter[bo + o];
          }
        }
        int wo = base + x * cols + colOff[a.module()];
        for (int o = 0; o < out; o++) {
          w[wo + o] = (float) (w[wo + o] + row[o]);
        }
      }
    }
  }
}
