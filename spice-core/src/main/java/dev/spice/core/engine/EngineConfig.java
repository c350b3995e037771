package dev.spice.core.engine;

import dev.spice.core.Challenger;
import dev.spice.core.Checkpointable;
import dev.spice.core.CorpusSource;
import dev.spice.core.PolicyBackend;
import dev.spice.core.Reasoner;
import dev.spice.core.Recipe;
import dev.spice.core.SamplingParams;
import dev.spice.core.TrainablePolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The validated, immutable settings of one engine, made by {@link SelfPlay.Builder#build()}. The
 * engine reads only this record; {@link #settings()} (stored in checkpoints and compared on
 * restore) is derived from it.
 *
 * @param policy the policy trained in both roles
 * @param challengerPolicy the frozen Challenger of fixed-Challenger mode, or null
 * @param corpus the corpus, or null without corpus grounding
 * @param corpusGrounded whether documents come from the corpus
 * @param challenger the Challenger role
 * @param reasoner the Reasoner role
 * @param recipe group sizes, rewards, estimators and loss
 * @param batchSize B, documents per iteration
 * @param maxAttempts N, most Challenger attempts per document
 * @param seed the run's seed
 * @param zeroVariance what to do with zero-variance groups
 * @param challengerSampling Challenger sampling (seed replaced per call)
 * @param reasonerSampling Reasoner sampling (seed replaced per call)
 * @param rewardTimeout how long to wait for asynchronous rewards per iteration
 * @param checkpointEvery checkpoint period in iterations, 0 for none
 * @param checkpointDirectory where periodic checkpoints go, or null
 * @param listeners listeners in registration order
 * @param extraState further state saved inside each checkpoint, by name
 * @param hybrid the separate rollout backend and its sync, or null when the trained policy
 *     generates its own rollouts
 */
record EngineConfig(
    TrainablePolicy policy,
    PolicyBackend challengerPolicy,
    CorpusSource corpus,
    boolean corpusGrounded,
    Challenger challenger,
    Reasoner reasoner,
    Recipe recipe,
    int batchSize,
    int maxAttempts,
    long seed,
    ZeroVariancePolicy zeroVariance,
    SamplingParams challengerSampling,
    SamplingParams reasonerSampling,
    Duration rewardTimeout,
    int checkpointEvery,
    Path checkpointDirectory,
    List<SelfPlayListener> listeners,
    Map<String, Checkpointable> extraState,
    HybridConfig hybrid) {

  EngineConfig {
    listeners = List.copyOf(listeners);
    extraState = Collections.unmodifiableMap(new LinkedHashMap<>(extraState));
  }

  /**
   * The policy that writes tasks: the frozen one in fixed-Challenger mode, else the rollout backend
   * of hybrid training, else the trained one.
   */
  PolicyBackend challengerBackend() {
    return challengerPolicy != null ? challengerPolicy : reasonerBackend();
  }

  /** The policy that answers: the rollout backend of hybrid training, else the trained one. */
  PolicyBackend reasonerBackend() {
    return hybrid != null ? hybrid.rollouts() : policy;
  }

  /** Whether the Challenger role is trained (not in fixed-Challenger mode). */
  boolean trainsChallenger() {
    return challengerPolicy == null;
  }

  /** Stable key/value pairs of every setting that changes results. */
  Map<String, Object> settings() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("recipe", recipe.name());
    m.put("batch_size", batchSize);
    m.put("challenger_group_size", recipe.challengerGroupSize());
    m.put("reasoner_group_size", recipe.reasonerGroupSize());
    m.put("max_challenger_attempts", maxAttempts);
    m.put("seed", seed);
    m.put("zero_variance_policy", zeroVariance.name());
    m.put("corpus_grounded", corpusGrounded);
    m.put("corpus", corpus == null ? "none" : corpus.name());
    m.put("fixed_challenger", challengerPolicy == null ? "none" : challengerPolicy.name());
    m.put("policy", policy.name());
    m.put("challenger_reward", recipe.challengerReward().name());
    m.put("reasoner_reward", recipe.reasonerReward().name());
    m.put("challenger_advantage", recipe.challengerAdvantage().name());
    m.put("reasoner_advantage", recipe.reasonerAdvantage().name());
    m.put("loss_aggregation", recipe.loss().aggregation().name());
    m.put("clip_low", recipe.loss().clipLow());
    m.put("clip_high", recipe.loss().clipHigh());
    m.put("kl_beta", recipe.loss().klBeta());
    m.put("challenger_sampling", sampling(challengerSampling));
    m.put("reasoner_sampling", sampling(reasonerSampling));
    if (hybrid != null) {
      m.put("rollouts", hybrid.rollouts().name());
      m.put("policy_sync_every", hybrid.everyUpdates());
      m.put("max_staleness", hybrid.maxStaleness());
    }
    return Collections.unmodifiableMap(m);
  }

  private static String sampling(SamplingParams p) {
    return "temperature=" + p.temperature() + ",top_p=" + p.topP() + ",top_k=" + p.topK()
        + ",max_new_tokens=" + p.maxNewTokens() + ",stop=" + p.stop();
  }

  /**
   * Adds to {@code errors} what is wrong with the recipe's group sizes: G_C at least the Challenger
   * estimator's minimum (and 1), G_R at least 2 and the Reasoner estimator's minimum, and the
   * Challenger attempt budget N ({@code maxChallengerAttempts}, or 2 G_C when negative) at least G_C.
   */
  static void checkGroupSizes(dev.spice.core.Recipe recipe, int maxChallengerAttempts, List<String> errors) {
    int gc = recipe.challengerGroupSize();
    int gr = recipe.reasonerGroupSize();
    int minC = recipe.challengerAdvantage().minGroupSize();
    int minR = Math.max(2, recipe.reasonerAdvantage().minGroupSize());
    if (gc < Math.max(1, minC)) {
      errors.add("challenger group size (G_C) must be >= " + Math.max(1, minC) + " for advantage estimator "
          + recipe.challengerAdvantage().name() + ", got " + gc);
    }
    if (gr < minR) {
      errors.add("reasoner group size (G_R) must be >= " + minR + " (a pass rate needs several answers), got " + gr);
    }
    int n = maxChallengerAttempts < 0 ? 2 * gc : maxChallengerAttempts;
    if (n < gc) {
      errors.add("maxChallengerAttempts (N) must be >= the challenger group size " + gc + ", got " + n);
    }
  }
}
