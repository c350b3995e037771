package dev.spice.core.engine;

import dev.spice.core.CorpusCursor;
import dev.spice.core.Document;
import dev.spice.core.ReasonerAttempt;
import dev.spice.core.Role;
import dev.spice.core.SpiceException;
import dev.spice.core.TrainingSample;
import dev.spice.core.UpdateStats;
import dev.spice.core.ChallengerAttempt;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.SplittableRandom;

/**
 * The implementation behind {@link SelfPlay}: one iteration of Algorithm 1 reads top to bottom in
 * {@link #runIteration}, each step delegated to its phase ({@link ChallengerPhase},
 * {@link ReasonerPhase}, {@link Scoring}, {@link IterationMetrics}); per-document state travels in
 * {@link DocumentWork}. {@link #step} adds the failure contract (corpus position restored, failed
 * event) and periodic checkpoints ({@link Checkpoints}). In hybrid training {@link Hybrid} publishes
 * the trainer's weights before the rollouts and recomputes {@code pi_old} before the update.
 */
final class Engine {
  static final String SDK_VERSION = Checkpoints.SDK_VERSION;

  private final EngineConfig cfg;
  private final Map<String, Object> settings;
  private final Events events;
  private final ChallengerPhase challengerPhase;
  private final ReasonerPhase reasonerPhase;
  private final Scoring scoring;
  private final Checkpoints checkpoints;
  /** Hybrid training's versions and sync, or null. */
  private final Hybrid hybrid;
  private long iteration;

  Engine(EngineConfig cfg) {
    this.cfg = cfg;
    this.settings = cfg.settings();
    this.events = new Events(cfg.listeners());
    Rollouts rollouts = new Rollouts(events);
    this.challengerPhase = new ChallengerPhase(cfg, rollouts);
    this.reasonerPhase = new ReasonerPhase(cfg, rollouts);
    this.scoring = new Scoring(cfg, events);
    this.checkpoints = new Checkpoints(cfg, settings, events);
    this.hybrid = cfg.hybrid() == null ? null : new Hybrid(cfg.hybrid(), cfg.policy());
  }

  long iteration() {
    return iteration;
  }

  Map<String, Object> settings() {
    return settings;
  }

  IterationResult step() {
    long it = iteration;
    CorpusCursor before = cfg.corpus() == null ? null : cfg.corpus().cursor();
    events.fire(l -> l.onIterationStart(it));
    IterationResult result;
    try {
      result = runIteration(it);
    } catch (RuntimeException | Error e) {
      if (before != null) {
        try {
          cfg.corpus().restore(before);
        } catch (RuntimeException r) {
          e.addSuppressed(r);
        }
      }
      events.fire(l -> l.onIterationFailed(it, e));
      if (e instanceof SpiceException s) {
        throw s;
      }
      throw new SpiceException("self-play iteration " + it + " failed: " + e, e);
    }
    iteration = it + 1;
    events.fire(l -> l.onIterationEnd(result));
    if (cfg.checkpointEvery() > 0 && iteration % cfg.checkpointEvery() == 0) {
      saveCheckpoint(cfg.checkpointDirectory());
    }
    return result;
  }

  private IterationResult runIteration(long it) {
    long start = System.nanoTime();
    PhaseTimes times = new PhaseTimes();
    long iterSeed = IterationSeeds.iteration(cfg.seed(), it);
    SplittableRandom rng = new SplittableRandom(IterationSeeds.choices(iterSeed));
    // 0. hybrid training: the rollout backend serves a version at most maxStaleness old
    long rolloutVersion = hybrid == null ? 0 : hybrid.beforeRollouts(times);

    // 1. B documents (synthetic empty ones without corpus grounding)
    List<DocumentWork> docs = new ArrayList<>(cfg.batchSize());
    for (Document d : documents(it)) {
      docs.add(new DocumentWork(d, cfg.challenger().prompt(d)));
    }
    // 2. Challenger: G_C attempts at a time until one is valid, at most N; keep G_C by ratio
    int tokens = challengerPhase.run(it, iterSeed, docs, rng, times);
    // 3. Reasoner: G_R answers to every kept valid task, without the document
    tokens += reasonerPhase.run(it, iterSeed, docs, times);
    // 4. Reasoner rewards for every task (the Challenger's reward needs every pass rate)
    long t = System.nanoTime();
    scoring.reasonerRewards(it, docs);
    times.verify += PhaseTimes.since(t);
    // 5. Challenger rewards per document
    t = System.nanoTime();
    scoring.challengerRewards(it, docs);
    // 6. one valid task per document trains the Reasoner
    List<DocumentWork> reasonerGroups = scoring.chooseReasonerTasks(it, docs, rng);
    // 7. advantages per role and group
    Scoring.ZeroStd zero = scoring.advantages(docs, reasonerGroups);
    times.reward += PhaseTimes.since(t);
    // 8. one update on the union of both roles' samples
    List<TrainingSample> rolled = samples(docs, reasonerGroups);
    // hybrid training: pi_old is the trainer's own log-probs of the sampled tokens
    Hybrid.Recomputed recomputed = hybrid == null ? null : hybrid.recompute(rolled, rolloutVersion, times);
    List<TrainingSample> samples = recomputed == null ? rolled : recomputed.samples();
    OptionalDouble learningRate = cfg.policy().learningRate();
    events.fire(l -> l.onUpdateStart(it, samples.size()));
    UpdateStats stats = update(samples, times);
    if (stats == null) {
      throw new SpiceException.BackendException("policy " + cfg.policy().name() + " returned null UpdateStats");
    }
    if (hybrid != null) {
      hybrid.afterUpdate(stats, samples.size());
    }
    events.fire(l -> l.onUpdateEnd(it, stats));
    // 9. results and metrics (nothing below may fail: the update has been applied)
    List<DocumentRollout> rollouts = docs.stream().map(DocumentWork::toRollout).toList();
    double seconds = (System.nanoTime() - start) / 1e9;
    Map<String, Double> extra = new java.util.TreeMap<>();
    if (hybrid != null) {
      hybrid.metrics(extra, rolloutVersion, recomputed, times);
    }
    Metrics metrics = IterationMetrics.of(it, docs, reasonerGroups, zero, stats, learningRate, seconds, tokens,
        times, extra);
    return new IterationResult(it, metrics, rollouts, stats);
  }

