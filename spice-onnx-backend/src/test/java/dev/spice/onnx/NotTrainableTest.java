package dev.spice.onnx;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.Policies;
import dev.spice.core.SpiceException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** ONNX policies are inference only: {@link Policies#trainable} refuses the provider by name. */
class NotTrainableTest {
  @Test
  void onnxIsRefusedAsATrainablePolicyNamingTheProvider() {
    assertFalse(new OnnxPolicyProvider().isTrainable());
    String m = assertThrows(SpiceException.ConfigurationException.class,
        () -> Policies.trainable("onnx", Map.of())).getMessage();
    assertTrue(m.contains("'onnx'"), m);
    assertTrue(m.contains(OnnxPolicyProvider.class.getName()), m);
    assertTrue(m.contains("inference-only"), m);
    assertTrue(m.contains("available trainable providers: []"), m);
  }
}
