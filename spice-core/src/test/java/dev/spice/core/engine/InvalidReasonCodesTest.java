package dev.spice.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class InvalidReasonCodesTest {

  @Test
  void theSlugBeforeTheFirstColonIsTheCode() {
    assertEquals("too_long", InvalidReasonCodes.code("too_long: 4100 characters"));
    assertEquals("format", InvalidReasonCodes.code("format: no JSON object found"));
    assertEquals("answer_not_in_options", InvalidReasonCodes.code("answer_not_in_options: E"));
    assertEquals("not_grounded", InvalidReasonCodes.code("not_grounded:"), "an empty detail is fine");
    assertEquals("options", InvalidReasonCodes.code("options: expected 4: got 3"), "only the first colon counts");
    assertEquals("new_code", InvalidReasonCodes.code("new_code: x"), "any slug, not only the known codes");
    assertEquals("other", InvalidReasonCodes.code("other: x"));
  }

  @Test
  void anythingElseIsOther() {
    assertEquals("other", InvalidReasonCodes.code(null));
    assertEquals("other", InvalidReasonCodes.code(""));
    assertEquals("other", InvalidReasonCodes.code("   "));
    assertEquals("other", InvalidReasonCodes.code("format"), "no colon");
    assertEquals("other", InvalidReasonCodes.code(": detail"), "empty code");
    assertEquals("other", InvalidReasonCodes.code("challenger parse failed: java.lang.IllegalStateException"));
    assertEquals("other", InvalidReasonCodes.code("Format: capitalised"));
    assertEquals("other", InvalidReasonCodes.code("too-long: hyphen"));
    assertEquals("other", InvalidReasonCodes.code("code2: digit"));
    assertEquals("other", InvalidReasonCodes.code(" format: leading space"));
    assertEquals("other", InvalidReasonCodes.code("format : space before the colon"));
  }
}
