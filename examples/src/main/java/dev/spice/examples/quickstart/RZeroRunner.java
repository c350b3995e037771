package dev.spice.examples.quickstart;

import dev.spice.core.AdvantageEstimator;
import dev.spice.core.ChallengerAttempt;
import dev.spice.core.ChallengerOutcome;
import dev.spice.core.Completion;
import dev.spice.core.Document;
import dev.spice.core.LossSettings;
import dev.spice.core.Prompt;
import dev.spice.core.ReasonerAttempt;
import dev.spice.core.RewardContext;
import dev.spice.core.RewardFunction;
import dev.spice.core.Rewards;
import dev.spice.core.Role;
import dev.spice.core.Task;
import dev.spice.core.TrainingSample;
import dev.spice.core.UpdateStats;
import dev.spice.core.sampling.Seeds;
import dev.spice.djl.DjlPolicy;
import dev.spice.rewards.AdvantageEstimators;
import dev.spice.rewards.ReasonerRewards;
import dev.spice.rewards.rzero.DifficultyFilter;
import dev.spice.rewards.rzero.MajorityVote;
import dev.spice.rewards.rzero.PseudoLabelledSet;
import dev.spice.rewards.rzero.PseudoLabelledTask;
import dev.spice.rewards.rzero.RZeroSettings;
import dev.spice.rewards.verify.AnswerExtractors;
import dev.spice.rewards.verify.AnswerVerifier;
import dev.spice.rewards.verify.Verifiers;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * R-Zero (Huang et al., 2025) as a method on the free-text quickstart's world: two policies loaded
 * from the same warm-started model, a Challenger that writes tasks without a document and a Solver,
 * trained in alternating phases. In a Challenger phase the frozen Solver answers each task
 * {@code m} times, {@link MajorityVote} gives the agreement {@code p̂} and the Challenger is
 * rewarded by {@link RZeroSettings#challengerReward()}. In a Solver phase the Challenger writes a
 * pool of tasks, the Solver's votes label them, {@link DifficultyFilter} keeps those in the band and
 * the Solver is trained against the pseudo-labels. Both phases use GRPO advantages
 * ({@link AdvantageEstimators#grpo()}) per group and the free-text recipe's loss settings. The two
 * policies are updated one after the other, never concurrently. After each round the Solver is
 * probed on the held-out countries ({@link FreeTextProbe}). Not thread-safe; close it.
 */
final class RZeroRunner implements AutoCloseable {
  /** The Challenger's document: R-Zero's Challenger reads no corpus (the {@code no_document} arm's prompt). */
  static final Document EMPTY = Document.of("none", "", "none");

  private final FreeTextWorld world;
  private final RZeroRunSettings rs;
  private final RZeroSettings rz;
  private final PrintStream out;
  private final AnswerVerifier verifier = Verifiers.defaults();
  private final RewardFunction<ChallengerOutcome> challengerReward;
  private final RewardFunction<ReasonerAttempt> correctness =
      ReasonerRewards.correctness(AnswerExtractors.defaults(), Verifiers.defaults());
  private final AdvantageEstimator grpo = AdvantageEstimators.grpo();
  private final DifficultyFilter filter;
  private final LossSettings loss;
  private final long seed;
  private long generations;
  private long step;
  final DjlPolicy challengerPolicy;
  final DjlPolicy solverPolicy;
  final FreeTextProbe solverProbe;
  /** One map of metrics per round, in order. */
  final List<Map<String, Object>> rounds = new ArrayList<>();

  /** Loads the Challenger and the Solver from the warm-started model folder {@code warmDir}. */
  RZeroRunner(FreeTextWorld world, RZeroRunSettings rs, Path warmDir, PrintStream out) {
    this.world = world;
    this.rs = rs;
    this.rz = rs.rzero();
    this.out = out;
    this.challengerReward = rz.challengerReward();
    this.filter = rz.difficultyFilter();
    this.loss = world.recipe(FreeTextRunner.SPICE).loss();
    this.seed = Seeds.mix(world.settings.seed(), 11);
    this.challengerPolicy = world.loadPolicy(warmDir);
    DjlPolicy solver;
    try {
      solver = world.loadPolicy(warmDir);
    } catch (RuntimeException e) {
      challengerPolicy.close();
      throw e;
    }
    this.solverPolicy = solver;
    this.solverProbe = new FreeTextProbe(world.probeFree, world.probeMcq, world.reasoner);
  }

  /** Runs every round: a Challenger phase, a Solver phase, a probe of the Solver. */
  void run() {
    solverProbe.score(solverPolicy, 0);
    for (int round = 1; round <= rs.rounds(); round++) {
      long t0 = System.nanoTime();
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("round", round);
      m.put("challenger", challengerPhase());
      m.put("solver", solverPhase());
      solverProbe.score(solverPolicy, round);
      m.put("probe_free", solverProbe.lastFree());
      m.put("probe_mcq", solverProbe.lastMcq());
      m.put("probe_overall", solverProbe.lastOverall());
      m.put("seconds", (System.nanoTime() - t0) / 1e9);
      rounds.add(m);
      @SuppressWarnings("unchecked")
      Map<String, Object> c = (Map<String, Object>) m.get("challenger");
      @SuppressWarnings("unchecked")
      Map<String, Object> s = (Map<String, Object>) m.get("solver");
      out.printf(Locale.ROOT, "  [r_zero] round %d: Solver probe free %.3f mcq %.3f | Challenger valid %.2f, "
          + "mean p̂ %.2f | kept %.2f, Solver train acc %.2f, label = Challenger's answer %.2f, %.0f s%n", round,
          solverProbe.lastFree(), solverProbe.lastMcq(), (Double) c.get("valid_rate"), (Double) c.get("mean_agreement"),
          (Double) s.get("kept_share"), (Double) s.get("train_accuracy"), (Double) s.get("label_agrees_rate"),
          (Double) m.get("seconds"));
    }
  }

  /** One Challenger phase: {@code challengerSteps} updates of the Challenger; the Solver is only sampled. */
  Map<String, Object> challengerPhase() {
    Tally t = new Tally();
    for (int i = 0; i < rs.challengerSteps(); i++) {
      challengerStep(t);
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("steps", rs.challengerSteps());
    m.put("tasks", t.tasks);
    m.put("valid_rate", t.ratio(t.valid, t.tasks));
    m.put("mean_agreement", t.ratio(t.agreement, t.valid));
    m.put("mean_reward", t.ratio(t.reward, t.tasks));
    m.put("mean_repetition", t.ratio(t.repetition, t.valid));
    m.put("skipped_updates", t.skippedUpdates);
    return m;
  }

  private void challengerStep(Tally t) {
    long it = step++;
    int gc = rz.challengerGroupSize();
    List<ChallengerAttempt> attempts = writeTasks(rs.prompts() * gc);
    List<Task> tasks = new ArrayList<>();
    for (ChallengerAttempt a : attempts) {
      if (a.isValid()) {
        tasks.add(a.task());
      }
    }
    List<List<ReasonerAttempt>> answers = answer(tasks, rz.solverSamples());
    List<ChallengerOutcome> outcomes = new ArrayList<>(attempts.size());
    int v = 0;
    for (ChallengerAttempt a : attempts) {
      double[] pass = new double[0];
      if (a.isValid()) {
        MajorityVote vote = MajorityVote.of(extracted(answers.get(v++)), a.task().answerType(), verifier);
        pass = vote.passIndicators();
        t.agreement += vote.agreement();
        t.valid++;
      }
      outcomes.add(new ChallengerOutcome(a, pass));
    }
    Rewards r = challengerReward.score(outcomes, new RewardContext(it, Role.CHALLENGER, EMPTY, null));
    double[] values = r.values();
    double[] rep = r.component("repetition");
    for (int i = 0; i < values.length; i++) {
      t.reward += values[i];
      t.repetition += Double.isNaN(rep[i]) ? 0 : rep[i];
    }
    t.tasks += attempts.size();
    double[][] groups = new double[rs.prompts()][gc];
    for (int i = 0; i < values.length; i++) {
      groups[i / gc][i % gc] = values[i];
    }
    double[][] adv = grpo.estimate(groups);
    List<TrainingSample> samples = new ArrayList<>();
    for (int i = 0; i < attempts.size(); i++) {
      ChallengerAttempt a = attempts.get(i);
      double ad = adv[i / gc][i % gc];
      if (Double.isFinite(ad) && a.completion().tokenCount() > 0) {
        samples.add(TrainingSample.of(Role.CHALLENGER, a.prompt(), a.completion(), ad, "c" + it + "-" + i / gc));
      }
    }
    t.update(challengerPolicy, samples, loss);
  }

  /** One Solver phase: {@code solverSteps} updates of the Solver on pseudo-labelled tasks; the Challenger is only sampled. */
  Map<String, Object> solverPhase() {
    Tally t = new Tally();
    for (int i = 0; i < rs.solverSteps(); i++) {
      solverStep(t);
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("steps", rs.solverSteps());
    m.put("pool", t.tasks);
    m.put("valid_rate", t.ratio(t.valid, t.tasks));
    m.put("kept", t.kept);
    m.put("kept_share", t.ratio(t.kept, t.valid));
    m.put("dropped_no_label", t.noLabel);
    m.put("dropped_too_easy", t.tooEasy);
    m.put("dropped_too_hard", t.tooHard);
    m.put("mean_kept_agreement", t.ratio(t.agreement, t.kept));
    m.put("train_accuracy", t.ratio(t.correct, t.answers));
    m.put("label_agrees_rate", t.ratio(t.labelAgrees, t.kept));
    m.put("skipped_updates", t.skippedUpdates);
    return m;
  }

  private void solverStep(Tally t) {
    long it = step++;
    List<ChallengerAttempt> attempts = writeTasks(rs.prompts() * rz.challengerGroupSize());
    List<Task> tasks = new ArrayList<>();
    for (ChallengerAttempt a : attempts) {
      if (a.isValid()) {
        tasks.add(a.task());
      }
    }
    t.tasks += attempts.size();
    t.valid += tasks.size();
    List<List<ReasonerAttempt>> answers = answer(tasks, rz.solverSamples());
    List<List<String>> extracted = new ArrayList<>(answers.size());
    for (List<ReasonerAttempt> a : answers) {
      extracted.add(extracted(a));
    }
    PseudoLabelledSet set = filter.select(tasks, extracted, verifier);
    t.kept += set.keptCount();
    t.noLabel += set.noLabel();
    t.tooEasy += set.tooEasy();
    t.tooHard += set.tooHard();
    int gr = rz.solverGroupSize();
    List<List<ReasonerAttempt>> groups = new ArrayList<>();
    List<double[]> rewards = new ArrayList<>();
    int j = 0;
    for (int i = 0; i < tasks.size() && j < set.keptCount(); i++) {
      PseudoLabelledTask k = set.kept().get(j);
      if (k.task() != tasks.get(i)) {
        continue;
      }
      j++;
      Task labelled = k.labelledTask();
      t.agreement += k.agreement();
      t.labelAgrees += verifier.verify(labelled.goldAnswer(), tasks.get(i)) ? 1 : 0;
      List<ReasonerAttempt> group = new ArrayList<>(gr);
      for (ReasonerAttempt a : answers.get(i).subList(0, gr)) {
        group.add(new ReasonerAttempt(labelled, a.prompt(), a.completion(), a.answer()));
      }
      Rewards r = correctness.score(group, new RewardContext(it, Role.REASONER, EMPTY, labelled));
      double[] c = r.passIndicators();
      for (double x : c) {
        t.correct += x;
      }
      t.answers += c.length;
      groups.add(group);
      rewards.add(r.values());
    }
    double[][] adv = grpo.estimate(rewards.toArray(double[][]::new));
    List<TrainingSample> samples = new ArrayList<>();
    for (int g = 0; g < groups.size(); g++) {
      for (int i = 0; i < groups.get(g).size(); i++) {
        ReasonerAttempt a = groups.get(g).get(i);
        if (Double.isFinite(adv[g][i]) && a.completion().tokenCount() > 0) {
          samples.add(TrainingSample.of(Role.REASONER, a.prompt(), a.completion(), adv[g][i], "s" + it + "-" + g));
        }
      }
    }
    t.update(solverPolicy, samples, loss);
  }

  /** {@code n} Challenger tasks written for the empty document, in one seeded batch. */
  private List<ChallengerAttempt> writeTasks(int n) {
    Prompt p = world.challenger.prompt(EMPTY);
    List<Completion> cs = challengerPolicy.generate(Collections.nCopies(n, p),
        world.challengerSampling().withSeed(Seeds.mix(seed, generations++)));
    List<ChallengerAttempt> out = new ArrayList<>(n);
    for (Completion c : cs) {
      ChallengerAttempt a;
      try {
        a = world.challenger.parse(EMPTY, p, c);
        if (a == null) {
          a = ChallengerAttempt.invalid(EMPTY, p, c, "challenger returned no attempt");
        }
      } catch (RuntimeException e) {
        a = ChallengerAttempt.invalid(EMPTY, p, c, "challenger parse failed: " + e);
      }
      out.add(a);
    }
    return out;
  }

  /** The Solver's {@code m} answers to each task (one seeded batch), parsed by the world's Reasoner role. */
  private List<List<ReasonerAttempt>> answer(List<Task> tasks, int m) {
    List<List<ReasonerAttempt>> out = new ArrayList<>(tasks.size());
    if (tasks.isEmpty()) {
      return out;
    }
    List<Prompt> prompts = new ArrayList<>(tasks.size() * m);
    for (Task task : tasks) {
      Prompt p = world.reasoner.prompt(task);
      for (int r = 0; r < m; r++) {
        prompts.add(p);
      }
    }
    List<Completion> cs = solverPolicy.generate(prompts,
        world.reasonerSampling().withSeed(Seeds.mix(seed, generations++)));
    for (int i = 0; i < tasks.size(); i++) {
      List<ReasonerAttempt> group = new ArrayList<>(m);
      for (int r = 0; r < m; r++) {
        int j = i * m + r;
        group.add(parse(tasks.get(i), prompts.get(j), cs.get(j)));
      }
      out.add(group);
    }
    return out;
  }

  private ReasonerAttempt parse(Task task, Prompt p, Completion c) {
    try {
      ReasonerAttempt a = world.reasoner.parse(task, p, c);
      return a == null ? new ReasonerAttempt(task, p, c, null) : a;
    } catch (RuntimeException e) {
      return new ReasonerAttempt(task, p, c, null);
    }
  }

  private static List<String> extracted(List<ReasonerAttempt> attempts) {
    List<String> out = new ArrayList<>(attempts.size());
    for (ReasonerAttempt a : attempts) {
      out.add(a.answer());
    }
    return out;
  }

  @Override
  public void close() {
    try {
      challengerPolicy.close();
    } finally {
      solverPolicy.close();
    }
  }

  /** Running sums of one phase. */
  private static final class Tally {
    int tasks;
    int valid;
    int kept;
    int noLabel;
    int tooEasy;
    int tooHard;
    int answers;
    int skippedUpdates;
    double agreement;
    double reward;
    double repetition;
    double correct;
    double labelAgrees;

    double ratio(double a, double b) {
      return b == 0 ? Double.NaN : a / b;
    }

    void update(DjlPolicy policy, List<TrainingSample> samples, LossSettings loss) {
      if (samples.isEmpty()) {
        skippedUpdates++;
        return;
      }
      UpdateStats s = policy.update(samples, loss);
      if (s.skipped()) {
        skippedUpdates++;
      }
    }
  }
}
