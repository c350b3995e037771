package dev.spice.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.SpiceException;
import dev.spice.core.internal.json.Json;
import dev.spice.core.text.WordTokenizer;
import dev.spice.corpus.BadRecordPolicy;
import dev.spice.corpus.Corpus;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Corpus settings through the CLI: on_bad_record, include, exclude; corpus errors before the model. */
class CorpusCliTest {
  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return SpiceCli.execute(args, new PrintWriter(out), new PrintWriter(err));
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> printed() {
    return (Map<String, Object>) Json.parse(out.toString().trim());
  }

  /** A folder of two text files and one file of NUL bytes named like text. */
  private Path textsWithABinaryFile() throws IOException {
    Path texts = Files.createDirectories(dir.resolve("texts"));
    Files.writeString(texts.resolve("a.txt"), "The river is long.");
    Files.writeString(texts.resolve("b.md"), "The long river.");
    Files.write(texts.resolve("blob.txt"), new byte[32]);
    return texts;
  }

  private static void assertNoClassNames(String text) {
    assertFalse(text.matches("(?s).*\\b(?:[a-z]+\\.)+[A-Z]\\w*(?:Exception|Error)\\b.*"), text);
    assertFalse(text.contains("Exception") || text.contains("$"), text);
  }

  @Test
  void corpusKeysArePrintedWithTheConfiguration() throws IOException {
    Path texts = textsWithABinaryFile();
    assertEquals(0, run("--model", dir.toString(), "--corpus", texts.toString(), "-s", "on_bad_record=skip", "-s",
        "include=*.txt, *.md", "-s", "exclude=blob.txt,drafts/**", "--print-config"), err.toString());
    Map<String, Object> m = printed();
    assertEquals("skip", m.get("on_bad_record"));
    assertEquals(List.of("*.txt", "*.md"), m.get("include"));
    assertEquals(List.of("blob.txt", "drafts/**"), m.get("exclude"));
  }

  @Test
  void badCorpusKeyValuesAreConfigurationErrors() throws IOException {
    Path texts = textsWithABinaryFile();
    assertEquals(2, run("--model", dir.toString(), "--corpus", texts.toString(), "-s", "on_bad_record=ignore",
        "--print-config"));
    assertTrue(err.toString().contains("key 'on_bad_record' has the invalid value 'ignore'; valid: one of fail, skip"),
        err.toString());

    err.getBuffer().setLength(0);
    assertEquals(2, run("--model", dir.toString(), "--corpus", texts.toString(), "-s", "include=[abc",
        "--print-config"));
    assertTrue(err.toString().contains("key 'include': invalid glob '[abc'"), err.toString());

    err.getBuffer().setLength(0);
    assertEquals(2, run("--model", dir.toString(), "-s", "exclude=*.md", "--print-config"));
    assertTrue(err.toString().contains("the corpus is 'factbook'"), err.toString());

    err.getBuffer().setLength(0);
    Path file = Files.writeString(dir.resolve("one.jsonl"), "{\"text\": \"x\"}\n");
    assertEquals(2, run("--model", dir.toString(), "--corpus", file.toString(), "-s", "include=*.jsonl",
        "--print-config"));
    assertTrue(err.toString().contains("corpus " + file + " is a file"), err.toString());

    err.getBuffer().setLength(0);
    assertEquals(2, run("--model", dir.toString(), "--corpus", dir.resolve("missing").toString(), "--print-config"));
    assertTrue(err.toString().contains("corpus '" + dir.resolve("missing") + "' does not exist"), err.toString());
    assertNoClassNames(err.toString());
  }

  @Test
  void corpusKeysOnlyConfigureTheModelRun() {
    assertEquals(2, run("-s", "on_bad_record=skip", "--print-config"));
    assertTrue(err.toString().contains("only the --model run") && err.toString().contains("'on_bad_record'"),
        err.toString());
  }

  @Test
  void aBinaryFileFailsNamingItAndTheSkipKey() throws IOException {
    Path texts = textsWithABinaryFile();
    SpiceException.CorpusException e = assertThrows(SpiceException.CorpusException.class, () -> GeneralRun.openCorpus(
        new GeneralRun.CorpusSpec(texts.toString(), "text", 1, BadRecordPolicy.FAIL, List.of(), List.of()), null));
    assertEquals(texts.resolve("blob.txt") + ": binary-looking file, not text (NUL byte at byte offset 0) "
        + "(to skip and count such records, use --set on_bad_record=skip)", e.getMessage());
  }

