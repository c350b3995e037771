package dev.spice.core.engine;

import dev.spice.core.AsyncRewardFunction;
import dev.spice.core.Challenger;
import dev.spice.core.ChallengerAttempt;
import dev.spice.core.ChallengerOutcome;
import dev.spice.core.Completion;
import dev.spice.core.CorpusCursor;
import dev.spice.core.CorpusSource;
import dev.spice.core.Document;
import dev.spice.core.PolicyBackend;
import dev.spice.core.Prompt;
import dev.spice.core.Reasoner;
import dev.spice.core.ReasonerAttempt;
import dev.spice.core.Recipe;
import dev.spice.core.RewardContext;
import dev.spice.core.RewardFunction;
import dev.spice.core.Rewards;
import dev.spice.core.Role;
import dev.spice.core.SamplingParams;
import dev.spice.core.SpiceException;
import dev.spice.core.Task;
import dev.spice.core.TaskFormat;
import dev.spice.core.TrainablePolicy;
import dev.spice.core.TrainingSample;
import dev.spice.core.UpdateStats;
import dev.spice.core.json.Json;
import dev.spice.core.sampling.Seeds;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The implementation behind {@link SelfPlay}. */
final class Engine {
  private static final Logger LOG = LoggerFactory.getLogger(SelfPlay.class);
  static final int CHECKPOINT_FORMAT = 1;
  static final String SDK_VERSION = "0.1.0-SNAPSHOT";

  private final TrainablePolicy policy;
  private final PolicyBackend challengerPolicy;
  private final CorpusSource corpus;
  private final boolean corpusGrounded;
  private final Challenger challenger;
  private final Reasoner reasoner;
  private final Recipe recipe;
  private final int batchSize;
  private final int maxAttempts;
  private final long seed;
  private final ZeroVariancePolicy zeroVariance;
  private final SamplingParams challengerSampling;
  private final SamplingParams reasonerSampling;
  private final Duration rewardTimeout;
  private final List<SelfPlayListener> listeners;
  private final Map<String, Object> settings;
  private final int checkpointEvery;
  private final Path checkpointDirectory;
  private long iteration;

  Engine(SelfPlay.Builder b) {
    this.policy = b.policy;
    this.challengerPolicy = b.challengerPolicy;
    this.corpus = b.corpus;
    this.corpusGrounded = b.corpusGrounded;
    this.challenger = b.challenger;
    this.reasoner = b.reasoner;
    this.recipe = b.recipe;
    this.batchSize = b.batchSize;
    this.maxAttempts = b.maxChallengerAttempts;
    this.seed = b.seed;
    this.zeroVariance = b.zeroVariancePolicy;
    this.challengerSampling = b.challengerSampling;
    this.reasonerSampling = b.reasonerSampling;
    this.rewardTimeout = b.rewardTimeout;
    this.listeners = List.copyOf(b.listeners);
    this.checkpointEvery = b.checkpointEvery;
    this.checkpointDirectory = b.checkpointDirectory;
    this.settings = java.util.Collections.unmodifiableMap(b.settings());
  }

  long iteration() {
    return iteration;
  }

  Map<String, Object> settings() {
    return settings;
  }

  // ---------------------------------------------------------------- one iteration

  IterationResult step() {
    long it = iteration;
    CorpusCursor before = corpus == null ? null : corpus.cursor();
    fire(l -> l.onIterationStart(it));
    IterationResult result;
    try {
      result = runIteration(it);
    } catch (RuntimeException | Error e) {
      if (before != null) {
        try {
          corpus.restore(before);
        } catch (RuntimeException r) {
          e.addSuppressed(r);
        }
      }
      fire(l -> l.onIterationFailed(it, e));
      if (e instanceof SpiceException s) {
        throw s;
      }
      throw new SpiceException("self-play iteration " + it + " failed: " + e, e);
    }
    iteration = it + 1;
    fire(l -> l.onIterationEnd(result));
    if (checkpointEvery > 0 && iteration % checkpointEvery == 0) {
      saveCheckpoint(checkpointDirectory);
    }
    return result;
  }

