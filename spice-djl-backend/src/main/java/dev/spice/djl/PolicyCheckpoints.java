package dev.spice.djl;

import ai.djl.ndarray.NDArray;
import dev.spice.core.SpiceException;
import dev.spice.core.internal.json.Json;
import dev.spice.core.internal.model.SafeTensors;
import dev.spice.core.model.TransformerConfig;
import dev.spice.core.text.Tokenizer;
import dev.spice.core.text.WordTokenizer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Files on disk: the Hugging Face export ({@link #savePretrained}: {@code config.json},
 * {@code model.safetensors} in F32 with Hugging Face names and {@code [out, in]} layout,
 * {@code tokenizer.json}) and training checkpoints ({@link #saveCheckpoint}: the export plus
 * {@code optimizer.safetensors} with the AdamW moments and the KL reference, and
 * {@code trainer_state.json} with the step). {@link #loadCheckpoint} validates everything before it
 * changes any state; NaN / infinite weights (model or adapter) are refused, naming the tensor,
 * unless the policy was built with {@code allowNonFiniteWeights(true)}. Under LoRA the export holds the merged weights (float32), checkpoints hold
 * the adapter ({@link LoraFiles}), adapter-sized optimizer state and the base's checksum and dtype
 * ({@link BaseWeights#checksum()}; the frozen base itself is not written: the policy resuming from
 * it is built from the same base, which the checksum verifies), and {@link #saveAdapter} writes the
 * adapter alone. A LoRA checkpoint of the earlier layout (the base unmerged in
 * {@code model.safetensors}, no checksum) still loads: its base replaces the policy's.
 */
final class PolicyCheckpoints {
  static final String FORMAT = "spice-djl-checkpoint-1";

  private final TransformerConfig cfg;
  private final Tokenizer tokenizer;
  private final Model model;
  private final AdamW optimizer;
  /** Frozen KL reference copy of {@link Model#trainable()}, or null. */
  private final NDArray reference;
  /** {@code base_model_name_or_path} of saved adapters (the pretrained directory), or null. */
  private final String baseModel;
  /** {@link DjlPolicy.Builder#allowNonFiniteWeights}: whether loaded weights may be NaN / infinite. */
  private final boolean allowNonFinite;

  PolicyCheckpoints(Model model, Tokenizer tokenizer, AdamW optimizer, NDArray reference, String baseModel,
      boolean allowNonFinite) {
    this.baseModel = baseModel;
    this.allowNonFinite = allowNonFinite;
    this.cfg = model.cfg;
    this.tokenizer = tokenizer;
    this.model = model;
    this.optimizer = optimizer;
    this.reference = reference;
  }

  /**
   * The Hugging Face folder of the current model; under LoRA the adapters are merged into the base
   * ({@link LoraFiles#mergeSlot}), so the folder is a plain model any reader (the ONNX exporter,
   * transformers) loads without PEFT.
   */
  void savePretrained(Path dir) {
    Lora lora = model.lora();
    if (lora == null) {
      writeFolder(dir, HfWeights.toHuggingFace(cfg, model.flat.toFloatArray()));
      return;
    }
    // Per slot, on demand (each slot is asked for once): the base as float32 (exact for a 16-bit
    // base) plus the merged adapters, so only the Hugging Face tensors accumulate on the heap.
    float[] adapter = lora.flat.toFloatArray();
    writeFolder(dir, HfWeights.toHuggingFace(cfg, name -> {
      int i = model.index(name);
      float[] v = model.base.floats(i);
      LoraFiles.mergeSlot(cfg, model.slots.get(i), v, lora.settings, adapter);
      return new HfWeights.Src(v, 0);
    }));
  }

  /**
   * {@code config.json}, {@code model.safetensors} of {@code tensors} (when null: none, and a stale
   * one is deleted) and {@code tokenizer.json}.
   */
  private void writeFolder(Path dir, List<SafeTensors.Tensor> tensors) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new SpiceException.CheckpointException("cannot create " + dir + ": " + e.getMessage(), e);
    }
    if (tensors != null) {
      SafeTensors.write(dir.resolve("model.safetensors"), tensors,
          Map.of("format", "pt", "producer", "spice-djl-backend"));
    } else {
      try {
        Files.deleteIfExists(dir.resolve("model.safetensors"));
      } catch (IOException e) {
        throw new SpiceException.CheckpointException("cannot replace " + dir.resolve("model.safetensors") + ": "
            + e.getMessage(), e);
      }
    }
    configWithTokenizerEos().write(dir.resolve("config.json"));
    writeTokenizer(dir.resolve("tokenizer.json"));
  }

  /**
   * The config written to {@code config.json}: without {@code eos_token_id} of its own (a model
   * built with {@code randomInit}), it gets the tokenizer's end-of-sequence ids within the
   * vocabulary, so that any reader of the folder (the ONNX exporter and runtime, Hugging Face
   * transformers) stops generation where this policy does.
   */
  private TransformerConfig configWithTokenizerEos() {
    if (!cfg.eosTokenIds().isEmpty()) {
      return cfg;
    }
    List<Integer> ids = new ArrayList<>();
    for (int e : tokenizer.eosIds()) {
      if (e >= 0 && e < cfg.vocabSize() && !ids.contains(e)) {
        ids.add(e);
      }
    }
    return ids.isEmpty() ? cfg : cfg.withEosTokenIds(ids);
  }

  /**
   * A {@link WordTokenizer} (the deprecated alias included) writes its WordLevel JSON; an
   * {@link HfTokenizer}'s file is copied; any other tokenizer writes nothing.
   */
  private void writeTokenizer(Path file) {
    try {
      if (tokenizer instanceof WordTokenizer wt) {
        wt.writeHuggingFaceJson(file);
      } else if (tokenizer instanceof HfTokenizer hf) {
        if (!Files.isSameFile(hf.file().getParent(), file.getParent())) {
          Files.copy(hf.file(), file, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    } catch (IOException e) {
      throw new SpiceException.CheckpointException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * The weights (without LoRA; under LoRA only the base's checksum and dtype in
   * {@code trainer_state.json}, and no {@code model.safetensors}),
   * under LoRA the adapter in PEFT's layout ({@link LoraFiles}), the AdamW moments of the trainable
   * tensor ({@link Model#trainable()}), the KL reference and {@code trainer_state.json}.
   */
  void saveCheckpoint(Path dir) {
    writeFolder(dir, model.base != null ? null : HfWeights.toHuggingFace(cfg, model.flat.toFloatArray()));
    Lora lora = model.lora();
    if (lora != null) {
      LoraFiles.save(dir, cfg, lora.settings, lora.flat.toFloatArray(), baseModel);
    }
    long n = model.trainableSize();
    List<SafeTensors.Tensor> opt = new ArrayList<>();
    opt.add(new SafeTensors.Tensor("adam.m", new long[] {n}, optimizer.firstMoment()));
    opt.add(new SafeTensors.Tensor("adam.v", new long[] {n}, optimizer.secondMoment()));
    if (reference != null) {
      opt.add(new SafeTensors.Tensor("reference", new long[] {n}, reference.toFloatArray()));
    }
    SafeTensors.write(dir.resolve("optimizer.safetensors"), opt, Map.of("format", FORMAT));
    OptimizerSettings s = optimizer.settings();
    Map<String, Object> state = new LinkedHashMap<>();
    state.put("format", FORMAT);
    state.put("step", optimizer.stepCount());
    state.put("parameters", n);
    if (lora != null) {
      Map<String, Object> l = new LinkedHashMap<>();
      l.put("r", lora.settings.rank());
      l.put("lora_alpha", lora.settings.alpha());
      l.put("target_modules", lora.settings.targetModules());
      Map<String, Object> base = new LinkedHashMap<>();
      base.put("stored", false);
      base.put("checksum", model.base.checksum());
      base.put("dtype", model.base.dtype().name());
      base.put("parameters", model.size);
      l.put("base", base);
      state.put("lora", l);
    }
    // insertion order, so the file is byte-identical from run to run (Map.of's order varies per JVM)
    Map<String, Object> optimizerState = new java.util.LinkedHashMap<>();
    optimizerState.put("learning_rate", s.learningRate());
    optimizerState.put("beta1", s.beta1());
    optimizerState.put("beta2", s.beta2());
    optimizerState.put("epsilon", s.epsilon());
    optimizerState.put("weight_decay", s.weightDecay());
    optimizerState.put("grad_clip", s.gradClip());
    optimizerState.put("warmup_steps", s.warmupSteps());
    state.put("optimizer", optimizerState);
    state.put("rng", "none: sampling streams are derived from SamplingParams.seed per call");
    try {
      Files.writeString(dir.resolve("trainer_state.json"), Json.write(state), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new SpiceException.CheckpointException("cannot write trainer_state.json in " + dir + ": " + e.getMessage(), e);
    }
  }

  /** {@link LoraFiles#save} of the current adapters; refused without LoRA. */
  void saveAdapter(Path dir) {
    Lora lora = model.lora();
    if (lora == null) {
      throw new SpiceException.ConfigurationException("this policy has no LoRA adapter; build it with lora(...)");
    }
    LoraFiles.save(dir, cfg, lora.settings, lora.flat.toFloatArray(), baseModel);
  }

  void loadCheckpoint(Path dir) {
    Path stateFile = dir.resolve("trainer_state.json");
    Map<String, Object> state;
    try {
      state = Json.parseObject(Files.readString(stateFile, StandardCharsets.UTF_8));
    } catch (IOException | Json.JsonException e) {
      throw new SpiceException.CheckpointException("cannot read " + stateFile + ": " + e.getMessage(), e);
    }
    if (!FORMAT.equals(state.get("format"))) {
      throw new SpiceException.CheckpointException(stateFile + ": format is " + state.get("format") + ", expected "
          + FORMAT);
    }
    if (!(state.get("step") instanceof Long savedStep) || savedStep < 0) {
      throw new SpiceException.CheckpointException(stateFile + ": field 'step' must be a non-negative integer");
    }
    TransformerConfig saved;
    try {
      saved = TransformerConfig.read(dir.resolve("config.json"));
    } catch (SpiceException e) {
      throw new SpiceException.CheckpointException(e.getMessage(), e);
    }
    if (!saved.equals(cfg) && !saved.equals(configWithTokenizerEos())) {
      throw new SpiceException.CheckpointException(dir + "/config.json describes another architecture: " + saved
          + " vs this policy's " + cfg);
    }
    Lora lora = model.lora();
    if ((lora == null) != (state.get("lora") == null)) {
      throw new SpiceException.CheckpointException(dir + (lora == null
          ? " is a LoRA checkpoint but this policy has no adapters; build it with the same lora(...) settings"
          : " has no LoRA adapter but this policy trains one; load it into a policy built without lora(...)"));
    }
    float[] adapter = null;
    if (lora != null) {
      LoraFiles.Loaded a = LoraFiles.load(dir, cfg, allowNonFinite);
      LoraSettings s = a.settings();
      LoraSettings mine = lora.settings;
      if (s.rank() != mine.rank() || s.alpha() != mine.alpha() || !s.targetModules().equals(mine.targetModules())) {
        throw new SpiceException.CheckpointException(dir + " holds a LoRA adapter with r " + s.rank() + ", alpha "
            + s.alpha() + ", target_modules " + s.targetModules() + "; this policy has r " + mine.rank() + ", alpha "
            + mine.alpha() + ", target_modules " + mine.targetModules());
      }
      adapter = a.weights();
    }
    Object baseEntry = state.get("lora") instanceof Map<?, ?> le ? le.get("base") : null;
    boolean baseStored = lora == null || baseEntry == null;
    if (!baseStored) {
      checkBase(baseEntry, stateFile);
    }
    float[] w = null;
    List<float[]> baseSlots = null;
    float[] m;
    float[] v;
    float[] ref = null;
    try (SafeTensors.Reader o = SafeTensors.open(dir.resolve("optimizer.safetensors"))) {
      if (baseStored) {
        if (!Files.exists(dir.resolve("model.safetensors"))) {
          throw new SpiceException.CheckpointException(dir + " has no model.safetensors"
              + (lora == null ? "" : " and trainer_state.json's 'lora' entry no 'base' checksum"));
        }
        try (SafeTensors.Reader r = SafeTensors.openDirectory(dir)) {
          if (model.base == null) {
            w = HfWeights.fromHuggingFace(cfg, r, dir.toString(), allowNonFinite);
          } else {
            // a LoRA checkpoint of the earlier layout: its base, slot by slot
            cfg.checkTensors(r, dir.resolve("config.json"));
            java.util.function.Function<String, float[]> floats = HfWeights.reading(r, allowNonFinite);
            baseSlots = new ArrayList<>();
            for (Model.Slot sl : model.slots) {
              baseSlots.add(HfWeights.slotValues(cfg, sl, floats));
            }
          }
        }
      }
      m = flatTensor(o, "adam.m", dir);
      v = flatTensor(o, "adam.v", dir);
      if (reference != null) {
        if (!o.names().contains("reference")) {
          throw new SpiceException.CheckpointException(dir + "/optimizer.safetensors has no 'reference' tensor "
              + "but this policy keeps a KL reference");
        }
        ref = flatTensor(o, "reference", dir);
      }
    } catch (SpiceException.CheckpointException e) {
      throw e;
    } catch (SpiceException e) {
      throw new SpiceException.CheckpointException("cannot load checkpoint " + dir + ": " + e.getMessage(), e);
    }
    // Commit only after everything was read and validated (the base first: its swap allocates).
    if (baseSlots != null) {
      model.base.overwrite(baseSlots);
    }
    if (w != null) {
      Model.overwrite(model.flat, w);
    }
    if (adapter != null) {
      Model.overwrite(lora.flat, adapter);
    }
    if (ref != null) {
      Model.overwrite(reference, ref);
    }
    optimizer.restore(m, v, savedStep);
  }

  /** Refuses a checkpoint whose recorded base is not this policy's (another checksum or dtype). */
  private void checkBase(Object entry, Path stateFile) {
    if (!(entry instanceof Map<?, ?> b) || !(b.get("checksum") instanceof String sum)
        || !(b.get("dtype") instanceof String dtype)) {
      throw new SpiceException.CheckpointException(stateFile + ": 'lora.base' must hold 'checksum' and 'dtype' "
          + "strings, got " + entry);
    }
    if (!dtype.equals(model.base.dtype().name())) {
      throw new SpiceException.CheckpointException(stateFile + ": the checkpoint was trained on a " + dtype
          + " base but this policy's base is " + model.base.dtype() + "; build it with baseDtype(BaseDtype." + dtype
          + ") to resume exactly");
    }
    if (!sum.equals(model.base.checksum())) {
      throw new SpiceException.CheckpointException(stateFile + ": the checkpoint's base weights have checksum " + sum
          + " but this policy's base has " + model.base.checksum() + "; LoRA checkpoints do not store the frozen "
          + "base, so build the policy from the same pretrained(...) directory or randomInit(config, seed)");
    }
  }

  private float[] flatTensor(SafeTensors.Reader o, String name, Path dir) {
    if (!o.names().contains(name)) {
      throw new SpiceException.CheckpointException(dir + "/optimizer.safetensors lacks tensor '" + name + "'");
    }
    long[] shape = o.info(name).shape();
    long n = model.trainableSize();
    if (shape.length != 1 || shape[0] != n) {
      throw new SpiceException.CheckpointException(dir + "/optimizer.safetensors tensor '" + name + "' has shape "
          + Arrays.toString(shape) + ", expected [" + n + "]" + (model.lora() != null ? " (the adapter's size)" : ""));
    }
    float[] values = o.floats(name);
    Path file = dir.resolve("optimizer.safetensors");
    int bad = 0;
    int first = -1;
    for (int i = 0; i < values.length; i++) {
      if (!Float.isFinite(values[i])) {
        bad++;
        first = first < 0 ? i : first;
      } else if (values[i] < 0 && name.equals("adam.v")) {
        throw new SpiceException.CheckpointException(file + ": tensor 'adam.v' holds " + values[i] + " at index " + i
            + "; AdamW's second moment is never negative");
      }
    }
    if (bad > 0 && !allowNonFinite) {
      // a NaN moment or KL reference poisons every later update though no loaded weight is bad
      throw new SpiceException.CheckpointException(file + ": tensor '" + name + "' holds " + bad + " non-finite "
          + "value(s); the first is " + (values[first] > 0 ? "+" : "") + values[first] + " at index " + first
          + "; such a state makes every later update non-finite, so it is refused (to load it anyway: "
          + "DjlPolicy.builder().allowNonFiniteWeights(true))");
    }
    return values;
  }
}
