package dev.spice.examples.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvalReportRendererTest {
  private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

  @TempDir Path dir;

  private static Map<String, Object> scores(long items, Double pass1, Double meanK, Double passK) {
    Map<String, Object> m = new HashMap<>();
    m.put("items", items);
    m.put("pass@1", pass1);
    m.put("mean@k", meanK);
    m.put("pass@k", passK);
    m.put("no_answer_greedy", 0.1);
    m.put("no_answer_sampled", null);
    return m;
  }

  private static Map<String, Object> result() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("benchmark", "factbook<sample>");
    m.put("backend", "djl");
    m.put("seed", 5L);
    m.put("greedy", true);
    m.put("samples", 4L);
    m.put("overall", scores(20, 0.5, 0.4, 0.75));
    Map<String, Object> cats = new LinkedHashMap<>();
    cats.put("capitals", scores(10, 0.8, 0.7, 1.0));
    cats.put("numbers", scores(10, 0.2, Double.NaN, 0.5));
    m.put("categories", cats);
    m.put("skipped_lines", 0L);
    m.put("settings", Map.of("template", "raw"));
    return m;
  }

  private static String row(String html, String label) {
    Matcher m = Pattern.compile("<tr><td>" + Pattern.quote(label) + "</td>.*?</tr>").matcher(html);
    assertTrue(m.find(), "row " + label);
    return m.group();
  }

  @Test
  void rendersTablesNaAndChart() throws IOException {
    Path out = EvalReportRenderer.render(result(), dir.resolve("eval.html"));
    assertFalse(Files.exists(dir.resolve("eval.html.tmp")));
    String s = Files.readString(out);
    assertTrue(s.contains("<h1>Benchmark factbook&lt;sample&gt; on djl</h1>"), "escaped title");
    assertTrue(s.contains("<td><code>template</code></td><td>raw</td>"), "settings");
    assertTrue(s.contains("<th>mean@4</th><th>pass@4</th>"), "k from samples");
    assertTrue(row(s, "<b>overall</b>").contains("<td class=\"num\">20</td><td class=\"num\">50.0%</td>"));
    assertTrue(row(s, "<code>capitals</code>").contains("80.0%</td><td class=\"num\">70.0%</td>"
        + "<td class=\"num\">100.0%</td><td class=\"num\">10.0%</td>"));
    String numbers = row(s, "<code>numbers</code>");
    assertTrue(numbers.contains("20.0%</td><td class=\"num\"><span class=\"na\">n/a</span></td>"), "NaN: " + numbers);
    assertTrue(numbers.endsWith("<td class=\"num\"><span class=\"na\">n/a</span></td></tr>"), "null: " + numbers);
    Matcher img = Pattern.compile("src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\" alt=\"pass@1 and mean@4 per "
        + "category\"").matcher(s);
    assertTrue(img.find(), "bar chart embedded");
    byte[] png = Base64.getDecoder().decode(img.group(1));
    assertArrayEquals(PNG_SIGNATURE, Arrays.copyOf(png, PNG_SIGNATURE.length));
    assertEquals(1, s.split("<img ", -1).length - 1, "one chart");
  }

  @Test
  @SuppressWarnings("unchecked")
  void greedyOnlyChartsPassAt1AndMissingCategoriesShowNa() throws IOException {
    Map<String, Object> m = result();
    Map<String, Object> cats = (Map<String, Object>) m.get("categories");
    cats.values().forEach(c -> ((Map<String, Object>) c).put("mean@k", null));
    String s = Files.readString(EvalReportRenderer.render(m, dir.resolve("a.html")));
    assertTrue(s.contains("alt=\"pass@1 per category\""), "only pass@1 bars");
    m.put("categories", Map.of());
    s = Files.readString(EvalReportRenderer.render(m, dir.resolve("b.html")));
    assertTrue(s.contains("no categories") && !s.contains("<img "), "no chart without categories");
  }
}
