package dev.spice.onnx;

import dev.spice.core.Completion;
import dev.spice.core.PolicyBackend;
import dev.spice.core.Prompt;
import dev.spice.core.SamplingParams;
import dev.spice.core.SpiceException;
import dev.spice.core.internal.DeviceSpec;
import dev.spice.core.text.PromptTemplate;
import dev.spice.core.text.Tokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;

/**
 * A {@link PolicyBackend} on ONNX Runtime for decoder-only language models in the Hugging Face
 * Optimum layout: inputs {@code input_ids}, {@code attention_mask}, optional {@code position_ids},
 * {@code past_key_values.{i}.key/value}; outputs {@code logits}, {@code present.{i}.key/value}.
 * Layer count, key/value heads and head size come from the graph's own inputs; a graph with only
 * {@code logits} (no cache) also works, recomputing the whole sequence each step. Only float32
 * graphs are supported.
 *
 * <p>Create one with {@link #builder()}; only {@link Builder#model(Path)} is required.
 *
 * <p>Generation left-pads the batch, runs one prefill and then one single-token step per new token
 * with the cache, and samples each row from its own random stream derived from
 * {@code (seed, row)} (see {@link SamplingParams#seed()}), so the same seed, prompts and weights
 * give the same tokens. Log-probabilities are those of temperature 1 with the prompt's
 * constrained-decoding mask applied, before top-k / top-p. Generated end-of-sequence tokens are
 * part of {@link Completion#tokens()} but not of its text.
 *
 * <p>Usable as a frozen Challenger or as the rollout engine of a policy trained elsewhere: after
 * each update, {@link #refreshWeights(Path)} swaps in the new weights without rebuilding the
 * graph.
 *
 * <p>Thread-safety: all methods are synchronized; one call runs at a time. Errors are
 * {@link SpiceException.BackendException} (model files, inference) or
 * {@link SpiceException.ConfigurationException} (builder settings). Close the policy to free
 * native memory; a closed policy throws {@link SpiceException.BackendException}.
 */
public interface OnnxPolicy extends PolicyBackend {

  /** ONNX Runtime graph optimisation levels. */
  enum Optimization {
    /** No graph optimisation. */
    NONE,
    /** Constant folding and redundant-node elimination. */
    BASIC,
    /** Basic plus operator fusions. */
    EXTENDED,
    /** Everything ONNX Runtime offers, layout optimisations included (the default). */
    ALL
  }

  /**
   * What the loaded graph looks like.
   *
   * @param model the graph file
   * @param kvCache whether the graph has past/present key-value I/O
   * @param layers decoder layers (0 without a cache)
   * @param kvHeads key/value heads (0 without a cache)
   * @param headDim per-head width (0 without a cache)
   * @param vocabSize logits width, or -1 if the graph leaves it symbolic
   * @param positionIds whether the graph takes {@code position_ids}
   * @param executionProviders the execution providers the session was created with, in priority
   */
  record ModelInfo(Path model, boolean kvCache, int layers, int kvHeads, int headDim, int vocabSize,
      boolean positionIds, List<String> executionProviders) {
    /**
     * Copies the list.
     *
     * @param model the graph file
     * @param kvCache whether the graph has past/present key-value I/O
     * @param layers decoder layers (0 without a cache)
     * @param kvHeads key/value heads (0 without a cache)
     * @param headDim per-head width (0 without a cache)
     * @param vocabSize logits width, or -1 if the graph leaves it symbolic
     * @param positionIds whether the graph takes {@code position_ids}
     * @param executionProviders the execution providers the session was created with, in priority
     */
    public ModelInfo {
      executionProviders = List.copyOf(executionProviders);
    }
  }

  /**
   * What one {@link #refreshWeights(Path)} cost.
   *
   * @param tensors initializers replaced
   * @param bytes float32 bytes of the new weights
   * @param read time to read and convert the checkpoint
   * @param session time to create the new session with the new weights
   * @param total wall time of the refresh
   * @param ignoredTensors checkpoint tensors the graph does not use (for example a tied
   *     {@code lm_head.weight})
   */
  record RefreshStats(int tensors, long bytes, Duration read, Duration session, Duration total,
      List<String> ignoredTensors) {
    /**
     * Copies the list.
     *
     * @param tensors initializers replaced
     * @param bytes float32 bytes of the new weights
     * @param read time to read and convert the checkpoint
     * @param session time to create the new session with the new weights
     * @param total wall time of the refresh
     * @param ignoredTensors checkpoint tensors the graph does not use
     */
    public RefreshStats {
      ignoredTensors = List.copyOf(ignoredTensors);
    }
  }