  private IterationResult runIteration(long it) {
    long start = System.nanoTime();
    long iterSeed = mix(seed, it);
    SplittableRandom rng = new SplittableRandom(mix(iterSeed, 0x5eedL));
    int gc = recipe.challengerGroupSize();
    int gr = recipe.reasonerGroupSize();

    // 1. documents
    List<Document> docs = new ArrayList<>(batchSize);
    if (corpusGrounded) {
      docs.addAll(corpus.next(batchSize));
    } else {
      for (int i = 0; i < batchSize; i++) {
        docs.add(new Document("no-corpus-" + it + "-" + i, "", "none", Map.of("no_corpus", "true")));
      }
    }

    // 2. Challenger: G_C attempts at a time until one is valid, at most N
    PolicyBackend cp = challengerPolicy != null ? challengerPolicy : policy;
    List<Prompt> cPrompts = new ArrayList<>(docs.size());
    for (Document d : docs) {
      cPrompts.add(challenger.prompt(d));
    }
    List<List<ChallengerAttempt>> attempts = new ArrayList<>();
    for (int i = 0; i < docs.size(); i++) {
      attempts.add(new ArrayList<>());
    }
    List<Integer> pending = new ArrayList<>();
    for (int i = 0; i < docs.size(); i++) {
      pending.add(i);
    }
    int generatedTokens = 0;
    for (int round = 0; !pending.isEmpty(); round++) {
      List<Prompt> prompts = new ArrayList<>();
      List<Integer> owner = new ArrayList<>();
      for (int d : pending) {
        int n = Math.min(gc, maxAttempts - attempts.get(d).size());
        for (int k = 0; k < n; k++) {
          prompts.add(cPrompts.get(d));
          owner.add(d);
        }
      }
      List<Completion> out = generate(it, Role.CHALLENGER, cp, prompts,
          challengerSampling.withSeed(mix(iterSeed, 1000 + round)));
      for (int j = 0; j < out.size(); j++) {
        int d = owner.get(j);
        generatedTokens += out.get(j).tokens().length;
        attempts.get(d).add(parseChallenger(docs.get(d), prompts.get(j), out.get(j)));
      }
      List<Integer> next = new ArrayList<>();
      for (int d : pending) {
        boolean anyValid = attempts.get(d).stream().anyMatch(ChallengerAttempt::isValid);
        if (!anyValid && attempts.get(d).size() < maxAttempts) {
          next.add(d);
        }
      }
      pending = next;
    }
    List<List<ChallengerAttempt>> kept = new ArrayList<>();
    for (List<ChallengerAttempt> a : attempts) {
      kept.add(keepPreservingRatio(a, gc, rng));
    }

    // 3. Reasoner: G_R answers to every kept valid task
    List<Prompt> rPrompts = new ArrayList<>();
    List<int[]> rOwner = new ArrayList<>();
    for (int d = 0; d < docs.size(); d++) {
      for (int k = 0; k < kept.get(d).size(); k++) {
        ChallengerAttempt a = kept.get(d).get(k);
        if (a.isValid()) {
          Prompt p = reasoner.prompt(a.task());
          for (int r = 0; r < gr; r++) {
            rPrompts.add(p);
            rOwner.add(new int[] {d, k});
          }
        }
      }
    }
    List<Completion> rOut = generate(it, Role.REASONER, policy, rPrompts, reasonerSampling.withSeed(mix(iterSeed, 2000)));
    Map<Long, List<ReasonerAttempt>> answers = new LinkedHashMap<>();
    for (int j = 0; j < rOut.size(); j++) {
      int[] o = rOwner.get(j);
      Task task = kept.get(o[0]).get(o[1]).task();
      generatedTokens += rOut.get(j).tokens().length;
      answers.computeIfAbsent(key(o[0], o[1]), x -> new ArrayList<>())
          .add(parseReasoner(task, rPrompts.get(j), rOut.get(j)));
    }

    // 4. Reasoner rewards for every task (the Challenger's reward needs every pass rate)
    AsyncRewardFunction<ReasonerAttempt> rf = recipe.reasonerReward();
    Map<Long, CompletableFuture<Rewards>> futures = new LinkedHashMap<>();
    for (Map.Entry<Long, List<ReasonerAttempt>> e : answers.entrySet()) {
      int d = (int) (e.getKey() >> 32);
      Task task = e.getValue().get(0).task();
      RewardContext ctx = new RewardContext(it, Role.REASONER, docs.get(d), task);
      CompletableFuture<Rewards> f;
      try {
        f = rf.scoreAsync(e.getValue(), ctx).toCompletableFuture();
      } catch (RuntimeException ex) {
        f = CompletableFuture.failedFuture(ex);
      }
      futures.put(e.getKey(), f);
    }
    Map<Long, Rewards> rRewards = new LinkedHashMap<>();
    Map<Long, double[]> correct = new LinkedHashMap<>();
    long deadline = System.nanoTime() + rewardTimeout.toNanos();
    for (Map.Entry<Long, CompletableFuture<Rewards>> e : futures.entrySet()) {
      Rewards r = await(e.getValue(), deadline, rf.name());
      int n = answers.get(e.getKey()).size();
      checkRewards(r, n, "reasoner reward " + rf.name());
      double[] c = r.components().containsKey(Rewards.CORRECT) ? r.components().get(Rewards.CORRECT) : r.values();
      for (double v : c) {
        if (!(v >= 0 && v <= 1)) {
          throw new SpiceException.RewardException("reasoner reward " + rf.name() + " gave pass indicator " + v
              + "; the '" + Rewards.CORRECT + "' sub-score (or the reward, without it) must lie in [0, 1]");
        }
      }
      rRewards.put(e.getKey(), r);
      correct.put(e.getKey(), c);
    }

    // 5. Challenger rewards per document
    RewardFunction<ChallengerOutcome> cf = recipe.challengerReward();
    List<List<ChallengerOutcome>> outcomes = new ArrayList<>();
    double[][] cRewards = new double[docs.size()][];
    for (int d = 0; d < docs.size(); d++) {
      List<ChallengerOutcome> o = new ArrayList<>();
      for (int k = 0; k < kept.get(d).size(); k++) {
        ChallengerAttempt a = kept.get(d).get(k);
        o.add(new ChallengerOutcome(a, a.isValid() ? correct.get(key(d, k)) : new double[0]));
      }
      outcomes.add(o);
      Rewards r;
      try {
        r = cf.score(o, new RewardContext(it, Role.CHALLENGER, docs.get(d), null));
      } catch (SpiceException e) {
        throw e;
      } catch (RuntimeException e) {
        throw new SpiceException.RewardException("challenger reward " + cf.name() + " failed: " + e, e);
      }
      checkRewards(r, o.size(), "challenger reward " + cf.name());
      cRewards[d] = r.values();
    }
    fire(l -> l.onRewards(it, Role.CHALLENGER, cRewards));

    // 6. one valid task per document trains the Reasoner
    int[] chosen = new int[docs.size()];
    List<Integer> rGroupDocs = new ArrayList<>();
    for (int d = 0; d < docs.size(); d++) {
      List<Integer> valid = new ArrayList<>();
      List<Integer> varied = new ArrayList<>();
      for (int k = 0; k < kept.get(d).size(); k++) {
        if (kept.get(d).get(k).isValid()) {
          valid.add(k);
          if (!zeroStd(rRewards.get(key(d, k)).values())) {
            varied.add(k);
          }
        }
      }
      List<Integer> pool = zeroVariance == ZeroVariancePolicy.RESAMPLE && !varied.isEmpty() ? varied : valid;
      chosen[d] = pool.isEmpty() ? -1 : pool.get(rng.nextInt(pool.size()));
      if (chosen[d] >= 0) {
        rGroupDocs.add(d);
      }
    }
    double[][] rGroupRewards = new double[rGroupDocs.size()][];
    for (int g = 0; g < rGroupDocs.size(); g++) {
      int d = rGroupDocs.get(g);
      rGroupRewards[g] = rRewards.get(key(d, chosen[d])).values();
    }
    fire(l -> l.onRewards(it, Role.REASONER, rGroupRewards));

    // 7. advantages per role and group
    double[][] cAdv = estimate(recipe.challengerAdvantage(), cRewards, "challenger");
    double[][] rAdv = estimate(recipe.reasonerAdvantage(), rGroupRewards, "reasoner");
    int cZero = 0;
    for (int d = 0; d < cRewards.length; d++) {
      if (zeroStd(cRewards[d])) {
        cZero++;
        if (zeroVariance == ZeroVariancePolicy.DROP) {
          java.util.Arrays.fill(cAdv[d], Double.NaN);
        }
      }
    }
    int rZero = 0;
    for (int g = 0; g < rGroupRewards.length; g++) {
      if (zeroStd(rGroupRewards[g])) {
        rZero++;
        if (zeroVariance == ZeroVariancePolicy.DROP) {
          java.util.Arrays.fill(rAdv[g], Double.NaN);
        }
      }
    }

    // 8. one update on the union of both roles' samples
    List<TrainingSample> samples = new ArrayList<>();
    boolean trainChallenger = challengerPolicy == null;
    for (int d = 0; d < docs.size(); d++) {
      if (!trainChallenger) {
        break;
      }
      for (int k = 0; k < kept.get(d).size(); k++) {
        ChallengerAttempt a = kept.get(d).get(k);
        double adv = cAdv[d][k];
        if (Double.isFinite(adv) && a.completion().tokens().length > 0) {
          samples.add(TrainingSample.of(Role.CHALLENGER, a.prompt(), a.completion(), adv, docs.get(d).id()));
        }
      }
    }
    for (int g = 0; g < rGroupDocs.size(); g++) {
      int d = rGroupDocs.get(g);
      List<ReasonerAttempt> group = answers.get(key(d, chosen[d]));
      for (int i = 0; i < group.size(); i++) {
        double adv = rAdv[g][i];
        ReasonerAttempt a = group.get(i);
        if (Double.isFinite(adv) && a.completion().tokens().length > 0) {
          samples.add(TrainingSample.of(Role.REASONER, a.prompt(), a.completion(), adv, docs.get(d).id() + "#" + chosen[d]));
        }
      }
    }
    fire(l -> l.onUpdateStart(it, samples.size()));
    UpdateStats stats = samples.isEmpty() ? UpdateStats.empty() : policy.update(samples, recipe.loss());
    if (stats == null) {
      throw new SpiceException.BackendException("policy " + policy.name() + " returned null UpdateStats");
    }
    fire(l -> l.onUpdateEnd(it, stats));

    // 9. results and metrics (nothing below may fail: the update has been applied)
    List<DocumentRollout> rollouts = new ArrayList<>();
    int gIndex = 0;
    for (int d = 0; d < docs.size(); d++) {
      int valid = (int) attempts.get(d).stream().filter(ChallengerAttempt::isValid).count();
      List<ReasonerAttempt> rAns = chosen[d] >= 0 ? answers.get(key(d, chosen[d])) : List.of();
      double[] rr = chosen[d] >= 0 ? rRewards.get(key(d, chosen[d])).values() : new double[0];
      double[] ra = chosen[d] >= 0 ? rAdv[gIndex++] : new double[0];
      rollouts.add(new DocumentRollout(docs.get(d), attempts.get(d).size(), valid, outcomes.get(d),
          cRewards[d], cAdv[d], chosen[d], rAns, rr, ra));
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    Metrics metrics = metrics(it, attempts, kept, outcomes, cRewards, rRewards, rGroupRewards, answers,
        cZero, rZero, stats, seconds, generatedTokens, rGroupDocs, chosen);
    return new IterationResult(it, metrics, rollouts, stats);
  }

  private List<Completion> generate(long it, Role role, PolicyBackend backend, List<Prompt> prompts, SamplingParams params) {
    if (prompts.isEmpty()) {
      return List.of();
    }
    fire(l -> l.onRolloutStart(it, role, prompts.size()));
    long t = System.nanoTime();
    List<Completion> out;
    try {
      out = backend.generate(prompts, params);
    } catch (SpiceException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new SpiceException.BackendException(role.metricPrefix() + " generation on " + backend.name() + " failed: " + e, e);
    }
    if (out == null || out.size() != prompts.size()) {
      throw new SpiceException.BackendException("backend " + backend.name() + " returned "
          + (out == null ? "null" : out.size()) + " completions for " + prompts.size() + " prompts");
    }
    int tokens = out.stream().mapToInt(c -> c.tokens().length).sum();
    long nanos = System.nanoTime() - t;
    fire(l -> l.onRolloutEnd(it, role, out.size(), tokens, nanos));
    return out;
  }

  private ChallengerAttempt parseChallenger(Document d, Prompt p, Completion c) {
    try {
      ChallengerAttempt a = challenger.parse(d, p, c);
      if (a == null) {
        return ChallengerAttempt.invalid(d, p, c, "challenger returned no attempt");
      }
      return a;
    } catch (RuntimeException e) {
      return ChallengerAttempt.invalid(d, p, c, "challenger parse failed: " + e);
    }
  }

  private ReasonerAttempt parseReasoner(Task task, Prompt p, Completion c) {
    try {
      ReasonerAttempt a = reasoner.parse(task, p, c);
      return a == null ? new ReasonerAttempt(task, p, c, null) : a;
    } catch (RuntimeException e) {
      return new ReasonerAttempt(task, p, c, null);
    }
  }

  /**
   * Keeps {@code g} of the attempts so that the kept valid:invalid ratio matches the generated
   * one (rounded, at least one valid task if any exists), choosing uniformly within each class and
   * keeping generation order.
   */
  static List<ChallengerAttempt> keepPreservingRatio(List<ChallengerAttempt> all, int g, SplittableRandom rng) {
    int total = all.size();
    if (total <= g) {
      return List.copyOf(all);
    }
    List<Integer> valid = new ArrayList<>();
    List<Integer> invalid = new ArrayList<>();
    for (int i = 0; i < total; i++) {
      (all.get(i).isValid() ? valid : invalid).add(i);
    }
    int kv = (int) Math.round((double) g * valid.size() / total);
    if (!valid.isEmpty()) {
      kv = Math.max(kv, 1);
    }
    kv = Math.min(kv, valid.size());
    int ki = g - kv;
    if (ki > invalid.size()) {
      ki = invalid.size();
      kv = g - ki;
    }
    shuffle(valid, rng);
    shuffle(invalid, rng);
    List<Integer> chosen = new ArrayList<>(valid.subList(0, kv));
    chosen.addAll(invalid.subList(0, ki));
    chosen.sort(Comparator.naturalOrder());
    List<ChallengerAttempt> out = new ArrayList<>(g);
    for (int i : chosen) {
      out.add(all.get(i));
    }
    return out;
  }

  private static void shuffle(List<Integer> l, SplittableRandom rng) {
    for (int i = l.size() - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      Integer t = l.get(i);
      l.set(i, l.get(j));
      l.set(j, t);
    }
  }

  private double[][] estimate(dev.spice.core.AdvantageEstimator est, double[][] rewards, String role) {
    if (rewards.length == 0) {
      return new double[0][];
    }
    double[][] in = new double[rewards.length][];
    for (int i = 0; i < rewards.length; i++) {
      in[i] = rewards[i].clone();
    }
    double[][] out;
    try {
      out = est.estimate(in);
    } catch (RuntimeException e) {
      throw new SpiceException.RewardException(role + " advantage estimator " + est.name() + " failed: " + e, e);
    }
    if (out == null || out.length != rewards.length) {
      throw new SpiceException.RewardException(role + " advantage estimator " + est.name() + " returned a wrong number of groups");
    }
    for (int g = 0; g < out.length; g++) {
      if (out[g] == null || out[g].length != rewards[g].length) {
        throw new SpiceException.RewardException(role + " advantage estimator " + est.name() + " returned group " + g
            + " with a wrong size");
      }
      for (int i = 0; i < out[g].length; i++) {
        if (!Double.isNaN(rewards[g][i]) && !Double.isFinite(out[g][i])) {
          throw new SpiceException.RewardException(role + " advantage estimator " + est.name()
              + " returned a non-finite advantage " + out[g][i] + " for a finite reward (group " + g + ", item " + i + ")");
        }
      }
    }
    return out;
  }

  private static void checkRewards(Rewards r, int n, String what) {
    if (r == null) {
      throw new SpiceException.RewardException(what + " returned null");
    }
    if (r.size() != n) {
      throw new SpiceException.RewardException(what + " returned " + r.size() + " rewards for " + n + " items");
    }
    for (double v : r.values()) {
      if (Double.isInfinite(v)) {
        throw new SpiceException.RewardException(what + " returned an infinite reward; use NaN for 'not applicable'");
      }
    }
  }

  private static Rewards await(CompletableFuture<Rewards> f, long deadline, String name) {
    try {
      return f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      f.cancel(true);
      throw new SpiceException.RewardException("reasoner reward " + name + " did not complete within the reward timeout", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SpiceException.RewardException("interrupted while waiting for reasoner reward " + name, e);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof SpiceException s) {
        throw s;
      }
      throw new SpiceException.RewardException("reasoner reward " + name + " failed: " + c, c);
    }
  }

  /** True if the finite values of a group are all equal (or fewer than two). */
  static boolean zeroStd(double[] values) {
    double first = Double.NaN;
    for (double v : values) {
      if (Double.isNaN(v)) {
        continue;
      }
      if (Double.isNaN(first)) {
        first = v;
      } else if (v != first) {
        return false;
      }
    }
    return true;
  }

  private static long key(int d, int k) {
    return ((long) d << 32) | k;
  }

  /** The engine's only source of randomness, so (seed, iteration) is its whole RNG state. */
  static long mix(long a, long b) {
    return Seeds.mix(a, b);
  }

  // ---------------------------------------------------------------- metrics

  private Metrics metrics(long it, List<List<ChallengerAttempt>> attempts, List<List<ChallengerAttempt>> kept,
      List<List<ChallengerOutcome>> outcomes, double[][] cRewards, Map<Long, Rewards> rRewards,
      double[][] rGroupRewards, Map<Long, List<ReasonerAttempt>> answers, int cZero, int rZero,
      UpdateStats stats, double seconds, int generatedTokens, List<Integer> rGroupDocs, int[] chosen) {
    Map<String, Double> m = new TreeMap<>();
    int generated = 0;
    int validGenerated = 0;
    for (List<ChallengerAttempt> a : attempts) {
      generated += a.size();
      for (ChallengerAttempt x : a) {
        if (x.isValid()) {
          validGenerated++;
        }
      }
    }
    m.put(MetricNames.CHALLENGER_VALID_RATE, ratio(validGenerated, generated));
    m.put(MetricNames.CHALLENGER_ATTEMPTS, ratio(generated, attempts.size()));
    Stats cs = new Stats();
    for (double[] r : cRewards) {
      cs.addAll(r);
    }
    m.put(MetricNames.CHALLENGER_REWARD, cs.mean());
    m.put(MetricNames.CHALLENGER_REWARD_STD, cs.std());
    m.put(MetricNames.CHALLENGER_FRAC_ZERO_STD, ratio(cZero, cRewards.length));
    Stats taskP = new Stats();
    int mcq = 0;
    int keptValid = 0;
    Stats cLen = new Stats();
    int cClipped = 0;
    int keptTotal = 0;
    for (List<ChallengerOutcome> os : outcomes) {
      for (ChallengerOutcome o : os) {
        keptTotal++;
        cLen.add(o.attempt().completion().tokens().length);
        if (o.attempt().completion().finishReason() == Completion.FinishReason.LENGTH) {
          cClipped++;
        }
        if (o.isValid()) {
          keptValid++;
          taskP.add(o.passRate());
          if (o.attempt().task().format() == TaskFormat.MULTIPLE_CHOICE) {
            mcq++;
          }
        }
      }
    }
    m.put(MetricNames.CHALLENGER_TASK_PASS_RATE, taskP.mean());
    m.put(MetricNames.CHALLENGER_MCQ_SHARE, ratio(mcq, keptValid));
    m.put(MetricNames.meanLength("challenger"), cLen.mean());
    m.put(MetricNames.clippedRatio("challenger"), ratio(cClipped, keptTotal));
    Stats pass = new Stats();
    Stats rLen = new Stats();
    int rClipped = 0;
    int rTotal = 0;
    Map<String, Stats> comps = new TreeMap<>();
    for (Map.Entry<Long, Rewards> e : rRewards.entrySet()) {
      Rewards r = e.getValue();
      double[] c = r.components().getOrDefault(Rewards.CORRECT, r.values());
      pass.addAll(c);
      for (Map.Entry<String, double[]> ce : r.components().entrySet()) {
        comps.computeIfAbsent(ce.getKey(), k -> new Stats()).addAll(ce.getValue());
      }
      for (ReasonerAttempt a : answers.get(e.getKey())) {
        rTotal++;
        rLen.add(a.completion().tokens().length);
        if (a.completion().finishReason() == Completion.FinishReason.LENGTH) {
          rClipped++;
        }
      }
    }
    m.put(MetricNames.REASONER_PASS_RATE, pass.mean());
    comps.forEach((k, s) -> m.put(MetricNames.component("reasoner", k), s.mean()));
    m.put(MetricNames.meanLength("reasoner"), rLen.mean());
    m.put(MetricNames.clippedRatio("reasoner"), ratio(rClipped, rTotal));
    Stats rs = new Stats();
    for (double[] r : rGroupRewards) {
      rs.addAll(r);
    }
    m.put(MetricNames.REASONER_REWARD, rs.mean());
    m.put(MetricNames.REASONER_REWARD_STD, rs.std());
    m.put(MetricNames.REASONER_FRAC_ZERO_STD, ratio(rZero, rGroupRewards.length));
    m.put(MetricNames.LOSS, stats.loss());
    m.put(MetricNames.GRAD_NORM, stats.gradNorm());
    m.put(MetricNames.KL, stats.kl());
    m.put(MetricNames.ENTROPY, stats.entropy());
    m.put(MetricNames.CLIP_LOW, stats.clipFractionLow());
    m.put(MetricNames.CLIP_HIGH, stats.clipFractionHigh());
    m.put(MetricNames.NUM_SAMPLES, (double) stats.numSamples());
    m.put(MetricNames.NUM_TOKENS, (double) stats.numTokens());
    m.put(MetricNames.UPDATE_SKIPPED, stats.skipped() ? 1.0 : 0.0);
    m.put(MetricNames.STEP_TIME, seconds);
    m.put(MetricNames.TOKENS_PER_SECOND, seconds > 0 ? generatedTokens / seconds : Double.NaN);
    return new Metrics(it, m);
  }

  private static double ratio(double a, double b) {
    return b == 0 ? Double.NaN : a / b;
  }

  /**
   * Running mean and population std over non-NaN values (Welford's update, so identical values
   * give exactly 0 and large offsets do not cancel).
   */
  private static final class Stats {
    double mean;
    double m2;
    int n;

    void add(double v) {
      if (!Double.isNaN(v)) {
        n++;
        double d = v - mean;
        mean += d / n;
        m2 += d * (v - mean);
      }
    }

    void addAll(double[] vs) {
      for (double v : vs) {
        add(v);
      }
    }

    double mean() {
      return n == 0 ? Double.NaN : mean;
    }

    double std() {
      return n == 0 ? Double.NaN : Math.sqrt(Math.max(0, m2 / n));
    }
  }

  // ---------------------------------------------------------------- listeners

  private void fire(java.util.function.Consumer<SelfPlayListener> event) {
    for (SelfPlayListener l : listeners) {
      try {
        event.accept(l);
      } catch (RuntimeException e) {
        LOG.warn("listener {} threw; ignored", l.getClass().getName(), e);
      }
    }
  }

  // ---------------------------------------------------------------- checkpoints

  Path saveCheckpoint(Path runDir) {
    String name = String.format("checkpoint-%08d", iteration);
    Path target = runDir.resolve(name);
    Path tmp = runDir.resolve(name + ".tmp-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
    try {
      Files.createDirectories(runDir);
      Files.createDirectory(tmp);
      Path policyDir = Files.createDirectory(tmp.resolve("policy"));
      policy.saveCheckpoint(policyDir);
      Map<String, Object> state = new LinkedHashMap<>();
      state.put("format", CHECKPOINT_FORMAT);
      state.put("iteration", iteration);
      state.put("seed", seed);
      state.put("rng", "splitmix64(seed, iteration): no other random state");
      if (corpus != null) {
        CorpusCursor c = corpus.cursor();
        state.put("corpus_cursor", Map.of("source", c.source(), "state", c.state()));
      }
      state.put("settings", settings);
      state.put("provenance", provenance());
      Files.writeString(tmp.resolve("engine.json"), Json.write(state) + "\n", StandardCharsets.UTF_8);
      Path old = null;
      if (Files.exists(target)) {
        old = runDir.resolve(name + ".old-" + System.nanoTime());
        Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      if (old != null) {
        deleteTree(old);
      }
    } catch (IOException | RuntimeException e) {
      try {
        deleteTree(tmp);
      } catch (IOException | RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      if (e instanceof SpiceException s) {
        throw s;
      }
      throw new SpiceException.CheckpointException("cannot write checkpoint " + target + ": " + e, e);
    }
    long it = iteration;
    fire(l -> l.onCheckpoint(it, target));
    return target;
  }

  private Map<String, Object> provenance() {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("sdk_version", SDK_VERSION);
    p.put("java_version", System.getProperty("java.version"));
    p.put("java_vendor", System.getProperty("java.vendor"));
    p.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
    p.put("backend", policy.name());
    p.put("saved_at", Instant.now().toString());
    return p;
  }

  @SuppressWarnings("unchecked")
  void restore(Path dir) {
    Path file = dir.resolve("engine.json");
    Map<String, Object> state;
    try {
      state = Json.parseObject(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new SpiceException.CheckpointException("cannot read " + file + ": " + e, e);
    } catch (Json.JsonException e) {
      throw new SpiceException.CheckpointException(file + " is corrupt: " + e.getMessage(), e);
    }
    if (!Long.valueOf(CHECKPOINT_FORMAT).equals(state.get("format"))) {
      throw new SpiceException.CheckpointException(file + ": unsupported checkpoint format " + state.get("format")
          + " (this SDK reads format " + CHECKPOINT_FORMAT + ")");
    }
    if (!(state.get("iteration") instanceof Long savedIteration) || savedIteration < 0) {
      throw new SpiceException.CheckpointException(file + ": field 'iteration' is missing or invalid");
    }
    if (!(state.get("settings") instanceof Map<?, ?> saved)) {
      throw new SpiceException.CheckpointException(file + ": field 'settings' is missing");
    }
    List<String> diffs = new ArrayList<>();
    for (Map.Entry<String, Object> e : settings.entrySet()) {
      Object s = saved.get(e.getKey());
      if (!Json.write(e.getValue()).equals(Json.write(s))) {
        diffs.add(e.getKey() + ": checkpoint has " + Json.write(s) + ", this engine has " + Json.write(e.getValue()));
      }
    }
    for (Object k : saved.keySet()) {
      if (!settings.containsKey(String.valueOf(k))) {
        diffs.add(k + ": only in the checkpoint");
      }
    }
    if (!diffs.isEmpty()) {
      throw new SpiceException.CheckpointException("checkpoint " + dir + " was written with other settings: "
          + String.join("; ", diffs));
    }
    CorpusCursor newCursor = null;
    if (corpus != null) {
      if (!(state.get("corpus_cursor") instanceof Map<?, ?> cc) || !(cc.get("source") instanceof String src)
          || !(cc.get("state") instanceof String st)) {
        throw new SpiceException.CheckpointException(file + ": field 'corpus_cursor' is missing or invalid");
      }
      newCursor = new CorpusCursor(src, st);
    }
    Path policyDir = dir.resolve("policy");
    if (!Files.isDirectory(policyDir)) {
      throw new SpiceException.CheckpointException("checkpoint " + dir + " has no policy directory");
    }
    CorpusCursor oldCursor = corpus == null ? null : corpus.cursor();
    if (newCursor != null) {
      corpus.restore(newCursor);
    }
    try {
      policy.loadCheckpoint(policyDir);
    } catch (RuntimeException e) {
      if (oldCursor != null) {
        corpus.restore(oldCursor);
      }
      throw e;
    }
    iteration = savedIteration;
  }

  /** The newest complete checkpoint directory in a run directory, if any. */
  static java.util.Optional<Path> latest(Path runDir) {
    if (!Files.isDirectory(runDir)) {
      return java.util.Optional.empty();
    }
    try (Stream<Path> s = Files.list(runDir)) {
      return s.filter(p -> p.getFileName().toString().matches("checkpoint-\\d{8}"))
          .filter(p -> Files.isRegularFile(p.resolve("engine.json")))
          .max(Comparator.comparing(p -> p.getFileName().toString()));
    } catch (IOException e) {
      throw new SpiceException.CheckpointException("cannot list " + runDir + ": " + e, e);
    }
  }

  static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      for (Path x : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(x);
      }
    }
  }
}
