package dev.spice.core.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.Document;
import dev.spice.core.Role;
import dev.spice.core.SpiceException;
import dev.spice.core.internal.json.Json;
import dev.spice.core.testing.ListCorpus;
import dev.spice.core.testing.ScriptedPolicy;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The completion log: its lines, every-k, the size bound, restore truncation and I/O failures. */
class CompletionLogListenerTest {
  private static final String TASK =
      "{\"type\":\"free_form\",\"question\":\"Q %s\",\"answer\":\"7\",\"answer_type\":\"Integer\"}";
  private static final String LOGGER = CompletionLogListener.class.getName();

  /**
   * Two documents, G_C = 2 attempts each (doc0: rows 0, 1; doc1: rows 2, 3): even rows are valid
   * tasks with gold 7, odd rows are not JSON (invalid, code {@code format}). Both attempts are kept,
   * the valid one trains the Reasoner, whose 4 answers are right for {@code row % 4 == 0} only.
   * So an iteration logs 2 x (2 Challenger + 4 Reasoner) = 12 lines.
   */
  private static SelfPlay engine(SelfPlayListener listener) {
    ScriptedPolicy policy = new ScriptedPolicy((p, row, seed, pol) -> {
      if (p.role() == Role.CHALLENGER) {
        return row % 2 == 0 ? String.format(TASK, row) : "no task here";
      }
      return "\\boxed{" + (row % 4 == 0 ? 7 : 1) + "}";
    });
    List<Document> docs = List.of(Document.of("d0", "doc0", "s"), Document.of("d1", "doc1", "s"));
    return SelfPlay.builder().policy(policy).corpus(new ListCorpus("s", docs, 3)).recipe(TestRecipes.recipe(2, 4))
        .batchSize(2).maxChallengerAttempts(2).seed(7).listener(listener).build();
  }

  private static List<Map<String, Object>> read(Path file) throws IOException {
    List<Map<String, Object>> out = new ArrayList<>();
    for (String l : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      out.add(Json.parseObject(l));
    }
    return out;
  }

  private static List<Long> iterations(Path file) throws IOException {
    return read(file).stream().map(m -> (Long) m.get("iteration")).distinct().toList();
  }

  private static double num(Object o) {
    return ((Number) o).doubleValue();
  }