  /**
   * What the loaded graph looks like.
   *
   * @return the graph's shape, I/O and execution providers
   */
  ModelInfo info();

  /**
   * Replaces the graph's weights with those of a Hugging Face checkpoint directory (the layout the
   * DJL backend saves), without rebuilding or rewriting the graph: the new tensors are handed to a
   * new ONNX Runtime session as external initializers overriding the same-named initializers, then
   * the sessions are swapped. Works for graphs written by {@link OnnxExporter} (initializers carry
   * the Hugging Face tensor names). On any error the current weights stay in use.
   *
   * @param checkpointDir directory with {@code model.safetensors} or its sharded index
   * @return what the refresh cost
   * @throws SpiceException.BackendException naming the tensor if one is missing, has another
   *     shape or holds NaN / infinite values (unless {@link Builder#allowNonFiniteWeights(boolean)}),
   *     or if the graph has no Hugging Face-named initializers
   */
  RefreshStats refreshWeights(Path checkpointDir);

  /**
   * Starts a builder.
   *
   * @return a new builder with default settings
   */
  static Builder builder() {
    return new Builder();
  }

  /**
   * Fail-fast builder of an {@link OnnxPolicy}; settings are validated by {@link #build()}. Only
   * {@link #model(Path)} is required; the tokenizer defaults to {@code tokenizer.json} and the
   * end-of-sequence ids to {@code config.json}'s {@code eos_token_id}, both next to the graph. Not
   * thread-safe.
   */
  final class Builder {
    Path model;
    Tokenizer tokenizer;
    int threads;
    int interOpThreads;
    Optimization optimization = Optimization.ALL;
    String device = "cpu";
    /** The ordinal of the deprecated {@link #cudaDevice(int)}; validated even when unused. */
    int cudaDevice;
    List<Integer> eosTokenIds;
    PromptTemplate template = PromptTemplate.RAW;
    boolean allowNonFiniteWeights;

    Builder() {}

    /**
     * The graph file, or a directory holding {@value OnnxExporter#MODEL_FILE}. Required.
     *
     * @param path the graph file or its directory
     * @return this builder
     */
    public Builder model(Path path) {
      this.model = Objects.requireNonNull(path, "model");
      return this;
    }

    /**
     * The tokenizer: {@link HfTokenizer#load(Path)}, a {@link dev.spice.core.text.WordTokenizer}
     * (the same object the DJL backend takes) or any other {@link Tokenizer}; only
     * {@link Tokenizer#encode} and {@link Tokenizer#decode} are used. The policy does not close a
     * tokenizer supplied here.
     *
     * @param tokenizer the tokenizer to use
     * @return this builder
     */
    public Builder tokenizer(Tokenizer tokenizer) {
      this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
      return this;
    }

    /**
     * Renders a prompt to the text that is tokenized: {@link PromptTemplate#RAW} (the default: the
     * prompt's text unchanged), {@link PromptTemplate#PLAIN}, {@link PromptTemplate#CHATML} or any
     * lambda {@code prompt -> text}.
     *
     * @param template how a prompt becomes text
     * @return this builder
     */
    public Builder template(PromptTemplate template) {
      this.template = Objects.requireNonNull(template, "template");
      return this;
    }

    /**
     * {@code cpu} (default), {@code gpu} (CUDA device 0), {@code gpu:N} (CUDA device N), or
     * {@code auto} (CUDA device 0 when this ONNX Runtime has the CUDA execution provider, else the
     * CPU). A GPU needs the {@code onnxruntime_gpu} artifact; {@link #build()} fails clearly
     * without it.
     *
     * @param device the device name, checked by {@link #build()}
     * @return this builder
     */
    public Builder device(String device) {
      this.device = Objects.requireNonNull(device, "device");
      return this;
    }

    /**
     * ONNX Runtime intra-op threads (inside one operator), {@code >= 0}; 0 (default) lets ONNX
     * Runtime choose.
     *
     * @param n the thread count, checked by {@link #build()}
     * @return this builder
     */
    public Builder threads(int n) {
      this.threads = n;
      return this;
    }

    /**
     * Threads across independent operators, {@code >= 0}; 0 lets ONNX Runtime choose.
     *
     * @param n the thread count, checked by {@link #build()}
     * @return this builder
     */
    public Builder interOpThreads(int n) {
      this.interOpThreads = n;
      return this;
    }

