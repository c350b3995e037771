package dev.spice.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.onnx.OnnxExporter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher built by {@code mvn package}: {@code java -jar target/spice.jar} in a subprocess,
 * with no class path but the jar's manifest. Run by maven-failsafe in {@code mvn verify}, after the
 * jar and {@code target/lib/} are made; the jar's path comes from the build ({@code spice.jar}), and
 * a missing jar fails the test.
 */
class SpiceJarIT {
  @TempDir static Path dir;
  static Path jar;
  static Path model;

  @BeforeAll
  static void jarAndTinyModel() {
    String p = System.getProperty("spice.jar");
    assertTrue(p != null && !p.isBlank(), "the build passes the launcher's path as system property spice.jar");
    jar = Path.of(p);
    assertTrue(Files.isRegularFile(jar), "no launcher at " + jar + " (mvn package makes it)");
    model = SpiceSubcommandsTest.tinyModel(dir.resolve("model"));
  }

  record Result(int code, String out) {}

  /** {@code java -jar spice.jar args}, stdout and stderr together; at most two minutes. */
  static Result launch(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Dai.djl.offline=true", "-jar", jar.toString()));
    cmd.addAll(List.of(args));
    Process proc = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    proc.getOutputStream().close();
    byte[] out = proc.getInputStream().readAllBytes();
    assertTrue(proc.waitFor(2, TimeUnit.MINUTES), "java -jar " + String.join(" ", args) + " did not end");
    return new Result(proc.exitValue(), new String(out, StandardCharsets.UTF_8));
  }

  @Test
  void theManifestNamesTheMainClassAndTheLibFolder() throws IOException {
    try (JarFile j = new JarFile(jar.toFile())) {
      var attrs = j.getManifest().getMainAttributes();
      assertEquals(SpiceCli.class.getName(), attrs.getValue("Main-Class"));
      String cp = attrs.getValue("Class-Path");
      for (String entry : cp.trim().split("\\s+")) {
        assertTrue(entry.startsWith("lib/"), entry);
        assertTrue(Files.isRegularFile(jar.resolveSibling(entry)), "the manifest's " + entry + " is not in target/lib/");
      }
      assertTrue(cp.contains("lib/picocli-") && cp.contains("lib/spice-core-") && cp.contains("lib/onnxruntime-")
          && cp.contains("lib/pytorch-native-cpu-"), cp);
    }
  }

  @Test
  void helpListsTheSubcommands() throws Exception {
    Result r = launch("--help");
    assertEquals(0, r.code(), r.out());
    for (String c : List.of("quickstart", "train", "eval", "export-onnx")) {
      assertTrue(r.out().contains("  " + c + " "), c + " in:\n" + r.out());
    }
    Result bad = launch("train", "--iterations", "0", "--print-config");
    assertEquals(2, bad.code(), bad.out());
  }

  @Test
  void exportsAndScoresThroughBothBackends() throws Exception {
    Path onnx = dir.resolve("onnx");
    Result x = launch("export-onnx", "--model", model.toString(), "--out", onnx.toString());
    assertEquals(0, x.code(), x.out());
    assertTrue(Files.isRegularFile(onnx.resolve(OnnxExporter.MODEL_FILE)), x.out());
    Path bench = Files.writeString(dir.resolve("bench.jsonl"),
        "{\"question\": \"what is the capital of france\", \"answer\": \"paris\"}\n");
    for (String backend : List.of("--model", "--onnx")) {
      Result e = launch("eval", backend, (backend.equals("--model") ? model : onnx).toString(), "--benchmark",
          bench.toString(), "--template", "raw", "--samples", "0", "--max-new-tokens", "2");
      assertEquals(0, e.code(), backend + ": " + e.out());
      assertTrue(e.out().contains("| **overall** | 1 |"), e.out());
    }
  }
}
