package dev.spice.djl;

import ai.djl.pytorch.jni.JniUtils;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Run in a fresh JVM by {@link LoggingAndThreadsTest}: everything a typical CPU run does with the
 * backend (a policy with {@code threads(1)}, a checkpoint saved and restored, a Hugging Face
 * directory written and its tokenizer loaded first, a second policy with {@code threads(2)}), with
 * "intra=" lines that report PyTorch's thread counts after each build, from the building thread and
 * from a new one.
 */
final class NoiseProbe {
  private NoiseProbe() {}

  public static void main(String[] args) throws Exception {
    Path dir = Files.createTempDirectory("noise-probe");
    try (DjlPolicy p = DjlPolicy.builder().randomInit(Fixtures.qwen3(), 1).tokenizer(Fixtures.tokenizer())
        .threads(1).build()) {
      report("one");
      p.saveCheckpoint(dir.resolve("ck"));
      p.loadCheckpoint(dir.resolve("ck"));
      p.savePretrained(dir.resolve("hf"));
    }
    try (HfTokenizer tok = HfTokenizer.load(dir.resolve("hf"));
        DjlPolicy q = DjlPolicy.builder().pretrained(dir.resolve("hf")).tokenizer(tok).threads(2).build()) {
      report("two");
      q.loadCheckpoint(dir.resolve("ck"));
    }
    System.out.println("done");
  }

  private static void report(String label) throws InterruptedException {
    AtomicInteger other = new AtomicInteger();
    Thread t = new Thread(() -> other.set(JniUtils.getNumThreads()));
    t.start();
    t.join();
    System.out.println("intra " + label + "=" + JniUtils.getNumThreads() + "," + other.get() + " interop="
        + JniUtils.getNumInteropThreads());
  }
}
