package dev.spice.rewards.verify;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.spice.core.AnswerType;
import dev.spice.core.Task;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Jazzer fuzz tests of the extractor, the number parser, the expression parser and the verifier.
 * In a normal build they run only their seed corpora (regression mode, under
 * {@code src/test/resources/dev/spice/rewards/verify/ParserFuzzTestInputs/<method>/}); a fuzzing
 * run is {@code JAZZER_FUZZ=1 mvn -B -o -pl spice-rewards test -Dtest=ParserFuzzTest#<method>}
 * (see the module README). Property: nothing escapes but the parser's own {@link ExprParser.Fail}.
 */
class ParserFuzzTest {
  private static final Task MCQ =
      Task.multipleChoice("Capital?", List.of("Paris", "London", "Berlin", "Madrid"), "A");
  private static final Task FREE = Task.freeForm("What?", "1", AnswerType.EXPRESSION);

  @FuzzTest(maxDuration = "60s")
  void extractor(byte[] input) {
    String s = new String(input, StandardCharsets.UTF_8);
    AnswerExtractors.defaults().extract(s, FREE);
    AnswerExtractors.defaults().extract(s, MCQ);
    AnswerExtractors.ordered(ExtractionRule.LAST_NUMBER, ExtractionRule.CHOICE_LAST_LINE).extract(s, MCQ);
  }

  @FuzzTest(maxDuration = "60s")
  void expressionParser(byte[] input) {
    String s = new String(input, StandardCharsets.UTF_8);
    try {
      Node n = ExprParser.parse(s);
      Node.c(n);
      n.index(List.of());
    } catch (ExprParser.Fail expected) {
      // not in the subset: fine
    }
    NumberParser.parse(s);
  }

  @FuzzTest(maxDuration = "60s")
  void verifier(byte[] input) {
    String s = new String(input, StandardCharsets.UTF_8);
    int tab = s.indexOf('\t');
    String a = tab < 0 ? s : s.substring(0, tab);
    String b = tab < 0 ? s : s.substring(tab + 1);
    for (AnswerType t : AnswerType.values()) {
      boolean x = Verifiers.defaults().verify(a, b, t);
      boolean y = Verifiers.defaults().verify(b, a, t);
      if (x != y) {
        throw new AssertionError("asymmetric for " + t + ": '" + a + "' vs '" + b + "'");
      }
    }
  }
}
