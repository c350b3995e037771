package dev.spice.rewards;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.doubles;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import dev.spice.core.AdvantageEstimator;
import dev.spice.core.ChallengerOutcome;
import dev.spice.core.RewardFunction;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/** Property tests of advantages and Challenger rewards (QuickTheories, fixed seeds). */
class PropertyTest {
  private static final long SEED = 20251028L;

  /** A group: doubles in [-5, 5], about one in ten NaN ("not applicable"). */
  private static Gen<List<Double>> group() {
    return lists().of(doubles().between(-5, 5).map(d -> d > 4 ? Double.NaN : d)).ofSizeBetween(1, 16);
  }

  private static double[][] batch(List<List<Double>> groups) {
    double[][] b = new double[groups.size()][];
    for (int g = 0; g < b.length; g++) {
      b[g] = groups.get(g).stream().mapToDouble(Double::doubleValue).toArray();
    }
    return b;
  }

  @Test
  void groupRelativeAdvantagesSumToZeroPerGroup() {
    AdvantageEstimator[] all = {AdvantageEstimators.drGrpo(), AdvantageEstimators.grpo(), AdvantageEstimators.rloo()};
    qt().withFixedSeed(SEED).withExamples(400).forAll(lists().of(group()).ofSizeBetween(1, 8)).checkAssert(gs -> {
      double[][] r = batch(gs);
      for (AdvantageEstimator e : all) {
        double[][] a = e.estimate(r);
        for (int g = 0; g < r.length; g++) {
          double s = 0;
          for (int i = 0; i < r[g].length; i++) {
            assertEquals(Double.isNaN(r[g][i]), Double.isNaN(a[g][i]), e.name() + " NaN iff NaN reward");
            if (!Double.isNaN(a[g][i])) {
              assertTrue(Double.isFinite(a[g][i]));
              s += a[g][i];
            }
          }
          assertEquals(0, s, 1e-9 * (1 + r[g].length) * (e.name().equals("grpo") ? 1e4 : 1), e.name() + " group " + g);
        }
      }
    });
  }

  @Test
  void drGrpoIsInvariantToAddingAConstant() {
    qt().withFixedSeed(SEED).withExamples(400).forAll(lists().of(group()).ofSizeBetween(1, 8), doubles().between(-100, 100))
        .checkAssert((gs, c) -> {
          double[][] r = batch(gs);
          double[][] shifted = new double[r.length][];
          for (int g = 0; g < r.length; g++) {
            shifted[g] = r[g].clone();
            for (int i = 0; i < shifted[g].length; i++) {
              shifted[g][i] += c;
            }
          }
          double[][] a = AdvantageEstimators.drGrpo().estimate(r);
          double[][] b = AdvantageEstimators.drGrpo().estimate(shifted);
          for (int g = 0; g < r.length; g++) {
            for (int i = 0; i < r[g].length; i++) {
              if (Double.isNaN(a[g][i])) {
                assertTrue(Double.isNaN(b[g][i]));
              } else {
                assertEquals(a[g][i], b[g][i], 1e-9 * (1 + Math.abs(c)));
              }
            }
          }
        });
  }

  @Test
  void challengerRewardsStayInTheirDocumentedRanges() {
    RewardFunction<ChallengerOutcome> variance = ChallengerRewards.variance();
    RewardFunction<ChallengerOutcome> rZero = ChallengerRewards.rZero();
    RewardFunction<ChallengerOutcome> az = ChallengerRewards.absoluteZero();
    RewardFunction<ChallengerOutcome> th = ChallengerRewards.threshold();
    double low = Math.exp(-0.0625 / 0.02);
    qt().withFixedSeed(SEED).withExamples(300).forAll(integers().between(1, 32), doubles().fromZeroToOne())
        .checkAssert((g, frac) -> {
          int k = (int) Math.floor(frac * (g + 1));
          k = Math.min(k, g);
          List<ChallengerOutcome> items = List.of(Fixtures.passed(k, g));
          double p = (double) k / g;
          double v = variance.score(items, Fixtures.challengerContext()).values()[0];
          assertTrue(v >= low - 1e-12 && v <= 1, "variance " + v);
          double z = rZero.score(items, Fixtures.challengerContext()).values()[0];
          assertTrue(z >= 0 && z <= 1, "r-zero " + z);
          double a = az.score(items, Fixtures.challengerContext()).values()[0];
          assertTrue(a >= 0 && a < 1, "absolute zero " + a);
          assertEquals(p > 0 ? 1 - p : 0, a, 1e-12);
          double t = th.score(items, Fixtures.challengerContext()).values()[0];
          assertTrue(t == 0 || t == 1);
          assertEquals(v, variance.score(List.of(Fixtures.passed(g - k, g)), Fixtures.challengerContext()).values()[0],
              1e-12, "variance reward is symmetric in p and 1 - p");
        });
  }

  @Test
  void tokenMeanWeightsCoverEveryTokenOnce() {
    qt().withFixedSeed(SEED).withExamples(200).forAll(lists().of(integers().between(0, 4000)).ofSizeBetween(1, 64))
        .checkAssert(ls -> {
          int[] l = ls.stream().mapToInt(Integer::intValue).toArray();
          double[] w = LossAggregations.tokenMean().sampleWeights(l);
          double s = 0;
          long total = 0;
          for (int i = 0; i < l.length; i++) {
            s += w[i] * l[i];
            total += l[i];
          }
          assertEquals(total == 0 ? 0 : 1, s, 1e-9);
        });
  }
}
