package dev.spice.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import dev.spice.core.Completion;
import dev.spice.core.Demonstration;
import dev.spice.core.LossSettings;
import dev.spice.core.Prompt;
import dev.spice.core.SamplingParams;
import dev.spice.core.SpiceException;
import dev.spice.core.SupervisedSample;
import dev.spice.core.TrainingSample;
import dev.spice.core.UpdateStats;
import dev.spice.core.model.TransformerConfig;
import dev.spice.core.text.PromptTemplate;
import dev.spice.core.text.Tokenizer;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * The {@link DjlPolicy} implementation: builds the model and coordinates the parts that do the
 * work, one job each (see the module README, "Internals"):
 *
 * <ul>
 *   <li>{@link PromptEncoder}: prompt rendering and tokenization, allowed sets, stop ids,
 *       demonstrations ({@link #demonstrationSample});
 *   <li>{@link Generator}: sampling with the KV cache ({@link #generate});
 *   <li>{@link TeacherForcing}: log-probs of given completions ({@link #scoreContinuations}, and
 *       the loss's forward pass), micro-batching;
 *   <li>{@link LossStep}: batch validation and the loss's forward + backward ({@link #update}'s
 *       first half, {@link #lossGradient});
 *   <li>{@link SupervisedStep}: the same for the next-token loss of {@link #supervisedUpdate};
 *   <li>{@link AdamW}: clipping, AdamW and the atomic commit (the second half of both updates,
 *       one optimizer state);
 *   <li>{@link PolicyCheckpoints}: {@link #savePretrained}, {@link #saveCheckpoint},
 *       {@link #loadCheckpoint}.
 * </ul>
 *
 * <p>This class owns the locking ({@link #GRAD_LOCK}), the grad-mode switch around the optimizer,
 * the per-call {@link NDManager} of an update and the test seams.
 */
final class DjlPolicyImpl implements DjlPolicy {
  /** PyTorch allows one gradient collector per process. */
  private static final Object GRAD_LOCK = new Object();

  /**
   * Test seam: run between each forward pass and its backward (null in production). Tests use it
   * to collect garbage and reuse freed native memory there, where the autograd graph must not
   * depend on anything the JVM may free.
   */
  static volatile Runnable beforeBackward;

  private final TransformerConfig cfg;
  private final Tokenizer tokenizer;
  /** The weights' manager and the tokenizer, shared with adapter policies ({@link #withAdapter}). */
  private final SharedBase shared;
  /** A copy of the builder's settings (the settings of adapter policies made from this one). */
  private final DjlPolicy.Builder settings;
  private final PromptTemplate template;
  final Model model;
  private final PromptEncoder prompts;
  private final Generator generator;
  private final TeacherForcing forcing;
  private final LossStep lossStep;
  private final SupervisedStep supervisedStep;
  private final AdamW optimizer;
  private final PolicyCheckpoints checkpoints;
  private final int genBatch;
  private boolean closed;

  /**
   * A policy over {@code model}; {@code b} is a copy of the builder this policy keeps, and
   * {@code shared} holds one reference for it (released by {@link #close}).
   */
  DjlPolicyImpl(TransformerConfig cfg, SharedBase shared, PromptTemplate template, Model model, DjlPolicy.Builder b) {
    this.cfg = cfg;
    this.shared = shared;
    this.tokenizer = shared.tokenizer();
    this.settings = b;
    this.template = template;
    this.model = model;
    this.genBatch = b.generationBatchSize;
    this.prompts = new PromptEncoder(cfg, tokenizer, template, b);
    this.optimizer = new AdamW(model, b.optimizer);
    // A host round trip: the copy shares neither storage nor autograd history with the weights.
    // Under LoRA the reference is a copy of the initial adapters (with the frozen base, the initial model).
    NDArray reference = b.keepReference
        ? model.manager.create(model.trainable().toFloatArray(), new Shape(model.trainableSize())) : null;
    this.generator = new Generator(model, tokenizer, prompts, genBatch);
    this.forcing = new TeacherForcing(model, prompts);
    this.lossStep = new LossStep(model, prompts, forcing, reference, b.microBatchSize);
    this.supervisedStep = new SupervisedStep(model, prompts, forcing, b.microBatchSize);
    this.checkpoints = new PolicyCheckpoints(model, tokenizer, optimizer, reference,
        b.pretrained == null ? null : b.pretrained.toString(), b.allowNonFiniteWeights);
  }

  /** {@link SharedBase#adapterPolicy}. */
  @Override
  public DjlPolicy withAdapter(Path peftAdapterFolder) {
    open();
    return SharedBase.adapterPolicy(this, Objects.requireNonNull(peftAdapterFolder, "peftAdapterFolder"));
  }

  SharedBase shared() {
    return shared;
  }

  DjlPolicy.Builder settings() {
    return settings;
  }

  PromptTemplate template() {
    return template;
  }

  /**
   * Refuses {@code method} while other policies share this policy's base and the call would
   * change it (a full fine-tuning policy's weights are that base; {@code always}: any policy).
   */
  private void requireBaseNotShared(String method, boolean always) {
    int others = shared.users() - 1;
    if (others > 0 && (always || model.base == null)) {
      throw new SpiceException.ConfigurationException(method + " is refused: this policy's base weights are "
          + "shared with " + others + " other policy(ies) made by DjlPolicy.withAdapter, and " + method
          + (always ? " may replace them" : " would change them") + "; close the other policies first");
    }
  }

  /** {@link PolicyLoader#create}. */
  static DjlPolicyImpl create(DjlPolicy.Builder b) {
    return PolicyLoader.create(b);
  }

  // ---------------------------------------------------------------- basic info

  @Override
  public String name() {
    return "djl-pytorch";
  }

  @Override
  public TransformerConfig config() {
    return cfg;
  }

  @Override
  public Tokenizer tokenizer() {
    return tokenizer;
  }

  @Override
  public long parameterCount() {
    return model.size;
  }

  @Override
  public long updateCount() {
    return optimizer.stepCount();
  }

  /**
   * {@link OptimizerSettings#learningRateAt} the next step (the warm-up ramp applies), counting
   * supervised and policy-gradient steps alike and restored with a checkpoint's step count.
   */
  @Override
  public OptionalDouble learningRate() {
    return OptionalDouble.of(optimizer.nextLearningRate());
  }

  @Override
  public int[] tokenize(String text) {
    open();
    return tokenizer.encode(text);
  }

  @Override
  public String detokenize(int[] tokens) {
    open();
    return tokenizer.decode(tokens);
  }

  private void open() {
    if (closed) {
      throw new SpiceException.BackendException("this DjlPolicy is closed");
    }
  }

  // ---------------------------------------------------------------- inference

  @Override
  public List<Completion> generate(List<Prompt> prompts, SamplingParams params) {
    open();
    return generator.generate(prompts, params);
  }

  /** {@inheritDoc} The ids are fed as they are: no template and no beginning-of-sequence id. */
  @Override
  public List<Completion> generateFromTokens(List<int[]> promptTokens, int[] allowedTokenIds, SamplingParams params) {
    open();
    return generator.generateFromTokens(promptTokens, allowedTokenIds, params);
  }

  @Override
  public List<float[]> scoreContinuations(List<Prompt> prompts, List<int[]> continuations) {
    open();
    return forcing.score(prompts, continuations, genBatch);
  }

  /** The prompt exactly as {@link #generate} feeds it: the template rendered, tokenized, BOS first when enabled. */
  @Override
  public java.util.Optional<int[]> promptTokens(Prompt prompt) {
    open();
    return java.util.Optional.of(prompts.encode(prompt, 0));
  }

  /** {@inheritDoc} The ids are fed as they are: no template and no beginning-of-sequence id. */
  @Override
  public List<float[]> scoreFromTokens(List<int[]> promptTokens, List<int[]> continuations) {
    open();
    return forcing.scoreTokens(promptTokens, continuations, genBatch);
  }

  // ---------------------------------------------------------------- training

  @Override
  public UpdateStats update(List<TrainingSample> samples, LossSettings loss) {
    open();
    requireBaseNotShared("update", false);
    if (samples.isEmpty()) {
      return UpdateStats.empty();
    }
    LossStep.Batch batch = lossStep.prepare(samples, loss);
    synchronized (GRAD_LOCK) {
      try (NDManager m = model.manager.newSubManager()) {
        LossStep.Gradient lg = lossStep.lossGradient(m, batch, loss);
        if (lg.skipReason != null) {
          return skipped(lg.lossSum, Double.NaN, samples.size(), batch.totalTokens(), lg.skipReason);
        }
        AdamW.Result r = optimizerStep(lg.flat);
        if (r.skipReason() != null) {
          return skipped(lg.lossSum, r.gradNorm(), samples.size(), batch.totalTokens(), r.skipReason());
        }
        double n = Math.max(1, batch.totalTokens());
        return new UpdateStats(lg.lossSum, r.gradNorm(), lg.clipLow / n, lg.clipHigh / n, lg.entropySum / n,
            lg.klSum / n, samples.size(), batch.totalTokens(), false, "");
      } catch (SpiceException e) {
        throw e;
      } catch (RuntimeException e) {
        throw new SpiceException.BackendException("update failed (weights and optimizer state unchanged): "
            + e.getMessage(), e);
      }
    }
  }

  /**
   * The next-token loss on the target tokens ({@link SupervisedStep}), then the same
   * {@link AdamW} step as {@link #update} (one optimizer state and step count for both), under
   * the same lock and atomicity rules.
   */
  @Override
  public UpdateStats supervisedUpdate(List<SupervisedSample> samples) {
    open();
    requireBaseNotShared("supervisedUpdate", false);
    if (samples.isEmpty()) {
      return UpdateStats.empty();
    }
    SupervisedStep.Batch batch = supervisedStep.prepare(samples);
    int ns = samples.size();
    int nt = batch.totalTokens();
    synchronized (GRAD_LOCK) {
      try (NDManager m = model.manager.newSubManager()) {
        SupervisedStep.Gradient g = supervisedStep.lossGradient(m, batch);
        if (g.skipReason != null) {
          return skipped(g.loss, Double.NaN, ns, nt, g.skipReason);
        }
        AdamW.Result r = optimizerStep(g.flat);
        if (r.skipReason() != null) {
          return skipped(g.loss, r.gradNorm(), ns, nt, r.skipReason());
        }
        return new UpdateStats(g.loss, r.gradNorm(), 0, 0, g.entropySum / Math.max(1, nt), 0, ns, nt, false, "");
      } catch (SpiceException e) {
        throw e;
      } catch (RuntimeException e) {
        throw new SpiceException.BackendException("supervised update failed (weights and optimizer state "
            + "unchanged): " + e.getMessage(), e);
      }
    }
  }

  /** {@link PromptEncoder#demonstration}: the prompt encoded exactly as {@link #generate} encodes it. */
  @Override
  public SupervisedSample demonstrationSample(Demonstration d) {
    open();
    return prompts.demonstration(Objects.requireNonNull(d, "demonstration"));
  }

  /** One AdamW step on {@code flatGradient} with grad mode off; the caller holds {@link #GRAD_LOCK}. */
  private AdamW.Result optimizerStep(NDArray flatGradient) {
    boolean prev = JniUtils.isGradMode();
    JniUtils.setGradMode(false);
    try {
      return optimizer.step(flatGradient);
    } finally {
      JniUtils.setGradMode(prev);
    }
  }

  private static UpdateStats skipped(double loss, double gnorm, int ns, int nt, String why) {
    return new UpdateStats(loss, gnorm, 0, 0, 0, 0, ns, nt, true, why + "; weights and optimizer state unchanged");
  }

  // ---------------------------------------------------------------- persistence

  @Override
  public void savePretrained(Path dir) {
    open();
    checkpoints.savePretrained(dir);
  }

  @Override
  public java.util.Optional<LoraSettings> lora() {
    return java.util.Optional.ofNullable(model.lora()).map(l -> l.settings);
  }

  @Override
  public long adapterParameterCount() {
    return model.lora() == null ? 0 : model.lora().size;
  }

  @Override
  public void saveAdapter(Path dir) {
    open();
    checkpoints.saveAdapter(dir);
  }

  @Override
  public void saveCheckpoint(Path dir) {
    open();
    checkpoints.saveCheckpoint(dir);
  }

  @Override
  public void loadCheckpoint(Path dir) {
    open();
    requireBaseNotShared("loadCheckpoint", true);
    checkpoints.loadCheckpoint(dir);
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    model.close();
    shared.release();
  }

  @Override
  public String toString() {
    return "DjlPolicy[" + cfg.modelType() + ", " + model.size + " parameters, " + model.device() + "]";
  }

  // ---------------------------------------------------------------- test seams

  /**
   * The gradient of {@link #update}'s loss with respect to every weight, in the flat layout
   * ({@link HfWeights#toHuggingFace} names it), without changing weights or optimizer state. Used by
   * the gradient checks; the same code path as a real update up to the optimizer.
   */
  float[] lossGradient(List<TrainingSample> samples, LossSettings loss) {
    open();
    LossStep.Batch batch = lossStep.prepare(samples, loss);
    synchronized (GRAD_LOCK) {
      try (NDManager m = model.manager.newSubManager()) {
        LossStep.Gradient lg = lossStep.lossGradient(m, batch, loss);
        if (lg.skipReason != null) {
          throw new SpiceException.BackendException(lg.skipReason);
        }
        return lg.flat.toFloatArray();
      }
    }
  }

  /**
   * The gradient of {@link #supervisedUpdate}'s loss, flat layout, without changing weights or
   * optimizer state; the same code path as a real supervised update up to the optimizer.
   */
  float[] supervisedGradient(List<SupervisedSample> samples) {
    open();
    SupervisedStep.Batch batch = supervisedStep.prepare(samples);
    synchronized (GRAD_LOCK) {
      try (NDManager m = model.manager.newSubManager()) {
        SupervisedStep.Gradient g = supervisedStep.lossGradient(m, batch);
        if (g.skipReason != null) {
          throw new SpiceException.BackendException(g.skipReason);
        }
        return g.flat.toFloatArray();
      }
    }
  }

  /** {@link TeacherForcing#microBatches}: the micro-batch grouping of training and scoring. */
  static List<List<Integer>> microBatches(List<TeacherForcing.Row> rows, int maxRows) {
    return TeacherForcing.microBatches(rows, maxRows);
  }

  /** NDArrays owned by this policy's native memory manager (tests check it stays flat). */
  int liveArrays() {
    return model.manager.getManagedArrays().size();
  }

  /** The (base) weights in the flat layout, as float32; a per-slot base is concatenated. For tests. */
  float[] weights() {
    if (model.base == null) {
      return model.flat.toFloatArray();
    }
    ModelLayout.requireFlat(cfg);
    float[] w = new float[(int) model.size];
    for (int i = 0; i < model.slots.size(); i++) {
      float[] v = model.base.floats(i);
      System.arraycopy(v, 0, w, (int) model.slots.get(i).offset(), v.length);
    }
    return w;
  }

  /** The optimizer's trainable-sized tensors allocated so far. For tests. */
  int optimizerTensors() {
    return optimizer.allocatedTensors();
  }

  /** The adapters' flat tensor (internal layout), or null without LoRA. For tests. */
  float[] adapterWeights() {
    return model.lora() == null ? null : model.lora().flat.toFloatArray();
  }

  /** Overwrites the adapters (internal layout) in place; optimizer state is untouched. For tests. */
  void setAdapterWeights(float[] w) {
    if (model.lora() == null || w.length != model.lora().size) {
      throw new IllegalArgumentException("expected " + adapterParameterCount() + " adapter weights, got " + w.length);
    }
    Model.overwrite(model.lora().flat, w);
  }

  /** AdamW's first moment (a host copy; its length is the optimizer state size). For tests. */
  float[] firstMoment() {
    return optimizer.firstMoment();
  }

  /**
   * Overwrites the (base) weights (flat layout; a per-slot base is converted to its type) in place;
   * optimizer state is untouched. For tests.
   */
  void setWeights(float[] w) {
    requireBaseNotShared("setWeights", true);
    if (w.length != model.size) {
      throw new IllegalArgumentException("expected " + model.size + " weights, got " + w.length);
    }
    if (model.base == null) {
      Model.overwrite(model.flat, w);
      return;
    }
    List<float[]> slots = new java.util.ArrayList<>();
    for (Model.Slot s : model.slots) {
      slots.add(java.util.Arrays.copyOfRange(w, (int) s.offset(), (int) (s.offset() + s.count())));
    }
    model.base.overwrite(slots);
  }
}