    /**
     * Graph optimisation level; default {@link Optimization#ALL}.
     *
     * @param level the optimisation level
     * @return this builder
     */
    public Builder optimization(Optimization level) {
      this.optimization = Objects.requireNonNull(level, "optimization");
      return this;
    }

    /**
     * End-of-sequence ids; overrides {@code config.json}. May be empty (generation stops by length).
     *
     * @param ids the end-of-sequence token ids (copied)
     * @return this builder
     */
    public Builder eosTokenIds(Collection<Integer> ids) {
      this.eosTokenIds = List.copyOf(ids);
      return this;
    }

    /**
     * Whether {@link OnnxPolicy#refreshWeights(Path)} may load NaN or infinite weights; default
     * false: the refresh refuses them, naming the file, the tensor and the first bad index, and
     * keeps the current weights, because such weights make every log-prob NaN (as the DJL
     * backend's {@code allowNonFiniteWeights} and {@link OnnxExporter#export(Path, Path, boolean,
     * boolean)} do).
     *
     * @param allow whether non-finite weights are accepted
     * @return this builder
     */
    public Builder allowNonFiniteWeights(boolean allow) {
      this.allowNonFiniteWeights = allow;
      return this;
    }

    /**
     * Old name of {@link #threads(int)}.
     *
     * @param n the thread count, checked by {@link #build()}
     * @return this builder
     * @deprecated use {@link #threads(int)}
     */
    @Deprecated
    public Builder intraOpThreads(int n) {
      return threads(n);
    }

    /**
     * Old name of {@link #template(PromptTemplate)}, taking a {@code Function}.
     *
     * @param renderer renders a prompt to the text that is tokenized
     * @return this builder
     * @deprecated use {@link #template(PromptTemplate)} (a lambda, or {@code f::apply} for a
     *     {@code Function f})
     */
    @Deprecated
    public Builder promptTemplate(Function<Prompt, String> renderer) {
      Objects.requireNonNull(renderer, "promptTemplate");
      return template(renderer::apply);
    }

    /**
     * {@code cuda(true)} is {@code device("gpu:N")} with N from {@link #cudaDevice(int)} (default
     * 0); {@code cuda(false)} is {@code device("cpu")}.
     *
     * @param enabled true for the GPU, false for the CPU
     * @return this builder
     * @deprecated use {@link #device(String)}
     */
    @Deprecated
    public Builder cuda(boolean enabled) {
      return device(enabled ? "gpu:" + cudaDevice : "cpu");
    }

    /**
     * The CUDA device ordinal, {@code >= 0}: moves a GPU {@link #device(String)} to device N and is
     * remembered for a later {@link #cuda(boolean) cuda(true)}; changes nothing on the CPU.
     *
     * @param device the CUDA device ordinal, checked by {@link #build()}
     * @return this builder
     * @deprecated use {@link #device(String) device("gpu:N")}
     */
    @Deprecated
    public Builder cudaDevice(int device) {
      this.cudaDevice = device;
      if (this.device.toLowerCase(Locale.ROOT).startsWith("gpu")) {
        this.device = "gpu:" + device;
      }
      return this;
    }

    /**
     * Validates the settings, loads the graph and creates the session.
     *
     * @return the new policy; close it to free native memory
     * @throws SpiceException.ConfigurationException on a bad setting (the message names valid
     *     values) or a missing tokenizer
     * @throws SpiceException.BackendException if the graph is missing, unreadable or not a decoder
     */
    public OnnxPolicy build() {
      if (model == null) {
        throw new SpiceException.ConfigurationException("OnnxPolicy.builder(): model(path) is required");
      }
      if (threads < 0) {
        throw new SpiceException.ConfigurationException("threads (intraOpThreads) must be >= 0 (0 = ONNX Runtime "
            + "default), got " + threads);
      }
      if (interOpThreads < 0) {
        throw new SpiceException.ConfigurationException("interOpThreads must be >= 0 (0 = ONNX Runtime default), got "
            + interOpThreads);
      }
      if (cudaDevice < 0) {
        throw new SpiceException.ConfigurationException("cudaDevice must be >= 0, got " + cudaDevice);
      }
      DeviceSpec.check(device);
      Path file = Files.isDirectory(model) ? model.resolve(OnnxExporter.MODEL_FILE) : model;
      if (!Files.isRegularFile(file)) {
        throw new SpiceException.BackendException("ONNX model file " + file + " does not exist");
      }
      return OnnxPolicyImpl.create(this, file);
    }
  }
}
