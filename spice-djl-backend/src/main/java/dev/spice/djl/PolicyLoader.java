package dev.spice.djl;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import dev.spice.core.SpiceException;
import dev.spice.core.internal.model.SafeTensors;
import dev.spice.core.model.TransformerConfig;
import dev.spice.core.text.PromptTemplate;
import dev.spice.core.text.Tokenizer;
import java.nio.file.Path;

/**
 * Builds a {@link DjlPolicyImpl} from a {@link DjlPolicy.Builder}: config, engine and device, the
 * tokenizer, the weights (one flat float32 tensor for full fine-tuning; under LoRA a per-tensor
 * {@link BaseWeights} in the builder's {@link BaseDtype}) and the adapters; cheap checks first,
 * model-sized work last, everything released on failure.
 */
final class PolicyLoader {
  private PolicyLoader() {}

  static DjlPolicyImpl create(DjlPolicy.Builder b) {
    // config.json first (cheap, and it sizes the thread pool), then the engine, then the rest.
    Path configJson = b.pretrained == null ? null : b.pretrained.resolve("config.json");
    TransformerConfig cfg = b.pretrained == null ? b.config : TransformerConfig.read(configJson);
    int threads = EngineStart.threads(b.threads, cfg.parameterCount());
    boolean cpu = b.device.toLowerCase(java.util.Locale.ROOT).equals("cpu");
    Engine engine = EngineStart.pytorch(threads, cpu);
    Device device = device(b.device, engine);
    // LoRA keeps the frozen base per tensor (BaseWeights): no model-wide size limit, no host copy of
    // the whole model; full fine-tuning keeps one flat float32 tensor.
    boolean perTensor = b.lora != null || b.loraAdapter != null;
    float[] init = null;
    Tokenizer tok = b.tokenizer;
    boolean owns = false;
    PromptTemplate template = b.template;
    if (b.pretrained != null) {
      // Cheap checks first, model-sized work last: config.json (read above), then the config against the
      // safetensors header (names, shapes, dtypes; nothing allocated), then the tokenizer file,
      // and only then the weights themselves.
      try (SafeTensors.Reader r = SafeTensors.openDirectory(b.pretrained)) {
        cfg.checkTensors(r, configJson);
        ModelLayout.layoutOf(cfg);
        if (!perTensor) {
          ModelLayout.requireFlat(cfg);
        }
        if (tok == null) {
          tok = HfTokenizer.load(b.pretrained);
          owns = true;
        }
        try {
          init = perTensor ? null : HfWeights.fromHuggingFace(cfg, r, b.pretrained.toString(), b.allowNonFiniteWeights);
        } catch (RuntimeException e) {
          if (owns) {
            tok.close();
          }
          throw e;
        }
      }
      if (template == null) {
        template = PromptTemplate.PLAIN;
      }
    } else {
      ModelLayout.layoutOf(cfg);
      init = perTensor ? null : ModelLayout.randomInit(cfg, b.seed);
      if (template == null) {
        template = PromptTemplate.RAW;
      }
    }
    if (tok.vocabSize() > cfg.vocabSize()) {
      if (owns) {
        tok.close();
      }
      throw new SpiceException.ConfigurationException("the tokenizer has " + tok.vocabSize()
          + " ids but the model's vocab_size is " + cfg.vocabSize() + "; make vocab_size >= the tokenizer size");
    }
    LoraFiles.Loaded adapter;
    try {
      adapter = b.loraAdapter != null ? LoraFiles.load(b.loraAdapter, cfg, b.allowNonFiniteWeights)
          : b.lora != null ? new LoraFiles.Loaded(b.lora, Lora.initialWeights(cfg, b.lora)) : null;
    } catch (RuntimeException e) {
      if (owns) {
        tok.close();
      }
      throw e;
    }
    // The weights (the flat tensor or the per-slot base) get their own manager, shared with the
    // adapter policies made from this one (SharedBase); everything else lives in the model's.
    NDManager weights = NDManager.newBaseManager(device, "PyTorch");
    NDManager mgr = NDManager.newBaseManager(device, "PyTorch");
    try {
      Model model;
      if (adapter != null) {
        BaseWeights base = b.pretrained != null
            ? BaseWeights.pretrained(cfg, b.pretrained, weights, b.baseDtype, b.allowNonFiniteWeights)
            : BaseWeights.random(cfg, b.seed, weights, b.baseDtype);
        model = new Model(cfg, mgr, base);
        model.attachLora(new Lora(cfg, adapter.settings(), mgr, adapter.weights()));
      } else {
        model = new Model(cfg, mgr, weights, init);
      }
      return new DjlPolicyImpl(cfg, new SharedBase(weights, tok, owns), template, model, b.copy());
    } catch (RuntimeException e) {
      mgr.close();
      weights.close();
      if (owns) {
        tok.close();
      }
      throw e;
    }
  }

  private static Device device(String spec, Engine engine) {
    String s = spec.toLowerCase(java.util.Locale.ROOT);
    if (s.equals("cpu")) {
      return Device.cpu();
    }
    int gpus = engine.getGpuCount();
    if (s.equals("auto")) {
      return gpus > 0 ? Device.gpu() : Device.cpu();
    }
    int id = s.equals("gpu") ? 0 : Integer.parseInt(s.substring(4));
    if (id >= gpus) {
      throw new SpiceException.ConfigurationException("device '" + spec + "' requested but " + gpus
          + " GPU(s) are visible to PyTorch; use cpu, or add the CUDA native artifact (see the module README, -Pcuda)");
    }
    return Device.gpu(id);
  }

}
