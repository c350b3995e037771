package dev.spice.report;

import static dev.spice.report.Html.cell;
import static dev.spice.report.Html.esc;
import static dev.spice.report.Html.na;
import static dev.spice.report.Html.pct;

import dev.spice.core.internal.json.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The "Challenger tasks (sample)" section of the report: a browsable table per logged
 * iteration of the Challenger's completions, read from {@code completions.jsonl} (written by
 * {@code CompletionLogListener}), each row joined with the Reasoner's answers to the task trained on
 * the same document in the same iteration. Keeps only the last {@value #ITERATIONS} logged iterations
 * and {@value #ROWS} rows of each; malformed lines are skipped and counted, never fatal.
 */
final class ChallengerTasks {
  static final int ITERATIONS = 5;
  static final int ROWS = 40;
  static final int ANSWERS = 16;

  /** One logged iteration: its Challenger rows (at most {@link #ROWS}) and Reasoner answers per document. */
  private static final class Iteration {
    final List<Map<String, Object>> rows = new ArrayList<>();
    final Map<String, List<String>> answers = new LinkedHashMap<>();
    final Map<String, Integer> answerCounts = new LinkedHashMap<>();
    final Map<String, String> questions = new LinkedHashMap<>();
    int attempts;
  }

  private final TreeMap<Long, Iteration> iterations = new TreeMap<>();
  private final String name;
  private int malformed;
  private String readError;

  private ChallengerTasks(String name) {
    this.name = name;
  }

  /**
   * Reads the completion log {@code file}; its name on the page is relative to {@code runFolder}
   * where it lies inside it. An I/O error ends reading early and is shown on the page.
   */
  static ChallengerTasks read(Path file, Path runFolder) {
    Path abs = file.toAbsolutePath().normalize();
    Path root = runFolder.toAbsolutePath().normalize();
    ChallengerTasks t = new ChallengerTasks((abs.startsWith(root) ? root.relativize(abs) : abs).toString());
    t.read(file);
    return t;
  }

  private void read(Path file) {
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        if (!line.isBlank() && !add(line)) {
          malformed++;
        }
      }
    } catch (IOException | RuntimeException e) {
      readError = e.toString();
    }
  }

  /** Adds one line; false if it is not a well-formed challenger or reasoner record. */
  private boolean add(String line) {
    Map<String, Object> m;
    try {
      m = Json.parseObject(line);
    } catch (Json.JsonException e) {
      return false;
    }
    if (!(m.get("iteration") instanceof Number n) || !(m.get("document") instanceof String doc)) {
      return false;
    }
    long it = n.longValue();
    Object role = m.get("role");
    if (!"challenger".equals(role) && !"reasoner".equals(role)) {
      return false;
    }
    Iteration i = iterations.get(it);
    if (i == null) {
      if (iterations.size() == ITERATIONS && it < iterations.firstKey()) {
        return true;
      }
      i = new Iteration();
      iterations.put(it, i);
      if (iterations.size() > ITERATIONS) {
        iterations.pollFirstEntry();
      }
    }
    if ("challenger".equals(role)) {
      i.attempts++;
      if (i.rows.size() < ROWS) {
        i.rows.add(m);
      }
    } else {
      int seen = i.answerCounts.merge(doc, 1, Integer::sum);
      if (m.get("question") instanceof String q) {
        i.questions.putIfAbsent(doc, q);
      }
      if (seen <= ANSWERS) {
        String answer = m.get("answer") instanceof String a ? a : "(no answer)";
        boolean correct = m.get("correct") instanceof Number c ? c.doubleValue() >= 0.5
            : Boolean.TRUE.equals(m.get("correct"));
        i.answers.computeIfAbsent(doc, k -> new ArrayList<>()).add(esc(answer) + (correct
            ? " <span class=\"pass\">&#10003;</span>" : " <span class=\"fail\">&#10007;</span>"));
      }
    }
    return true;
  }

  /** Appends the section (heading, tables) to {@code sb}. */
  void write(StringBuilder sb) {
    sb.append("<h2>Challenger tasks (sample)</h2>\n<p>The Challenger's attempts from <code>").append(esc(name))
        .append("</code>: the last ").append(ITERATIONS).append(" logged iterations, at most ").append(ROWS)
        .append(" attempts each, with the Reasoner's answers to the task trained on the same document.</p>\n");
    if (malformed > 0) {
      sb.append("<p class=\"na\">").append(malformed).append(malformed == 1 ? " malformed line" : " malformed lines")
          .append(" skipped.</p>\n");
    }
    if (readError != null) {
      sb.append("<p class=\"na\">Reading stopped early: ").append(esc(readError)).append("</p>\n");
    }
    if (iterations.isEmpty()) {
      sb.append("<p>").append(na()).append(": no attempts logged.</p>\n");
      return;
    }
    for (Map.Entry<Long, Iteration> e : iterations.descendingMap().entrySet()) {
      Iteration i = e.getValue();
      sb.append("<details").append(e.getKey().equals(iterations.lastKey()) ? " open" : "")
          .append("><summary>Iteration ").append(e.getKey()).append(": ").append(i.attempts)
          .append(i.attempts == 1 ? " attempt" : " attempts")
          .append(i.attempts > i.rows.size() ? " (first " + i.rows.size() + " shown)" : "")
          .append("</summary>\n<table>\n<tr><th>document</th><th>Challenger completion</th><th>valid</th>"
              + "<th>pass rate</th><th>reward</th><th>Reasoner answers</th></tr>\n");
      for (Map<String, Object> row : i.rows) {
        String doc = (String) row.get("document");
        sb.append("<tr><td><code>").append(esc(doc)).append("</code></td><td class=\"txt\">")
            .append(esc(text(row.get("completion")))).append("</td><td>").append(validity(row)).append("</td>")
            .append(cell(pct(number(row.get("pass_rate"))))).append(cell(signed(number(row.get("reward")))))
            .append("<td>");
        List<String> answers = i.answers.get(doc);
        if (answers != null && trained(row, i.questions.get(doc))) {
          sb.append(String.join(", ", answers));
          int more = i.answerCounts.get(doc) - answers.size();
          sb.append(more > 0 ? ", &hellip; (+" + more + ")" : "");
        }
        sb.append("</td></tr>\n");
      }
      sb.append("</table>\n</details>\n");
    }
  }

  /** Whether a row is the document's trained task: valid, and its question is the one answered. */
  private static boolean trained(Map<String, Object> row, String question) {
    if (!Boolean.TRUE.equals(row.get("valid"))) {
      return false;
    }
    return question == null || row.get("task") instanceof Map<?, ?> task && question.equals(task.get("question"));
  }

  private static String validity(Map<String, Object> row) {
    if (Boolean.TRUE.equals(row.get("valid"))) {
      return "<span class=\"pass\">valid</span>";
    }
    String code = text(row.get("invalid_code"));
    String detail = text(row.get("invalid_detail"));
    return "<span class=\"fail\"" + (detail.isEmpty() ? "" : " title=\"" + esc(detail) + "\"") + ">"
        + esc(code.isEmpty() ? "invalid" : code) + "</span>";
  }

  private static String text(Object v) {
    return v == null ? "" : v instanceof String s ? s : Json.write(v);
  }

  private static double number(Object v) {
    return v instanceof Number n ? n.doubleValue() : Double.NaN;
  }

  private static String signed(double v) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%+.3f", v) : na();
  }
}
