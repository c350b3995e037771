package dev.spice.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.SpiceException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The documented ranges of rotary scaling and Hugging Face's llama3 frequency bands. */
class RopeScalingTest {

  private static String refused(Runnable r) {
    return assertThrows(SpiceException.ConfigurationException.class, r::run).getMessage();
  }

  @Test
  void factorMustBeAtLeastOne() {
    RopeScaling one = RopeScaling.linear(1.0);
    assertArrayEquals(RopeScaling.NONE.inverseFrequencies(10_000, 8), one.inverseFrequencies(10_000, 8), 0.0);
    assertEquals(1.0, RopeScaling.llama3(1.0, 1, 4, 8192).factor());
    assertEquals("rope scaling field 'factor' must be finite and >= 1, got 0.99", refused(() -> RopeScaling.linear(0.99)));
    assertEquals("rope scaling field 'factor' must be finite and >= 1, got Infinity",
        refused(() -> RopeScaling.linear(Double.POSITIVE_INFINITY)));
    assertEquals("rope scaling field 'factor' must be finite and >= 1, got NaN",
        refused(() -> RopeScaling.llama3(Double.NaN, 1, 4, 8192)));
  }

  @Test
  void llama3NeedsOrderedPositiveBandsAndAContextLength() {
    String bands = "llama3 rope scaling needs 0 < low_freq_factor < high_freq_factor, got ";
    assertEquals(bands + "0.0 and 4.0", refused(() -> RopeScaling.llama3(8, 0, 4, 8192)));
    assertEquals(bands + "4.0 and 4.0", refused(() -> RopeScaling.llama3(8, 4, 4, 8192)));
    assertEquals(bands + "4.0 and 1.0", refused(() -> RopeScaling.llama3(8, 4, 1, 8192)));
    assertEquals(bands + "1.0 and Infinity", refused(() -> RopeScaling.llama3(8, 1, Double.POSITIVE_INFINITY, 8192)));
    assertEquals("llama3 rope scaling field 'original_max_position_embeddings' must be > 0, got 0",
        refused(() -> RopeScaling.llama3(8, 1, 4, 0)));
    assertEquals(Double.MIN_VALUE, RopeScaling.llama3(8, Double.MIN_VALUE, 4, 1).lowFreqFactor());
    assertTrue(refused(() -> new RopeScaling("yarn", 4, 0, 0, 0)).contains("valid: [default, linear, llama3]"));
  }

  @Test
  void llama3BandsFollowHuggingFace() {
    // transformers' _compute_llama3_parameters: wavelengths above original / low_freq_factor are
    // divided by factor, below original / high_freq_factor kept, in between blended.
    // head_dim 16, theta 1e4: wavelengths 2 pi 10^(j/2) = 6.3, 19.9, 62.8, 199, 628, 1987, 6283, 19869;
    // original 2000, low 2, high 8: bounds 1000 and 250.
    RopeScaling s = RopeScaling.llama3(4, 2, 8, 2000);
    double[] plain = RopeScaling.NONE.inverseFrequencies(10_000, 16);
    double[] scaled = s.inverseFrequencies(10_000, 16);
    for (int j = 0; j <= 3; j++) {
      assertEquals(plain[j], scaled[j], 0.0, "kept " + j);
    }
    double wavelen = 2 * Math.PI / plain[4];
    double smooth = (2000 / wavelen - 2) / (8 - 2);
    assertEquals((1 - smooth) * plain[4] / 4 + smooth * plain[4], scaled[4], 1e-15 * plain[4], "blended 4");
    for (int j = 5; j <= 7; j++) {
      assertEquals(plain[j] / 4, scaled[j], 1e-15 * plain[j], "divided " + j);
    }
  }

  @Test
  void huggingFaceFieldsAreWrittenOnlyForScaling() {
    assertTrue(RopeScaling.NONE.toMap().isEmpty());
    assertEquals(Map.of("rope_type", "linear", "factor", 2.0), RopeScaling.linear(2).toMap());
    assertEquals(Map.of("rope_type", "llama3", "factor", 8.0, "low_freq_factor", 1.0, "high_freq_factor", 4.0,
        "original_max_position_embeddings", 8192), RopeScaling.llama3(8, 1, 4, 8192).toMap());
  }
}
