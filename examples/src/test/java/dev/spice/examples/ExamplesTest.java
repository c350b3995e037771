package dev.spice.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the examples users copy, and checks what they print. */
class ExamplesTest {
  @TempDir Path dir;

  private static String captured(ThrowingRunnable r) throws Exception {
    PrintStream old = System.out;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    try {
      r.run();
    } finally {
      System.setOut(old);
    }
    String s = bytes.toString(StandardCharsets.UTF_8);
    old.print(s);
    return s;
  }

  interface ThrowingRunnable {
    void run() throws Exception;
  }

  @Test
  void customCorpusOnItsTinyCorpus() throws Exception {
    String s = captured(() -> CustomCorpusExample.main(new String[0]));
    assertTrue(s.contains("3 documents, 4 segments per epoch"), s);
    assertTrue(s.contains("same draws after restore: true"), s);
  }

  @Test
  void customCorpusOnJsonl() throws Exception {
    Path f = dir.resolve("docs.jsonl");
    Files.writeString(f, "{\"text\": \"first document\"}\n{\"text\": \"second document\"}\n");
    String s = captured(() -> CustomCorpusExample.main(new String[] {f.toString()}));
    assertTrue(s.contains("2 documents, 2 segments per epoch"), s);
  }

  @Test
  void customRewardScoresAndBuildsRecipe() throws Exception {
    String s = captured(() -> CustomRewardExample.main(new String[0]));
    String[] lines = s.split("\n");
    // answer 0 correct and short: reward 1; answer 1 correct but long: penalised; 2 wrong; 3 no answer
    assertTrue(lines[1].trim().endsWith("1.000"), lines[1]);
    double r1 = Double.parseDouble(lines[2].trim().split("\\s+")[4]);
    assertTrue(r1 > 0.7 && r1 < 1.0, lines[2]);
    assertTrue(lines[3].trim().endsWith("0.000") && lines[4].trim().endsWith("0.000"));
    assertTrue(s.contains("recipe spice-length-penalty: G 8/8, Challenger reward variance, Reasoner reward "
        + "correct_minus_length"), s);
  }

  @Test
  void huggingFaceExampleWithoutArgumentExitsCleanly() throws Exception {
    String s = captured(() -> assertEquals(0, HuggingFaceGpuExample.run(new String[0])));
    assertTrue(s.contains("No checkpoint given"), s);
  }

  @Test
  void onnxRolloutsMatchTheDjlPolicy() throws Exception {
    String s = captured(() -> OnnxRolloutsExample.main(new String[] {dir.toString()}));
    assertTrue(Files.isRegularFile(dir.resolve("onnx").resolve("model.onnx")));
    assertTrue(Files.isRegularFile(dir.resolve("hf-checkpoint").resolve("config.json")));
    String diffLine = s.lines().filter(l -> l.startsWith("ONNX rollouts:")).findFirst().orElseThrow();
    double diff = Double.parseDouble(diffLine.substring(diffLine.lastIndexOf(' ') + 1));
    assertTrue(diff < 1e-3, "DJL and ONNX log-probs agree: " + diffLine);
  }

  @Test
  void challengerRewardAblationTrainsEveryRewardOnValidTasks() {
    dev.spice.examples.quickstart.QuickstartSettings tiny = dev.spice.examples.quickstart.QuickstartSettings.builder()
        .countries(6).fields(java.util.List.of("capital", "currency", "language", "independence_year"))
        .documentsPerCountry(2).minLines(2).maxLines(4).pointers(6)
        .iterations(10).batchSize(4).groupSize(4).hiddenSize(16).heads(2)
        .probeFree(10).probeMcq(10).probeEvery(5).checkpointEvery(5).coevolutionAttempts(2)
        .learningRate(1e-3).seed(3).build();
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    var rows = ChallengerRewardAblation.run(tiny, ChallengerRewardAblation.rewards(), quiet);
    assertEquals(4, rows.size());
    for (var r : rows) {
      // one action token per task: most tasks are valid from the start (0 if sampling allowed two tokens)
      assertTrue(r.validRate() > 0.5, r.reward() + " valid rate " + r.validRate());
      assertTrue(Double.isFinite(r.challengerReward()) && Double.isFinite(r.taskPassRate()), r.toString());
      assertTrue(r.probeEnd() >= 0 && r.probeEnd() <= 1, r.toString());
    }
    assertTrue(ChallengerRewardAblation.table(rows, tiny).contains("absolute-zero"));
  }
}
