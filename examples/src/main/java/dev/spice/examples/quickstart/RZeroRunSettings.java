package dev.spice.examples.quickstart;

import dev.spice.core.SpiceException;
import dev.spice.rewards.rzero.RZeroSettings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The settings of R-Zero run as a method on the free-text world ({@link RZeroRunner}): the phase
 * schedule and batch sizes, plus R-Zero's own settings ({@link RZeroSettings}: {@code m}, band,
 * repetition threshold, invalid penalty, group sizes). The world, model, warm start, learning
 * rate and token budgets come from {@link FreeTextSettings}. Immutable; validated on construction.
 *
 * @param rounds alternations of a Challenger phase and a Solver phase (default 10)
 * @param challengerSteps Challenger updates per round (default 30)
 * @param solverSteps Solver updates per round (default 30; 600 steps in all, as the 600
 *     iterations of a SPICE arm, and about as long on CPU)
 * @param prompts B, Challenger prompts per step; each gets G_C tasks (default 8). The Solver phase's
 *     pool per step is also {@code prompts * G_C} tasks
 * @param rzero R-Zero's settings; {@code solverGroupSize} (G_R) must not exceed {@code solverSamples}
 *     (m), since the first G_R of the m votes train the Solver
 */
record RZeroRunSettings(int rounds, int challengerSteps, int solverSteps, int prompts, RZeroSettings rzero) {

  /** Validates. @throws SpiceException.ConfigurationException naming every bad value */
  RZeroRunSettings {
    List<String> e = new ArrayList<>();
    if (rounds < 1) {
      e.add("rounds must be >= 1, got " + rounds);
    }
    if (challengerSteps < 0) {
      e.add("challenger_steps must be >= 0, got " + challengerSteps);
    }
    if (solverSteps < 0) {
      e.add("solver_steps must be >= 0, got " + solverSteps);
    }
    if (prompts < 1) {
      e.add("prompts must be >= 1, got " + prompts);
    }
    if (rzero == null) {
      e.add("rzero settings must be set");
    } else if (rzero.solverGroupSize() > rzero.solverSamples()) {
      e.add("solver_group (" + rzero.solverGroupSize() + ") must not exceed solver_samples ("
          + rzero.solverSamples() + "): the Solver trains on the first G_R of its m votes");
    }
    if (!e.isEmpty()) {
      throw new SpiceException.ConfigurationException("bad R-Zero run settings: " + String.join("; ", e));
    }
  }

  /** The defaults: see the component descriptions; R-Zero's own values as {@link RZeroSettings#defaults()}. */
  static RZeroRunSettings defaults() {
    return new RZeroRunSettings(10, 30, 30, 8, RZeroSettings.defaults());
  }

  /** Every setting by the key {@link #with(String, String)} accepts. */
  Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("rounds", rounds);
    m.put("challenger_steps", challengerSteps);
    m.put("solver_steps", solverSteps);
    m.put("prompts", prompts);
    m.put("solver_samples", rzero.solverSamples());
    m.put("band_low", rzero.bandLow());
    m.put("band_high", rzero.bandHigh());
    m.put("tau", rzero.tau());
    m.put("invalid_penalty", rzero.invalidPenalty());
    m.put("challenger_group", rzero.challengerGroupSize());
    m.put("solver_group", rzero.solverGroupSize());
    return m;
  }

  /**
   * A copy with one setting changed, by its {@link #toMap()} key.
   *
   * @throws SpiceException.ConfigurationException for an unknown key (naming the valid ones), a value
   *     that does not parse, or a result that does not validate
   */
  RZeroRunSettings with(String key, String value) {
    String v = value.strip();
    RZeroSettings.Builder b = rzero.toBuilder();
    try {
      return switch (key) {
        case "rounds" -> new RZeroRunSettings(Integer.parseInt(v), challengerSteps, solverSteps, prompts, rzero);
        case "challenger_steps" -> new RZeroRunSettings(rounds, Integer.parseInt(v), solverSteps, prompts, rzero);
        case "solver_steps" -> new RZeroRunSettings(rounds, challengerSteps, Integer.parseInt(v), prompts, rzero);
        case "prompts" -> new RZeroRunSettings(rounds, challengerSteps, solverSteps, Integer.parseInt(v), rzero);
        case "solver_samples" -> withR(b.solverSamples(Integer.parseInt(v)));
        case "band_low" -> withR(b.band(Double.parseDouble(v), rzero.bandHigh()));
        case "band_high" -> withR(b.band(rzero.bandLow(), Double.parseDouble(v)));
        case "tau" -> withR(b.tau(Double.parseDouble(v)));
        case "invalid_penalty" -> withR(b.invalidPenalty(Double.parseDouble(v)));
        case "challenger_group" -> withR(b.challengerGroupSize(Integer.parseInt(v)));
        case "solver_group" -> withR(b.solverGroupSize(Integer.parseInt(v)));
        default -> throw new SpiceException.ConfigurationException("unknown R-Zero setting '" + key + "'; valid: "
            + String.join(", ", toMap().keySet()));
      };
    } catch (NumberFormatException ex) {
      throw new SpiceException.ConfigurationException("R-Zero setting " + key + " must be a number, got '" + v + "'");
    }
  }

  private RZeroRunSettings withR(RZeroSettings.Builder b) {
    return new RZeroRunSettings(rounds, challengerSteps, solverSteps, prompts, b.build());
  }
}
