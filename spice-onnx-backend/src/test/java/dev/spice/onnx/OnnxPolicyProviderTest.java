package dev.spice.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.Policies;
import dev.spice.core.PolicyBackend;
import dev.spice.core.Prompt;
import dev.spice.core.Role;
import dev.spice.core.SamplingParams;
import dev.spice.core.SpiceException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxPolicyProviderTest {
  @TempDir static Path tmp;
  static Path dir;

  @BeforeAll
  static void export() {
    Path ckpt = Fixtures.checkpoint(tmp.resolve("ckpt"), Fixtures.llama(50), 1);
    Fixtures.tokenizerJson(ckpt);
    dir = OnnxExporter.export(ckpt, tmp.resolve("onnx")).model().getParent();
  }

  @Test
  void foundByNameThroughServiceLoaderWithOptions() {
    assertTrue(Policies.providers().stream().anyMatch(p -> p.name().equals("onnx")));
    Map<String, String> opts = Map.of("model", dir.toString(), "intraOpThreads", "1", "interOpThreads", "1",
        "optimization", "basic", "cuda", "false", "eos", "1", "tokenizer", dir.resolve("tokenizer.json").toString());
    try (PolicyBackend b = Policies.create("onnx", opts)) {
      assertEquals("onnx-runtime", b.name());
      assertEquals(1, b.generate(List.of(Prompt.of(Role.REASONER, "what is two")), SamplingParams.defaults(3)).size());
    }
  }

  @Test
  void unknownKeysAndBadValuesAreRejectedByName() {
    var e = assertThrows(SpiceException.ConfigurationException.class,
        () -> Policies.create("onnx", Map.of("model", dir.toString(), "threads", "2")));
    assertTrue(e.getMessage().contains("'threads'") && e.getMessage().contains("intraOpThreads"), e.getMessage());
    e = assertThrows(SpiceException.ConfigurationException.class,
        () -> Policies.create("onnx", Map.of("model", dir.toString(), "optimization", "max")));
    assertTrue(e.getMessage().contains("none, basic, extended, all"), e.getMessage());
    e = assertThrows(SpiceException.ConfigurationException.class,
        () -> Policies.create("onnx", Map.of("model", dir.toString(), "intraOpThreads", "-1")));
    assertTrue(e.getMessage().contains("intraOpThreads"), e.getMessage());
    e = assertThrows(SpiceException.ConfigurationException.class,
        () -> Policies.create("onnx", Map.of("model", dir.toString(), "cuda", "yes")));
    assertTrue(e.getMessage().contains("true, false"), e.getMessage());
    e = assertThrows(SpiceException.ConfigurationException.class, () -> Policies.create("onnx", Map.of()));
    assertTrue(e.getMessage().contains("'model'"), e.getMessage());
  }
}
