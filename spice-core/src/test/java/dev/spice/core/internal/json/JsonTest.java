package dev.spice.core.internal.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
  @Test
  void everyIntegerInLongRangeStaysExactAndLargerOnesBecomeDoubles() {
    assertEquals(Long.MAX_VALUE, Json.parse(Long.toString(Long.MAX_VALUE)));
    assertEquals(Long.MIN_VALUE, Json.parse(Long.toString(Long.MIN_VALUE)));
    assertEquals(-6_917_529_027_641_081_857L, Json.parse("-6917529027641081857"));
    assertEquals(9.223372036854775808E18, Json.parse("9223372036854775808"));
    assertEquals(1.0E20, Json.parse("100000000000000000000"));
  }

  @Test
  void roundTripsValues() {
    String text = "{\"a\":1,\"b\":[true,false,null],\"c\":\"x\\n\\u00e9\\\"\",\"d\":-2.5e3,\"e\":{}}";
    Object v = Json.parse(text);
    assertEquals(Map.of("a", 1L, "b", java.util.Arrays.asList(true, false, null), "c", "x\né\"", "d", -2500.0, "e", Map.of()), v);
    assertEquals(v, Json.parse(Json.write(v)));
  }

  @Test
  void errorsNameLineAndColumn() {
    Json.JsonException e = assertThrows(Json.JsonException.class, () -> Json.parse("{\n  \"a\": tru }"));
    assertEquals(2, e.line());
    assertTrue(e.getMessage().contains("line 2"), e.getMessage());
    assertThrows(Json.JsonException.class, () -> Json.parse("[1,]"));
    assertThrows(Json.JsonException.class, () -> Json.parse("{} x"));
    assertThrows(Json.JsonException.class, () -> Json.parse("\"abc"));
  }

  @Test
  void aRepeatedKeyAtAnyDepthIsAnErrorNamingTheKeyAndWhere() {
    Json.DuplicateKeyException top = assertThrows(Json.DuplicateKeyException.class,
        () -> Json.parse("{\"a\": 1, \"a\": 2}"));
    assertEquals("duplicate key \"a\" in the top-level object at line 1, column 10", top.getMessage());
    assertEquals("a", top.key());
    assertEquals(0, top.depth());
    // Before: the nested map silently kept {"b": 3}.
    Json.DuplicateKeyException nested = assertThrows(Json.DuplicateKeyException.class,
        () -> Json.parse("{\"x\": {\n  \"b\": 1,\n  \"b\": 3}}"));
    assertEquals("duplicate key \"b\" in a nested object at line 3, column 3", nested.getMessage());
    assertEquals(3, nested.line());
    assertEquals(3, nested.column());
    assertEquals(1, nested.depth());
    Json.DuplicateKeyException inArray = assertThrows(Json.DuplicateKeyException.class,
        () -> Json.parse("[{}, {\"k\": [{\"k\": 0, \"\\u006b\": 1}]}]"));
    assertEquals("k", inArray.key());
    assertEquals(3, inArray.depth());
    assertEquals(1, inArray.line());
    assertEquals(22, inArray.column());
    assertThrows(Json.DuplicateKeyException.class, () -> Json.parseObject("{\"m\": {\"\": 1, \"\": 1}}"));
    // The same key in sibling or nested objects is not a repeat.
    assertEquals(Map.of("a", Map.of("a", 1L), "b", List.of(Map.of("a", 2L), Map.of("a", 3L))),
        Json.parse("{\"a\": {\"a\": 1}, \"b\": [{\"a\": 2}, {\"a\": 3}]}"));
  }

  @Test
  void deepNestingIsRejectedNotOverflowed() {
    String deep = "[".repeat(100_000);
    assertThrows(Json.JsonException.class, () -> Json.parse(deep));
  }

  @Test
  void nonFiniteNumbersAreWrittenAsNull() {
    assertEquals("[null,1.0]", Json.write(List.of(Double.NaN, 1.0)));
  }
}
