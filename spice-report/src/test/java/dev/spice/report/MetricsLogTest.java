package dev.spice.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetricsLogTest {
  @TempDir Path dir;

  private Path file(String text) throws IOException {
    return Files.writeString(dir.resolve("metrics.jsonl"), text);
  }

  @Test
  void aResumedIterationKeepsTheLaterLineAndNullIsNaN() throws IOException {
    MetricsLog m = MetricsLog.read(file("{\"iteration\": 0, \"metrics\": {\"loss\": 1.0}}\n"
        + "{\"iteration\": 1, \"metrics\": {\"loss\": 2.0}}\n\n"
        + "{\"iteration\": 1, \"metrics\": {\"loss\": 3.0, \"kl\": null}}\n"
        + "{\"iteration\": 5, \"metrics\": {\"challenger/invalid/format\": 0.5}}\n"));
    assertEquals(3, m.size());
    assertFalse(m.isEmpty());
    assertArrayEquals(new long[] {0, 1, 5}, m.iterations());
    assertEquals(3.0, m.byIteration().get(1L).get("loss"));
    assertTrue(Double.isNaN(m.byIteration().get(1L).get("kl")));
    assertEquals(List.of("challenger/invalid/format", "kl", "loss"), m.names());
    assertArrayEquals(new double[] {1.0, 3.0, Double.NaN}, m.series("loss"));
    assertTrue(m.has("loss"));
    assertFalse(m.has("kl"), "only NaN");
    assertFalse(m.has("absent"));
    assertEquals(List.of("challenger/invalid/format"), m.namesStartingWith("challenger/invalid/"));
    assertEquals(dir.resolve("metrics.jsonl"), m.file());
    assertThrows(UnsupportedOperationException.class, () -> m.byIteration().clear());
  }

  @Test
  void anEmptyFileIsAnEmptyLog() throws IOException {
    MetricsLog m = MetricsLog.read(file("\n \n"));
    assertTrue(m.isEmpty());
    assertEquals(0, m.series("loss").length);
  }

  @Test
  void wrongShapesNameFileLineAndField() throws IOException {
    String[][] cases = {
        {"[1, 2]", "line 1: expected an object {\"iteration\": n, \"metrics\": {...}}, got an array"},
        {"{\"metrics\": {}}", "line 1: field iteration must be an integer, got nothing"},
        {"{\"iteration\": 1.5, \"metrics\": {}}", "line 1: field iteration must be an integer, got a number 1.5"},
        {"{\"iteration\": 0, \"metrics\": [1]}", "line 1: field metrics must be an object of numbers, got an array"},
        {"{\"iteration\": 0, \"metrics\": {\"x\": true}}", "line 1: field metrics.x must be a number or null, got a boolean true"},
        {"\n{\"iteration\": 0,", "line 2: malformed JSON"},
    };
    for (String[] c : cases) {
      Path f = file(c[0]);
      ReportException e = assertThrows(ReportException.class, () -> MetricsLog.read(f), c[0]);
      assertTrue(e.getMessage().startsWith(f + " " + c[1]), e.getMessage());
    }
    ReportException e = assertThrows(ReportException.class, () -> MetricsLog.read(dir.resolve("none.jsonl")));
    assertTrue(e.getMessage().startsWith("cannot read " + dir.resolve("none.jsonl")), e.getMessage());
  }
}
