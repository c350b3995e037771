package dev.spice.core.engine;

import dev.spice.core.Challenger;
import dev.spice.core.CorpusSource;
import dev.spice.core.PolicyBackend;
import dev.spice.core.PolicySync;
import dev.spice.core.Reasoner;
import dev.spice.core.Recipe;
import dev.spice.core.SamplingParams;
import dev.spice.core.SpiceException;
import dev.spice.core.TrainablePolicy;
import dev.spice.core.roles.Roles;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * The SPICE self-play engine: each {@link #step()} runs one iteration of Algorithm 1
 * (docs/algorithm.md) on one shared policy:
 *
 * <ol>
 *   <li>sample B documents from the corpus;
 *   <li>the Challenger writes attempts for each document, G_C at a time, until at least one is
 *       valid or {@code maxChallengerAttempts} were made; G_C attempts are kept, preserving the
 *       valid:invalid ratio;
 *   <li>the Reasoner answers every kept valid task G_R times, without the document;
 *   <li>Reasoner rewards per task; Challenger rewards per document from the Reasoner's pass rate
 *       (invalid attempts get the recipe's penalty);
 *   <li>one random valid task per document gives the Reasoner's training group;
 *   <li>advantages per role and group; one policy update on the union of both roles' samples.
 * </ol>
 *
 * <p>Not thread-safe: drive it from one thread. A failed iteration (backend or reward error)
 * leaves the engine, the corpus position and (by the {@link TrainablePolicy} contract) the policy
 * as they were, fires {@link SelfPlayListener#onIterationFailed} and throws; the caller may retry.
 * Given the same seed, corpus, backend and settings, a run is reproducible, and a run resumed from
 * a checkpoint continues exactly as the uninterrupted run.
 */
public final class SelfPlay implements AutoCloseable {
  private final Engine engine;

  /** The run folder's lock, or null; set once by the builder. */
  private RunLock lock;

  private SelfPlay(EngineConfig config) {
    this.engine = new Engine(config);
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
   * Runs one iteration. @throws SpiceException if it fails (state unchanged)
   *
   * @return the iteration's result
   */
  public IterationResult step() {
    return engine.step();
  }

  /**
   * Runs {@code n} iterations and returns a {@link RunSummary}: the last result, the mean of each
   * metric and the wall time. Memory stays bounded however large {@code n} is: no iteration's
   * result but the last is kept. For every {@link IterationResult}, call {@link #step()} in a loop
   * or register a listener ({@link SelfPlayListener#onIterationEnd} gets each one). If an
   * iteration fails, its exception propagates and the iterations before it stay done.
   *
   * @param n how many iterations, {@code >= 0}
   * @return the summary of the {@code n} iterations
   * @throws IllegalArgumentException if {@code n < 0}
   */
  public RunSummary run(int n) {
    return RunLoop.run(this::step, this::iteration, n, r -> false);
  }

  /**
   * Runs until {@code stop} returns true for an iteration's result, or until {@code maxIterations}
   * more iterations have run: early stopping, for example when the probe pass rate plateaus.
   * Memory stays bounded as for {@link #run(int)}.
   *
   * @param maxIterations the most iterations to run, {@code >= 0}
   * @param stop tested after each iteration; true stops the run
   * @return the summary of the iterations run ({@link RunSummary#stoppedEarly()} tells if
   *     {@code stop} ended it)
   * @throws IllegalArgumentException if {@code maxIterations < 0}
   */
  public RunSummary runUntil(int maxIterations, Predicate<IterationResult> stop) {
    return RunLoop.run(this::step, this::iteration, maxIterations, stop);
  }

  /**
   * Number of completed iterations (the index of the next one).
   *
   * @return number of completed iterations (the index of the next one)
   */
  public long iteration() {
    return engine.iteration();
  }

  /**
   * The settings this engine was built with, as stable key/value pairs (stored in checkpoints).
   *
   * @return the settings this engine was built with, as stable key/value pairs (stored in
   *     checkpoints)
   */
  public Map<String, Object> settings() {
    return engine.settings();
  }

  /**
   * Writes a checkpoint of the engine (iteration, seeds, corpus cursor, settings, provenance) and
   * of the trained policy into {@code runDirectory/checkpoint-NNNNNNNN}, atomically: everything is
   * written to a temporary directory that is renamed into place only when complete, so a crash
   * never leaves a half-written checkpoint under the final name.
   *
   * @param runDirectory the run directory
   * @return the checkpoint directory
   */
  public Path saveCheckpoint(Path runDirectory) {
    return engine.saveCheckpoint(runDirectory);
  }

  /**
   * Restores a checkpoint written by an engine built with the same settings (the settings are
   * compared and any difference is reported by name). On failure nothing is changed except,
   * possibly, the policy, whose own contract says it is unchanged on a failed load.
   *
   * @param checkpointDirectory the checkpoint directory
   */
  public void restore(Path checkpointDirectory) {
    engine.restore(checkpointDirectory);
  }

  /**
   * The newest complete checkpoint under a run directory written by {@link #saveCheckpoint}, if any.
   *
   * @param runDirectory the run directory
   * @return the newest complete checkpoint under a run directory written by {@link
   *     #saveCheckpoint}, if any
   */
  public static java.util.Optional<Path> latestCheckpoint(Path runDirectory) {
    return Engine.latest(runDirectory);
  }

  /**
   * Loads only the policy's weights and optimizer state from a checkpoint, without its settings,
   * iteration or corpus position: for continuing training with another recipe or corpus. The
   * engine's iteration stays as it is.
   *
   * @param checkpointDirectory the checkpoint directory
   * @throws SpiceException.CheckpointException if the checkpoint is incomplete or the policy refuses it
   */
  public void restorePolicy(Path checkpointDirectory) {
    engine.restorePolicy(checkpointDirectory);
  }

  /** Releases the run folder's lock (see {@link Builder#runFolder}); closes nothing the caller passed in. */
  @Override
  public void close() {
    if (lock != null) {
      lock.close();
    }
  }

  /**
   * Fail-fast builder. Required: {@link #policy}, {@link #recipe}, and {@link #corpus} unless
   * {@link #corpusGrounded(boolean) corpusGrounded(false)}.
   */
  public static final class Builder {
    TrainablePolicy policy;
    PolicyBackend challengerPolicy;
    CorpusSource corpus;
    boolean corpusGrounded = true;
    Challenger challenger = Roles.jsonChallenger();
    Reasoner reasoner = Roles.boxedReasoner();
    Recipe recipe;
    int batchSize = 128;
    int maxChallengerAttempts = -1;
    long seed = 0;
    ZeroVariancePolicy zeroVariancePolicy = ZeroVariancePolicy.KEEP;
    SamplingParams challengerSampling = SamplingParams.defaults(1024);
    SamplingParams reasonerSampling = SamplingParams.defaults(1024);
    Duration rewardTimeout = Duration.ofMinutes(10);
    int checkpointEvery = 0;
    Path checkpointDirectory;
    final List<SelfPlayListener> listeners = new ArrayList<>();
    final Map<String, dev.spice.core.Checkpointable> extraState = new LinkedHashMap<>();
    Path runFolder;
    RunMode runMode;
    PolicyBackend rollouts;
    PolicySync policySync;
    int syncEvery = 1;
    int maxStaleness = 0;

    private Builder() {}

    /**
     * The policy trained in both roles (required).
     *
     * @param policy the policy trained in both roles (required)
     * @return this builder
     */
    public Builder policy(TrainablePolicy policy) {
      this.policy = policy;
      return this;
    }

    /**
     * Fixed-Challenger mode (the paper's "fixed strong Challenger" baseline): a frozen, possibly
     * different model writes the tasks; only the Reasoner role of {@link #policy} is trained.
     *
     * @param frozen the frozen
     * @return this builder
     */
    public Builder fixedChallenger(PolicyBackend frozen) {
      this.challengerPolicy = frozen;
      return this;
    }

    /**
     * The corpus the Challenger reads (required unless corpus grounding is off).
     *
     * @param corpus the corpus the Challenger reads (required unless corpus grounding is off)
     * @return this builder
     */
    public Builder corpus(CorpusSource corpus) {
      this.corpus = corpus;
      return this;
    }

    /**
     * With {@code false}, the "no corpus" baseline: the Challenger writes tasks without a
     * document (it receives synthetic documents with empty text). Default {@code true}.
     *
     * @param grounded the grounded
     * @return this builder
     */
    public Builder corpusGrounded(boolean grounded) {
      this.corpusGrounded = grounded;
      return this;
    }

    /**
     * The Challenger role (default: paper-style JSON tasks, {@link Roles#jsonChallenger()}).
     *
     * @param challenger the Challenger role (default: paper-style JSON tasks, {@link
     *     Roles#jsonChallenger()})
     * @return this builder
     */
    public Builder challenger(Challenger challenger) {
      this.challenger = challenger;
      return this;
    }

    /**
     * The Reasoner role (default: {@link Roles#boxedReasoner()}).
     *
     * @param reasoner the Reasoner role (default: {@link Roles#boxedReasoner()})
     * @return this builder
     */
    public Builder reasoner(Reasoner reasoner) {
      this.reasoner = reasoner;
      return this;
    }

    /**
     * Group sizes, rewards, advantage estimators and loss (required; see spice-rewards' presets).
     *
     * @param recipe the recipe
     * @return this builder
     */
    public Builder recipe(Recipe recipe) {
      this.recipe = recipe;
      return this;
    }

    /**
     * B: documents per iteration, {@code >= 1}. Default 128 (the paper's).
     *
     * @param documents the documents
     * @return this builder
     */
    public Builder batchSize(int documents) {
      this.batchSize = documents;
      return this;
    }

    /**
     * N: most Challenger attempts per document, generated G_C at a time until one is valid;
     * {@code >= G_C}. Default {@code 2 * G_C} (ours; the paper does not state it).
     *
     * @param n the most attempts per document
     * @return this builder
     */
    public Builder maxChallengerAttempts(int n) {
      this.maxChallengerAttempts = n;
      return this;
    }

    /**
     * Seed of every random choice of the engine and of all sampling seeds. Default 0.
     *
     * @param seed the seed
     * @return this builder
     */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /**
     * What to do with zero-variance groups. Default {@link ZeroVariancePolicy#KEEP}.
     *
     * @param p the zero variance policy
     * @return this builder
     */
    public Builder zeroVariancePolicy(ZeroVariancePolicy p) {
      this.zeroVariancePolicy = p;
      return this;
    }

    /**
     * Sampling of the Challenger role; its seed is replaced by derived seeds.
     * @param p the sampling params
     * @return this builder
     */
    public Builder challengerSampling(SamplingParams p) {
      this.challengerSampling = p;
      return this;
    }

    /**
     * Sampling of the Reasoner role; its seed is replaced by derived seeds.
     * @param p the sampling params
     * @return this builder
     */
    public Builder reasonerSampling(SamplingParams p) {
      this.reasonerSampling = p;
      return this;
    }

    /**
     * How long to wait for asynchronous reward functions per iteration. Default 10 minutes.
     *
     * @param timeout the timeout
     * @return this builder
     */
    public Builder rewardTimeout(Duration timeout) {
      this.rewardTimeout = timeout;
      return this;
    }

    /**
     * Writes a checkpoint into {@code runDirectory} (see {@link SelfPlay#saveCheckpoint}) after
     * every {@code iterations}-th completed iteration. A failed write throws a
     * {@link SpiceException.CheckpointException} from {@link SelfPlay#step()} after the iteration
     * itself has completed ({@link SelfPlay#iteration()} has advanced). Default: off.
     *
     * @param iterations the iterations
     * @param runDirectory the run directory
     * @return this builder
     */
    public Builder checkpointEvery(int iterations, Path runDirectory) {
      this.checkpointEvery = iterations;
      this.checkpointDirectory = runDirectory;
      return this;
    }

    /**
     * Runs in {@code folder}: the engine holds an exclusive lock on it until {@link SelfPlay#close()}
     * (a second process fails at once, naming the holder's pid), removes what killed checkpoint
     * writes left there, and writes its periodic checkpoints there (set the period with
     * {@link #checkpointEvery}). A folder that already holds a run (checkpoints or a non-empty
     * {@code metrics.jsonl}) is refused in {@link RunMode#NEW} mode; {@link RunMode#RESUME}
     * restores its newest complete checkpoint in {@link #build()}; {@link RunMode#OVERWRITE}
     * removes its checkpoints and empties its metrics file first.
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
     * Saves and restores further state inside every checkpoint (under {@code state/<name>/},
     * written before the checkpoint is renamed into place and restored with it): application state
     * that must survive a crash together with the engine's.
     *
     * @param name the name
     * @param state the state
     * @return this builder
     */
    public Builder checkpointState(String name, dev.spice.core.Checkpointable state) {
      if (name == null || !name.matches("[A-Za-z0-9_.-]+")) {
        throw new SpiceException.ConfigurationException("checkpointState name must be letters, digits, '_', '.', '-', got " + name);
      }
      extraState.put(name, Objects.requireNonNull(state, "state"));
      return this;
    }

    /**
     * Hybrid training (docs/algorithm.md): {@code backend} (an inference server, e.g. a
     * {@code RemotePolicy}) generates the trained roles' rollouts; the trained policy recomputes the
     * sampled tokens' log-probs ({@code scoreContinuations}) as {@code pi_old} and runs the update.
     * The backend must render and tokenize prompts as the trainer does (checked where
     * {@link TrainablePolicy#promptTokens} can tell). Requires {@link #policySync}.
     *
     * @param backend the rollout backend
     * @return this builder
     */
    public Builder rollouts(PolicyBackend backend) {
      this.rollouts = Objects.requireNonNull(backend, "backend");
      return this;
    }

    /**
     * How the trained weights reach the {@link #rollouts} backend: the engine counts a policy
     * version per applied update and, before an iteration's rollouts, publishes the trainer's weights
     * when {@code everyUpdates} versions passed since the last publish, and first after build,
     * restore or checkpoint (so a resumed run samples the same weights as the uninterrupted one). A
     * failed publish fails the iteration before anything is generated or trained.
     *
     * @param sync the sync
     * @param everyUpdates k, publish after every k-th update, {@code >= 1}; needs
     *     {@link #maxStaleness} of at least {@code k - 1}
     * @return this builder
     */
    public Builder policySync(PolicySync sync, int everyUpdates) {
      this.policySync = Objects.requireNonNull(sync, "sync");
      this.syncEvery = everyUpdates;
      return this;
    }

    /**
     * The most policy versions a trained-on rollout may lag the trainer. Syncing every k updates
     * gives rollouts up to {@code k - 1} versions old, so {@link #build()} refuses
     * {@code maxStaleness < k - 1}. Default 0 (on-policy: sync after every update).
     *
     * @param versions the bound, {@code >= 0}
     * @return this builder
     */
    public Builder maxStaleness(int versions) {
      this.maxStaleness = versions;
      return this;
    }

    /**
     * Adds a listener.
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder listener(SelfPlayListener listener) {
      this.listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /**
     * Validates every setting and builds the engine.
     *
     * @return the engine
     * @throws SpiceException.ConfigurationException naming the setting and its valid values
     */
    public SelfPlay build() {
      List<String> errors = SelfPlayChecks.errors(this);
      if (!errors.isEmpty()) {
        throw new SpiceException.ConfigurationException("Invalid SelfPlay configuration: " + String.join("; ", errors));
      }
      // The builder is left as the user set it (a reused builder with a bigger recipe gets its own default N).
      int n = maxChallengerAttempts < 0 ? 2 * recipe.challengerGroupSize() : maxChallengerAttempts;
      Path ckptDir = checkpointDirectory != null ? checkpointDirectory : runFolder;
      HybridConfig hybrid = rollouts == null ? null : new HybridConfig(rollouts, policySync, syncEvery, maxStaleness);
      EngineConfig config = new EngineConfig(policy, challengerPolicy, corpus, corpusGrounded, challenger, reasoner,
          recipe, batchSize, n, seed, zeroVariancePolicy, challengerSampling, reasonerSampling, rewardTimeout,
          checkpointEvery, ckptDir, listeners, extraState, hybrid);
      SelfPlay spice = new SelfPlay(config);
      if (runFolder != null) {
        Path folder = runFolder;
        spice.lock = RunFolders.open(folder, runMode, spice::restore, () -> spice.engine.restart(folder));
      }
      return spice;
    }
  }
}