  @Test
  void skipAndExcludeLetARunGoOn() throws IOException {
    Path texts = textsWithABinaryFile();
    try (Corpus c = GeneralRun.openCorpus(
        new GeneralRun.CorpusSpec(texts.toString(), "text", 1, BadRecordPolicy.SKIP, List.of(), List.of()), null)) {
      assertEquals(2, c.size().orElseThrow());
      assertEquals(1, c.stats().skippedRecords());
      String line = GeneralRun.describe(c);
      assertTrue(line.contains("2 entries per epoch from 2 documents; 3 records read, 1 skipped (on_bad_record=skip; "
          + "first: " + texts.resolve("blob.txt") + ": binary-looking file"), line);
    }
    try (Corpus c = GeneralRun.openCorpus(
        new GeneralRun.CorpusSpec(texts.toString(), "text", 1, BadRecordPolicy.FAIL, List.of(), List.of("blob.*")),
        null)) {
      assertEquals(2, c.size().orElseThrow());
      assertEquals(0, c.stats().skippedRecords());
    }
    try (Corpus c = GeneralRun.openCorpus(
        new GeneralRun.CorpusSpec(texts.toString(), "text", 1, BadRecordPolicy.FAIL, List.of("*.md"), List.of()), null)) {
      assertEquals(1, c.size().orElseThrow());
      assertEquals("b.md", c.next().id());
    }
  }

  @Test
  void includeAndExcludeDecideADirectorysKind() throws IOException {
    Path mixed = Files.createDirectories(dir.resolve("mixed"));
    Files.writeString(mixed.resolve("notes.txt"), "Some notes.");
    Files.writeString(mixed.resolve("data.jsonl"), "{\"body\": \"a record\"}\n");
    Files.writeString(mixed.resolve("table.csv"), "text\nrow\n");
    GeneralRun.Globs none = new GeneralRun.Globs("include", List.of());
    assertEquals("jsonl", GeneralRun.kind(mixed, none, none));
    assertEquals("text", GeneralRun.kind(mixed, new GeneralRun.Globs("include", List.of("*.txt")), none));
    assertEquals("text", GeneralRun.kind(mixed, none, new GeneralRun.Globs("exclude", List.of("*.jsonl"))));
    assertEquals("csv", GeneralRun.kind(mixed, none, new GeneralRun.Globs("exclude", List.of("*.jsonl", "*.txt"))));
    try (Corpus c = GeneralRun.openCorpus(
        new GeneralRun.CorpusSpec(mixed.toString(), "text", 1, BadRecordPolicy.FAIL, List.of("*.txt"), List.of()),
        null)) {
      assertEquals("Some notes.", c.next().text());
    }
  }

  @Test
  void blankLinesAreReportedWhenTheCorpusIsRead() throws IOException {
    Path p = Files.writeString(dir.resolve("blank.jsonl"), "{\"text\": \"a\"}\n\n{\"text\": \"b\"}\n");
    try (Corpus c = GeneralRun.openCorpus(
        new GeneralRun.CorpusSpec(p.toString(), "text", 1, BadRecordPolicy.FAIL, List.of(), List.of()), null)) {
      assertTrue(GeneralRun.describe(c).endsWith("2 records read, 1 blank lines passed over"), GeneralRun.describe(c));
    }
  }

  /**
   * The corpus is read before the model: with a model folder that holds only a tokenizer (no config,
   * no weights), a corpus error is what the user sees, and nothing was loaded.
   */
  @Test
  void aCorpusErrorComesBeforeAnyModelLoading() throws IOException {
    Path texts = textsWithABinaryFile();
    Path model = Files.createDirectories(dir.resolve("model"));
    WordTokenizer.withSpecialTokens(List.of("the", "river", "is", "long")).writeHuggingFaceJson(
        model.resolve("tokenizer.json"));
    Path runDir = dir.resolve("run");
    assertEquals(1, run("--model", model.toString(), "--corpus", texts.toString(), "--out", runDir.toString(),
        "-s", "device=cpu"));
    String e = err.toString();
    assertTrue(e.startsWith("run failed: " + texts.resolve("blob.txt") + ": binary-looking file, not text"), e);
    assertTrue(e.contains("use --set on_bad_record=skip"), e);
    assertFalse(out.toString().contains("loading"), out.toString());
    assertNoClassNames(e);

    // without segmenting, not even the tokenizer is needed first
    Path empty = Files.createDirectories(dir.resolve("empty-model"));
    out.getBuffer().setLength(0);
    err.getBuffer().setLength(0);
    assertEquals(1, run("--model", empty.toString(), "--corpus", texts.toString(), "--out", runDir.toString(),
        "-s", "segment_tokens=0"));
    assertTrue(err.toString().startsWith("run failed: " + texts.resolve("blob.txt")), err.toString());
    assertFalse(out.toString().contains("loading"), out.toString());

    // skipping the bad file gets past the corpus, to the model (which is missing here)
    out.getBuffer().setLength(0);
    err.getBuffer().setLength(0);
    int code = run("--model", empty.toString(), "--corpus", texts.toString(), "--out", runDir.toString(),
        "-s", "segment_tokens=0", "-s", "on_bad_record=skip");
    assertTrue(code != 0, "the model folder is empty");
    assertTrue(out.toString().contains("1 skipped (on_bad_record=skip") && out.toString().contains("loading"),
        out.toString());
    assertTrue(err.toString().contains("config.json"), err.toString());
    assertNoClassNames(err.toString());
  }
}