  @Test
  void oneWellFormedLinePerKeptAttemptAndPerTrainedAnswer(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("logs/completions.jsonl");
    List<IterationResult> run;
    try (CompletionLogListener log = CompletionLogListener.builder(file).every(1).build()) {
      run = Runs.steps(engine(log), 2);
    }
    List<Map<String, Object>> lines = read(file);
    assertEquals(24, lines.size(), "12 lines in each of 2 iterations");
    int i = 0;
    for (IterationResult r : run) {
      for (DocumentRollout d : r.documents()) {
        assertEquals(2, d.kept().size());
        double[] cr = d.challengerRewards();
        double[] ca = d.challengerAdvantages();
        for (int k = 0; k < 2; k++) {
          Map<String, Object> l = lines.get(i++);
          assertEquals(List.of("iteration", "role", "document", "prompt", "completion", "valid", "invalid_code",
              "invalid_detail", "task", "pass_rate", "reward", "advantage"), List.copyOf(l.keySet()));
          assertEquals(r.iteration(), l.get("iteration"));
          assertEquals("challenger", l.get("role"));
          assertEquals(d.document().id(), l.get("document"));
          assertEquals(d.kept().get(k).attempt().prompt().text(), l.get("prompt"));
          assertEquals(d.kept().get(k).attempt().completion().text(), l.get("completion"));
          assertEquals(cr[k], num(l.get("reward")), 0);
          assertEquals(ca[k], num(l.get("advantage")), 0);
          if (Boolean.TRUE.equals(l.get("valid"))) {
            assertNull(l.get("invalid_code"));
            assertNull(l.get("invalid_detail"));
            @SuppressWarnings("unchecked")
            Map<String, Object> task = (Map<String, Object>) l.get("task");
            assertEquals(Map.of("question", task.get("question"), "format", "FREE_FORM", "options", List.of(),
                "gold", "7"), task);
            assertTrue(((String) task.get("question")).startsWith("Q "));
            assertEquals(0.25, num(l.get("pass_rate")), 0, "1 of 4 answers right");
          } else {
            assertEquals("format", l.get("invalid_code"));
            assertFalse(((String) l.get("invalid_detail")).startsWith("format"), "the code is not repeated");
            assertEquals("format: " + l.get("invalid_detail"), d.kept().get(k).attempt().invalidReason());
            assertNull(l.get("task"));
            assertNull(l.get("pass_rate"));
            assertEquals(-0.1, num(l.get("reward")), 0, "the test recipe's invalid penalty");
          }
        }
        double[] rr = d.reasonerRewards();
        double[] ra = d.reasonerAdvantages();
        double[] correct = d.kept().get(d.reasonerTask()).reasonerCorrect();
        for (int a = 0; a < 4; a++) {
          Map<String, Object> l = lines.get(i++);
          assertEquals(List.of("iteration", "role", "document", "question", "gold", "completion", "answer", "correct",
              "reward", "advantage"), List.copyOf(l.keySet()));
          assertEquals("reasoner", l.get("role"));
          assertEquals(d.kept().get(d.reasonerTask()).attempt().task().question(), l.get("question"));
          assertEquals("7", l.get("gold"));
          assertEquals(d.reasonerAnswers().get(a).completion().text(), l.get("completion"));
          assertEquals(d.reasonerAnswers().get(a).answer(), l.get("answer"));
          assertEquals(correct[a], num(l.get("correct")), 0);
          assertEquals(rr[a], num(l.get("reward")), 0);
          assertEquals(ra[a], num(l.get("advantage")), 0);
        }
        assertArrayEquals(new double[] {1, 0, 0, 0}, correct);
      }
    }
  }

  @Test
  void logsEveryKthIterationFromTheFirst(@TempDir Path dir) throws IOException {
    try (CompletionLogListener log = SelfPlayListeners.completions(dir.resolve("default.jsonl"))) {
      assertEquals(10, log.every());
      assertEquals(50L * 1024 * 1024, log.maxBytes());
      engine(log).run(12);
    }
    assertEquals(List.of(0L, 10L), iterations(dir.resolve("default.jsonl")));
    try (CompletionLogListener log = CompletionLogListener.builder(dir.resolve("three.jsonl")).every(3).build()) {
      engine(log).run(7);
    }
    assertEquals(List.of(0L, 3L, 6L), iterations(dir.resolve("three.jsonl")));
    assertEquals(36, read(dir.resolve("three.jsonl")).size());
  }

  @Test
  void settingsOutOfRangeAreRefusedAtBuild(@TempDir Path dir) {
    assertThrows(SpiceException.ConfigurationException.class,
        () -> CompletionLogListener.builder(dir.resolve("x")).every(0).build());
    assertThrows(SpiceException.ConfigurationException.class,
        () -> CompletionLogListener.builder(dir.resolve("x")).maxBytes(0).build());
  }

  @Test
  void stopsBeforePassingMaxBytesWithOneWarning(@TempDir Path dir) throws IOException {
    Path full = dir.resolve("full.jsonl");
    try (CompletionLogListener log = CompletionLogListener.builder(full).every(1).build()) {
      engine(log).run(3);
    }
    List<String> all = Files.readAllLines(full, StandardCharsets.UTF_8);
    long first = all.subList(0, 12).stream().mapToLong(l -> l.getBytes(StandardCharsets.UTF_8).length + 1).sum();
    Path bounded = dir.resolve("bounded.jsonl");
    String err = captureErr(() -> {
      try (CompletionLogListener log = CompletionLogListener.builder(bounded).every(1).maxBytes(first + 10).build()) {
        assertEquals(3, engine(log).run(3).iterations());
      }
    });
    assertEquals(all.subList(0, 12), Files.readAllLines(bounded, StandardCharsets.UTF_8), "iteration 0 whole, no more");
    assertEquals(1, warnings(err), err);
    assertTrue(err.contains("would pass its bound of " + (first + 10) + " bytes with iteration 1"), err);

    Path tiny = dir.resolve("tiny.jsonl");
    err = captureErr(() -> {
      try (CompletionLogListener log = CompletionLogListener.builder(tiny).every(1).maxBytes(10).build()) {
        engine(log).run(2);
      }
    });
    assertEquals(0, Files.size(tiny), "not even one line fits");
    assertEquals(1, warnings(err), err);
  }

