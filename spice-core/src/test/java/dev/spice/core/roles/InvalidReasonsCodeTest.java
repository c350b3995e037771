package dev.spice.core.roles;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class InvalidReasonsCodeTest {

  @Test
  void theSlugBeforeTheFirstColonIsTheCode() {
    assertEquals("too_long", InvalidReasons.code("too_long: 4100 characters"));
    assertEquals("format", InvalidReasons.code("format: no JSON object found"));
    assertEquals("answer_not_in_options", InvalidReasons.code("answer_not_in_options: E"));
    assertEquals("not_grounded", InvalidReasons.code("not_grounded:"), "an empty detail is fine");
    assertEquals("options", InvalidReasons.code("options: expected 4: got 3"), "only the first colon counts");
    assertEquals("new_code", InvalidReasons.code("new_code: x"), "any slug, not only the known codes");
    assertEquals("other", InvalidReasons.code("other: x"));
  }

  @Test
  void anythingElseIsOther() {
    assertEquals("other", InvalidReasons.code(null));
    assertEquals("other", InvalidReasons.code(""));
    assertEquals("other", InvalidReasons.code("   "));
    assertEquals("other", InvalidReasons.code("format"), "no colon");
    assertEquals("other", InvalidReasons.code(": detail"), "empty code");
    assertEquals("other", InvalidReasons.code("challenger parse failed: java.lang.IllegalStateException"));
    assertEquals("other", InvalidReasons.code("Format: capitalised"));
    assertEquals("other", InvalidReasons.code("too-long: hyphen"));
    assertEquals("other", InvalidReasons.code("code2: digit"));
    assertEquals("other", InvalidReasons.code(" format: leading space"));
    assertEquals("other", InvalidReasons.code("format : space before the colon"));
  }
}
