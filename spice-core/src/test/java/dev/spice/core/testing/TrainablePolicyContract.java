package dev.spice.core.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.Completion;
import dev.spice.core.LossAggregation;
import dev.spice.core.LossSettings;
import dev.spice.core.Prompt;
import dev.spice.core.Role;
import dev.spice.core.TrainablePolicy;
import dev.spice.core.TrainingSample;
import dev.spice.core.UpdateStats;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Contract every {@link TrainablePolicy} must pass, on top of {@link PolicyBackendContract}. */
public abstract class TrainablePolicyContract extends PolicyBackendContract {

  @Override
  protected abstract TrainablePolicy createBackend();

  /** Whether one update with a positive advantage measurably raises a completion's log-prob. */
  protected boolean learns() {
    return true;
  }

  /** Loss settings of the tests: clip 0.2, no KL, token sum divided by 16 per sample. */
  protected LossSettings lossSettings() {
    return new LossSettings(0.2, 0.2, 0, new LossAggregation() {
      @Override
      public String name() {
        return "sum/16";
      }

      @Override
      public double[] sampleWeights(int[] lengths) {
        double[] w = new double[lengths.length];
        java.util.Arrays.fill(w, 1.0 / 16 / lengths.length);
        return w;
      }
    });
  }

  private TrainablePolicy trainable() {
    return (TrainablePolicy) backend;
  }

  private double score(Prompt p, int[] tokens) {
    float[] lp = trainable().scoreContinuations(List.of(p), List.of(tokens)).get(0);
    double s = 0;
    for (float f : lp) {
      s += f;
    }
    return s;
  }

  private TrainingSample sampleWith(double advantage) {
    Prompt p = prompts().get(0);
    Completion c = trainable().generate(List.of(p), params(11)).get(0);
    if (c.tokens().length == 0) {
      c = trainable().generate(List.of(p), params(12)).get(0);
    }
    return TrainingSample.of(Role.CHALLENGER, p, c, advantage, "g");
  }

  /** Hybrid training checks rollouts against promptTokens: when a policy tells them, they are generate's. */
  @Test
  void promptTokensWhenToldAreThoseGenerateFeeds() {
    for (Prompt p : prompts()) {
      java.util.Optional<int[]> told = trainable().promptTokens(p);
      assertTrue(told != null, "promptTokens must not return null");
      if (told.isPresent()) {
        assertArrayEquals(trainable().generate(List.of(p), params(3)).get(0).promptTokens(), told.get(),
            "promptTokens of '" + p.text() + "'");
      }
    }
  }

  @Test
  void emptyUpdateChangesNothing() {
    Prompt p = prompts().get(0);
    int[] t = trainable().generate(List.of(p), params(5)).get(0).tokens();
    double before = score(p, t);
    UpdateStats s = trainable().update(List.of(), lossSettings());
    assertTrue(s.skipped());
    assertEquals(before, score(p, t), 0.0);
  }

  @Test
  void positiveAdvantageRaisesAndNegativeLowersLogProb() {
    if (!learns()) {
      return;
    }
    TrainingSample up = sampleWith(1.0);
    double before = score(up.prompt(), up.completionTokens());
    trainable().update(List.of(up), lossSettings());
    double after = score(up.prompt(), up.completionTokens());
    assertTrue(after > before, "log-prob should rise: " + before + " -> " + after);
    TrainingSample down = TrainingSample.of(Role.CHALLENGER, up.prompt(),
        new Completion("", up.promptTokens(), up.completionTokens(),
            trainable().scoreContinuations(List.of(up.prompt()), List.of(up.completionTokens())).get(0),
            Completion.FinishReason.STOP), -1.0, "g");
    trainable().update(List.of(down), lossSettings());
    assertTrue(score(up.prompt(), up.completionTokens()) < after, "log-prob should fall");
  }

  @Test
  void checkpointRoundTripRestoresTheState(@TempDir Path dir) throws Exception {
    Prompt p = prompts().get(0);
    TrainingSample s = sampleWith(1.0);
    Path ck = Files.createDirectory(dir.resolve("ck"));
    trainable().saveCheckpoint(ck);
    double saved = score(s.prompt(), s.completionTokens());
    List<Completion> savedGen = trainable().generate(List.of(p), params(9));
    trainable().update(List.of(s), lossSettings());
    trainable().loadCheckpoint(ck);
    assertEquals(saved, score(s.prompt(), s.completionTokens()), 1e-9);
    assertArrayEquals(savedGen.get(0).tokens(), trainable().generate(List.of(p), params(9)).get(0).tokens());
    // the optimizer state is restored too: the same update from the same state gives the same result
    trainable().update(List.of(s), lossSettings());
    double afterFirst = score(s.prompt(), s.completionTokens());
    trainable().loadCheckpoint(ck);
    trainable().update(List.of(s), lossSettings());
    assertEquals(afterFirst, score(s.prompt(), s.completionTokens()), 1e-6);
  }
}
