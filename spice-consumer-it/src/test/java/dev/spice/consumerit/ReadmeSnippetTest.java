package dev.spice.consumerit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's "Use it in your project" snippets and the consumer project built by
 * maven-invoker-plugin ({@code src/it/readme-consumer}) must not drift apart: the consumer's POM
 * holds the README's XML snippet and its {@code ReadmeProgram} the README's Java snippet, line for
 * line (indentation aside), and the versions the README and the consumer name are the ones this
 * build uses. Changing one side without the other fails here, naming the file and line.
 */
class ReadmeSnippetTest {
  private static final Path ROOT = Path.of("..");
  private static final Path README = ROOT.resolve("README.md");
  private static final Path PARENT_POM = ROOT.resolve("pom.xml");
  private static final Path CONSUMER = Path.of("src", "it", "readme-consumer");
  private static final Path CONSUMER_POM = CONSUMER.resolve("pom.xml");
  private static final Path CONSUMER_PROGRAM =
      CONSUMER.resolve(Path.of("src", "main", "java", "com", "example", "consumer", "ReadmeProgram.java"));

  @Test
  void consumerPomHoldsTheReadmeXmlSnippet() throws IOException {
    List<String> snippet = fencedBlock(README, "## Use it in your project", "```xml");
    List<String> pom = betweenMarkers(CONSUMER_POM, "<!-- README snippet: begin -->", "<!-- README snippet: end -->");
    assertSameLines(snippet, README, pom, CONSUMER_POM, 0);
  }

  @Test
  void consumerProgramHoldsTheReadmeJavaSnippet() throws IOException {
    List<String> snippet = fencedBlock(README, "## Minimal code", "```java");
    List<String> program = betweenMarkers(CONSUMER_PROGRAM, "// README snippet: begin", "// README snippet: end");
    assertSameLines(snippet, README, program, CONSUMER_PROGRAM, 4);
  }

  @Test
  void consumerImportsAreTheOnesTheReadmeNames() throws IOException {
    String readme = read(README);
    int at = readme.indexOf("Its imports are ");
    assertTrue(at >= 0, README + " names the minimal program's imports (\"Its imports are ...\")");
    String sentence = readme.substring(at, readme.indexOf(".\n", at));
    List<String> named = new ArrayList<>();
    Matcher m = Pattern.compile("`([\\w.*]+)`").matcher(sentence);
    while (m.find()) {
      named.add(m.group(1));
    }
    List<String> imports = new ArrayList<>();
    for (String line : Files.readAllLines(CONSUMER_PROGRAM, StandardCharsets.UTF_8)) {
      if (line.startsWith("import dev.spice.")) {
        imports.add(line.substring("import ".length(), line.length() - 1));
      }
    }
    assertFalse(imports.isEmpty(), CONSUMER_PROGRAM + " imports SPICE classes");
    for (String imp : imports) {
      String pkg = imp.substring(0, imp.lastIndexOf('.'));
      assertTrue(named.contains(imp) || named.contains(pkg + ".*"),
          CONSUMER_PROGRAM + " imports " + imp + ", which " + README + " does not name among " + named);
    }
    for (String name : named) {
      String prefix = name.endsWith(".*") ? name.substring(0, name.length() - 1) : name;
      assertTrue(imports.stream().anyMatch(i -> name.endsWith(".*") ? i.startsWith(prefix) : i.equals(name)),
          README + " names the import " + name + ", which " + CONSUMER_PROGRAM + " does not use");
    }
  }

  @Test
  void versionsInTheReadmeSnippetAreTheBuildsOwn() throws IOException {
    String parent = read(PARENT_POM);
    String snippet = String.join("\n", fencedBlock(README, "## Use it in your project", "```xml"));
    Map<String, String> expected = new LinkedHashMap<>();
    expected.put("spice-bom", tag(parent, "version", PARENT_POM));
    expected.put("slf4j-simple", tag(parent, "slf4j.version", PARENT_POM));
    expected.put("junit-jupiter", tag(parent, "junit.version", PARENT_POM));
    for (Map.Entry<String, String> e : expected.entrySet()) {
      Matcher m = Pattern.compile("<artifactId>" + Pattern.quote(e.getKey()) + "</artifactId><version>([^<]+)</version>")
          .matcher(snippet);
      assertTrue(m.find(), README + "'s XML snippet gives " + e.getKey() + " a version");
      assertEquals(e.getValue(), m.group(1), README + "'s XML snippet: version of " + e.getKey()
          + " differs from " + PARENT_POM);
    }
  }

