package dev.spice.rewards.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.AnswerType;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The verification table: {@code verification-cases.tsv}, one pair per line. */
class VerificationTableTest {
  private static final AnswerVerifier V = Verifiers.defaults();

  static List<Arguments> cases() throws IOException {
    List<Arguments> out = new ArrayList<>();
    try (InputStream in = Objects.requireNonNull(
            VerificationTableTest.class.getResourceAsStream("verification-cases.tsv"), "verification-cases.tsv");
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      int no = 0;
      while ((line = r.readLine()) != null) {
        no++;
        if (line.startsWith("#") || line.isEmpty()) {
          continue;
        }
        String[] f = line.split("\t", -1);
        if (f.length != 4) {
          throw new IllegalStateException("verification-cases.tsv line " + no + ": expected 4 fields, got " + f.length);
        }
        out.add(Arguments.of(no, AnswerType.valueOf(f[0]), f[1].equals("1"), f[2], f[3]));
      }
    }
    return out;
  }

  @ParameterizedTest(name = "line {0}: {1} {3} vs {4} -> {2}")
  @MethodSource("cases")
  void verifiesAsTheTableSays(int line, AnswerType type, boolean expected, String predicted, String gold) {
    assertEquals(expected, V.verify(predicted, gold, type), "line " + line);
    assertEquals(expected, V.verify(gold, predicted, type), "line " + line + " (swapped)");
  }

  @Test
  void tableHasAtLeast300CasesWithBothVerdictsPerType() throws IOException {
    List<Arguments> all = cases();
    assertTrue(all.size() >= 300, "cases: " + all.size());
    for (AnswerType t : AnswerType.values()) {
      long yes = all.stream().filter(a -> a.get()[1] == t && (boolean) a.get()[2]).count();
      long no = all.stream().filter(a -> a.get()[1] == t && !(boolean) a.get()[2]).count();
      assertTrue(yes >= 10 && no >= 10, t + ": " + yes + " equivalent, " + no + " not");
    }
  }
}
