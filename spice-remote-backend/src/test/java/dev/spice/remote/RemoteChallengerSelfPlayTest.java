package dev.spice.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.AdvantageEstimator;
import dev.spice.core.ChallengerOutcome;
import dev.spice.core.Document;
import dev.spice.core.LossAggregation;
import dev.spice.core.LossSettings;
import dev.spice.core.ReasonerAttempt;
import dev.spice.core.Recipe;
import dev.spice.core.RewardContext;
import dev.spice.core.RewardFunction;
import dev.spice.core.Rewards;
import dev.spice.core.Role;
import dev.spice.core.TrainingSample;
import dev.spice.core.engine.IterationResult;
import dev.spice.core.engine.MetricNames;
import dev.spice.core.engine.SelfPlay;
import dev.spice.core.testing.ListCorpus;
import dev.spice.core.testing.ScriptedPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Usage: a fixed Challenger served remotely (the fake server's scripted "model" writes a task
 * from the document in its prompt) and a local trainable Reasoner ({@link ScriptedPolicy}).
 */
class RemoteChallengerSelfPlayTest {
  private static final Pattern FACT = Pattern.compile("(fact\\d+) value (\\d)");

  /** The served Challenger: a free-form task whose answer is the document's value. */
  private static String challenger(String prompt, long seed) {
    Matcher m = FACT.matcher(prompt);
    if (!m.find() || seed % 4 == 0) {
      return "I cannot write a task";
    }
    return "{\"type\":\"free_form\",\"question\":\"What is the value of " + m.group(1) + "?\",\"answer\":\""
        + m.group(2) + "\",\"answer_type\":\"Integer\"}";
  }

  @Test
  void aRemoteFixedChallengerFeedsALocalTrainableReasoner() {
    ScriptedPolicy reasoner = new ScriptedPolicy((prompt, row, seed, policy) -> {
      if (prompt.role() == Role.CHALLENGER) {
        throw new AssertionError("the local policy must not play the Challenger");
      }
      return "\\boxed{" + new SplittableRandom(seed).nextInt(3) + "}";
    });
    List<Document> docs = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      docs.add(Document.of("doc" + i, "fact" + i + " value " + (i % 3), "facts"));
    }
    try (FakeServer server = new CharModel(RemoteChallengerSelfPlayTest::challenger).install(new FakeServer());
        RemotePolicy remote = RemotePolicy.builder().baseUrl(server.uri()).model(FakeServer.MODEL)
            .maxConcurrentRequests(4).build()) {
      SelfPlay engine = SelfPlay.builder().policy(reasoner).fixedChallenger(remote)
          .corpus(new ListCorpus("facts", docs, 3)).recipe(recipe(2, 4)).batchSize(2).seed(5).build();
      List<IterationResult> results = List.of(engine.step(), engine.step());
      assertEquals(2, results.size());
      double valid = results.stream().mapToDouble(r -> r.metrics().get(MetricNames.CHALLENGER_VALID_RATE)).sum();
      assertTrue(valid > 0, "some remote tasks were valid");
      assertTrue(remote.stats().completions() >= 2 * 2 * 2, "the remote Challenger wrote every attempt");
      assertEquals(0, remote.stats().tokenIdFallbacks());
      assertFalse(reasoner.updates().isEmpty(), "the Reasoner trained");
      assertTrue(reasoner.updates().stream().flatMap(List::stream).allMatch(s -> s.role() == Role.REASONER));
      assertTrue(reasoner.updates().stream().flatMap(List::stream).mapToDouble(TrainingSample::advantage)
          .anyMatch(a -> a != 0), "the Reasoner got a learning signal");
      assertFalse(server.received("/v1/completions").isEmpty());
    }
  }

  // ---------------------------------------------------------------- a minimal recipe (core cannot see spice-rewards)

  static Recipe recipe(int gc, int gr) {
    RewardFunction<ChallengerOutcome> variance = new RewardFunction<>() {
      @Override
      public Rewards score(List<ChallengerOutcome> items, RewardContext c) {
        double[] r = new double[items.size()];
        for (int i = 0; i < r.length; i++) {
          ChallengerOutcome o = items.get(i);
          double v = o.isValid() ? o.passRate() * (1 - o.passRate()) : 0;
          r[i] = o.isValid() ? Math.exp(-(v - 0.25) * (v - 0.25) / 0.02) : -0.1;
        }
        return Rewards.of(r);
      }

      @Override
      public String name() {
        return "variance";
      }
    };
    RewardFunction<ReasonerAttempt> exact = new RewardFunction<>() {
      @Override
      public Rewards score(List<ReasonerAttempt> items, RewardContext c) {
        double[] r = new double[items.size()];
        for (int i = 0; i < r.length; i++) {
          ReasonerAttempt a = items.get(i);
          r[i] = a.answer() != null && a.answer().equals(a.task().goldAnswer()) ? 1 : 0;
        }
        return new Rewards(r, Map.of(Rewards.CORRECT, r));
      }

      @Override
      public String name() {
        return "exact";
      }
    };
    AdvantageEstimator meanSubtracted = new AdvantageEstimator() {
      @Override
      public String name() {
        return "mean_subtracted";
      }

      @Override
      public double[][] estimate(double[][] groups) {
        double[][] out = new double[groups.length][];
        for (int g = 0; g < groups.length; g++) {
          double mean = java.util.Arrays.stream(groups[g]).filter(v -> !Double.isNaN(v)).average().orElse(0);
          out[g] = java.util.Arrays.stream(groups[g]).map(v -> v - mean).toArray();
        }
        return out;
      }
    };
    LossAggregation constant = new LossAggregation() {
      @Override
      public String name() {
        return "constant(8)";
      }

      @Override
      public double[] sampleWeights(int[] lengths) {
        double[] w = new double[lengths.length];
        java.util.Arrays.fill(w, 1.0 / 8);
        return w;
      }
    };
    return new Recipe("remote-test", gc, gr, variance, exact.async(), meanSubtracted, meanSubtracted,
        new LossSettings(0.2, 0.2, 0, constant));
  }
}
