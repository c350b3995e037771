package dev.spice.djl;

import dev.spice.core.SpiceException;
import dev.spice.core.TrainablePolicy;
import dev.spice.core.internal.DeviceSpec;
import dev.spice.core.model.TransformerConfig;
import dev.spice.core.text.PromptTemplate;
import dev.spice.core.text.Tokenizer;
import dev.spice.core.text.WordTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A trainable Llama / Qwen-family causal language model on DJL's PyTorch engine: batched sampling
 * with a KV cache, teacher-forced scoring, and clipped policy-gradient updates and supervised
 * next-token updates ({@link #supervisedUpdate}, for warm starts) sharing one AdamW state.
 * {@link #demonstrationSample} encodes a (prompt, completion) demonstration with the prompt path of
 * generation; its end-of-sequence target is the smallest of the ids generation stops at (those of
 * {@code config.json eos_token_id}, the tokenizer's {@link Tokenizer#eosIds()}, and
 * {@code <|im_end|>} under a ChatML template).
 *
 * <p>Create one with {@link #builder()}: either {@link Builder#pretrained(Path)} (a Hugging Face
 * checkpoint directory: {@code config.json}, {@code model.safetensors} or a sharded index, and
 * {@code tokenizer.json}) or {@link Builder#randomInit(TransformerConfig, long)} with a
 * {@link Tokenizer} such as {@link WordTokenizer} (both in {@code dev.spice.core.text}, shared
 * with the ONNX backend).
 *
 * <p>LoRA: {@link Builder#lora} or {@link Builder#loraAdapter} freeze the base weights and train
 * low-rank adapters only ({@link LoraSettings}); {@link #saveAdapter} writes them in PEFT's layout
 * and {@link #savePretrained} the merged model. The frozen base is then kept one tensor per weight
 * in {@link Builder#baseDtype} (float32 or float16), and {@link #saveCheckpoint} stores the adapter,
 * its optimizer state and the base's checksum, not the base: resume into a policy built from the
 * same base. {@link #withAdapter} makes a LoRA policy over an existing policy's weights (many
 * adapters, one copy of the base).
 *
 * <p>Threading: one thread at a time per policy; updates of all policies in the process are
 * serialised (PyTorch allows one gradient collector at a time). PyTorch's intra-op thread count is
 * process-wide: the last built policy's {@link Builder#threads(int)} wins.
 *
 * <p>Determinism: same weights, prompts and seed give the same tokens and log-probs on the same
 * machine and thread count. Close the policy to free native memory.
 */
public interface DjlPolicy extends TrainablePolicy {

  /**
   * The architecture.
   *
   * @return the model's transformer configuration
   */
  TransformerConfig config();

  /**
   * The tokenizer in use.
   *
   * @return the policy's tokenizer
   */
  Tokenizer tokenizer();

  /**
   * Number of parameters of the model itself (all of them trained without LoRA; frozen under LoRA,
   * where {@link #adapterParameterCount()} counts the trained ones).
   *
   * @return the model's parameter count
   */
  long parameterCount();

  /**
   * Number of optimizer steps taken (skipped updates do not count).
   *
   * @return the optimizer step count
   */
  long updateCount();

  /**
   * Writes the current weights as a Hugging Face checkpoint directory: {@code config.json},
   * {@code model.safetensors} (float32) and {@code tokenizer.json}. Creates the directory if
   * needed; existing files of these names are replaced. Under LoRA the adapters are merged into the
   * written weights ({@code W' = W + (alpha / r) B A}), so the folder is a plain model (for example
   * for the ONNX exporter); the policy itself is not changed. Use {@link #saveAdapter} for the
   * adapter alone.
   *
   * @param directory the checkpoint directory to write
   * @throws SpiceException.CheckpointException on I/O failure
   */
  void savePretrained(Path directory);

  /**
   * The LoRA settings, when the policy trains adapters ({@link Builder#lora} or
   * {@link Builder#loraAdapter}).
   *
   * @return the adapter settings, or empty for full fine-tuning
   */
  java.util.Optional<LoraSettings> lora();

  /**
   * Number of adapter parameters (the only trained ones under LoRA).
   *
   * @return the adapter parameter count, 0 without LoRA
   */
  long adapterParameterCount();

  /**
   * Writes the LoRA adapter in PEFT's layout: {@code adapter_config.json} and
   * {@code adapter_model.safetensors} (float32, PEFT tensor names, {@code lora_A [r, in]},
   * {@code lora_B [out, r]}). Creates the directory if needed; existing files are replaced.
   *
   * @param directory the adapter directory to write
   * @throws SpiceException.ConfigurationException if the policy has no adapter
   * @throws SpiceException.CheckpointException on I/O failure
   */
  void saveAdapter(Path directory);

  /**
   * A LoRA policy over this policy's weights with the PEFT adapter in {@code peftAdapterFolder}
   * (as {@link #saveAdapter} or PEFT writes it), without copying or re-reading the base: it
   * computes exactly what {@code builder()} with this policy's settings plus
   * {@link Builder#loraAdapter loraAdapter(peftAdapterFolder)} would build (the same log-probs
   * bit for bit, the same tokens for the same seed), in the time it takes to read the adapter.
   *
   * <p><b>Shared:</b> the base weights (this policy's flat weights, viewed per tensor, or, when
   * this policy is itself a LoRA policy, its frozen base, whose {@link Builder#baseDtype} the new
   * policy keeps; this policy's own adapter is not used) and the tokenizer: neither is copied.
   * <b>Not shared:</b> the adapter, its optimizer state, and the settings copied from this
   * policy's builder (template, device, batch sizes, optimizer, {@code keepReference}, ...).
   *
   * <p><b>Lifetimes:</b> the shared weights and tokenizer are reference counted. Closing this
   * policy or an adapter policy frees its own memory only; the shared part is freed when the last
   * policy using it is closed, so the policies may be closed in any order. An adapter policy may
   * itself be the source of further adapter policies (they share the same base).
   *
   * <p><b>Training:</b> the adapter policy trains its adapter as any LoRA policy does
   * ({@link #update}, {@link #supervisedUpdate}; the base is frozen), and may save it. While the
   * base is shared, nothing may change it: {@link #update} and {@link #supervisedUpdate} of a
   * full fine-tuning source and {@link #loadCheckpoint} of any policy sharing it (a checkpoint
   * may carry base weights) are refused.
   *
   * @param peftAdapterFolder the adapter directory ({@code adapter_config.json},
   *     {@code adapter_model.safetensors})
   * @return a new LoRA policy sharing this policy's base; close it when done
   * @throws SpiceException.ConfigurationException if the folder does not exist or the adapter is
   *     invalid or does not fit this model (the message names the file and what was wrong)
   * @throws SpiceException.BackendException if this policy is closed
   */
  DjlPolicy withAdapter(Path peftAdapterFolder);

  /**
   * A new builder.
   *
   * @return a builder with default settings
   */
  static Builder builder() {
    return new Builder();
  }

  /**
   * Fail-fast builder of a {@link DjlPolicy}; settings are validated by {@link #build()}. Not
   * thread-safe.
   */
  final class Builder {
    Path pretrained;
    TransformerConfig config;
    long seed;
    Tokenizer tokenizer;
    PromptTemplate template;
    String device = "cpu";
    OptimizerSettings optimizer = OptimizerSettings.adamW(1e-6);
    int microBatchSize;
    int generationBatchSize = 256;
    int threads;
    boolean keepReference;
    boolean eosWhenConstrained = true;
    boolean addBos;
    boolean allowNonFiniteWeights;
    LoraSettings lora;
    Path loraAdapter;
    BaseDtype baseDtype = BaseDtype.FLOAT32;

    Builder() {}

    /** A copy of every setting (adapter policies keep their source's, {@link DjlPolicy#withAdapter}). */
    Builder copy() {
      Builder c = new Builder();
      c.pretrained = pretrained;
      c.config = config;
      c.seed = seed;
      c.tokenizer = tokenizer;
      c.template = template;
      c.device = device;
      c.optimizer = optimizer;
      c.microBatchSize = microBatchSize;
      c.generationBatchSize = generationBatchSize;
      c.threads = threads;
      c.keepReference = keepReference;
      c.eosWhenConstrained = eosWhenConstrained;
      c.addBos = addBos;
      c.allowNonFiniteWeights = allowNonFiniteWeights;
      c.lora = lora;
      c.loraAdapter = loraAdapter;
      c.baseDtype = baseDtype;
      return c;
    }

    /**
     * The element type of the frozen base weights under LoRA ({@link #lora} or
     * {@link #loraAdapter}); default {@link BaseDtype#FLOAT32}. With LoRA the base is kept as one
     * tensor per weight (no model-wide size limit) in this type; {@link BaseDtype#FLOAT16} halves its
     * memory, and the base projections then run in float16 (inputs rounded to float16, outputs
     * widened back to float32; embedding rows, norms, attention, residuals and the adapters stay
     * float32). Full fine-tuning keeps float32 weights, so any other type there is refused by
     * {@link #build()}.
     *
     * @param dtype the base weights' element type
     * @return this builder
     */
    public Builder baseDtype(BaseDtype dtype) {
      this.baseDtype = Objects.requireNonNull(dtype, "dtype");
      return this;
    }

    /**
     * Trains new LoRA adapters instead of the full model: the base weights are frozen, only the
     * adapters get gradients and AdamW state, and a new adapter leaves the outputs unchanged.
     *
     * @param settings rank, alpha and target modules
     * @return this builder
     */
    public Builder lora(LoraSettings settings) {
      this.lora = Objects.requireNonNull(settings, "settings");
      return this;
    }

    /**
     * Loads a LoRA adapter saved in PEFT's layout ({@code adapter_config.json},
     * {@code adapter_model.safetensors}, as written by {@link DjlPolicy#saveAdapter} or PEFT) on
     * top of the base model, and trains it as {@link #lora} would. Settings come from the file;
     * PEFT features this backend lacks (biases, rsLoRA, DoRA, per-layer ranks, dropout) are
     * refused with a message.
     *
     * @param directory the adapter directory
     * @return this builder
     */
    public Builder loraAdapter(Path directory) {
      this.loraAdapter = Objects.requireNonNull(directory, "directory");
      return this;
    }

    /**
     * Loads weights, config and (unless {@link #tokenizer} is given) tokenizer from a Hugging Face
     * directory.
     *
     * @param directory the Hugging Face checkpoint directory
     * @return this builder
     */
    public Builder pretrained(Path directory) {
      this.pretrained = Objects.requireNonNull(directory, "directory");
      return this;
    }

    /**
     * Random initial weights (N(0, 0.02) matrices, unit norms) for {@code config}, deterministic in
     * {@code seed}.
     *
     * @param config the architecture
     * @param seed the seed of the random initialisation
     * @return this builder
     */
    public Builder randomInit(TransformerConfig config, long seed) {
      this.config = Objects.requireNonNull(config, "config");
      this.seed = seed;
      return this;
    }

    /**
     * The tokenizer ({@link WordTokenizer}, {@link HfTokenizer} or any other {@link Tokenizer});
     * required with {@link #randomInit}, optional with {@link #pretrained}. The policy does not
     * close a tokenizer supplied here.
     *
     * @param tokenizer the tokenizer to use
     * @return this builder
     */
    public Builder tokenizer(Tokenizer tokenizer) {
      this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
      return this;
    }

    /**
     * How prompts are rendered ({@link PromptTemplate#RAW}, {@link PromptTemplate#PLAIN},
     * {@link PromptTemplate#CHATML} or any lambda {@code prompt -> text}); default {@code RAW} for
     * random init, {@code PLAIN} for checkpoints. Any template other than {@code RAW} and
     * {@code PLAIN} adds the tokenizer's {@code <|im_end|>} (if it has one) to the stop ids.
     *
     * @param template the prompt template
     * @return this builder
     */
    public Builder template(PromptTemplate template) {
      this.template = Objects.requireNonNull(template, "template");
      return this;
    }

    /**
     * The device: {@code cpu} (default), {@code gpu}, {@code gpu:N}, or {@code auto} (a GPU when
     * one is visible).
     *
     * @param device the device name
     * @return this builder
     */
    public Builder device(String device) {
      this.device = Objects.requireNonNull(device, "device");
      return this;
    }

    /**
     * AdamW settings; default {@code OptimizerSettings.adamW(1e-6)} (the paper's constant rate).
     *
     * @param optimizer the optimizer settings
     * @return this builder
     */
    public Builder optimizer(OptimizerSettings optimizer) {
      this.optimizer = Objects.requireNonNull(optimizer, "optimizer");
      return this;
    }

    /**
     * Most samples per training micro-batch (gradients are accumulated, the result does not depend
     * on it); 0 (default) = no limit. Samples are also grouped by length to limit padding.
     *
     * @param n the most samples per micro-batch, or 0 for no limit
     * @return this builder
     */
    public Builder microBatchSize(int n) {
      this.microBatchSize = n;
      return this;
    }

    /**
     * Most prompts per generation forward pass; default 256.
     *
     * @param n the most prompts per forward pass
     * @return this builder
     */
    public Builder generationBatchSize(int n) {
      this.generationBatchSize = n;
      return this;
    }

    /**
     * PyTorch intra-op threads (process-wide: the last built policy's count wins); 0 (default) =
     * the {@code ai.djl.pytorch.num_threads} system property when set, else 1 for models under 5M
     * parameters and all cores above. One thread is fastest for tiny matrices. The inter-op pool,
     * unused by the policy, is sized 1 unless {@code ai.djl.pytorch.num_interop_threads} is set.
     *
     * @param n the intra-op thread count, or 0 for automatic
     * @return this builder
     */
    public Builder threads(int n) {
      this.threads = n;
      return this;
    }

    /**
     * Keeps a frozen copy of the initial weights as the KL reference (needed for {@code klBeta > 0}).
     *
     * @param keep whether to keep the reference copy
     * @return this builder
     */
    public Builder keepReference(boolean keep) {
      this.keepReference = keep;
      return this;
    }

    /**
     * Whether end-of-sequence tokens stay allowed under constrained decoding (default true, as
     * {@link dev.spice.core.Prompt} documents). Set false when constrained answers are exactly one
     * of the listed tokens (for example one-token answers with {@code maxNewTokens = 1}).
     *
     * @param allowed whether end-of-sequence stays allowed under constraints
     * @return this builder
     */
    public Builder eosWhenConstrained(boolean allowed) {
      this.eosWhenConstrained = allowed;
      return this;
    }

    /**
     * Prepends the beginning-of-sequence token to every prompt (Llama base models want it); default
     * false.
     *
     * @param add whether to prepend the beginning-of-sequence token
     * @return this builder
     */
    public Builder addBos(boolean add) {
      this.addBos = add;
      return this;
    }

    /**
     * Whether a {@link #pretrained} checkpoint, a {@link #loraAdapter} and the weights or adapter
     * of a training checkpoint given to {@link DjlPolicy#loadCheckpoint(Path)} may hold NaN or
     * infinite weights; default false: loading refuses them, naming the file, the tensor and the
     * first bad index, because such weights make every log-prob NaN.
     *
     * @param allow whether non-finite weights are accepted
     * @return this builder
     */
    public Builder allowNonFiniteWeights(boolean allow) {
      this.allowNonFiniteWeights = allow;
      return this;
    }

    /**
     * Validates the settings and creates the policy.
     *
     * @return the new policy
     * @throws SpiceException.ConfigurationException naming the bad setting and its valid values
     * @throws SpiceException.BackendException if the checkpoint cannot be loaded
     */
    public DjlPolicy build() {
      if ((pretrained == null) == (config == null)) {
        throw new SpiceException.ConfigurationException(
            "set exactly one of pretrained(Path) or randomInit(TransformerConfig, seed)");
      }
      if (config != null && tokenizer == null) {
        throw new SpiceException.ConfigurationException(
            "randomInit needs a tokenizer(...), for example WordTokenizer.withSpecialTokens(words)");
      }
      if (pretrained != null && !Files.isDirectory(pretrained)) {
        throw new SpiceException.ConfigurationException("pretrained directory " + pretrained + " does not exist");
      }
      if (microBatchSize < 0) {
        throw new SpiceException.ConfigurationException("microBatchSize must be >= 0 (0 = no limit), got " + microBatchSize);
      }
      if (generationBatchSize < 1) {
        throw new SpiceException.ConfigurationException("generationBatchSize must be >= 1, got " + generationBatchSize);
      }
      if (threads < 0) {
        throw new SpiceException.ConfigurationException("threads must be >= 0 (0 = automatic), got " + threads);
      }
      if (lora != null && loraAdapter != null) {
        throw new SpiceException.ConfigurationException(
            "set at most one of lora(LoraSettings) (a new adapter) or loraAdapter(Path) (a saved one)");
      }
      if (loraAdapter != null && !Files.isDirectory(loraAdapter)) {
        throw new SpiceException.ConfigurationException("LoRA adapter directory " + loraAdapter + " does not exist");
      }
      if (baseDtype != BaseDtype.FLOAT32 && lora == null && loraAdapter == null) {
        throw new SpiceException.ConfigurationException("baseDtype(" + baseDtype + ") needs lora(...) or "
            + "loraAdapter(...): full fine-tuning trains every weight and keeps them float32");
      }
      DeviceSpec.check(device);
      return DjlPolicyImpl.create(this);
    }
  }
}
