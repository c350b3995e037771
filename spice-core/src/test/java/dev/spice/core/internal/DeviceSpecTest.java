package dev.spice.core.internal;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.spice.core.SpiceException;
import org.junit.jupiter.api.Test;

class DeviceSpecTest {
  @Test
  void acceptsCpuGpuGpuNAndAutoInAnyCase() {
    for (String d : new String[] {"cpu", "CPU", "gpu", "Gpu", "gpu:0", "GPU:12", "gpu:999999999", "auto", "AUTO"}) {
      assertDoesNotThrow(() -> DeviceSpec.check(d), d);
    }
  }

  @Test
  void refusesAnythingElseNamingTheSettingAndTheValidValues() {
    for (String d : new String[] {"", "cuda", "gpu:", "gpu:-1", "gpu:1x", "gpu:1234567890", " cpu", "tpu"}) {
      SpiceException.ConfigurationException e =
          assertThrows(SpiceException.ConfigurationException.class, () -> DeviceSpec.check(d), d);
      assertEquals("device '" + d + "' is not valid; valid: cpu, gpu, gpu:N, auto", e.getMessage());
    }
  }
}
