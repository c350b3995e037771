package dev.spice.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.pytorch.jni.JniUtils;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Issue 14: no native or DJL noise caused by the backend, and {@code threads(n)} is what PyTorch
 * uses. The noise test runs {@link NoiseProbe} in a fresh JVM and reads its stdout and stderr
 * together: libtorch's C++ warnings go to the process's file descriptor 2, past System.err, and
 * engine start-up happens once per process.
 */
class LoggingAndThreadsTest {

  @Test
  void aTypicalCpuRunPrintsNoWarningsAndReportsTheRequestedThreads() throws Exception {
    String out = runProbe();
    assertTrue(out.contains("done"), out);
    // libtorch: NDArray.set(float[]) entered the deprecated AutoNonVariableTypeMode on every restore
    assertFalse(out.contains("AutoNonVariableTypeMode"), out);
    assertFalse(out.contains("Warning:"), out);
    // DJL's GPU probe where a CUDA runtime is installed without a usable driver (this reproduces
    // only on such machines; elsewhere the line never appears either way)
    assertFalse(out.contains("Failed to detect GPU count"), out);
    assertFalse(out.contains("WARN"), out);
    // an INFO line about TorchScript's graph executor, which this backend never runs
    assertFalse(out.contains("graph executor"), out);
    // DJL's own start-up line states the policy's count, not the machine default
    assertTrue(out.contains("Number of intra-op threads is 1"), out);
    assertTrue(out.contains("Number of inter-op threads is 1"), out);
    assertTrue(out.contains("intra one=1,1 interop=1"), out);
    assertTrue(out.contains("intra two=2,2 interop=1"), out);
  }

  @Test
  void threadsIsTheIntraOpCountAndTheLastBuiltPolicyWins() {
    try (DjlPolicy a = build(1)) {
      assertEquals(1, JniUtils.getNumThreads());
      try (DjlPolicy b = build(2)) {
        assertEquals(2, JniUtils.getNumThreads());
      }
      try (DjlPolicy c = build(1)) {
        assertEquals(1, JniUtils.getNumThreads());
      }
    }
  }

  @Test
  void automaticThreadsFollowModelSizeUnlessThePropertySaysOtherwise() {
    String key = EngineStart.INTRA_OP;
    String before = System.getProperty(key);
    try {
      System.clearProperty(key);
      assertEquals(1, EngineStart.threads(0, 4_999_999));
      assertEquals(Runtime.getRuntime().availableProcessors(), EngineStart.threads(0, 5_000_000));
      assertEquals(3, EngineStart.threads(3, 10));
      System.setProperty(key, "2");
      assertEquals(2, EngineStart.threads(0, 10));
      assertEquals(3, EngineStart.threads(3, 10));
    } finally {
      if (before == null) {
        System.clearProperty(key);
      } else {
        System.setProperty(key, before);
      }
    }
  }

  private static DjlPolicy build(int threads) {
    return DjlPolicy.builder().randomInit(Fixtures.qwen3(), 1).tokenizer(Fixtures.tokenizer()).threads(threads)
        .build();
  }

  private static String runProbe() throws IOException, InterruptedException {
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    ProcessBuilder pb = new ProcessBuilder(List.of(java.toString(), "-Dai.djl.offline=true", "-Xss4m", "-cp", cp,
        NoiseProbe.class.getName()));
    pb.redirectErrorStream(true);
    // as a user's shell would have it: JVM option variables make every JVM print "Picked up ..."
    pb.environment().remove("JAVA_TOOL_OPTIONS");
    pb.environment().remove("_JAVA_OPTIONS");
    pb.environment().remove("JDK_JAVA_OPTIONS");
    Process p = pb.start();
    p.getOutputStream().close();
    byte[] bytes = p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "probe did not finish");
    String out = new String(bytes, StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), out);
    return out;
  }
}
