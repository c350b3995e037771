package dev.spice.onnx;

import dev.spice.core.PolicyBackend;
import dev.spice.core.testing.PolicyBackendContract;
import dev.spice.core.text.WordTokenizer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.io.TempDir;

/** The core {@link PolicyBackendContract} on both graph kinds. */
class OnnxPolicyContractTest {
  @TempDir static Path tmp;
  static Path withCache;
  static Path plain;

  @BeforeAll
  static void export() {
    Path ckpt = Fixtures.checkpoint(tmp.resolve("ckpt"), Fixtures.qwen3(50), 3);
    Fixtures.tokenizerJson(ckpt);
    withCache = OnnxExporter.export(ckpt, tmp.resolve("cache")).model();
    plain = OnnxExporter.export(ckpt, tmp.resolve("plain"), false).model();
  }

  @Nested
  class WithCache extends PolicyBackendContract {
    @Override
    protected PolicyBackend createBackend() {
      return OnnxPolicy.builder().model(withCache).intraOpThreads(1).build();
    }
  }

  @Nested
  class WithoutCacheAndWordLevelTokenizer extends PolicyBackendContract {
    @Override
    protected PolicyBackend createBackend() {
      return OnnxPolicy.builder().model(plain).tokenizer(WordTokenizer.of(Fixtures.vocabulary()))
          .eosTokenIds(List.of()).intraOpThreads(1).build();
    }
  }
}
