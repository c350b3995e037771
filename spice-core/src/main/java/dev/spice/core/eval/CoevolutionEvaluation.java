package dev.spice.core.eval;

import dev.spice.core.BackendCalls;
import dev.spice.core.Challenger;
import dev.spice.core.ChallengerAttempt;
import dev.spice.core.Completion;
import dev.spice.core.Document;
import dev.spice.core.PolicyBackend;
import dev.spice.core.Prompt;
import dev.spice.core.Reasoner;
import dev.spice.core.SamplingParams;
import dev.spice.core.SpiceException;
import dev.spice.core.Task;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The co-evolution evaluation of the paper's Figure 3: every Challenger checkpoint writes tasks
 * for a fixed pool of documents ({@code attemptsPerDocument} sampled attempts each, invalid ones
 * counted and dropped), then every Reasoner checkpoint is scored on every Challenger's valid tasks
 * with a {@link PassRateScorer}. The result is a {@link CoevolutionMatrix} (rows = Challengers,
 * columns = Reasoners). Works with any {@link PolicyBackend}.
 *
 * <p>Each checkpoint is loaded once per role: Challengers one after another (tasks are kept, the
 * backend is released), then Reasoners one after another. Deterministic for deterministic
 * backends: the sampling seed of Challenger {@code c} is derived from {@link Builder#seed} and
 * {@code c}. Not thread-safe; {@link #evaluate()} may be called repeatedly.
 *
 * <pre>{@code
 * CoevolutionMatrix m = CoevolutionEvaluation.builder()
 *     .challengers(List.of(PolicyCheckpoint.of("early", early), PolicyCheckpoint.of("late", late)))
 *     .reasoners(List.of(PolicyCheckpoint.of("early", early), PolicyCheckpoint.of("late", late)))
 *     .roles(challengerRole, reasonerRole)
 *     .documents(pool).attemptsPerDocument(4)
 *     .scorer(PassRateScorer.sampled(ReasonerRewards.correctness(), 8, SamplingParams.defaults(512)))
 *     .build().evaluate();
 * }</pre>
 */
public final class CoevolutionEvaluation {
  private final List<PolicyCheckpoint> challengers;
  private final List<PolicyCheckpoint> reasoners;
  private final Challenger challengerRole;
  private final Reasoner reasonerRole;
  private final List<Document> documents;
  private final int attemptsPerDocument;
  private final PassRateScorer scorer;
  private final SamplingParams challengerSampling;
  private final long seed;

  private CoevolutionEvaluation(Builder b) {
    this.challengers = List.copyOf(b.challengers);
    this.reasoners = List.copyOf(b.reasoners);
    this.challengerRole = b.challengerRole;
    this.reasonerRole = b.reasonerRole;
    this.documents = List.copyOf(b.documents);
    this.attemptsPerDocument = b.attemptsPerDocument;
    this.scorer = b.scorer;
    this.challengerSampling = b.challengerSampling;
    this.seed = b.seed;
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
   * The valid tasks a Challenger backend writes for the document pool, in document order
   * ({@code attemptsPerDocument} sampled attempts per document; invalid attempts are dropped).
   *
   *
   * @param backend the Challenger's backend
   * @param samplingSeed the sampling seed
   * @return the valid tasks a Challenger backend writes for the document pool, in document order
   *     ({@code attemptsPerDocument} sampled attempts per document; invalid attempts are dropped)
   * @throws SpiceException.BackendException naming the backend if it fails, returns null, a wrong
   *     number of completions or a null completion (checked by {@link BackendCalls#generate})
   */
  public List<Task> writeTasks(PolicyBackend backend, long samplingSeed) {
    List<Prompt> prompts = new ArrayList<>();
    List<Document> owners = new ArrayList<>();
    for (Document d : documents) {
      Prompt p = challengerRole.prompt(d);
      for (int i = 0; i < attemptsPerDocument; i++) {
        prompts.add(p);
        owners.add(d);
      }
    }
    List<Completion> out = BackendCalls.generate(backend, prompts, challengerSampling.withSeed(samplingSeed),
        "challenger generation (co-evolution evaluation)");
    List<Task> tasks = new ArrayList<>();
    for (int i = 0; i < out.size(); i++) {
      ChallengerAttempt a;
      try {
        a = challengerRole.parse(owners.get(i), prompts.get(i), out.get(i));
      } catch (RuntimeException e) {
        a = null;
      }
      if (a != null && a.isValid()) {
        tasks.add(a.task());
      }
    }
    return tasks;
  }

  /**
   * Runs the evaluation.
   *
   *
   * @return the pass-rate matrix
   * @throws SpiceException if a backend or the scorer fails, or the scorer returns a value
   *     outside {@code [0, 1]}
   */
  public CoevolutionMatrix evaluate() {
    List<List<Task>> tasks = new ArrayList<>();
    int[] valid = new int[challengers.size()];
    int[] attempts = new int[challengers.size()];
    for (int c = 0; c < challengers.size(); c++) {
      PolicyCheckpoint cp = challengers.get(c);
      PolicyBackend backend = open(cp, "challenger");
      try {
        List<Task> t = writeTasks(backend, mix(seed, c));
        tasks.add(t);
        valid[c] = t.size();
        attempts[c] = documents.size() * attemptsPerDocument;
      } finally {
        release(cp, backend);
      }
    }
    double[][] rates = new double[challengers.size()][reasoners.size()];
    for (int r = 0; r < reasoners.size(); r++) {
      PolicyCheckpoint rp = reasoners.get(r);
      PolicyBackend backend = open(rp, "reasoner");
      try {
        for (int c = 0; c < challengers.size(); c++) {
          List<Task> t = tasks.get(c);
          if (t.isEmpty()) {
            rates[c][r] = Double.NaN;
            continue;
          }
          double[] p = scorer.passRates(backend, reasonerRole, t, mix(mix(seed, 0x7e57L + c), r));
          if (p == null || p.length != t.size()) {
            throw new SpiceException("pass-rate scorer returned " + (p == null ? "null" : p.length + " values")
                + " for " + t.size() + " tasks (challenger " + challengers.get(c).label() + ", reasoner "
                + rp.label() + ")");
          }
          double s = 0;
          for (int i = 0; i < p.length; i++) {
            if (!(p[i] >= 0 && p[i] <= 1)) {
              throw new SpiceException("pass-rate scorer returned " + p[i] + " for task " + i
                  + "; pass rates must lie in [0, 1]");
            }
            s += p[i];
          }
          rates[c][r] = s / p.length;
        }
      } finally {
        release(rp, backend);
      }
    }
    List<String> cl = challengers.stream().map(PolicyCheckpoint::label).toList();
    List<String> rl = reasoners.stream().map(PolicyCheckpoint::label).toList();
    return new CoevolutionMatrix(cl, rl, rates, valid, attempts);
  }

  private static PolicyBackend open(PolicyCheckpoint cp, String role) {
    PolicyBackend b;
    try {
      b = cp.loader().get();
    } catch (SpiceException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new SpiceException.CheckpointException("cannot load " + role + " checkpoint '" + cp.label() + "': " + e, e);
    }
    if (b == null) {
      throw new SpiceException.CheckpointException(role + " checkpoint '" + cp.label() + "' loader returned null");
    }
    return b;
  }

  private static void release(PolicyCheckpoint cp, PolicyBackend b) {
    if (cp.closeAfterUse()) {
      b.close();
    }
  }

  static long mix(long a, long b) {
    return dev.spice.core.sampling.Seeds.mix(a, b);
  }

  /** Fail-fast builder; required: challengers, reasoners, roles, documents, scorer. */
  public static final class Builder {
    private List<PolicyCheckpoint> challengers = List.of();
    private List<PolicyCheckpoint> reasoners = List.of();
    private Challenger challengerRole;
    private Reasoner reasonerRole;
    private List<Document> documents = List.of();
    private int attemptsPerDocument = 4;
    private PassRateScorer scorer;
    private SamplingParams challengerSampling = SamplingParams.defaults(1024);
    private long seed;

    private Builder() {}

    /**
     * Challenger checkpoints (rows), at least one.
     *
     * @param checkpoints the checkpoints
     * @return this builder
     */
    public Builder challengers(List<PolicyCheckpoint> checkpoints) {
      this.challengers = List.copyOf(checkpoints);
      return this;
    }

    /**
     * Reasoner checkpoints (columns), at least one.
     *
     * @param checkpoints the checkpoints
     * @return this builder
     */
    public Builder reasoners(List<PolicyCheckpoint> checkpoints) {
      this.reasoners = List.copyOf(checkpoints);
      return this;
    }

    /**
     * The roles that build prompts and parse outputs (the ones used in training).
     *
     * @param challenger the challenger
     * @param reasoner the reasoner
     * @return this builder
     */
    public Builder roles(Challenger challenger, Reasoner reasoner) {
      this.challengerRole = challenger;
      this.reasonerRole = reasoner;
      return this;
    }

    /**
     * The document pool every Challenger writes tasks for, at least one.
     *
     * @param documents the document pool every Challenger writes tasks for, at least one
     * @return this builder
     */
    public Builder documents(List<Document> documents) {
      this.documents = List.copyOf(documents);
      return this;
    }

    /**
     * Task attempts per document and Challenger, {@code >= 1}; default 4.
     *
     * @param n attempts per document and Challenger
     * @return this builder
     */
    public Builder attemptsPerDocument(int n) {
      this.attemptsPerDocument = n;
      return this;
    }

    /**
     * How Reasoner pass rates are measured (required).
     *
     * @param scorer how Reasoner pass rates are measured (required)
     * @return this builder
     */
    public Builder scorer(PassRateScorer scorer) {
      this.scorer = scorer;
      return this;
    }

    /**
     * Sampling of the Challengers; its seed is replaced by derived seeds. Default temperature 1.
     *
     * @param p the sampling params
     * @return this builder
     */
    public Builder challengerSampling(SamplingParams p) {
      this.challengerSampling = p;
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
     * Validates and builds. @throws SpiceException.ConfigurationException naming every bad setting
     *
     * @return the evaluation
     */
    public CoevolutionEvaluation build() {
      List<String> errors = new ArrayList<>();
      if (challengers.isEmpty()) {
        errors.add("challengers: at least one checkpoint is needed");
      }
      if (reasoners.isEmpty()) {
        errors.add("reasoners: at least one checkpoint is needed");
      }
      if (challengerRole == null || reasonerRole == null) {
        errors.add("roles: a Challenger and a Reasoner role are needed, e.g. roles(Roles.jsonChallenger(), Roles.boxedReasoner())");
      }
      if (documents.isEmpty()) {
        errors.add("documents: at least one document is needed");
      }
      if (attemptsPerDocument < 1) {
        errors.add("attemptsPerDocument must be >= 1, got " + attemptsPerDocument);
      }
      if (scorer == null) {
        errors.add("scorer is missing: PassRateScorer.sampled(...) or PassRateScorer.exactGold()");
      }
      if (challengerSampling == null) {
        errors.add("challengerSampling must not be null");
      }
      if (!errors.isEmpty()) {
        throw new SpiceException.ConfigurationException("Invalid co-evolution evaluation: " + String.join("; ", errors));
      }
      Objects.requireNonNull(scorer);
      return new CoevolutionEvaluation(this);
    }
  }
}
