package dev.spice.core.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.AnswerType;
import dev.spice.core.SpiceException;
import dev.spice.core.Task;
import dev.spice.core.TaskFormat;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BenchmarkFileTest {
  @TempDir Path dir;

  private Path write(String name, String... lines) throws Exception {
    Path f = dir.resolve(name);
    Files.writeString(f, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    return f;
  }

  private static BenchmarkSet read(Path f) {
    return BenchmarkFile.reader().build().read(f);
  }

  @Test
  void readsEveryField() throws Exception {
    Path f = write("geo.jsonl",
        "{\"id\": \"cap-1\", \"category\": \"capitals\", \"question\": \" Capital of Peru? \", \"answer\": \"Lima\","
            + " \"answer_type\": \"string\", \"aliases\": [\"Lima city\", \"Ciudad de los Reyes\"], \"source\": \"x\"}",
        "{\"id\": 7, \"category\": \"regions\", \"question\": \"Where is Chad?\", \"answer\": \"B\", \"answer_type\": "
            + "\"choice\", \"options\": [\"Europe\", \"Africa\", \"Asia\", \"Oceania\"]}",
        "{\"question\": \"What is 17 + 25?\", \"answer\": 42, \"answer_type\": \"integer\", \"category\": \"math\"}",
        "{\"question\": \"Simplify 2x + 3x\", \"answer\": \"5x\", \"answer_type\": \"expression\", \"category\": \"math\"}");
    BenchmarkSet set = read(f);
    assertEquals("geo", set.name());
    assertEquals(4, set.items().size());
    assertEquals(0, set.skippedLines());

    BenchmarkItem a = set.items().get(0);
    assertEquals("cap-1", a.id());
    assertEquals("capitals", a.category());
    Task t = a.task();
    assertEquals("Capital of Peru?", t.question());
    assertEquals("Lima", t.goldAnswer());
    assertEquals(TaskFormat.FREE_FORM, t.format());
    assertEquals(AnswerType.STRING, t.answerType());
    assertEquals(Map.of(BenchmarkFile.ID_KEY, "cap-1", BenchmarkFile.CATEGORY_KEY, "capitals",
        BenchmarkFile.ALIASES_KEY, "Lima city|Ciudad de los Reyes"), t.metadata());

    BenchmarkItem b = set.items().get(1);
    assertEquals("7", b.id(), "a numeric id is its text");
    assertEquals(TaskFormat.MULTIPLE_CHOICE, b.task().format());
    assertEquals(List.of("Europe", "Africa", "Asia", "Oceania"), b.task().options());
    assertEquals("B", b.task().goldAnswer());
    assertEquals("Africa", b.task().goldText());

    Task c = set.items().get(2).task();
    assertEquals("42", c.goldAnswer(), "a numeric answer is its text");
    assertEquals(AnswerType.INTEGER, c.answerType());
    assertEquals(AnswerType.EXPRESSION, set.items().get(3).task().answerType());
    assertEquals("5x", set.items().get(3).task().goldAnswer());
  }

  @Test
  void defaults() throws Exception {
    Path f = write("d.jsonl",
        "{\"question\": \"Capital of Chile?\", \"answer\": \"Santiago\"}",
        "{\"question\": \"Largest?\", \"answer\": \"asia\", \"options\": [\"Europe\", \"Asia\", \"Africa\", \"Oceania\"]}",
        "{\"question\": \"Pick\", \"answer\": \"c\", \"options\": [\"w\", \"x\", \"y\", \"z\"], \"answer_type\": \"CHOICE\"}",
        "{\"question\": \"Half of 5?\", \"answer\": 2.50, \"answer_type\": \"Integer\", \"category\": null}");
    BenchmarkSet set = read(f);
    BenchmarkItem a = set.items().get(0);
    assertEquals("d.jsonl:1", a.id(), "default id is <file name>:<line>");
    assertEquals(BenchmarkFile.DEFAULT_CATEGORY, a.category());
    assertEquals(AnswerType.STRING, a.task().answerType(), "no options: string");
    assertEquals(Map.of("id", "d.jsonl:1", "category", "all"), a.task().metadata());
    BenchmarkItem b = set.items().get(1);
    assertEquals(AnswerType.CHOICE, b.task().answerType(), "options: choice");
    assertEquals("B", b.task().goldAnswer(), "an option's text (any case) becomes its letter");
    assertEquals("C", set.items().get(2).task().goldAnswer(), "a lower-case letter; answer_type in any case");
    assertEquals("2.5", set.items().get(3).task().goldAnswer());
    assertEquals(AnswerType.INTEGER, set.items().get(3).task().answerType());
    assertEquals("all", set.items().get(3).category(), "a null optional field is absent");
  }

  @Test
  void blankLinesAreIgnoredAndIdsKeepPhysicalLines() throws Exception {
    Path f = dir.resolve("b.jsonl");
    Files.writeString(f, "\uFEFF\n  \n{\"question\": \"q\", \"answer\": \"a\"}\r\n\n{\"question\": \"r\", \"answer\": \"b\"}");
    BenchmarkSet set = read(f);
    assertEquals(List.of("b.jsonl:3", "b.jsonl:5"), set.items().stream().map(BenchmarkItem::id).toList());
    assertEquals(0, set.skippedLines());
  }

  @ParameterizedTest
  @CsvSource(delimiterString = " => ", quoteCharacter = '`', value = {
      "{\"answer\": \"a\"} => field 'question' is missing",
      "{\"question\": 3, \"answer\": \"a\"} => field 'question' is a number, expected a string",
      "{\"question\": \"  \", \"answer\": \"a\"} => field 'question' is blank",
      "{\"question\": \"q\"} => field 'answer' is missing",
      "{\"question\": \"q\", \"answer\": null} => field 'answer' is null",
      "{\"question\": \"q\", \"answer\": true} => field 'answer' is a boolean",
      "{\"question\": \"q\", \"answer\": \"\"} => field 'answer' is blank",
      "{\"question\": \"q\", \"answer\": \"a\", \"answer_type\": \"number\"} => field 'answer_type' is 'number', expected one of",
      "{\"question\": \"q\", \"answer\": \"a\", \"answer_type\": 1} => field 'answer_type' is a number",
      "{\"question\": \"q\", \"answer\": \"a\", \"answer_type\": \"choice\"} => field 'options' is missing",
      "{\"question\": \"q\", \"answer\": \"A\", \"options\": [\"x\", \"y\", \"z\"]} => field 'options' has 3 entries",
      "{\"question\": \"q\", \"answer\": \"A\", \"options\": \"x\"} => field 'options' is a string",
      "{\"question\": \"q\", \"answer\": \"A\", \"options\": [\"x\", 2, \"y\", \"z\"]} => field 'options' entry 2 is a number",
      "{\"question\": \"q\", \"answer\": \"A\", \"options\": [\"x\", \"X\", \"y\", \"z\"]} => field 'options' entries 1 and 2",
      "{\"question\": \"q\", \"answer\": \"E\", \"options\": [\"w\", \"x\", \"y\", \"z\"]} => field 'answer' is 'E', expected a letter",
      "{\"question\": \"q\", \"answer\": \"A\", \"answer_type\": \"string\", \"options\": [\"w\", \"x\", \"y\", \"z\"]}"
          + " => field 'answer_type' is 'string' but field 'options' is given",
      "{\"question\": \"q\", \"answer\": \"many\", \"answer_type\": \"integer\"} => field 'answer' is 'many', expected a number",
      "{\"question\": \"q\", \"answer\": \"a\", \"category\": 5} => field 'category' is a number",
      "{\"question\": \"q\", \"answer\": \"a\", \"id\": [1]} => field 'id' is an array",
      "{\"question\": \"q\", \"answer\": \"a\", \"aliases\": \"b\"} => field 'aliases' is a string",
      "{\"question\": \"q\", \"answer\": \"a\", \"aliases\": [\"b|c\"]} => field 'aliases' entry 1 is 'b|c'",
      "{\"question\": \"q\", \"answer\": \"a\", \"id\": \"first\"} => field 'id' is 'first', already used at line 1",
      "[1, 2] => expected a JSON object, found an array",
      "{\"question\": \"q\", => malformed JSON",
  })
  void badLineNamesFileLineAndField(String line, String expected) throws Exception {
    Path f = write("bad.jsonl", "{\"question\": \"ok\", \"answer\": \"a\", \"id\": \"first\"}", "", line);
    var e = assertThrows(SpiceException.CorpusException.class, () -> read(f));
    assertTrue(e.getMessage().startsWith(f + ":3: "), e.getMessage());
    assertTrue(e.getMessage().contains(expected.strip()), e.getMessage());
    assertTrue(e.getMessage().contains("skipBadLines(true)"), "says how to skip: " + e.getMessage());
  }

  @Test
  void skipModeCountsBadLinesAndKeepsTheFirstReasons() throws Exception {
    List<String> lines = new ArrayList<>();
    lines.add("{\"question\": \"q0\", \"answer\": \"a\"}");
    for (int i = 0; i < 12; i++) {
      lines.add("{\"question\": \"bad" + i + "\"}");
    }
    lines.add("not json");
    lines.add("{\"question\": \"q1\", \"answer\": 1, \"answer_type\": \"integer\"}");
    Path f = write("skip.jsonl", lines.toArray(String[]::new));
    BenchmarkSet set = BenchmarkFile.reader().skipBadLines(true).build().read(f);
    assertEquals(List.of("skip.jsonl:1", "skip.jsonl:15"), set.items().stream().map(BenchmarkItem::id).toList());
    assertEquals(13, set.skippedLines());
    assertEquals(BenchmarkSet.MAX_SKIP_REASONS, set.skipReasons().size());
    assertEquals(f + ":2: field 'answer' is missing, expected a string or number", set.skipReasons().get(0));
    assertTrue(set.skipReasons().get(9).startsWith(f + ":11: "), set.skipReasons().get(9));
  }

  @Test
  void maxItemsStopsReading() throws Exception {
    Path f = write("m.jsonl", "{\"question\": \"q\", \"answer\": \"a\"}", "{\"question\": \"r\", \"answer\": \"b\"}",
        "broken line that is never read");
    BenchmarkSet set = BenchmarkFile.reader().maxItems(2).build().read(f);
    assertEquals(2, set.items().size());
    var e = assertThrows(SpiceException.ConfigurationException.class, () -> BenchmarkFile.reader().maxItems(0).build());
    assertTrue(e.getMessage().contains("maxItems"), e.getMessage());
  }

  @Test
  void unreadableOrEmptyFilesFail() throws Exception {
    Path missing = dir.resolve("nope.jsonl");
    var e = assertThrows(SpiceException.CorpusException.class, () -> read(missing));
    assertTrue(e.getMessage().contains(missing.toString()) && e.getMessage().contains("does not exist"), e.getMessage());

    Path empty = write("empty.jsonl", "", "  ");
    e = assertThrows(SpiceException.CorpusException.class, () -> read(empty));
    assertTrue(e.getMessage().contains(empty + " has no items"), e.getMessage());

    Path allBad = write("allbad.jsonl", "{}");
    e = assertThrows(SpiceException.CorpusException.class,
        () -> BenchmarkFile.reader().skipBadLines(true).build().read(allBad));
    assertTrue(e.getMessage().contains("1 bad lines skipped") && e.getMessage().contains(allBad + ":1: field 'question'"),
        e.getMessage());

    Path latin1 = dir.resolve("latin1.jsonl");
    Files.write(latin1, "{\"question\": \"q\", \"answer\": \"a\"}\n{\"question\": \"caf\u00e9\", \"answer\": \"a\"}\n"
        .getBytes(StandardCharsets.ISO_8859_1));
    e = assertThrows(SpiceException.CorpusException.class, () -> read(latin1));
    assertTrue(e.getMessage().contains(latin1 + ":2: not valid UTF-8"), e.getMessage());
  }

  @Test
  void readsFromAReaderUnderAName() {
    BenchmarkSet set = BenchmarkFile.reader().build()
        .read("bundled.jsonl", new StringReader("{\"question\": \"q\", \"answer\": \"a\"}\n"));
    assertEquals("bundled", set.name());
    assertEquals("bundled.jsonl:1", set.items().get(0).id());
    var e = assertThrows(SpiceException.CorpusException.class, () -> BenchmarkFile.reader().build()
        .read("bundled.jsonl", new StringReader("{\"question\": 1}")));
    assertTrue(e.getMessage().startsWith("bundled.jsonl:1: field 'question' is a number"), e.getMessage());
  }
}