  @Test
  void aRestoreDropsTheIterationsFromItsPointAndTornLines(@TempDir Path dir) throws IOException {
    Path straight = dir.resolve("straight.jsonl");
    try (CompletionLogListener log = CompletionLogListener.builder(straight).every(1).build()) {
      engine(log).run(5);
    }
    Path file = dir.resolve("resumed.jsonl");
    Path ck;
    try (CompletionLogListener log = CompletionLogListener.builder(file).every(1).build()) {
      SelfPlay first = engine(log);
      first.run(2);
      ck = first.saveCheckpoint(dir.resolve("run"));
      first.run(2);
    }
    Files.writeString(file, "{\"iteration\":4,\"role\":\"chall", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    assertEquals(4 * 12 + 1, Files.readAllLines(file).size());
    String err = captureErr(() -> {
      try (CompletionLogListener log = CompletionLogListener.builder(file).every(1).build()) {
        SelfPlay second = engine(log);
        second.restore(ck);
        assertEquals(List.of(0L, 1L), assertDoesNotThrowIo(() -> iterations(file)), "iterations 2 and 3 dropped");
        second.run(3);
      }
    });
    assertEquals(List.of(0L, 1L, 2L, 3L, 4L), iterations(file), "each iteration once");
    assertEquals(Files.readAllLines(straight), Files.readAllLines(file), "as if the run had not stopped");
    assertEquals(1, warnings(err), "the torn line is reported: " + err);
    assertTrue(err.contains("dropped 1 lines that do not parse"), err);
  }

  @Test
  void anIoErrorIsOneWarningAndNeverBreaksTheRun(@TempDir Path dir) throws IOException {
    // A path under a regular file cannot be created, even by root (who ignores read-only modes).
    Path blocker = Files.writeString(dir.resolve("blocker"), "a file, not a folder");
    Path file = blocker.resolve("completions.jsonl");
    List<IterationResult> run = new ArrayList<>();
    String err = captureErr(() -> {
      try (CompletionLogListener log = CompletionLogListener.builder(file).every(1).build()) {
        SelfPlay e = engine(log);
        run.addAll(Runs.steps(e, 3));
        e.restore(e.saveCheckpoint(dir.resolve("run")));
        run.addAll(Runs.steps(e, 1));
      }
    });
    assertEquals(4, run.size(), "every iteration completed");
    assertEquals(1, warnings(err), "one WARN, then the log is given up: " + err);
    assertTrue(err.contains("cannot write completion log " + file), err);
    assertFalse(err.contains("threw; ignored"), "the listener itself did not throw: " + err);
    assertFalse(Files.exists(file));
  }

  private interface IoSupplier<T> {
    T get() throws IOException;
  }

  private static <T> T assertDoesNotThrowIo(IoSupplier<T> s) {
    try {
      return s.get();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  /** WARN lines of this listener's logger (slf4j-simple writes "<level> <logger> - <message>"). */
  private static long warnings(String err) {
    return err.lines().filter(l -> l.contains("WARN") && l.contains(LOGGER)).count();
  }

  private static String captureErr(Runnable r) {
    PrintStream before = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      r.run();
    } finally {
      System.setErr(before);
    }
    return captured.toString(StandardCharsets.UTF_8);
  }
}
