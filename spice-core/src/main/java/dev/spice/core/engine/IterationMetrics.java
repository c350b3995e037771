package dev.spice.core.engine;

import dev.spice.core.ChallengerAttempt;
import dev.spice.core.ChallengerOutcome;
import dev.spice.core.Completion;
import dev.spice.core.ReasonerAttempt;
import dev.spice.core.Rewards;
import dev.spice.core.TaskFormat;
import dev.spice.core.UpdateStats;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeMap;

/** Step 9 of an iteration: the metrics of {@link MetricNames} from the documents' work and the update. */
final class IterationMetrics {
  private IterationMetrics() {}

  /**
   * @param learningRate the policy's learning rate for this update, if it reports one
   * @param extra further metrics (hybrid training's), added as they are
   */
  static Metrics of(long it, List<DocumentWork> docs, List<DocumentWork> reasonerGroups, Scoring.ZeroStd zero,
      UpdateStats stats, OptionalDouble learningRate, double seconds, int generatedTokens, PhaseTimes times,
      Map<String, Double> extra) {
    Map<String, Double> m = new TreeMap<>();
    challenger(m, docs, zero);
    reasoner(m, docs, reasonerGroups, zero);
    m.put(MetricNames.LOSS, stats.loss());
    m.put(MetricNames.GRAD_NORM, stats.gradNorm());
    m.put(MetricNames.KL, stats.kl());
    m.put(MetricNames.ENTROPY, stats.entropy());
    m.put(MetricNames.CLIP_LOW, stats.clipFractionLow());
    m.put(MetricNames.CLIP_HIGH, stats.clipFractionHigh());
    m.put(MetricNames.CLIP_REGION, stats.clipFractionLow() + stats.clipFractionHigh());
    learningRate.ifPresent(lr -> m.put(MetricNames.LEARNING_RATE, lr));
    m.put(MetricNames.NUM_SAMPLES, (double) stats.numSamples());
    m.put(MetricNames.NUM_TOKENS, (double) stats.numTokens());
    m.put(MetricNames.UPDATE_SKIPPED, stats.skipped() ? 1.0 : 0.0);
    m.put(MetricNames.STEP_TIME, seconds);
    m.put(MetricNames.TOKENS_PER_SECOND, seconds > 0 ? generatedTokens / seconds : Double.NaN);
    timings(m, times, seconds);
    m.putAll(extra);
    return new Metrics(it, m);
  }

  /** The {@code timing_s/*} split of {@code seconds}; the rest (clamped at 0) is {@code timing_s/other}. */
  private static void timings(Map<String, Double> m, PhaseTimes times, double seconds) {
    m.put(MetricNames.TIMING_CHALLENGER_GEN, times.challengerGen / 1e9);
    m.put(MetricNames.TIMING_REASONER_GEN, times.reasonerGen / 1e9);
    m.put(MetricNames.TIMING_VERIFY, times.verify / 1e9);
    m.put(MetricNames.TIMING_REWARD, times.reward / 1e9);
    m.put(MetricNames.TIMING_UPDATE, times.update / 1e9);
    m.put(MetricNames.TIMING_OTHER, Math.max(0, seconds - times.measured() / 1e9));
  }

  private static void challenger(Map<String, Double> m, List<DocumentWork> docs, Scoring.ZeroStd zero) {
    int generated = 0;
    int validGenerated = 0;
    for (DocumentWork d : docs) {
      generated += d.attempts.size();
      for (ChallengerAttempt x : d.attempts) {
        if (x.isValid()) {
          validGenerated++;
        }
      }
    }
    m.put(MetricNames.CHALLENGER_VALID_RATE, ratio(validGenerated, generated));
    invalidCodes(m, docs, generated);
    m.put(MetricNames.CHALLENGER_ATTEMPTS, ratio(generated, docs.size()));
    Stats cs = new Stats();
    for (DocumentWork d : docs) {
      cs.addAll(d.challengerRewards);
    }
    m.put(MetricNames.CHALLENGER_REWARD, cs.mean());
    m.put(MetricNames.CHALLENGER_REWARD_STD, cs.std());
    m.put(MetricNames.CHALLENGER_FRAC_ZERO_STD, ratio(zero.challenger(), docs.size()));
    Stats taskP = new Stats();
    int mcq = 0;
    int keptValid = 0;
    Stats cLen = new Stats();
    int cClipped = 0;
    int keptTotal = 0;
    for (DocumentWork d : docs) {
      for (ChallengerOutcome o : d.outcomes) {
        keptTotal++;
        cLen.add(o.attempt().completion().tokenCount());
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
  }

  /** {@code challenger/invalid/<code>} for every code that occurs among the generated attempts. */
  private static void invalidCodes(Map<String, Double> m, List<DocumentWork> docs, int generated) {
    Map<String, Integer> counts = new TreeMap<>();
    for (DocumentWork d : docs) {
      for (ChallengerAttempt x : d.attempts) {
        if (!x.isValid()) {
          counts.merge(dev.spice.core.roles.InvalidReasons.code(x.invalidReason()), 1, Integer::sum);
        }
      }
    }
    counts.forEach((code, n) -> m.put(MetricNames.challengerInvalid(code), ratio(n, generated)));
  }

  private static void reasoner(Map<String, Double> m, List<DocumentWork> docs, List<DocumentWork> groups,
      Scoring.ZeroStd zero) {
    Stats pass = new Stats();
    Stats rLen = new Stats();
    int rClipped = 0;
    int rTotal = 0;
    int noAnswer = 0;
    Map<String, Stats> comps = new TreeMap<>();
    for (DocumentWork d : docs) {
      for (int k = 0; k < d.kept.size(); k++) {
        Rewards r = d.reasonerRewards.get(k);
        if (r == null) {
          continue;
        }
        pass.addAll(r.passIndicators());
        for (Map.Entry<String, double[]> ce : r.components().entrySet()) {
          comps.computeIfAbsent(ce.getKey(), x -> new Stats()).addAll(ce.getValue());
        }
        for (ReasonerAttempt a : d.answers.get(k)) {
          rTotal++;
          if (a.answer() == null) {
            noAnswer++;
          }
          rLen.add(a.completion().tokenCount());
          if (a.completion().finishReason() == Completion.FinishReason.LENGTH) {
            rClipped++;
          }
        }
      }
    }
    m.put(MetricNames.REASONER_PASS_RATE, pass.mean());
    m.put(MetricNames.REASONER_NO_ANSWER_RATE, ratio(noAnswer, rTotal));
    comps.forEach((k, s) -> {
      m.put(MetricNames.component("reasoner", k), s.mean());
      m.put(MetricNames.componentStd("reasoner", k), s.std());
    });
    m.put(MetricNames.meanLength("reasoner"), rLen.mean());
    m.put(MetricNames.clippedRatio("reasoner"), ratio(rClipped, rTotal));
    Stats rs = new Stats();
    for (DocumentWork g : groups) {
      rs.addAll(g.chosenRewards());
    }
    m.put(MetricNames.REASONER_REWARD, rs.mean());
    m.put(MetricNames.REASONER_REWARD_STD, rs.std());
    m.put(MetricNames.REASONER_FRAC_ZERO_STD, ratio(zero.reasoner(), groups.size()));
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
}
