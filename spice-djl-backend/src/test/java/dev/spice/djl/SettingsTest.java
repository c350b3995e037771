package dev.spice.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.spice.core.Prompt;
import dev.spice.core.Role;
import dev.spice.core.SpiceException;
import dev.spice.core.text.PromptTemplate;
import org.junit.jupiter.api.Test;

/** OptimizerSettings' documented ranges and warm-up, and the prompt templates by name. */
class SettingsTest {

  private static OptimizerSettings base() {
    return OptimizerSettings.adamW(1e-3);
  }

  private static String refused(Runnable r) {
    return assertThrows(SpiceException.ConfigurationException.class, r::run).getMessage();
  }

  @Test
  void everyFieldIsCheckedAgainstItsRangeInclusiveWhereDocumented() {
    // accepted at the edges of their ranges
    OptimizerSettings edges = new OptimizerSettings(Double.MIN_VALUE, 0, 0, Double.MIN_VALUE, 0, 0, 0);
    assertEquals(0, edges.beta1());
    assertEquals(0, edges.gradClip());
    assertEquals(Math.nextDown(1.0), new OptimizerSettings(1e-3, Math.nextDown(1.0), Math.nextDown(1.0), 1e-8, 0, 1, 0)
        .beta2());
    // refused just outside, naming the field and its range
    assertEquals("optimizer setting learningRate must be > 0, got 0.0",
        refused(() -> new OptimizerSettings(0, 0.9, 0.999, 1e-8, 0, 1, 0)));
    assertEquals("optimizer setting learningRate must be > 0, got Infinity",
        refused(() -> base().withLearningRate(Double.POSITIVE_INFINITY)));
    assertEquals("optimizer setting beta1 must be [0, 1), got 1.0",
        refused(() -> new OptimizerSettings(1e-3, 1, 0.999, 1e-8, 0, 1, 0)));
    assertEquals("optimizer setting beta1 must be [0, 1), got -0.1",
        refused(() -> new OptimizerSettings(1e-3, -0.1, 0.999, 1e-8, 0, 1, 0)));
    assertEquals("optimizer setting beta2 must be [0, 1), got 1.0",
        refused(() -> new OptimizerSettings(1e-3, 0.9, 1, 1e-8, 0, 1, 0)));
    assertEquals("optimizer setting beta2 must be [0, 1), got -0.5",
        refused(() -> new OptimizerSettings(1e-3, 0.9, -0.5, 1e-8, 0, 1, 0)));
    assertEquals("optimizer setting epsilon must be > 0, got 0.0",
        refused(() -> new OptimizerSettings(1e-3, 0.9, 0.999, 0, 0, 1, 0)));
    assertEquals("optimizer setting epsilon must be > 0, got NaN",
        refused(() -> new OptimizerSettings(1e-3, 0.9, 0.999, Double.NaN, 0, 1, 0)));
    assertEquals("optimizer setting weightDecay must be >= 0, got -0.01", refused(() -> base().withWeightDecay(-0.01)));
    assertEquals("optimizer setting weightDecay must be >= 0, got Infinity",
        refused(() -> base().withWeightDecay(Double.POSITIVE_INFINITY)));
    assertEquals("optimizer setting gradClip must be >= 0 (0 disables), got -1.0", refused(() -> base().withGradClip(-1)));
    assertEquals("optimizer setting gradClip must be >= 0 (0 disables), got NaN",
        refused(() -> base().withGradClip(Double.NaN)));
    assertEquals("optimizer setting warmupSteps must be >= 0, got -1.0", refused(() -> base().withWarmupSteps(-1)));
  }

  @Test
  void defaultsAndCopiesChangeOneFieldEach() {
    OptimizerSettings d = OptimizerSettings.adamW(2e-4);
    assertEquals(new OptimizerSettings(2e-4, 0.9, 0.999, 1e-8, 0.0, 1.0, 0), d);
    assertEquals(new OptimizerSettings(5e-5, 0.9, 0.999, 1e-8, 0.0, 1.0, 0), d.withLearningRate(5e-5));
    assertEquals(new OptimizerSettings(2e-4, 0.9, 0.999, 1e-8, 0.1, 1.0, 0), d.withWeightDecay(0.1));
    assertEquals(new OptimizerSettings(2e-4, 0.9, 0.999, 1e-8, 0.0, 0.0, 0), d.withGradClip(0));
    assertEquals(new OptimizerSettings(2e-4, 0.9, 0.999, 1e-8, 0.0, 1.0, 8), d.withWarmupSteps(8));
  }

  @Test
  void warmUpRampsLinearlyThenStays() {
    OptimizerSettings w = OptimizerSettings.adamW(1e-3).withWarmupSteps(4);
    assertEquals(0.25e-3, w.learningRateAt(1), 1e-18, "lr / warmupSteps at the first update");
    assertEquals(0.5e-3, w.learningRateAt(2), 1e-18);
    assertEquals(1e-3, w.learningRateAt(4), 1e-18);
    assertEquals(1e-3, w.learningRateAt(100), 1e-18);
    OptimizerSettings constant = OptimizerSettings.adamW(1e-3);
    assertEquals(1e-3, constant.learningRateAt(1));
    assertEquals(1e-3, constant.learningRateAt(1_000_000));
  }

  @Test
  void templatesByNameIgnoreCase() {
    assertSame(PromptTemplate.RAW, PromptTemplate.named("raw"));
    assertSame(PromptTemplate.PLAIN, PromptTemplate.named("Plain"));
    assertSame(PromptTemplate.CHATML, PromptTemplate.named("CHATML"));
    assertEquals("unknown prompt template 'jinja'; valid: raw, plain, chatml",
        refused(() -> PromptTemplate.named("jinja")));
    Prompt p = Prompt.of(Role.CHALLENGER, "q");
    assertEquals("<|im_start|>system\nbe brief<|im_end|>\n<|im_start|>user\nq<|im_end|>\n<|im_start|>assistant\n",
        PromptTemplate.chatMl("be brief").render(p));
    assertThrows(NullPointerException.class, () -> PromptTemplate.chatMl(null));
  }
}
