package dev.spice.examples.quickstart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.SpiceException;
import dev.spice.core.roles.TextTaskCodec;
import java.util.List;
import org.junit.jupiter.api.Test;

class FreeTextSettingsTest {

  @Test
  void defaultsAreTheDocumentedOnes() {
    FreeTextSettings s = FreeTextSettings.defaults();
    assertEquals(24, s.countries());
    assertEquals(16, s.batchSize());
    assertEquals(600, s.iterations());
    assertEquals(1200, s.warmSteps());
    assertEquals(TextTaskCodec.Grounding.SAME_SENTENCE, s.grounding());
    assertEquals(List.of("spice", "frozen_challenger", "no_document"), s.arms());
  }

  @Test
  void everyKeyRoundTripsThroughTheMap() {
    FreeTextSettings s = FreeTextSettings.builder().set("seed", "7").set("grounding", "answer_in_document")
        .set("arms", "spice,spice_r_zero").set("fields", "capital,region").set("learning_rate", "1e-3").build();
    assertEquals(s, s.toBuilder().build());
    assertEquals(s.toMap().keySet().size(), FreeTextSettings.defaults().toMap().size());
    assertEquals("spice,spice_r_zero", s.toMap().get("arms"));
    assertEquals("answer_in_document", s.toMap().get("grounding"));
  }

  @Test
  void badValuesAreNamed() {
    var e = assertThrows(SpiceException.ConfigurationException.class,
        () -> FreeTextSettings.builder().set("iterations", "many").build());
    assertEquals("free-text setting iterations must be an integer, got 'many'", e.getMessage());
    e = assertThrows(SpiceException.ConfigurationException.class, () -> FreeTextSettings.builder().set("nope", "1"));
    assertTrue(e.getMessage().startsWith("unknown free-text setting 'nope'; valid: seed, countries"), e.getMessage());
    e = assertThrows(SpiceException.ConfigurationException.class,
        () -> FreeTextSettings.builder().set("grounding", "loose").build());
    assertTrue(e.getMessage().contains("none, answer_in_document or same_sentence"), e.getMessage());
    e = assertThrows(SpiceException.ConfigurationException.class,
        () -> FreeTextSettings.builder().set("arms", "frozen_challenger,spice").set("reasoner_group", "1")
            .set("challenger_group", "1").set("held_out_fraction", "1").build());
    for (String part : List.of("the first spice, got [frozen_challenger, spice]", "reasoner_group must be >= 2, got 1",
        "challenger_group must be >= 2, got 1 (Dr. GRPO's group-mean baseline",
        "held_out_fraction must be in (0, 1), got 1.0")) {
      assertTrue(e.getMessage().contains(part), e.getMessage());
    }
    e = assertThrows(SpiceException.ConfigurationException.class,
        () -> FreeTextSettings.builder().set("arms", "spice,spice").build());
    assertTrue(e.getMessage().contains("arms must be distinct"), e.getMessage());
  }
}
