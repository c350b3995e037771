package dev.spice.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.SpiceException;
import dev.spice.core.internal.json.Json;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TransformerConfigTest {

  private static final String BASE = "\"model_type\": \"llama\", \"vocab_size\": 44, \"hidden_size\": 32,"
      + " \"intermediate_size\": 48, \"num_hidden_layers\": 2, \"num_attention_heads\": 4,"
      + " \"num_key_value_heads\": 1, \"head_dim\": 8";

  private static TransformerConfig parse(String extra) {
    return TransformerConfig.fromMap(Json.parseObject("{" + BASE + (extra.isEmpty() ? "" : ", " + extra) + "}"));
  }

  private static String message(String extra) {
    return assertThrows(SpiceException.ConfigurationException.class, () -> parse(extra)).getMessage();
  }

  /** Values transformers 5.17 computed for this config (float32 inv_freq buffer). */
  private static final double[] HF_LLAMA3_INV_FREQ = {1.0, 0.004700753837823868, 0.00017677668074611574,
      6.647869668086059e-06};

  private static final String LLAMA3 = "\"rope_type\": \"llama3\", \"factor\": 8.0, \"low_freq_factor\": 1.0,"
      + " \"high_freq_factor\": 4.0, \"original_max_position_embeddings\": 64";

  @Test
  void transformers5RopeParametersAreRead() {
    TransformerConfig c = parse("\"rope_parameters\": {\"rope_theta\": 500000.0, " + LLAMA3 + "}");
    assertEquals(500_000.0, c.ropeTheta());
    assertEquals(RopeScaling.llama3(8, 1, 4, 64), c.ropeScaling());
    double[] inv = c.ropeInverseFrequencies();
    for (int j = 0; j < inv.length; j++) {
      assertEquals(HF_LLAMA3_INV_FREQ[j], inv[j], 1e-6 * HF_LLAMA3_INV_FREQ[j], "inv_freq " + j);
    }
  }

  @Test
  void transformers4RopeThetaAndScalingAreRead() {
    TransformerConfig c = parse("\"rope_theta\": 500000.0, \"rope_scaling\": {" + LLAMA3 + "}");
    assertEquals(parse("\"rope_parameters\": {\"rope_theta\": 500000.0, " + LLAMA3 + "}"), c);
    // the oldest spelling of the type key
    TransformerConfig lin = parse("\"rope_theta\": 100.0, \"rope_scaling\": {\"type\": \"linear\", \"factor\": 2}");
    assertEquals(RopeScaling.linear(2), lin.ropeScaling());
    assertArrayEquals(new double[] {0.5, 0.5 / Math.sqrt(10), 0.5 / 10, 0.5 / Math.sqrt(1000)}, lin.ropeInverseFrequencies(), 1e-12);
  }

  @Test
  void withoutScalingFrequenciesAreThePlainPowers() {
    TransformerConfig c = parse("\"rope_parameters\": {\"rope_theta\": 10000.0, \"rope_type\": \"default\"}");
    assertTrue(c.ropeScaling().isNone());
    assertArrayEquals(new double[] {1, 0.1, 0.01, 0.001}, c.ropeInverseFrequencies(), 1e-12);
    assertEquals(10_000.0, parse("").ropeTheta());
  }

  @Test
  void llama3ScalingKeepsHighFrequenciesAndDividesLowOnes() {
    // wavelengths 2 pi / inv = 6.3, 63, 628, 6283 against the bounds 1000 / 4 = 250 and 1000 / 1:
    // j = 0, 1 kept, j = 2 blended, j = 3 divided by the factor
    RopeScaling s = RopeScaling.llama3(4, 1, 4, 1000);
    double[] plain = RopeScaling.NONE.inverseFrequencies(10_000, 8);
    double[] scaled = s.inverseFrequencies(10_000, 8);
    assertEquals(plain[0], scaled[0], 0.0);
    assertEquals(plain[1], scaled[1], 0.0);
    double smooth = (1000 / (2 * Math.PI / plain[2]) - 1) / (4 - 1);
    assertEquals((1 - smooth) * plain[2] / 4 + smooth * plain[2], scaled[2], 1e-15);
    assertTrue(scaled[2] < plain[2] && scaled[2] > plain[2] / 4);
    assertEquals(plain[3] / 4, scaled[3], 1e-15);
  }

  @Test
  void scalingSurvivesAWriteReadRoundTrip() {
    TransformerConfig c = parse("\"rope_theta\": 500000.0, \"rope_scaling\": {" + LLAMA3 + "}");
    Map<String, Object> written = Json.parseObject(Json.write(c.toMap()));
    assertEquals(c, TransformerConfig.fromMap(written));
    TransformerConfig plain = parse("");
    assertEquals(plain, TransformerConfig.fromMap(Json.parseObject(Json.write(plain.toMap()))));
    assertTrue(!plain.toMap().containsKey("rope_scaling"));
  }

  @Test
  void unsupportedOrInconsistentSettingsAreRefusedByName() {
    assertTrue(message("\"rope_scaling\": {\"rope_type\": \"yarn\", \"factor\": 4}").contains("'yarn'"));
    assertTrue(message("\"rope_parameters\": {\"rope_theta\": 1e4, \"rope_type\": \"dynamic\"}").contains("dynamic"));
    assertTrue(message("\"rope_scaling\": {\"rope_type\": \"llama3\", \"factor\": 8}")
        .contains("rope_scaling.low_freq_factor"));
    assertTrue(message("\"rope_scaling\": {\"rope_type\": \"linear\", \"factor\": 0.5}").contains("factor"));
    assertTrue(message("\"rope_scaling\": 3").contains("'rope_scaling' must be an object"));
    assertTrue(message("\"rope_theta\": 1000.0, \"rope_parameters\": {\"rope_theta\": 2000.0}").contains("disagree"));
    assertTrue(message("\"hidden_act\": \"gelu\"").contains("hidden_act"));
    assertTrue(message("\"mlp_bias\": true").contains("mlp_bias"));
    assertTrue(message("\"use_sliding_window\": true").contains("use_sliding_window"));
  }
}
