package dev.spice.core.roles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.AnswerType;
import dev.spice.core.Document;
import dev.spice.core.TaskCodec;
import dev.spice.core.TaskFormat;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

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
    assertEquals("no JSON object found", codec.decode("no json here", doc).invalidReason());
    assertTrue(codec.decode("{\"question\": \"q\", \"options\": [\"a\", \"b\"], \"correct\": \"A\"}", doc)
        .invalidReason().contains("4 options"));
    assertTrue(codec.decode("{\"type\":\"free_form\",\"question\":\"q\",\"answer\":\"x\",\"answer_type\":\"Color\"}", doc)
        .invalidReason().contains("answer_type"));
    assertTrue(codec.decode("{\"type\":\"free_form\",\"question\":\"q\",\"answer\":\"a b c d e\",\"answer_type\":\"String\"}", doc)
        .invalidReason().contains("at most 3 words"));
    assertTrue(codec.decode("{\"question\": \"q\", \"correct\": \"E\", \"options\": [\"a\",\"b\",\"c\",\"d\"]}", doc)
        .invalidReason().contains("A, B, C, D"));
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
