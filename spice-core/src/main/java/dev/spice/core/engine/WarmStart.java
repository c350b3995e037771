package dev.spice.core.engine;

import dev.spice.core.CorpusCursor;
import dev.spice.core.CorpusSource;
import dev.spice.core.Demonstration;
import dev.spice.core.Document;
import dev.spice.core.SpiceException;
import dev.spice.core.SupervisedSample;
import dev.spice.core.TrainablePolicy;
import dev.spice.core.UpdateStats;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Warm-starts a {@link TrainablePolicy} on a corpus with supervised next-token steps
 * ({@link TrainablePolicy#supervisedUpdate}) before self-play, so that a small or freshly
 * initialised model can read and write the corpus's text. Each {@link #step()}:
 *
 * <ol>
 *   <li>reads {@code documentsPerStep} documents from the corpus (none when it is 0) and tokenizes
 *       each with {@code policy.tokenize(text)};
 *   <li>skips documents with fewer than 2 tokens (counted in
 *       {@link WarmStartMetricNames#SKIPPED_DOCUMENTS} and logged as a warning);
 *   <li>takes one window of each remaining document: a chunk of at most {@code maxTokens} tokens
 *       including the start token; with a {@linkplain Builder#startToken start token} the window has
 *       at most {@code maxTokens - 1} document tokens, all of them targets after the start token
 *       ({@link SupervisedSample#document(int, int[])}); without one it has at most
 *       {@code maxTokens} document tokens and its first token is the prompt
 *       ({@link SupervisedSample#document(int[])}). A document that fits is taken whole; a longer
 *       one at offset {@code floorMod(Seeds.mix(Seeds.mix(seed, step), i), n - w + 1)} for the
 *       {@code i}-th document of the step ({@code n} its tokens, {@code w} the window length);
 *   <li>with {@linkplain Builder#demonstrations demonstrations}, appends {@code perStep} of them
 *       after the documents' windows (see below);
 *   <li>takes one {@link TrainablePolicy#supervisedUpdate} on all those samples (none when there
 *       is none, every document skipped and no demonstrations: the update is then
 *       {@link UpdateStats#empty()}).
 * </ol>
 *
 * <p>Demonstrations mix supervised fine-tuning on (prompt, completion) pairs into the same steps:
 * {@link Builder#build()} encodes each {@link Demonstration} once with
 * {@link TrainablePolicy#demonstrationSample} (the prompt exactly as generation encodes it, the
 * completion then the end-of-sequence token as targets), and step {@code s} adds, with
 * replacement, the demonstrations at indices
 * {@code floorMod(Seeds.mix(Seeds.mix(seed ^ 0x6A09E667F3BCC909L, s), i), demonstrations.size())}
 * for {@code i = 0 .. perStep - 1}. Every sample has weight 1, so the update's loss is the mean
 * negative log-likelihood over all target tokens of the batch, documents' and demonstrations'
 * alike; with {@code documentsPerStep(0)} a warm start is plain supervised fine-tuning and needs no
 * corpus.
 *
 * <p>The window positions and the demonstrations picked depend only on the seed, the step and the
 * sample's place in the batch, so the runner's whole state is the step count and the corpus
 * cursor: a run resumed from a
 * checkpoint ({@link #saveCheckpoint}, {@link #restore}, or {@link Builder#runFolder} with
 * {@link RunMode#RESUME}) trains on exactly the samples of the uninterrupted run. Checkpoints use the
 * engine's layout ({@code checkpoint-NNNNNNNN/} with {@code engine.json}, the policy's files under
 * {@code policy/}, and a manifest written last), so {@link SelfPlay#restorePolicy} can start
 * self-play from a warm-start checkpoint.
 *
 * <p>Not thread-safe: drive it from one thread. A failed step (tokenizer, corpus or backend error)
 * restores the corpus position, leaves the step count as it was, fires
 * {@link WarmStartListener#onStepFailed} and throws; the policy's own contract (see
 * {@link TrainablePolicy}) says its weights are unchanged. The caller may retry.
 */
public final class WarmStart implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WarmStart.class);

  private final TrainablePolicy policy;
  /** Null when {@link #documentsPerStep} is 0 and none was given. */
  private final CorpusSource corpus;
  /** Null without demonstrations. */
  private final DemonstrationMix demonstrations;
  private final int maxTokens;
  private final Integer startToken;
  private final int documentsPerStep;
  private final long seed;
  private final int checkpointEvery;
  private final Path runFolder;
  private final List<WarmStartListener> listeners;
  private final Map<String, Object> settings;
  private final Checkpoints checkpoints;
  private RunLock lock;
  private long step;

  private WarmStart(Builder b, DemonstrationMix demonstrations) {
    this.policy = b.policy;
    this.corpus = b.corpus;
    this.demonstrations = demonstrations;
    this.maxTokens = b.maxTokens;
    this.startToken = b.startToken;
    this.documentsPerStep = b.documentsPerStep;
    this.seed = b.seed;
    this.checkpointEvery = b.checkpointEvery;
    this.runFolder = b.runFolder;
    this.listeners = List.copyOf(b.listeners);
    this.settings = WarmStartCheckpoints.settings(policy, corpus, maxTokens, startToken, documentsPerStep,
        demonstrations, seed);
    this.checkpoints = WarmStartCheckpoints.checkpoints(policy, corpus, documentsPerStep, seed, checkpointEvery,
        runFolder, settings, this::fire);
  }

  /**
   * A new builder.
   *
   * @return this builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Runs one step.
   *
   * @return what it did
   * @throws SpiceException if it fails (step count and corpus position unchanged), or
   *     {@link SpiceException.CheckpointException} if a periodic checkpoint after it cannot be
   *     written (the step itself has completed)
   */
  public WarmStartResult step() {
    long s = step;
    CorpusCursor before = corpus == null ? null : corpus.cursor();
    fire(l -> l.onStepStart(s));
    WarmStartResult result;
    try {
      result = runStep(s);
    } catch (RuntimeException | Error e) {
      try {
        if (corpus != null) {
          corpus.restore(before);
        }
      } catch (RuntimeException r) {
        e.addSuppressed(r);
      }
      fire(l -> l.onStepFailed(s, e));
      if (e instanceof SpiceException se) {
        throw se;
      }
      throw new SpiceException("warm-start step " + s + " failed: " + e, e);
    }
    step = s + 1;
    fire(l -> l.onStepEnd(result));
    if (checkpointEvery > 0 && step % checkpointEvery == 0) {
      saveCheckpoint(runFolder);
    }
    return result;
  }

  /**
   * Runs {@code steps} steps and returns a {@link WarmStartSummary}: the last result, the mean of
   * each metric and the wall time. Memory stays bounded however large {@code steps} is: no step's
   * result but the last is kept. For every {@link WarmStartResult}, call {@link #step()} in a loop
   * or register a listener ({@link WarmStartListener#onStepEnd} gets each one). If a step fails,
   * its exception propagates (as from {@link #step()}) and the steps before it stay done.
   *
   * @param steps how many steps, {@code >= 0}
   * @return the summary of the {@code steps} steps
   * @throws IllegalArgumentException if {@code steps < 0} (before any step)
   */
  public WarmStartSummary run(int steps) {
    return RunLoop.warmStart(this::step, this::completedSteps, steps, r -> false);
  }

  /**
   * Runs until {@code stop} returns true for a step's result, or until {@code maxSteps} more steps
   * have run: early stopping, for example once the loss is low enough. Memory stays bounded as for
   * {@link #run(int)}; failures propagate as there.
   *
   * @param maxSteps the most steps to run, {@code >= 0}
   * @param stop tested after each step; true stops the run
   * @return the summary of the steps run ({@link WarmStartSummary#stoppedEarly()} tells if
   *     {@code stop} ended it)
   * @throws IllegalArgumentException if {@code maxSteps < 0} (before any step)
   * @throws NullPointerException if {@code stop} is null (before any step)
   */
  public WarmStartSummary runUntil(int maxSteps, Predicate<WarmStartResult> stop) {
    return RunLoop.warmStart(this::step, this::completedSteps, maxSteps, stop);
  }

  /**
   * Number of completed steps (the index of the next one).
   *
   * @return number of completed steps (the index of the next one)
   */
  public long completedSteps() {
    return step;
  }

  /**
   * The settings this runner was built with, as stable key/value pairs (stored in checkpoints).
   *
   * @return the settings this runner was built with, as stable key/value pairs (stored in
   *     checkpoints)
   */
  public Map<String, Object> settings() {
    return settings;
  }

  /**
   * Writes a checkpoint (step, seed, corpus cursor, settings, provenance, and the policy under
   * {@code policy/}) into {@code runDirectory/checkpoint-NNNNNNNN}, NNNNNNNN the completed steps,
   * atomically, as {@link SelfPlay#saveCheckpoint} does.
   *
   * @param runDirectory the run directory
   * @return the checkpoint directory
   * @throws SpiceException.CheckpointException if it cannot be written (nothing is left under the
   *     final name)
   */
  public Path saveCheckpoint(Path runDirectory) {
    return checkpoints.save(Objects.requireNonNull(runDirectory, "runDirectory"), step);
  }

  /**
   * Restores a checkpoint written by a runner built with the same settings (compared; every
   * difference is reported by name): the policy, the corpus position and the step count. On failure
   * nothing is changed except, possibly, the policy, whose own contract says it is unchanged on a
   * failed load.
   *
   * @param checkpointDirectory the checkpoint directory
   * @throws SpiceException.CheckpointException if the checkpoint is incomplete, corrupt or was
   *     written with other settings (a self-play checkpoint included)
   */
  public void restore(Path checkpointDirectory) {
    step = checkpoints.restore(Objects.requireNonNull(checkpointDirectory, "checkpointDirectory"));
  }

  /**
   * The newest complete checkpoint under a run directory, if any (the engine's rule, {@link SelfPlay#latestCheckpoint}).
   *
   * @param runDirectory the run directory
   * @return the newest complete checkpoint under a run directory, if any (the engine's rule, {@link
   *     SelfPlay#latestCheckpoint})
   */
  public static Optional<Path> latestCheckpoint(Path runDirectory) {
    return Checkpoints.latest(runDirectory);
  }

  /** Releases the run folder's lock (see {@link Builder#runFolder}); closes nothing the caller passed in. */
  @Override
  public void close() {
    if (lock != null) {
      lock.close();
      lock = null;
    }
  }

  private WarmStartResult runStep(long s) {
    long start = System.nanoTime();
    List<Document> docs = List.of();
    if (documentsPerStep > 0) {
      docs = corpus.next(documentsPerStep);
      if (docs == null || docs.size() != documentsPerStep) {
        throw new SpiceException.CorpusException("corpus " + corpus.name() + " returned "
            + (docs == null ? "null" : docs.size() + " documents") + " for next(" + documentsPerStep + ")");
      }
    }
    WarmStartBatch batch = WarmStartBatch.of(policy, docs, demonstrations, seed, s, maxTokens, startToken);
    batch.logSkipped(s, docs.size());
    List<SupervisedSample> samples = batch.samples;
    UpdateStats stats;
    if (samples.isEmpty()) {
      stats = UpdateStats.empty();
    } else {
      int n = samples.size();
      fire(l -> l.onUpdateStart(s, n));
      stats = policy.supervisedUpdate(samples);
      if (stats == null) {
        throw new SpiceException.BackendException("policy " + policy.name() + " returned null UpdateStats");
      }
      fire(l -> l.onUpdateEnd(s, stats));
    }
    // nothing below may fail: the update has been applied
    Map<String, Double> m = batch.metrics(stats, (System.nanoTime() - start) / 1e9);
    return new WarmStartResult(s, new Metrics(s, m), batch.windows, batch.demonstrations, stats);
  }

  private void fire(Consumer<WarmStartListener> event) {
    Events.fire(listeners, event, LOG);
  }

  /**
   * Fail-fast builder. Required: {@link #policy}, {@link #maxTokens}, and {@link #corpus} unless
   * {@code documentsPerStep(0)} with {@link #demonstrations}; every other setting has a default.
   */
  public static final class Builder {
    private TrainablePolicy policy;
    private CorpusSource corpus;
    private int maxTokens = -1;
    private Integer startToken;
    private int documentsPerStep = 8;
    private List<Demonstration> demonstrations;
    private int demonstrationsPerStep;
    private long seed = 0;
    private int checkpointEvery = 0;
    private Path runFolder;
    private RunMode runMode;
    private final List<WarmStartListener> listeners = new ArrayList<>();

    private Builder() {}

    /**
     * The policy to train (required); it must implement {@link TrainablePolicy#supervisedUpdate}.
     *
     * @param policy the policy to train (required); it must implement {@link
     *     TrainablePolicy#supervisedUpdate}
     * @return this builder
     */
    public Builder policy(TrainablePolicy policy) {
      this.policy = policy;
      return this;
    }

    /**
     * The corpus to read (required unless {@code documentsPerStep(0)}); its cursor is saved in
     * checkpoints.
     *
     * @param corpus the corpus to read (required unless {@code documentsPerStep(0)}); its cursor is
     *     saved in checkpoints
     * @return this builder
     */
    public Builder corpus(CorpusSource corpus) {
      this.corpus = corpus;
      return this;
    }

    /**
     * Chunk length: most tokens of one sample, prompt included (the start token, or the window's
     * first token), {@code >= 2} and at most the model's context length (required).
     *
     * @param tokens the tokens
     * @return this builder
     */
    public Builder maxTokens(int tokens) {
      this.maxTokens = tokens;
      return this;
    }

    /**
     * The prompt token prepended to every chunk, typically the tokenizer's beginning-of-sequence id
     * ({@code >= 0}); then every window token is a target. Default: none, each window's first token
     * is its prompt.
     *
     * @param tokenId the token id
     * @return this builder
     */
    public Builder startToken(int tokenId) {
      this.startToken = tokenId;
      return this;
    }

    /**
     * Documents per step, {@code >= 1}, or 0 with {@link #demonstrations} (then no corpus is read).
     * Default 8 (ours).
     *
     * @param documents the documents
     * @return this builder
     */
    public Builder documentsPerStep(int documents) {
      this.documentsPerStep = documents;
      return this;
    }

    /**
     * Mixes supervised fine-tuning on (prompt, completion) pairs into every step: {@code perStep}
     * demonstrations, picked with replacement by the seed and the step (see the class comment), are
     * added after the step's documents. {@link #build()} encodes each one with
     * {@link TrainablePolicy#demonstrationSample}. Default: none.
     *
     * @param demos the demonstrations, at least one (copied; elements checked by {@link #build()})
     * @param perStep demonstrations per step, {@code >= 1}
     * @return this builder
     * @throws NullPointerException if {@code demos} is null
     */
    public Builder demonstrations(List<Demonstration> demos, int perStep) {
      this.demonstrations = new ArrayList<>(Objects.requireNonNull(demos, "demos"));
      this.demonstrationsPerStep = perStep;
      return this;
    }

    /**
     * Seed of the window positions. Default 0.
     *
     * @param seed the seed
     * @return this builder
     */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /**
     * Writes a checkpoint into the {@linkplain #runFolder run folder} after every {@code steps}-th
     * completed step, {@code >= 1}. A failed write throws a {@link SpiceException.CheckpointException}
     * from {@link WarmStart#step()} after the step itself has completed. Default: off.
     *
     * @param steps the steps
     * @return this builder
     */
    public Builder checkpointEvery(int steps) {
      this.checkpointEvery = steps;
      return this;
    }

    /**
     * Runs in {@code folder} with the engine's run-folder semantics (see
     * {@link SelfPlay.Builder#runFolder}): an exclusive lock held until {@link WarmStart#close()},
     * leftovers of killed checkpoint writes removed, periodic checkpoints written there;
     * {@link RunMode#NEW} refuses a folder that holds a run (checkpoints or a non-empty
     * {@code metrics.jsonl}), {@link RunMode#RESUME} restores its newest complete checkpoint in
     * {@link #build()}, {@link RunMode#OVERWRITE} removes its checkpoints and empties its metrics
     * file first. Use a folder of its own: a self-play run's checkpoints have other settings.
     *
     * @param folder the folder
     * @param mode the mode
     * @return this builder
     */
    public Builder runFolder(Path folder, RunMode mode) {
      this.runFolder = Objects.requireNonNull(folder, "folder");
      this.runMode = Objects.requireNonNull(mode, "mode");
      return this;
    }

    /**
     * Adds a listener (called in the order added).
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder listener(WarmStartListener listener) {
      this.listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /**
     * Validates every setting, encodes the demonstrations and builds the runner (in a run folder:
     * takes its lock, and in {@link RunMode#RESUME} restores its newest complete checkpoint).
     *
     * @return the runner
     * @throws SpiceException.ConfigurationException naming each invalid setting and its valid values
     *     (or a demonstration, by index, that the policy cannot end for lack of an end-of-sequence
     *     token)
     * @throws SpiceException.BackendException naming, by index, a demonstration the policy cannot
     *     encode (or a policy that cannot encode demonstrations at all)
     * @throws SpiceException.CheckpointException if the run folder is locked, holds a run in
     *     {@link RunMode#NEW}, or its checkpoint cannot be restored
     */
    public WarmStart build() {
      List<String> errors = new ArrayList<>();
      if (policy == null) {
        errors.add("policy is missing: set a TrainablePolicy with policy(...) that implements supervisedUpdate, e.g. a DjlPolicy");
      }
      if (corpus == null && documentsPerStep != 0) {
        errors.add("corpus is missing: set a CorpusSource with corpus(...), or use documentsPerStep(0) with "
            + "demonstrations(...) to train on demonstrations only");
      }
      if (maxTokens == -1) {
        errors.add("maxTokens is missing: set the chunk length with maxTokens(n), n >= 2 and at most the model's context length");
      } else if (maxTokens < 2) {
        errors.add("maxTokens must be >= 2 (a prompt token and a target token), got " + maxTokens);
      }
      if (startToken != null && startToken < 0) {
        errors.add("startToken must be a token id >= 0 (e.g. the tokenizer's beginning-of-sequence id), got " + startToken
            + "; leave it unset to use each chunk's first token as its prompt");
      }
      if (documentsPerStep < 0 || documentsPerStep == 0 && demonstrations == null) {
        errors.add("documentsPerStep must be >= 1 (or 0 with demonstrations(...)), got " + documentsPerStep);
      }
      if (demonstrations != null) {
        DemonstrationMix.check(demonstrations, demonstrationsPerStep, errors);
      }
      if (checkpointEvery < 0) {
        errors.add("checkpointEvery must be >= 1 (or 0: off), got " + checkpointEvery);
      } else if (checkpointEvery > 0 && runFolder == null) {
        errors.add("checkpointEvery(" + checkpointEvery + ") needs a folder: set runFolder(dir, RunMode)");
      }
      if (!errors.isEmpty()) {
        throw new SpiceException.ConfigurationException("Invalid WarmStart configuration: " + String.join("; ", errors));
      }
      DemonstrationMix mix = demonstrations == null ? null
          : DemonstrationMix.encode(policy, demonstrations, demonstrationsPerStep);
      WarmStart warm = new WarmStart(this, mix);
      if (runFolder != null) {
        Path folder = runFolder;
        // the folder's results start over at step 0 when nothing is restored (listeners drop what they wrote)
        warm.lock = RunFolders.open(folder, runMode, warm::restore, () -> warm.fire(x -> x.onRestore(0, folder)));
      }
      return warm;
    }

  }
}