  @Test
  void consumerPluginVersionsAreTheParentPomPins() throws IOException {
    String consumer = read(CONSUMER_POM);
    String parent = read(PARENT_POM);
    Matcher m = Pattern.compile("<artifactId>(maven-[\\w-]+-plugin)</artifactId><version>([^<]+)</version>").matcher(consumer);
    int found = 0;
    while (m.find()) {
      found++;
      String pin = "<artifactId>" + m.group(1) + "</artifactId><version>" + m.group(2) + "</version>";
      assertTrue(parent.contains(pin), CONSUMER_POM + " pins " + m.group(1) + " " + m.group(2) + " but "
          + PARENT_POM + " pins another version (the consumer must use the ones already in ~/.m2)");
    }
    assertEquals(3, found, CONSUMER_POM + " pins the resources, compiler and surefire plugins");
  }

  /** The lines of the first fenced block opened by {@code fence} under the heading starting {@code heading}. */
  private static List<String> fencedBlock(Path file, String heading, String fence) throws IOException {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    int h = 0;
    while (h < lines.size() && !lines.get(h).startsWith(heading)) {
      h++;
    }
    assertTrue(h < lines.size(), file + " has a heading starting \"" + heading + "\"");
    int start = -1;
    for (int i = h + 1; i < lines.size() && start < 0; i++) {
      if (lines.get(i).startsWith("## ")) {
        fail(file + ": no " + fence + " block under \"" + heading + "\" (next heading at line " + (i + 1) + ")");
      }
      if (lines.get(i).equals(fence)) {
        start = i + 1;
      }
    }
    assertTrue(start > 0, file + ": no " + fence + " block under \"" + heading + "\"");
    for (int i = start; i < lines.size(); i++) {
      if (lines.get(i).equals("```")) {
        return lines.subList(start, i);
      }
    }
    return fail(file + ": the " + fence + " block at line " + start + " is not closed");
  }

  /** The lines strictly between the line holding {@code begin} and the line holding {@code end}. */
  private static List<String> betweenMarkers(Path file, String begin, String end) throws IOException {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    int b = -1;
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).strip().equals(begin)) {
        assertEquals(-1, b, file + ": a second \"" + begin + "\" at line " + (i + 1));
        b = i;
      } else if (lines.get(i).strip().equals(end)) {
        assertTrue(b >= 0, file + ": \"" + end + "\" at line " + (i + 1) + " before \"" + begin + "\"");
        return lines.subList(b + 1, i);
      }
    }
    return fail(file + " has no \"" + begin + "\" ... \"" + end + "\" pair");
  }

  /**
   * Asserts that {@code got} (from {@code gotFile}) is {@code expected} (from {@code file}), each of
   * its lines indented by {@code indent} more spaces, or, where {@code indent} is 0, with any
   * indentation (XML).
   */
  private static void assertSameLines(List<String> expected, Path file, List<String> got, Path gotFile, int indent) {
    int n = Math.max(expected.size(), got.size());
    for (int i = 0; i < n; i++) {
      String e = i < expected.size() ? expected.get(i) : "<end of the snippet>";
      String g = i < got.size() ? got.get(i) : "<end of the marked lines>";
      boolean same = indent == 0 ? e.strip().equals(g.strip())
          : (e.isEmpty() ? g.isBlank() : g.equals(" ".repeat(indent) + e));
      if (!same) {
        fail(gotFile + " and " + file + " differ at line " + (i + 1) + " of the snippet:\n  " + file + ": "
            + e + "\n  " + gotFile + ": " + g + "\n(keep the README snippet and the consumer project equal)");
      }
    }
  }

  /** The text of the first {@code <name>} element of {@code xml}. */
  private static String tag(String xml, String name, Path file) {
    Matcher m = Pattern.compile("<" + Pattern.quote(name) + ">([^<]+)</" + Pattern.quote(name) + ">").matcher(xml);
    assertTrue(m.find(), file + " has a <" + name + ">");
    return m.group(1);
  }

  private static String read(Path file) throws IOException {
    return Files.readString(file, StandardCharsets.UTF_8);
  }
}