  /** The policy update, timed into {@link PhaseTimes#update}; no call (and no time) without samples. */
  private UpdateStats update(List<TrainingSample> samples, PhaseTimes times) {
    if (samples.isEmpty()) {
      return UpdateStats.empty();
    }
    long t = System.nanoTime();
    UpdateStats stats = cfg.policy().update(samples, cfg.recipe().loss());
    times.update += PhaseTimes.since(t);
    return stats;
  }

  private List<Document> documents(long it) {
    if (cfg.corpusGrounded()) {
      return cfg.corpus().next(cfg.batchSize());
    }
    List<Document> docs = new ArrayList<>(cfg.batchSize());
    for (int i = 0; i < cfg.batchSize(); i++) {
      docs.add(new Document("no-corpus-" + it + "-" + i, "", "none", Map.of("no_corpus", "true")));
    }
    return docs;
  }

  /** Challenger samples (unless fixed), then Reasoner samples; NaN advantages and empty completions are not trained. */
  private List<TrainingSample> samples(List<DocumentWork> docs, List<DocumentWork> reasonerGroups) {
    List<TrainingSample> samples = new ArrayList<>();
    if (cfg.trainsChallenger()) {
      for (DocumentWork d : docs) {
        for (int k = 0; k < d.kept.size(); k++) {
          ChallengerAttempt a = d.kept.get(k);
          double adv = d.challengerAdvantages[k];
          if (Double.isFinite(adv) && a.completion().tokenCount() > 0) {
            samples.add(TrainingSample.of(Role.CHALLENGER, a.prompt(), a.completion(), adv, d.document.id()));
          }
        }
      }
    }
    for (DocumentWork d : reasonerGroups) {
      List<ReasonerAttempt> group = d.chosenAnswers();
      for (int i = 0; i < group.size(); i++) {
        double adv = d.reasonerAdvantages[i];
        ReasonerAttempt a = group.get(i);
        if (Double.isFinite(adv) && a.completion().tokenCount() > 0) {
          samples.add(TrainingSample.of(Role.REASONER, a.prompt(), a.completion(), adv, d.document.id() + "#" + d.chosen));
        }
      }
    }
    return samples;
  }

  Path saveCheckpoint(Path runDir) {
    if (hybrid == null) {
      return checkpoints.save(runDir, iteration, Map.of());
    }
    Path p = checkpoints.save(runDir, iteration, Map.of(POLICY_VERSION, hybrid.policyVersion()));
    hybrid.invalidate();
    return p;
  }

  void restore(Path dir) {
    if (hybrid == null) {
      iteration = checkpoints.restore(dir, state -> () -> { });
      return;
    }
    iteration = checkpoints.restore(dir, state -> {
      if (!(state.get(POLICY_VERSION) instanceof Long v) || v < 0) {
        throw new SpiceException.CheckpointException(dir.resolve("engine.json") + ": field '" + POLICY_VERSION
            + "' (hybrid training's policy version) is missing or invalid");
      }
      return () -> hybrid.restored(v);
    });
  }

  void restorePolicy(Path dir) {
    checkpoints.restorePolicy(dir);
    if (hybrid != null) {
      hybrid.invalidate();
    }
  }

  /** The engine.json field of hybrid training's policy version. */
  static final String POLICY_VERSION = "policy_version";

  /** Starts the run folder's results over at iteration 0 (listeners drop what they wrote). */
  void restart(Path runFolder) {
    iteration = 0;
    if (hybrid != null) {
      hybrid.restored(0);
    }
    events.fire(l -> l.onRestore(0, runFolder));
  }

  static Optional<Path> latest(Path runDir) {
    return Checkpoints.latest(runDir);
  }
}
