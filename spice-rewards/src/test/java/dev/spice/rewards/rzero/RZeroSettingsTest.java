package dev.spice.rewards.rzero;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.SpiceException.ConfigurationException;
import dev.spice.rewards.Presets;
import org.junit.jupiter.api.Test;

class RZeroSettingsTest {

  @Test
  void defaultsAreRZeros() {
    RZeroSettings s = RZeroSettings.defaults();
    assertEquals(10, s.solverSamples());
    assertEquals(0.25, s.bandLow());
    assertEquals(0.75, s.bandHigh());
    assertEquals(0.5, s.tau());
    assertEquals(-1.0, s.invalidPenalty());
    assertEquals(Presets.rZero().challengerGroupSize(), s.challengerGroupSize());
    assertEquals(Presets.rZero().reasonerGroupSize(), s.solverGroupSize());
    assertEquals(s, RZeroSettings.builder().build());
  }

  @Test
  void builderChangesSingleValuesAndDerivesTheBlocks() {
    RZeroSettings s = RZeroSettings.builder().solverSamples(8).band(0.2, 0.8).tau(0.3).invalidPenalty(-0.5)
        .challengerGroupSize(6).solverGroupSize(7).build();
    assertEquals(new RZeroSettings(8, 0.2, 0.8, 0.3, -0.5, 6, 7), s);
    assertEquals(0.2, s.difficultyFilter().low());
    assertEquals(0.8, s.difficultyFilter().high());
    assertEquals(0.3, s.repetitionPenalty().tau());
    assertEquals(s, s.toBuilder().build());
    assertEquals(9, s.toBuilder().solverSamples(9).build().solverSamples());
  }

  @Test
  void everyBadValueIsNamedInOneMessage() {
    ConfigurationException e = assertThrows(ConfigurationException.class,
        () -> new RZeroSettings(0, -0.5, 2, 1.5, Double.NaN, 1, 0));
    String m = e.getMessage();
    for (String part : new String[] {"solverSamples must be >= 1, got 0", "bandLow must be in [0, 1], got -0.5",
        "bandHigh must be in [0, 1], got 2.0", "tau must be in [0, 1], got 1.5", "invalidPenalty must be finite, got NaN",
        "challengerGroupSize must be >= 2", "got 1", "solverGroupSize must be >= 2"}) {
      assertTrue(m.contains(part), "missing '" + part + "' in: " + m);
    }
  }

  @Test
  void bandMustBeOrderedAndReachable() {
    ConfigurationException e = assertThrows(ConfigurationException.class,
        () -> RZeroSettings.builder().band(0.8, 0.2).build());
    assertTrue(e.getMessage().contains("bandLow must be <= bandHigh"), e.getMessage());
    // with m = 1 the agreement is 0 or 1: the default band keeps nothing
    e = assertThrows(ConfigurationException.class, () -> RZeroSettings.builder().solverSamples(1).build());
    assertTrue(e.getMessage().contains("no agreement k/1"), e.getMessage());
    // m = 3 gives 1/3 and 2/3, both outside [0.4, 0.6]
    assertThrows(ConfigurationException.class, () -> RZeroSettings.builder().solverSamples(3).band(0.4, 0.6).build());
    assertEquals(3, RZeroSettings.builder().solverSamples(3).build().solverSamples());
    assertEquals(2, RZeroSettings.builder().solverSamples(2).band(0.5, 0.5).build().solverSamples());
  }
}
