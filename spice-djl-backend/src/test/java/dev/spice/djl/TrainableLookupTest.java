package dev.spice.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.Policies;
import dev.spice.core.PolicyProvider;
import dev.spice.core.TrainablePolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Policies#trainable} finds the DJL provider, which declares itself trainable. */
class TrainableLookupTest {
  @Test
  void djlIsFoundAsATrainablePolicy(@TempDir Path dir) throws Exception {
    assertTrue(new DjlPolicyProvider().isTrainable());
    assertTrue(Policies.providers().stream().filter(PolicyProvider::isTrainable).anyMatch(p -> p.name().equals("djl")));
    Path cfg = dir.resolve("config.json");
    Fixtures.qwen3().write(cfg);
    Path vocab = dir.resolve("vocab.txt");
    Files.write(vocab, Fixtures.tokenizer().vocabulary());
    try (TrainablePolicy p = Policies.trainable("djl", Map.of("config", cfg.toString(), "vocab", vocab.toString()))) {
      assertInstanceOf(DjlPolicy.class, p);
      assertEquals("djl-pytorch", p.name());
    }
  }
}
