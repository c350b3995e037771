package dev.spice.core.engine;

import dev.spice.core.BackendCalls;
import dev.spice.core.Prompt;
import dev.spice.core.SpiceException;
import dev.spice.core.TrainablePolicy;
import dev.spice.core.TrainingSample;
import dev.spice.core.UpdateStats;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The engine's side of hybrid training (docs/algorithm.md, "Hybrid training"): the policy version
 * counter, the publish schedule of the {@link dev.spice.core.PolicySync}, the staleness bound, and
 * the trainer's recomputation of the sampled tokens' log-probs that become {@code pi_old}.
 *
 * <p>Versions: the trainer's version counts the applied (not skipped, non-empty) policy updates of
 * the run; the served version is the one last published, or {@link #UNKNOWN} before the first
 * publish of this engine, after a failed publish, after a restore and after a checkpoint was
 * written. Before an iteration's rollouts the trainer's weights are published when the served
 * version is unknown or lags by {@code k} or more; rollouts are then at most {@code k - 1 <=
 * maxStaleness} versions old (the builder checks the bound).
 */
final class Hybrid {
  /** The served version when it is not known to equal any trainer version. */
  static final long UNKNOWN = -1;

  private final HybridConfig cfg;
  private final TrainablePolicy trainer;
  private long policyVersion;
  private long servedVersion = UNKNOWN;

  Hybrid(HybridConfig cfg, TrainablePolicy trainer) {
    this.cfg = cfg;
    this.trainer = trainer;
  }

  long policyVersion() {
    return policyVersion;
  }

  /** After a restore: the checkpoint's version; the server must be sent the restored weights. */
  void restored(long version) {
    policyVersion = version;
    servedVersion = UNKNOWN;
  }

  /**
   * Marks the served weights unknown, so the next iteration publishes: after a checkpoint (a run
   * resumed from it publishes the checkpoint's weights, and the uninterrupted run must sample the
   * same ones) and after the trainer's weights were replaced outside an update.
   */
  void invalidate() {
    servedVersion = UNKNOWN;
  }

  /**
   * Publishes the trainer's weights if the schedule says so; the call's time goes to
   * {@link PhaseTimes#sync}.
   *
   * @return the version the iteration's rollouts are generated under
   * @throws SpiceException.BackendException if the publish fails (the served version is then unknown)
   */
  long beforeRollouts(PhaseTimes times) {
    if (servedVersion == UNKNOWN || policyVersion - servedVersion >= cfg.everyUpdates()) {
      long t = System.nanoTime();
      servedVersion = UNKNOWN;
      try {
        cfg.sync().publish(trainer, policyVersion);
      } catch (RuntimeException e) {
        throw new SpiceException.BackendException("publishing policy version " + policyVersion + " of "
            + BackendCalls.name(trainer) + " to the rollout backend " + BackendCalls.name(cfg.rollouts())
            + " failed (nothing was trained; the next iteration publishes again): " + e.getMessage(), e);
      } finally {
        times.sync += PhaseTimes.since(t);
      }
      servedVersion = policyVersion;
    }
    return servedVersion;
  }

  /** Counts a policy version for an update that changed the weights. */
  void afterUpdate(UpdateStats stats, int samples) {
    if (samples > 0 && !stats.skipped()) {
      policyVersion++;
    }
  }

  /** The update batch with the trainer's log-probs as {@code oldLogProbs}, and how far the rollouts' were. */
  record Recomputed(List<TrainingSample> samples, long staleness, double diffMax, double diffMean) {}

  /**
   * Checks the rollouts' prompt tokens against the trainer's (when it can tell) and replaces each
   * sample's old log-probs by the trainer's, computed with {@code scoreContinuations}; the call's
   * time goes to {@link PhaseTimes#oldLogProb}.
   *
   * @param rolloutVersion the version the samples were generated under
   * @throws SpiceException.BackendException on a prompt-token mismatch, a non-finite recomputed
   *     log-prob, or rollouts staler than the bound
   */
  Recomputed recompute(List<TrainingSample> samples, long rolloutVersion, PhaseTimes times) {
    long staleness = policyVersion - rolloutVersion;
    if (staleness < 0 || staleness > cfg.maxStaleness()) {
      throw new SpiceException.BackendException("rollouts of policy version " + rolloutVersion
          + " lag the trainer's version " + policyVersion + " by more than maxStaleness " + cfg.maxStaleness()
          + "; they are not trained on");
    }
    if (samples.isEmpty()) {
      return new Recomputed(samples, staleness, Double.NaN, Double.NaN);
    }
    long t = System.nanoTime();
    checkPromptTokens(samples);
    List<Prompt> prompts = new ArrayList<>(samples.size());
    List<int[]> continuations = new ArrayList<>(samples.size());
    for (TrainingSample s : samples) {
      prompts.add(s.prompt());
      continuations.add(s.completionTokens());
    }
    List<float[]> lp = BackendCalls.score(trainer, prompts, continuations, "hybrid training: the trainer's "
        + "recomputation of the rollouts' log-probs");
    List<TrainingSample> out = new ArrayList<>(samples.size());
    double max = 0;
    double sum = 0;
    long n = 0;
    for (int i = 0; i < samples.size(); i++) {
      TrainingSample s = samples.get(i);
      float[] rollout = s.oldLogProbs();
      float[] mine = lp.get(i);
      for (int k = 0; k < mine.length; k++) {
        if (!Float.isFinite(mine[k])) {
          throw new SpiceException.BackendException("hybrid training: the trainer " + BackendCalls.name(trainer)
              + " gives log-prob " + mine[k] + " to token " + k + " (id " + s.completionTokens()[k] + ") of the "
              + s.role().metricPrefix() + " sample of group " + s.groupId() + " sampled by "
              + BackendCalls.name(cfg.rollouts()) + ": the two do not share vocabulary, template or allowed tokens");
        }
        double d = Math.abs((double) rollout[k] - mine[k]);
        max = Math.max(max, d);
        sum += d;
        n++;
      }
      out.add(new TrainingSample(s.role(), s.prompt(), s.promptTokens(), s.completionTokens(), mine, s.advantage(),
          s.groupId()));
    }
    times.oldLogProb += PhaseTimes.since(t);
    return new Recomputed(out, staleness, n == 0 ? Double.NaN : max, n == 0 ? Double.NaN : sum / n);
  }

  /** Every sample's prompt tokens are those the trainer renders for its prompt (when it can tell). */
  private void checkPromptTokens(List<TrainingSample> samples) {
    Map<Prompt, Optional<int[]>> mine = new HashMap<>();
    for (TrainingSample s : samples) {
      if (s.promptLength() == 0) {
        throw new SpiceException.BackendException("hybrid training: the rollout backend "
            + BackendCalls.name(cfg.rollouts()) + " returned no prompt tokens for the " + s.role().metricPrefix()
            + " sample of group " + s.groupId() + "; the trainer needs the prompt tokens it sampled from");
      }
      Optional<int[]> want = mine.computeIfAbsent(s.prompt(), this::trainerPromptTokens);
      if (want.isPresent() && !Arrays.equals(want.get(), s.promptTokens())) {
        throw new SpiceException.BackendException("hybrid training: the rollout backend "
            + BackendCalls.name(cfg.rollouts()) + " fed prompt tokens " + head(s.promptTokens()) + " for the "
            + s.role().metricPrefix() + " prompt of group " + s.groupId() + ", but the trainer "
            + BackendCalls.name(trainer) + " renders it as " + head(want.get())
            + "; the rollout backend and the trainer must share tokenizer, template and special tokens");
      }
    }
  }

  private Optional<int[]> trainerPromptTokens(Prompt p) {
    Optional<int[]> o;
    try {
      o = trainer.promptTokens(p);
    } catch (SpiceException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new SpiceException.BackendException("hybrid training: promptTokens of the trainer "
          + BackendCalls.name(trainer) + " failed: " + e, e);
    }
    return o == null ? Optional.empty() : o;
  }

  /** The first tokens of an array and its length, for messages. */
  private static String head(int[] ids) {
    int n = Math.min(ids.length, 12);
    String s = Arrays.toString(Arrays.copyOf(ids, n));
    return (ids.length > n ? s.substring(0, s.length() - 1) + ", ...]" : s) + " (" + ids.length + " tokens)";
  }

  /** The hybrid metrics of an iteration. */
  void metrics(Map<String, Double> m, long rolloutVersion, Recomputed r, PhaseTimes times) {
    m.put(MetricNames.ROLLOUT_POLICY_VERSION, (double) rolloutVersion);
    m.put(MetricNames.ROLLOUT_STALENESS, (double) r.staleness());
    m.put(MetricNames.ROLLOUT_LOGPROB_DIFF_MAX, r.diffMax());
    m.put(MetricNames.ROLLOUT_LOGPROB_DIFF_MEAN, r.diffMean());
    m.put(MetricNames.TIMING_SYNC, times.sync / 1e9);
    m.put(MetricNames.TIMING_OLD_LOG_PROB, times.oldLogProb / 1e9);
  }
}
