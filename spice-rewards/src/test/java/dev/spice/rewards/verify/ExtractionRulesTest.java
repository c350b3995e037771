package dev.spice.rewards.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.spice.core.AnswerExtractor;
import dev.spice.core.AnswerType;
import dev.spice.core.Task;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Extraction rules one at a time ({@link AnswerExtractors#ordered}), for what the extraction table
 * cannot isolate: LAST_NUMBER, the fall-back to an earlier closed box, the {@code (B)} and
 * {@code B)} scans of the last line, cleaning, and the rest-of-line rule of ANSWER_LINE.
 * Texts use {@code |} for a newline.
 */
class ExtractionRulesTest {
  private static final Task FREE = Task.freeForm("What?", "1", AnswerType.INTEGER);
  private static final Task MCQ = Task.multipleChoice("Capital of France?", List.of("Paris", "London", "Berlin", "Madrid"), "A");

  private static Optional<String> expected(String e) {
    return e == null || e.equals("<NONE>") ? Optional.empty() : Optional.of(e);
  }

  private static String text(String t) {
    return t == null ? "" : t.replace("|", "\n");
  }

  // ------------------------------------------------------------------ LAST_NUMBER

  @ParameterizedTest(name = "LAST_NUMBER {0} -> {1}")
  @CsvSource(delimiterString = "=>", value = {
    "The total is 42 apples. =>     42",
    "7 apples =>                    7",
    "born in 1990 =>                1990",
    "105 items =>                   105",
    "total 29 =>                    29",
    "x=42 =>                        42",
    "x=-42 =>                       -42",
    "5 - 3 =>                       3",
    "1,234,567 people =>            1,234,567",
    "1,000 =>                       1,000",
    "a,5 =>                         5",
    "first 2, then 3 =>             3",
    "ratio 3/4 =>                   3/4",
    "pi is about 3.14 =>            3.14",
    "The value is 12. =>            12",
    "no digits here =>              <NONE>",
  })
  void lastNumber(String text, String expected) {
    assertEquals(expected(expected), AnswerExtractors.ordered(ExtractionRule.LAST_NUMBER).extract(text(text), FREE));
  }

  @Test
  void lastNumberIsOffByDefaultAndLastInAnOrder() {
    assertEquals(Optional.empty(), AnswerExtractors.defaults().extract("The total is 42 apples.", FREE));
    AnswerExtractor e = AnswerExtractors.ordered(ExtractionRule.BOXED, ExtractionRule.LAST_NUMBER);
    assertEquals(Optional.of("8"), e.extract("\\boxed{8} out of 10", FREE));
    assertEquals(Optional.of("10"), e.extract("8 out of 10", FREE));
  }

  // ------------------------------------------------------------------ BOXED

  @ParameterizedTest(name = "BOXED {0} -> {1}")
  @CsvSource(delimiterString = "=>", value = {
    // the last box does not close: the earlier closed one
    "\\boxed{5} then \\boxed{oops =>           5",
    "\\fbox{5} then \\fbox{oops =>             5",
    "\\boxed{5} then \\fbox{oops =>            5",
    "'\\boxed{3} and finally \\boxed ' =>      3",
    "\\boxed{3} and finally \\boxed =>         3",
    "\\boxed{3} and \\boxed $x$ =>             3",
    // "\boxed 5": up to the next space or '$'
    "The result is \\boxed 5 =>                5",
    "The result is $\\boxed 12$ =>             12",
    "\\boxed{oops =>                           <NONE>",
    "\\fbox =>                                 <NONE>",
  })
  void boxed(String text, String expected) {
    assertEquals(expected(expected), AnswerExtractors.boxedOnly().extract(text(text), FREE));
  }

  @Test
  void atMostEightUnclosedBoxesAreSkipped() {
    AnswerExtractor e = AnswerExtractors.boxedOnly();
    assertEquals(Optional.of("5"), e.extract("\\boxed{5}" + " \\boxed{".repeat(8), FREE));
    assertEquals(Optional.of("5"), e.extract("\\boxed{5}" + " \\fbox{".repeat(8), FREE));
    assertEquals(Optional.empty(), e.extract("\\boxed{5}" + " \\boxed{".repeat(9), FREE));
  }

  // ------------------------------------------------------------------ ANSWER_LINE and ANSWER_IS

  @ParameterizedTest(name = "ANSWER_LINE {0} -> {1}")
  @CsvSource(delimiterString = "=>", value = {
    "Final Answer: The final answer is $8$. I hope it is correct. =>   8",
    "Answer: the answer is 12. Done =>                               12",
    "Answer: \\boxed{5} (checked) =>                                 5",
    "Answer:\\boxed{5} (checked) =>                                  5",
    // no box closes: the rest of the line
    "Answer: \\boxed{5 =>                                            \\boxed{5",
    "Answer: 3.14. =>                                                3.14",
    "Answer: 12. =>                                                  12",
    "**Answer: 42** =>                                               42",
    "Answer: \\[ x^2 \\] =>                                          x^2",
    "Answer: \\( x + 1 \\) =>                                        x + 1",
    "Answer: $$ =>                                                   <NONE>",
    "Answer: \\(\\) =>                                               <NONE>",
    "Answer: ** =>                                                   <NONE>",
    // word-level tokenizers: spaces before the colon; "answer" a whole word; the last one wins
    "answer : paris =>                                               paris",
    "question : capital ? ANSWER\t: paris =>                         paris",
    "answer: rome|answer : paris =>                                  paris",
    "answer : paris|reanswer: rome =>                                paris",
    "reanswer: rome =>                                               <NONE>",
    "answers: rome =>                                                <NONE>",
    "answer 42 =>                                                    <NONE>",
  })
  void answerLine(String text, String expected) {
    assertEquals(expected(expected), AnswerExtractors.ordered(ExtractionRule.ANSWER_LINE).extract(text(text), FREE));
  }

  @Test
  void spacedAnswerLineOfWordLevelModelsByDefault() {
    Task free = Task.freeForm("capital of france ?", "paris", AnswerType.STRING);
    Task mcq = Task.multipleChoice("capital of france ?", List.of("rome", "paris", "lima", "oslo"), "B");
    assertEquals(Optional.of("paris"), AnswerExtractors.defaults().extract("answer : paris", free));
    assertEquals(Optional.of("B"), AnswerExtractors.defaults().extract("answer : paris", mcq));
    assertEquals(Optional.of("C"), AnswerExtractors.defaults().extract("answer : c", mcq));
  }

  @Test
  void manyColonsAfterSpacesStayLinear() {
    String colons = " :".repeat(100_000);
    assertEquals(Optional.empty(), AnswerExtractors.ordered(ExtractionRule.ANSWER_LINE).extract(colons, FREE));
  }

  @Test
  void answerLineWithManyUnclosedBoxesIsTheRestOfTheLine() {
    String boxes = "\\boxed{".repeat(10);
    assertEquals(Optional.of(boxes), AnswerExtractors.ordered(ExtractionRule.ANSWER_LINE).extract("Answer: " + boxes, FREE));
  }

  @ParameterizedTest(name = "default order {0} -> {1}")
  @CsvSource(delimiterString = "=>", value = {
    "**Final Answer:**|The answer is 5. =>                   5",
    "answer is 7 =>                                            7",
    "The answer is **$5$**. =>                                 5",
    "The answer is $\\text{approx. } 3$. Next sentence. =>     \\text{approx. } 3",
    "The answer is 2.5. I hope it is correct. =>              2.5",
    "The answer is. I hope it is correct. =>                   <NONE>",
  })
  void defaultOrderFreeForm(String text, String expected) {
    assertEquals(expected(expected), AnswerExtractors.defaults().extract(text(text), FREE));
  }

  // ------------------------------------------------------------------ multiple choice

  @ParameterizedTest(name = "MCQ {0} -> {1}")
  @CsvSource(delimiterString = "=>", value = {
    // the last non-empty line
    "Reasoning...|(C)|| =>                                   C",
    "Reasoning...|  |D|  | =>                                D",
    "(B) looks good|But no letter here =>                    <NONE>",
    // the last "(B)" on the line comes first, then a "B)" standing alone
    "Reasoning...|I pick (B); option D) is too small. =>     B",
    "Reasoning...|I pick (A); option D) is too small. =>     A",
    "Reasoning...|So (A) or (C), I think (C). =>             C",
    "Reasoning...|I pick (K). =>                             <NONE>",
    "Reasoning...|C), since Berlin is in Germany =>          C",
    "Reasoning...|A), since Paris is the capital =>          A",
    "Reasoning...|It is not B), it is D), surely =>          D",
    "Reasoning...|I am not sure (see Fig. 2B) =>             <NONE>",
    "Reasoning...|K), surely =>                              <NONE>",
    // "B because ...": the first word, without trailing punctuation
    "The answer is B, since London is big. =>                B",
    "The answer is C; Berlin. =>                             C",
  })
  void multipleChoice(String text, String expected) {
    assertEquals(expected(expected), AnswerExtractors.defaults().extract(text(text), MCQ));
  }

  // ------------------------------------------------------------------ input limit

  @Test
  void onlyTheTailOfALongTextIsSearched() {
    String filler = "x".repeat(AnswerExtractors.MAX_INPUT_CHARS);
    assertEquals(Optional.empty(), AnswerExtractors.defaults().extract("\\boxed{1} " + filler, FREE));
    assertEquals(Optional.of("2"), AnswerExtractors.defaults().extract(filler + "\\boxed{2}", FREE));
    String exact = "\\boxed{3}" + "y".repeat(AnswerExtractors.MAX_INPUT_CHARS - 9);
    assertEquals(Optional.of("3"), AnswerExtractors.defaults().extract(exact, FREE), "exactly at the limit");
  }
}
