package dev.spice.core.eval;

import dev.spice.core.AsyncRewardFunction;
import dev.spice.core.BackendCalls;
import dev.spice.core.PolicyBackend;
import dev.spice.core.Reasoner;
import dev.spice.core.ReasonerAttempt;
import dev.spice.core.SamplingParams;
import dev.spice.core.SpiceException;
import dev.spice.core.Task;
import dev.spice.core.sampling.Seeds;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Scores any policy on a {@link BenchmarkSet}: greedy pass@1 (one answer per item, top-k 1),
 * and/or {@code k} sampled answers per item giving mean@k and pass@k, overall and per category,
 * with the rate of answers the Reasoner role could not extract. Answers are generated with the
 * given {@link Reasoner} role and judged by the correctness reward, exactly as
 * {@link PassRateScorer#sampled} does.
 *
 * <p>Deterministic for deterministic backends: the same set, backend weights, settings and seed
 * give the same result (the batch size is part of the settings: backends seed rows by their
 * position in a batch). Greedy answers sample with the seed itself, sampled answers with a seed
 * derived from it; batch {@code b > 0} of a run with a seed derived from the run's seed and
 * {@code b}. Immutable and thread-safe; {@link #evaluate} uses the backend from the calling thread.
 *
 * <pre>{@code
 * BenchmarkResult r = BenchmarkEvaluation.builder()
 *     .reasoner(Roles.boxedReasoner())
 *     .reward(ReasonerRewards.correctness().async())
 *     .greedy(SamplingParams.defaults(256))
 *     .sampled(SamplingParams.defaults(256), 8)
 *     .seed(7).batchSize(64)
 *     .build().evaluate(policy, BenchmarkFile.reader().build().read(Path.of("bench.jsonl")));
 * }</pre>
 */
public final class BenchmarkEvaluation {
  private final Reasoner reasoner;
  private final AsyncRewardFunction<ReasonerAttempt> reward;
  private final SamplingParams greedy;
  private final SamplingParams sampled;
  private final int samples;
  private final long seed;
  private final int batchSize;

  private BenchmarkEvaluation(Builder b) {
    this.reasoner = b.reasoner;
    this.reward = b.reward;
    this.greedy = b.greedy;
    this.sampled = b.sampled;
    this.samples = b.sampled == null ? 0 : b.samples;
    this.seed = b.seed;
    this.batchSize = b.batchSize;
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
   * Scores the backend on every item of the set.
   *
   * @param backend the policy to score (not closed)
   * @param set the benchmark
   * @return the scores, overall, per category and per item
   * @throws SpiceException.BackendException naming the backend if it fails or returns a wrong
   *     result (see {@link BackendCalls#generate})
   * @throws SpiceException.RewardException naming the item if the reward fails or returns a wrong
   *     number of rewards
   */
  public BenchmarkResult evaluate(PolicyBackend backend, BenchmarkSet set) {
    Objects.requireNonNull(backend, "backend");
    Objects.requireNonNull(set, "set");
    List<BenchmarkItem> items = set.items();
    List<Task> tasks = items.stream().map(BenchmarkItem::task).toList();
    java.util.function.IntFunction<String> name = t -> "benchmark item '" + items.get(t).id() + "'";
    AnswerScoring.Scored g = null;
    if (greedy != null) {
      SamplingParams p = new SamplingParams(greedy.temperature(), greedy.topP(), 1, greedy.maxNewTokens(),
          greedy.stop(), seed);
      g = AnswerScoring.score(backend, reasoner, reward, tasks, 1, p, batchSize,
          "reasoner generation (benchmark " + set.name() + ", greedy)", name);
    }
    AnswerScoring.Scored s = null;
    if (sampled != null) {
      s = AnswerScoring.score(backend, reasoner, reward, tasks, samples, sampled.withSeed(Seeds.mix(seed, 1)),
          batchSize, "reasoner generation (benchmark " + set.name() + ", " + samples + " samples)", name);
    }
    List<BenchmarkResult.ItemScore> rows = new ArrayList<>(items.size());
    Map<String, List<BenchmarkResult.ItemScore>> byCategory = new LinkedHashMap<>();
    for (int t = 0; t < items.size(); t++) {
      BenchmarkItem item = items.get(t);
      int correct = 0;
      int answered = 0;
      if (s != null) {
        for (int i = 0; i < samples; i++) {
          correct += s.pass()[t][i] >= 0.5 ? 1 : 0;
          answered += s.answers()[t][i] != null ? 1 : 0;
        }
      }
      BenchmarkResult.ItemScore row = new BenchmarkResult.ItemScore(item.id(), item.category(),
          g != null && g.pass()[t][0] >= 0.5, g == null ? null : g.answers()[t][0], correct, answered);
      rows.add(row);
      byCategory.computeIfAbsent(item.category(), k -> new ArrayList<>()).add(row);
    }
    Map<String, BenchmarkResult.Scores> categories = new LinkedHashMap<>();
    byCategory.forEach((k, v) -> categories.put(k, BenchmarkResult.summarize(v, greedy != null, samples)));
    return new BenchmarkResult(set.name(), BackendCalls.name(backend), seed, greedy != null, samples,
        BenchmarkResult.summarize(rows, greedy != null, samples), categories, rows, set.skippedLines(),
        set.skipReasons());
  }

  /**
   * Fail-fast builder; required: {@link #reasoner}, {@link #reward} and at least one of
   * {@link #greedy} and {@link #sampled}. Not thread-safe.
   */
  public static final class Builder {
    private Reasoner reasoner;
    private AsyncRewardFunction<ReasonerAttempt> reward;
    private SamplingParams greedy;
    private SamplingParams sampled;
    private int samples;
    private long seed;
    private int batchSize = 64;

    private Builder() {}

    /**
     * The Reasoner role that builds prompts and extracts answers (required).
     *
     * @param role the role
     * @return this builder
     */
    public Builder reasoner(Reasoner role) {
      this.reasoner = role;
      return this;
    }

    /**
     * The correctness reward that judges answers (required), for example
     * {@code ReasonerRewards.correctness().async()}; its {@value dev.spice.core.Rewards#CORRECT}
     * sub-score (or, without one, its value) is each answer's pass indicator.
     *
     * @param correctness the correctness
     * @return this builder
     */
    public Builder reward(AsyncRewardFunction<ReasonerAttempt> correctness) {
      this.reward = correctness;
      return this;
    }

    /**
     * Scores one greedy answer per item (pass@1). Greedy means top-k 1: {@code p}'s top-k is
     * replaced by 1 (so its temperature and top-p do not matter) and its seed by the evaluation's.
     *
     * @param p the sampling params
     * @return this builder
     */
    public Builder greedy(SamplingParams p) {
      this.greedy = Objects.requireNonNull(p, "greedy sampling");
      return this;
    }

    /**
     * Scores {@code k} sampled answers per item (mean@k and pass@k) drawn with {@code p}, whose
     * seed is replaced by one derived from the evaluation's.
     *
     *
     * @param k answers per item, {@code >= 1} (checked by {@link #build()})
     * @param p the sampling params
     * @return this builder
     */
    public Builder sampled(SamplingParams p, int k) {
      this.sampled = Objects.requireNonNull(p, "sampled sampling");
      this.samples = k;
      return this;
    }

    /**
     * Seed of all sampling. Default 0.
     *
     * @param seed the seed
     * @return this builder
     */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /**
     * Prompts per backend call, {@code >= 1}. Default 64.
     *
     * @param n prompts per backend call
     * @return this builder
     */
    public Builder batchSize(int n) {
      this.batchSize = n;
      return this;
    }

    /**
     * Validates and builds. @throws SpiceException.ConfigurationException naming every bad setting
     *
     * @return the evaluation
     */
    public BenchmarkEvaluation build() {
      List<String> errors = new ArrayList<>();
      if (reasoner == null) {
        errors.add("reasoner is missing, e.g. reasoner(Roles.boxedReasoner())");
      }
      if (reward == null) {
        errors.add("reward is missing, e.g. reward(ReasonerRewards.correctness().async())");
      }
      if (greedy == null && sampled == null) {
        errors.add("nothing to score: set greedy(...) and/or sampled(..., k)");
      }
      if (sampled != null && samples < 1) {
        errors.add("sampled: k (answers per item) must be >= 1, got " + samples);
      }
      if (batchSize < 1) {
        errors.add("batchSize must be >= 1, got " + batchSize);
      }
      if (!errors.isEmpty()) {
        throw new SpiceException.ConfigurationException("Invalid benchmark evaluation: " + String.join("; ", errors));
      }
      return new BenchmarkEvaluation(this);
    }
  }
}
