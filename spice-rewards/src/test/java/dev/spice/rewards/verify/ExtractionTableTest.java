package dev.spice.rewards.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.spice.core.AnswerType;
import dev.spice.core.Task;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The extraction table: {@code extraction-cases.tsv}. */
class ExtractionTableTest {
  static final Task FREE = Task.freeForm("What?", "1", AnswerType.INTEGER);
  static final Task MCQ = Task.multipleChoice("Capital of France?", List.of("Paris", "London", "Berlin", "Madrid"), "A");

  static List<Arguments> cases() throws IOException {
    List<Arguments> out = new ArrayList<>();
    try (InputStream in = Objects.requireNonNull(
            ExtractionTableTest.class.getResourceAsStream("extraction-cases.tsv"), "extraction-cases.tsv");
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      int no = 0;
      while ((line = r.readLine()) != null) {
        no++;
        if (line.startsWith("#") || line.isEmpty()) {
          continue;
        }
        String[] f = line.split("\t", -1);
        if (f.length != 3) {
          throw new IllegalStateException("extraction-cases.tsv line " + no + ": expected 3 fields, got " + f.length);
        }
        out.add(Arguments.of(no, f[0], f[1].replace("<NL>", "\n"), f[2]));
      }
    }
    return out;
  }

  @ParameterizedTest(name = "line {0}: {1} {2}")
  @MethodSource("cases")
  void extractsAsTheTableSays(int line, String format, String text, String expected) {
    Task task = format.equals("mcq") ? MCQ : FREE;
    Optional<String> got = AnswerExtractors.defaults().extract(text, task);
    assertEquals(expected.equals("<NONE>") ? Optional.empty() : Optional.of(expected), got, "line " + line);
  }
}
