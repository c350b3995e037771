package dev.spice.core.roles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.AnswerType;
import dev.spice.core.Document;
import dev.spice.core.SpiceException;
import dev.spice.core.Task;
import dev.spice.core.TaskCodec;
import dev.spice.core.TaskFormat;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TextTaskCodecTest {
  private static final Document DOC = Document.of("d", "The capital of France is Paris. It has 2,100,000 people.", "s");
  private static final Document NO_DOC = Document.of("none", "", "s");
  private static final Set<String> CODES = Set.of(InvalidReasons.TOO_LONG, InvalidReasons.FORMAT,
      InvalidReasons.NO_QUESTION, InvalidReasons.NO_ANSWER, InvalidReasons.OPTIONS, InvalidReasons.DUPLICATE_OPTIONS,
      InvalidReasons.ANSWER_NOT_IN_OPTIONS, InvalidReasons.ANSWER_IN_QUESTION, InvalidReasons.NOT_GROUNDED);

  private final TextTaskCodec codec = TextTaskCodec.defaults();

  private static Task valid(TaskCodec c, String text, Document d) {
    TaskCodec.Decoded dec = c.decode(text, d);
    assertNotNull(dec.task(), () -> text + " -> " + dec.invalidReason());
    return dec.task();
  }

  private static void assertSameTask(Task expected, Task actual) {
    assertEquals(expected.question(), actual.question());
    assertEquals(expected.format(), actual.format());
    assertEquals(expected.options(), actual.options());
    assertEquals(expected.goldAnswer(), actual.goldAnswer());
    assertEquals(expected.answerType(), actual.answerType());
  }

  @Test
  void nameAndShortInstructions() {
    assertEquals("text", codec.name());
    assertEquals("write a task:", codec.formatInstructions());
  }

  // ------------------------------------------------------------------ reading

  @Test
  void freeFormAnswersAreIntegerOrString() {
    Task t = valid(codec, "question: How many legs has a spider? answer: 8", DOC);
    assertEquals(TaskFormat.FREE_FORM, t.format());
    assertEquals("How many legs has a spider?", t.question());
    assertEquals("8", t.goldAnswer());
    assertEquals(AnswerType.INTEGER, t.answerType());
    assertEquals(AnswerType.INTEGER, valid(codec, "question: population ? answer: 2,100,000", DOC).answerType());
    assertEquals(AnswerType.INTEGER, valid(codec, "question: change ? answer: -12", DOC).answerType());
    assertEquals(AnswerType.INTEGER, valid(codec, "question: change ? answer: +7", DOC).answerType());
    assertEquals(AnswerType.STRING, valid(codec, "question: change ? answer: 1,23", DOC).answerType());
    assertEquals(AnswerType.STRING, valid(codec, "question: pi ? answer: 3.14", DOC).answerType());
    assertEquals(AnswerType.STRING, valid(codec, "question: how ? answer: x + 1", DOC).answerType());
    Task s = valid(codec, "question: Capital of France? answer: Paris.", DOC);
    assertEquals("Paris", s.goldAnswer(), "trailing period removed");
    assertEquals(AnswerType.STRING, s.answerType());
  }

  @Test
  void multipleChoiceAnswerIsAnOptionTextOrALetter() {
    Task byText = valid(codec, "question: Capital of France? options: Rome | Paris | Lima | Oslo answer: PARIS", DOC);
    assertEquals(TaskFormat.MULTIPLE_CHOICE, byText.format());
    assertEquals(List.of("Rome", "Paris", "Lima", "Oslo"), byText.options());
    assertEquals("B", byText.goldAnswer());
    assertEquals(AnswerType.CHOICE, byText.answerType());
    for (String letter : List.of("B", "b", "(B)", "b.")) {
      assertEquals("B", valid(codec, "question: Capital? options: Rome | Paris | Lima | Oslo answer: " + letter, DOC)
          .goldAnswer(), letter);
    }
    // an option's text comes before a letter
    assertEquals("A", valid(codec, "question: which letter ? options: b | a | c | d answer: b", NO_DOC).goldAnswer());
    assertEquals("C", valid(codec, "question: which ? options: new  york | x | new\nyork city | z answer: New York City",
        NO_DOC).goldAnswer());
  }

  @Test
  void wordLevelSpacedOutputReadsTheSame() {
    Task mcq = valid(codec, "question : a b ___ ? options : x | y | z | w answer : y", NO_DOC);
    assertEquals("a b ___ ?", mcq.question());
    assertEquals(List.of("x", "y", "z", "w"), mcq.options());
    assertEquals("B", mcq.goldAnswer());
    Task free = valid(codec, "question : france capital ___ ? answer : paris .", DOC);
    assertEquals("france capital ___ ?", free.question());
    assertEquals("paris", free.goldAnswer());
    Task lines = valid(codec, "sure .\nQUESTION\n:\nfrance\ncapital ___ ?\nOptions:rome|paris|lima|oslo\nAnswer\t:\n  paris \n",
        DOC);
    assertEquals("france capital ___ ?", lines.question());
    assertEquals("B", lines.goldAnswer());
  }

  @Test
  void theLastAnswerKeywordEndsTheQuestion() {
    Task t = valid(codec, "answer: draft question: Capital of France? answer: Paris", DOC);
    assertEquals("Capital of France?", t.question());
    assertEquals("Paris", t.goldAnswer());
    // keywords are whole words followed by a colon
    Task w = valid(codec, "question: the answer to the questionnaire options? answers: none answer: 42", NO_DOC);
    assertEquals("the answer to the questionnaire options? answers: none", w.question());
  }

  // ------------------------------------------------------------------ writing

  @Test
  void encodeWritesTheDocumentedFormsAndRoundTrips() {
    Task free = Task.freeForm("How many legs has a spider?", "8", AnswerType.INTEGER);
    assertEquals("question: How many legs has a spider? answer: 8", codec.encode(free));
    Task str = Task.freeForm("Capital of\nFrance?", "Paris", AnswerType.STRING);
    assertEquals("question: Capital of France? answer: Paris", codec.encode(str));
    Task mcq = Task.multipleChoice("Capital of France?", List.of("Rome", "Paris", "Lima", "Oslo"), "B");
    assertEquals("question: Capital of France? options: Rome | Paris | Lima | Oslo answer: Paris", codec.encode(mcq));
    for (Task t : List.of(free, Task.freeForm("Population?", "2,100,000", AnswerType.INTEGER), mcq,
        Task.freeForm("Capital of France?", "Paris", AnswerType.STRING))) {
      assertSameTask(t, valid(codec, codec.encode(t), DOC));
    }
    assertEquals("Capital of France?", valid(codec, codec.encode(str), DOC).question());
  }

  @Test
  void encodeRefusesTasksThatWouldNotReadBack() {
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> codec.encode(Task.freeForm("Derivative of x^2?", "2x", AnswerType.EXPRESSION)))
        .getMessage().contains("answer type STRING"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> codec.encode(Task.freeForm("Is Paris big?", "Paris", AnswerType.STRING)))
        .getMessage().contains("answer_in_question"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> codec.encode(Task.multipleChoice("Pick", List.of("a|b", "c", "d", "e"), "A")))
        .getMessage().contains("options: expected 4 options"));
    assertThrows(IllegalArgumentException.class,
        () -> codec.encode(Task.freeForm("word ".repeat(41), "x", AnswerType.STRING)));
  }

  // ------------------------------------------------------------------ invalid outputs

  @ParameterizedTest(name = "{0} <- {1}")
  @CsvSource(delimiterString = "<-", quoteCharacter = '`', value = {
    "format: no 'question:' keyword                   <- what is the capital? answer: paris",
    "format: no 'question:' keyword                   <- question paris answer: paris",
    "format: no 'answer:' keyword after 'question:'   <- question: what is the capital?",
    "format: no 'answer:' keyword after 'question:'   <- answer: paris question: capital?",
    "format: more than one 'question:' keyword        <- question: a? answer: x question: b? answer: y",
    "format: more than one 'question:' keyword        <- question: a? answer: x question:",
    "format: more than one 'answer:' keyword          <- question: a? answer: x answer: y",
    "format: more than one 'options:' keyword         <- question: a? options: w | x options: y | z answer: y",
    "format: 'options:' after 'answer:'               <- question: a? answer: y options: w | x | y | z",
    "no_question: the question is empty               <- question: answer: paris",
    "no_question: the question is empty               <- question:  options: a | b | c | d answer: a",
    "no_answer: the answer is empty                   <- question: capital? answer:  . ",
    "options: expected 4 options separated by '|', got 3 <- question: capital? options: a | b | c answer: a",
    "options: expected 4 options separated by '|', got 1 <- question: capital? options: a b c d answer: a",
    "options: option 2 is empty                       <- question: capital? options: a | | c | d answer: a",
    "duplicate_options: options 1 and 3 are the same ('PARIS') <- question: capital? options: paris | rome | PARIS | lima answer: rome",
    "answer_not_in_options: the answer 'e' is neither <- question: capital? options: a | b | c | d answer: e",
    "answer_in_question: the question contains its answer 'Paris' <- question: Is Paris the capital? answer: Paris",
    "answer_in_question: the question contains its answer 'paris' <- question: paris or rome ? options: rome | paris | x | y answer: b",
    "answer_in_question: the question contains its answer '42' <- question: is it 42? answer: 42",
  })
  void invalidOutputsStartWithTheirCode(String expected, String output) {
    TaskCodec.Decoded d = codec.decode(output, NO_DOC);
    assertNull(d.task(), output);
    assertTrue(d.invalidReason().startsWith(expected.strip()), d.invalidReason());
    assertTrue(CODES.contains(InvalidReasons.code(d.invalidReason())), d.invalidReason());
  }

  @Test
  void answerInQuestionIsAWholeWordMatch() {
    valid(codec, "question: which city do parisians live in? answer: paris", NO_DOC);
    valid(codec, "question: 142 minus 100? answer: 42", NO_DOC);
  }

  @Test
  void limitsOnOutputQuestionAnswerAndOptions() {
    TextTaskCodec small = TextTaskCodec.builder().maxChars(60).maxQuestionWords(3).maxAnswerWords(2).build();
    valid(small, "question: one two three answer: a b", NO_DOC);
    assertEquals("too_long: the question has 4 words, at most 3",
        small.decode("question: one two three four answer: a", NO_DOC).invalidReason());
    assertEquals("too_long: the answer has 3 words, at most 2",
        small.decode("question: one two answer: a b c", NO_DOC).invalidReason());
    assertEquals("too_long: option 4 has 3 words, at most 2",
        small.decode("question: q options: a | b | c | d e f answer: a", NO_DOC).invalidReason());
    String exact = "question: q answer: " + "x".repeat(40);
    assertEquals(60, exact.length());
    valid(small, exact, NO_DOC);
    assertEquals("too_long: output longer than 60 characters", small.decode(exact + "x", NO_DOC).invalidReason());
    // the length check comes first: a huge output is not parsed
    assertEquals("too_long: output longer than 2000 characters",
        codec.decode("question: ".repeat(1_000_000), NO_DOC).invalidReason());
  }

  @Test
  void defaultLimits() {
    valid(codec, "question: " + "w ".repeat(40) + "answer: " + "a ".repeat(6), NO_DOC);
    assertEquals(InvalidReasons.TOO_LONG,
        InvalidReasons.code(codec.decode("question: " + "w ".repeat(41) + "answer: x", NO_DOC).invalidReason()));
    assertEquals(InvalidReasons.TOO_LONG,
        InvalidReasons.code(codec.decode("question: q answer: " + "a ".repeat(7), NO_DOC).invalidReason()));
  }

  // ------------------------------------------------------------------ grounding

  @Test
  void groundingIsOffByDefault() {
    valid(codec, "question: capital of peru? answer: lima", DOC);
  }

  @Test
  void sameSentenceGroundingNeedsTheAnswerAndEveryQuestionWordInOneSentence() {
    TextTaskCodec c = TextTaskCodec.builder().grounding(TextTaskCodec.Grounding.SAME_SENTENCE).build();
    Document d = Document.of("peru", "Peru capital Lima\nPeru climate tropical. Peru region South_America", "s");
    valid(c, "question : Peru capital ___ ? answer : Lima", d);
    valid(c, "question: peru REGION ___? answer: south_america", d); // case-insensitive, split at '. '
    valid(c, "question : Peru ? answer : tropical", d); // every question word is in the answer's sentence
    valid(c, "question: Peru capital ___ ? options: Quito | Lima | Lima_x | Oslo answer: Lima", d);
    // the gold is in the document, but in another sentence than the question's words
    assertEquals("not_grounded: no sentence of the document holds both the answer 'tropical' and every word of the "
        + "question", c.decode("question : Peru capital ___ ? answer : tropical", d).invalidReason());
    assertEquals(InvalidReasons.NOT_GROUNDED,
        InvalidReasons.code(c.decode("question : Peru capital climate ___ ? answer : Lima", d).invalidReason()));
    // the answer-in-document rule comes first, with its own detail
    assertEquals("not_grounded: the answer 'Quito' does not occur in the document",
        c.decode("question : Peru capital ___ ? answer : Quito", d).invalidReason());
    // the weaker rule accepts the drifted task the stricter one refuses
    valid(TextTaskCodec.builder().grounding(TextTaskCodec.Grounding.ANSWER_IN_DOCUMENT).build(),
        "question : Peru capital ___ ? answer : tropical", d);
    // no document (the Challenger without one): not checked
    valid(c, "question : Peru capital ___ ? answer : tropical", Document.of("none", "", "s"));
  }

  @Test
  void groundedAnswersMustOccurInTheDocumentAsWholeWords() {
    TextTaskCodec grounded = TextTaskCodec.builder().grounding(TextTaskCodec.Grounding.ANSWER_IN_DOCUMENT).build();
    valid(grounded, "question: capital of france? answer: PARIS", DOC);
    valid(grounded, "question : how many people ? answer : 2,100,000", DOC);
    valid(grounded, "question: capital? options: Rome | Paris | Lima | Oslo answer: b", DOC);
    assertEquals("not_grounded: the answer 'lima' does not occur in the document",
        grounded.decode("question: capital of peru? answer: lima", DOC).invalidReason());
    assertEquals("not_grounded: the answer 'Lima' does not occur in the document",
        grounded.decode("question: capital? options: Rome | Paris | Lima | Oslo answer: c", DOC).invalidReason());
    Document d = Document.of("d2", "Parisians visit New\n  York often.", "s");
    assertEquals(InvalidReasons.NOT_GROUNDED,
        InvalidReasons.code(grounded.decode("question: capital of france? answer: paris", d).invalidReason()));
    valid(grounded, "question: which city? answer: new york", d);
    // no document (the Challenger without one): not checked
    valid(grounded, "question: capital of peru? answer: lima", NO_DOC);
  }

  // ------------------------------------------------------------------ settings

  @Test
  void builderChecksEverySetting() {
    SpiceException.ConfigurationException e = assertThrows(SpiceException.ConfigurationException.class,
        () -> TextTaskCodec.builder().maxQuestionWords(0).maxAnswerWords(-1).maxChars(0).grounding(null).build());
    for (String part : List.of("maxQuestionWords must be >= 1, got 0", "maxAnswerWords must be >= 1, got -1",
        "maxChars must be >= 1, got 0", "grounding is null: valid values are [NONE, ANSWER_IN_DOCUMENT, SAME_SENTENCE]")) {
      assertTrue(e.getMessage().contains(part), e.getMessage());
    }
    assertEquals("TextTaskCodec[maxQuestionWords=40, maxAnswerWords=6, maxChars=2000, grounding=NONE]",
        codec.toString());
  }

  // ------------------------------------------------------------------ robustness

  @Test
  void neverThrowsOnRandomOutputAndValidTasksRoundTrip() {
    SplittableRandom r = new SplittableRandom(17);
    String[] pieces = {"question", "QUESTION", "answer", "Answer", "options", "Options", ":", " : ", "|", " | ",
        " ", " ", "\n", "\t", ".", "?", "___", "a", "b", "B", "(c)", "d", "paris", "Paris", "1,234", "-5", "x",
        "re", "s", "\u00e9", "\u0130", ":", "||"};
    TextTaskCodec grounded = TextTaskCodec.builder().grounding(TextTaskCodec.Grounding.ANSWER_IN_DOCUMENT).build();
    int valid = 0;
    for (int i = 0; i < 5000; i++) {
      // half free sequences of pieces, half the format's skeleton filled with random pieces
      String text = i % 2 == 0 ? randomPieces(r, pieces, 40)
          : randomPieces(r, pieces, 3) + "question" + randomPieces(r, pieces, 2) + ": " + randomPieces(r, pieces, 8)
              + (r.nextBoolean() ? " options : " + randomPieces(r, pieces, 3) + " | " + randomPieces(r, pieces, 3)
                  + " | " + randomPieces(r, pieces, 3) + " | " + randomPieces(r, pieces, 3) : "")
              + " answer " + randomPieces(r, pieces, 2) + ": " + randomPieces(r, pieces, 4);
      for (TextTaskCodec c : List.of(codec, grounded)) {
        TaskCodec.Decoded d = c.decode(text, DOC);
        assertTrue(d.task() != null ^ d.invalidReason() != null, text);
        if (d.task() == null) {
          assertTrue(CODES.contains(InvalidReasons.code(d.invalidReason())), d.invalidReason());
        } else if (c == codec) {
          valid++;
          assertSameTask(d.task(), valid(codec, codec.encode(d.task()), DOC));
        }
      }
    }
    assertTrue(valid > 100, "the generator should also make valid outputs, made " + valid);
    assertEquals(InvalidReasons.FORMAT, InvalidReasons.code(codec.decode(null, DOC).invalidReason()));
  }

  private static String randomPieces(SplittableRandom r, String[] pieces, int max) {
    StringBuilder sb = new StringBuilder();
    int n = r.nextInt(max + 1);
    for (int k = 0; k < n; k++) {
      sb.append(pieces[r.nextInt(pieces.length)]);
    }
    return sb.toString();
  }

  // ------------------------------------------------------------------ reason codes

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiterString = "->", quoteCharacter = '`', value = {
    "options: expected 4 options, got 3        -> options",
    "too_long: output longer than 9 characters -> too_long",
    "format: codec text failed: x: y           -> format",
    "not_grounded:                             -> not_grounded",
    "Options: capitalised                      -> other",
    "no code at all                            -> other",
    ": empty code                              -> other",
    "a-b: dash                                 -> other",
    "too long: space                           -> other",
    "code9: digit                              -> other",
  })
  void reasonCodes(String reason, String code) {
    assertEquals(code, InvalidReasons.code(reason));
  }

  @Test
  void reasonCodeOfNullIsOther() {
    assertEquals(InvalidReasons.OTHER, InvalidReasons.code(null));
    assertEquals(InvalidReasons.OTHER, InvalidReasons.code(""));
  }
}
