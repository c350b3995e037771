package dev.spice.core.engine;

import dev.spice.core.AdvantageEstimator;
import dev.spice.core.AsyncRewardFunction;
import dev.spice.core.ChallengerAttempt;
import dev.spice.core.ChallengerOutcome;
import dev.spice.core.ReasonerAttempt;
import dev.spice.core.RewardContext;
import dev.spice.core.RewardFunction;
import dev.spice.core.Rewards;
import dev.spice.core.Role;
import dev.spice.core.SpiceException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Steps 4 to 7 of Algorithm 1: Reasoner rewards for every kept valid task, Challenger rewards per
 * document from the pass rates, the task that trains the Reasoner, and advantages per role and
 * group. Every reward and estimator result is checked (count, finiteness, pass indicators in
 * [0, 1]) before it is used.
 */
final class Scoring {
  /** How many groups had zero reward variance, per role. */
  record ZeroStd(int challenger, int reasoner) {}

  private final EngineConfig cfg;
  private final Events events;

  Scoring(EngineConfig cfg, Events events) {
    this.cfg = cfg;
    this.events = events;
  }

  /** Step 4: fills {@link DocumentWork#reasonerRewards} and {@link DocumentWork#correct}. */
  void reasonerRewards(long it, List<DocumentWork> docs) {
    AsyncRewardFunction<ReasonerAttempt> rf = cfg.recipe().reasonerReward();
    List<List<CompletableFuture<Rewards>>> futures = new ArrayList<>();
    for (DocumentWork d : docs) {
      List<CompletableFuture<Rewards>> f = new ArrayList<>();
      for (int k = 0; k < d.kept.size(); k++) {
        List<ReasonerAttempt> group = d.answers.get(k);
        if (group == null || group.isEmpty()) {
          f.add(null);
          continue;
        }
        RewardContext ctx = new RewardContext(it, Role.REASONER, d.document, group.get(0).task());
        CompletableFuture<Rewards> one;
        try {
          one = rf.scoreAsync(group, ctx).toCompletableFuture();
        } catch (RuntimeException ex) {
          one = CompletableFuture.failedFuture(ex);
        }
        f.add(one);
      }
      futures.add(f);
    }
    long deadline = System.nanoTime() + cfg.rewardTimeout().toNanos();
    for (int i = 0; i < docs.size(); i++) {
      DocumentWork d = docs.get(i);
      List<Rewards> rewards = new ArrayList<>(d.kept.size());
      List<double[]> correct = new ArrayList<>(d.kept.size());
      for (int k = 0; k < d.kept.size(); k++) {
        CompletableFuture<Rewards> f = futures.get(i).get(k);
        if (f == null) {
          rewards.add(null);
          correct.add(null);
          continue;
        }
        Rewards r = await(f, deadline, rf.name());
        checkRewards(r, d.answers.get(k).size(), "reasoner reward " + rf.name());
        double[] c = r.passIndicators();
        for (double v : c) {
          if (!(v >= 0 && v <= 1)) {
            throw new SpiceException.RewardException("reasoner reward " + rf.name() + " gave pass indicator " + v
                + "; the '" + Rewards.CORRECT + "' sub-score (or the reward, without it) must lie in [0, 1]");
          }
        }
        rewards.add(r);
        correct.add(c);
      }
      d.reasonerRewards = rewards;
      d.correct = correct;
    }
  }

  /** Step 5: fills {@link DocumentWork#outcomes} and {@link DocumentWork#challengerRewards}. */
  void challengerRewards(long it, List<DocumentWork> docs) {
    RewardFunction<ChallengerOutcome> cf = cfg.recipe().challengerReward();
    for (DocumentWork d : docs) {
      List<ChallengerOutcome> o = new ArrayList<>();
      for (int k = 0; k < d.kept.size(); k++) {
        ChallengerAttempt a = d.kept.get(k);
        o.add(new ChallengerOutcome(a, a.isValid() ? d.correct.get(k) : new double[0]));
      }
      d.outcomes = o;
      Rewards r;
      try {
        r = cf.score(o, new RewardContext(it, Role.CHALLENGER, d.document, null));
      } catch (SpiceException e) {
        throw e;
      } catch (RuntimeException e) {
        throw new SpiceException.RewardException("challenger reward " + cf.name() + " failed: " + e, e);
      }
      checkRewards(r, o.size(), "challenger reward " + cf.name());
      d.challengerRewards = r.values();
    }
    double[][] byDoc = docs.stream().map(d -> d.challengerRewards).toArray(double[][]::new);
    events.fire(l -> l.onRewards(it, Role.CHALLENGER, byDoc));
  }

  /**
   * Step 6: one valid task per document trains the Reasoner, drawn uniformly (under
   * {@link ZeroVariancePolicy#RESAMPLE}, among tasks with reward variance when there are any).
   *
   * @return the documents that train the Reasoner, in order (its groups)
   */
  List<DocumentWork> chooseReasonerTasks(long it, List<DocumentWork> docs, SplittableRandom rng) {
    List<DocumentWork> groups = new ArrayList<>();
    for (DocumentWork d : docs) {
      List<Integer> valid = new ArrayList<>();
      List<Integer> varied = new ArrayList<>();
      for (int k = 0; k < d.kept.size(); k++) {
        if (d.kept.get(k).isValid()) {
          valid.add(k);
          if (!zeroStd(d.reasonerRewards.get(k).values())) {
            varied.add(k);
          }
        }
      }
      List<Integer> pool = cfg.zeroVariance() == ZeroVariancePolicy.RESAMPLE && !varied.isEmpty() ? varied : valid;
      d.chosen = pool.isEmpty() ? -1 : pool.get(rng.nextInt(pool.size()));
      if (d.chosen >= 0) {
        groups.add(d);
      }
    }
    double[][] byGroup = groups.stream().map(DocumentWork::chosenRewards).toArray(double[][]::new);
    events.fire(l -> l.onRewards(it, Role.REASONER, byGroup));
    return groups;
  }

  /**
   * Step 7: advantages per role and group; under {@link ZeroVariancePolicy#DROP} zero-variance
   * groups get NaN advantages (not trained).
   */
  ZeroStd advantages(List<DocumentWork> docs, List<DocumentWork> reasonerGroups) {
    double[][] cRewards = docs.stream().map(d -> d.challengerRewards).toArray(double[][]::new);
    double[][] rRewards = reasonerGroups.stream().map(DocumentWork::chosenRewards).toArray(double[][]::new);
    double[][] cAdv = estimate(cfg.recipe().challengerAdvantage(), cRewards, "challenger");
    double[][] rAdv = estimate(cfg.recipe().reasonerAdvantage(), rRewards, "reasoner");
    boolean drop = cfg.zeroVariance() == ZeroVariancePolicy.DROP;
    int cZero = 0;
    for (int i = 0; i < docs.size(); i++) {
      if (zeroStd(cRewards[i])) {
        cZero++;
        if (drop) {
          Arrays.fill(cAdv[i], Double.NaN);
        }
      }
      docs.get(i).challengerAdvantages = cAdv[i];
    }
    int rZero = 0;
    for (int g = 0; g < reasonerGroups.size(); g++) {
      if (zeroStd(rRewards[g])) {
        rZero++;
        if (drop) {
          Arrays.fill(rAdv[g], Double.NaN);
        }
      }
      reasonerGroups.get(g).reasonerAdvantages = rAdv[g];
    }
    return new ZeroStd(cZero, rZero);
  }

  private static double[][] estimate(AdvantageEstimator est, double[][] rewards, String role) {
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

  /** True if the non-NaN values of a group are all equal (or fewer than two). */
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
}
