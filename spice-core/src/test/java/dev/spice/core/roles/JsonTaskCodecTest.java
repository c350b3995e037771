package dev.spice.core.roles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.AnswerType;
import dev.spice.core.Document;
import dev.spice.core.Task;
import dev.spice.core.TaskCodec;
import dev.spice.core.TaskFormat;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JsonTaskCodecTest {
  private final JsonTaskCodec codec = new JsonTaskCodec();
  private final Document doc = Document.of("d", "text", "s");

  @Test
  void parsesMultipleChoiceAfterReasoning() {
    String out = "The document is about capitals, so multiple choice fits.\n```json\n"
        + "{\"type\": \"multiple_choice\", \"question\": \"Capital of France?\", \"options\": "
        + "{\"A\": \"Lyon\", \"B\": \"Paris\", \"C\": \"Nice\", \"D\": \"Lille\"}, \"correct\": \"(B)\"}\n```";
    TaskCodec.Decoded d = codec.decode(out, doc);
    assertNotNull(d.task(), d.invalidReason());
    assertEquals(TaskFormat.MULTIPLE_CHOICE, d.task().format());
    assertEquals("B", d.task().goldAnswer());
    assertEquals("Paris", d.task().goldText());
  }

  @Test
  void parsesFreeFormAndTakesTheLastObject() {
    String out = "{\"question\": \"draft\"} then {\"type\": \"free_form\", \"question\": \"How many?\", "
        + "\"answer\": 42, \"answer_type\": \"Integer\"}";
    TaskCodec.Decoded d = codec.decode(out, doc);
    assertNotNull(d.task(), d.invalidReason());
    assertEquals("42", d.task().goldAnswer());
    assertEquals(AnswerType.INTEGER, d.task().answerType());
  }

  @Test
  void invalidOutputsGiveReasons() {
    assertEquals("format: no JSON object found", codec.decode("no json here", doc).invalidReason());
    assertTrue(codec.decode("{\"question\": \"q\", \"options\": [\"a\", \"b\"], \"correct\": \"A\"}", doc)
        .invalidReason().contains("4 options"));
    assertTrue(codec.decode("{\"type\":\"free_form\",\"question\":\"q\",\"answer\":\"x\",\"answer_type\":\"Color\"}", doc)
        .invalidReason().contains("answer_type"));
    assertTrue(codec.decode("{\"type\":\"free_form\",\"question\":\"q\",\"answer\":\"a b c d e\",\"answer_type\":\"String\"}", doc)
        .invalidReason().contains("at most 3 words"));
    assertTrue(codec.decode("{\"question\": \"q\", \"correct\": \"E\", \"options\": [\"a\",\"b\",\"c\",\"d\"]}", doc)
        .invalidReason().contains("A, B, C, D"));
  }

  @ParameterizedTest(name = "{0} <- {1}")
  @CsvSource(delimiterString = "<-", quoteCharacter = '`', value = {
    "format: no JSON object found                      <- no json here",
    "format: malformed JSON                            <- {'question': }",
    "format: missing or empty field 'question'         <- {'question': 1}",
    "format: missing or empty field 'question'         <- {'answer': 'x'}",
    "no_question: missing or empty field 'question'    <- {'question': '  ', 'answer': 'x', 'answer_type': 'String'}",
    "format: field 'type' must be                      <- {'type': 'essay', 'question': 'q'}",
    "options: option C is missing or empty             <- {'question': 'q', 'options': {'A': 'a', 'B': 'b', 'D': 'd'}, 'correct': 'A'}",
    "options: expected exactly 4 options A-D, got 5    <- {'question': 'q', 'options': {'A': 'a', 'B': 'b', 'C': 'c', 'D': 'd', 'E': 'e'}, 'correct': 'A'}",
    "options: expected exactly 4 options, got 2        <- {'question': 'q', 'options': ['a', 'b'], 'correct': 'A'}",
    "options: every option must be a non-empty string  <- {'question': 'q', 'options': ['a', 'b', '', 'd'], 'correct': 'A'}",
    "format: missing field 'options'                   <- {'type': 'multiple_choice', 'question': 'q', 'correct': 'A'}",
    "duplicate_options: options are not distinct       <- {'question': 'q', 'options': ['a', 'b', 'a', 'd'], 'correct': 'A'}",
    "format: missing field 'correct'                   <- {'question': 'q', 'options': ['a', 'b', 'c', 'd']}",
    "answer_not_in_options: field 'correct' must be    <- {'question': 'q', 'options': ['a', 'b', 'c', 'd'], 'correct': 'E'}",
    "format: missing or empty field 'answer'           <- {'type': 'free_form', 'question': 'q'}",
    "no_answer: missing or empty field 'answer'        <- {'type': 'free_form', 'question': 'q', 'answer': ' '}",
    "format: missing field 'answer_type'               <- {'type': 'free_form', 'question': 'q', 'answer': 'x'}",
    "format: field 'answer_type' must be               <- {'type': 'free_form', 'question': 'q', 'answer': 'x', 'answer_type': 'Color'}",
    "too_long: a String answer has at most 3 words     <- {'type': 'free_form', 'question': 'q', 'answer': 'a b c d', 'answer_type': 'String'}",
    "answer_in_question: the question contains its answer <- {'type': 'free_form', 'question': 'Is Paris big?', 'answer': 'Paris', 'answer_type': 'String'}",
  })
  void invalidReasonsStartWithTheirCode(String expected, String json) {
    String reason = codec.decode(json.replace('\'', '"'), doc).invalidReason();
    assertNotNull(reason, json);
    assertTrue(reason.startsWith(expected.strip()), reason);
    assertEquals(expected.substring(0, expected.indexOf(':')), InvalidReasons.code(reason));
  }

  @Test
  void tooLongOutputIsTooLong() {
    String reason = codec.decode("x".repeat(JsonTaskCodec.MAX_INPUT_CHARS + 1), doc).invalidReason();
    assertEquals("too_long: output longer than " + JsonTaskCodec.MAX_INPUT_CHARS + " characters", reason);
  }

  @Test
  void encodeDecodesBackToAnEqualTask() {
    List<Task> tasks = List.of(
        Task.freeForm("How many legs has a spider?", "8", AnswerType.INTEGER),
        Task.freeForm("Derivative of x^2?", "2x", AnswerType.EXPRESSION),
        Task.freeForm("Capital of \"France\"?", "Paris", AnswerType.STRING),
        Task.multipleChoice("Largest planet?", List.of("Mars", "Jupiter", "Venus", "Earth"), "B"));
    for (Task t : tasks) {
      String text = codec.encode(t);
      Task back = codec.decode(text, doc).task();
      assertNotNull(back, text);
      assertEquals(t.question(), back.question());
      assertEquals(t.format(), back.format());
      assertEquals(t.options(), back.options());
      assertEquals(t.goldAnswer(), back.goldAnswer());
      assertEquals(t.answerType(), back.answerType());
    }
  }

  @Test
  void encodeRefusesATaskItWouldNotReadBack() {
    Task leaky = Task.freeForm("Is Paris the capital?", "Paris", AnswerType.STRING);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> codec.encode(leaky));
    assertTrue(e.getMessage().contains("answer_in_question"), e.getMessage());
  }

  @Test
  void neverThrowsOnRandomInput() {
    SplittableRandom r = new SplittableRandom(4);
    String alphabet = "{}[]\":,\\ abcABtypequestionansweroptionscorrect0123456789";
    for (int i = 0; i < 5000; i++) {
      StringBuilder sb = new StringBuilder();
      int n = r.nextInt(120);
      for (int k = 0; k < n; k++) {
        sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
      }
      TaskCodec.Decoded d = codec.decode(sb.toString(), doc);
      assertTrue(d.task() != null ^ d.invalidReason() != null);
    }
    assertNull(codec.decode("{".repeat(50_000), doc).task());
  }
}
