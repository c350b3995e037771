package dev.spice.core.roles;

import static dev.spice.core.roles.InvalidReasons.of;

import dev.spice.core.AnswerType;
import dev.spice.core.Document;
import dev.spice.core.Task;
import dev.spice.core.TaskCodec;
import dev.spice.core.internal.json.Json;
import dev.spice.core.TaskFormat;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The paper-style task format for real language models: after any reasoning, the Challenger
 * writes one JSON object, optionally in a {@code ```json} fence. The last parsable object wins.
 *
 * <pre>
 * {"type": "multiple_choice", "question": "...", "options": {"A": "...", "B": "...", "C": "...", "D": "..."}, "correct": "B"}
 * {"type": "free_form", "question": "...", "answer": "...", "answer_type": "Integer" | "Expression" | "String"}
 * </pre>
 *
 * <p>Also accepted: {@code options} as a list of four strings, and the type inferred from the
 * fields when {@code type} is missing. Anything else is an invalid task with the reason, which
 * starts with one of the {@link InvalidReasons} codes ({@code format: no JSON object found}).
 * Input longer than {@value #MAX_INPUT_CHARS} characters is invalid. Thread-safe.
 */
public final class JsonTaskCodec implements TaskCodec {
  /** Longest Challenger output parsed. */
  public static final int MAX_INPUT_CHARS = 32_768;

  /** Maximum length of a free-form STRING answer in words (the paper's 1-3 words). */
  public static final int MAX_STRING_ANSWER_WORDS = 3;

  @Override
  public String name() {
    return "json";
  }

  @Override
  public String formatInstructions() {
    return """
        First decide which format suits the document: multiple choice, or free form with an \
        Integer, Expression or String (1-3 words) answer. Then write exactly one JSON object as \
        the last thing in your reply, in one of these forms:
        {"type": "multiple_choice", "question": "...", "options": {"A": "...", "B": "...", "C": "...", "D": "..."}, "correct": "A"}
        {"type": "free_form", "question": "...", "answer": "...", "answer_type": "Integer"}
        The question must be answerable without the document, and must not contain the answer.""";
  }

  @Override
  public Decoded decode(String text, Document document) {
    if (text.length() > MAX_INPUT_CHARS) {
      return Decoded.invalid(of(InvalidReasons.TOO_LONG, "output longer than " + MAX_INPUT_CHARS + " characters"));
    }
    List<String> candidates = candidates(text);
    if (candidates.isEmpty()) {
      return Decoded.invalid(of(InvalidReasons.FORMAT, "no JSON object found"));
    }
    String lastReason = null;
    for (int i = candidates.size() - 1; i >= 0; i--) {
      Object parsed;
      try {
        parsed = Json.parse(candidates.get(i));
      } catch (Json.JsonException e) {
        lastReason = lastReason == null ? of(InvalidReasons.FORMAT, "malformed JSON: " + e.getMessage()) : lastReason;
        continue;
      }
      if (!(parsed instanceof Map<?, ?> m)) {
        continue;
      }
      Decoded d = fromObject(m);
      if (d.task() != null) {
        return d;
      }
      return d;
    }
    return Decoded.invalid(lastReason == null ? of(InvalidReasons.FORMAT, "no JSON object found") : lastReason);
  }

  private static Decoded fromObject(Map<?, ?> m) {
    Object q = m.get("question");
    if (!(q instanceof String question)) {
      return Decoded.invalid(of(InvalidReasons.FORMAT, "missing or empty field 'question'"));
    }
    if (question.isBlank()) {
      return Decoded.invalid(of(InvalidReasons.NO_QUESTION, "missing or empty field 'question'"));
    }
    String type = m.get("type") instanceof String s ? s.toLowerCase(Locale.ROOT).replace('-', '_').replace(' ', '_') : null;
    boolean mcq = type != null ? type.startsWith("multiple") || type.equals("mcq")
        : m.containsKey("options") || m.containsKey("correct");
    if (type != null && !mcq && !type.startsWith("free")) {
      return Decoded.invalid(of(InvalidReasons.FORMAT, "field 'type' must be multiple_choice or free_form, got '" + type + "'"));
    }
    if (mcq) {
      List<String> options = new ArrayList<>();
      Object o = m.get("options");
      if (o instanceof Map<?, ?> om) {
        for (String letter : List.of("A", "B", "C", "D")) {
          Object v = om.get(letter);
          if (!(v instanceof String sv) || sv.isBlank()) {
            return Decoded.invalid(of(InvalidReasons.OPTIONS, "option " + letter + " is missing or empty"));
          }
          options.add(sv.strip());
        }
        if (om.size() != 4) {
          return Decoded.invalid(of(InvalidReasons.OPTIONS, "expected exactly 4 options A-D, got " + om.size()));
        }
      } else if (o instanceof List<?> ol) {
        if (ol.size() != 4) {
          return Decoded.invalid(of(InvalidReasons.OPTIONS, "expected exactly 4 options, got " + ol.size()));
        }
        for (Object v : ol) {
          if (!(v instanceof String sv) || sv.isBlank()) {
            return Decoded.invalid(of(InvalidReasons.OPTIONS, "every option must be a non-empty string"));
          }
          options.add(sv.strip());
        }
      } else {
        return Decoded.invalid(of(InvalidReasons.FORMAT, "missing field 'options'"));
      }
      if (options.stream().distinct().count() != 4) {
        return Decoded.invalid(of(InvalidReasons.DUPLICATE_OPTIONS, "options are not distinct"));
      }
      Object c = m.get("correct");
      if (!(c instanceof String cs)) {
        return Decoded.invalid(of(InvalidReasons.FORMAT, "missing field 'correct'"));
      }
      String letter = cs.strip().replaceAll("^[(\\[]|[)\\].]$", "").toUpperCase(Locale.ROOT);
      if (!letter.matches("[A-D]")) {
        return Decoded.invalid(of(InvalidReasons.ANSWER_NOT_IN_OPTIONS, "field 'correct' must be one of A, B, C, D, got '" + cs + "'"));
      }
      return Decoded.valid(Task.multipleChoice(question.strip(), options, letter));
    }
    Object a = m.get("answer");
    String answer = a instanceof String as ? as.strip() : a instanceof Number n ? Json.write(n) : null;
    if (answer == null) {
      return Decoded.invalid(of(InvalidReasons.FORMAT, "missing or empty field 'answer'"));
    }
    if (answer.isEmpty()) {
      return Decoded.invalid(of(InvalidReasons.NO_ANSWER, "missing or empty field 'answer'"));
    }
    Object at = m.get("answer_type");
    if (!(at instanceof String ats)) {
      return Decoded.invalid(of(InvalidReasons.FORMAT, "missing field 'answer_type' (Integer, Expression or String)"));
    }
    AnswerType t;
    switch (ats.strip().toLowerCase(Locale.ROOT)) {
      case "integer", "int", "number" -> t = AnswerType.INTEGER;
      case "expression", "expr", "math" -> t = AnswerType.EXPRESSION;
      case "string", "text" -> t = AnswerType.STRING;
      default -> {
        return Decoded.invalid(of(InvalidReasons.FORMAT, "field 'answer_type' must be Integer, Expression or String, got '" + ats + "'"));
      }
    }
    if (t == AnswerType.STRING && answer.split("\\s+").length > MAX_STRING_ANSWER_WORDS) {
      return Decoded.invalid(of(InvalidReasons.TOO_LONG, "a String answer has at most " + MAX_STRING_ANSWER_WORDS + " words"));
    }
    if (question.contains(answer) && answer.length() > 3) {
      return Decoded.invalid(of(InvalidReasons.ANSWER_IN_QUESTION, "the question contains its answer"));
    }
    return Decoded.valid(Task.freeForm(question.strip(), answer, t));
  }

  /**
   * Writes the task as one JSON object in the forms above ({@code options} as an object A-D,
   * {@code answer_type} as Integer, Expression or String). It decodes back to an equal task, up to
   * whitespace at the ends of the question, options and answer.
   *
   * @throws IllegalArgumentException if the object would not decode back to an equal task (for
   *     example a String answer over {@value #MAX_STRING_ANSWER_WORDS} words, or a question that
   *     contains its answer)
   */
  @Override
  public String encode(Task task) {
    Objects.requireNonNull(task, "task");
    Map<String, Object> o = new LinkedHashMap<>();
    if (task.format() == TaskFormat.MULTIPLE_CHOICE) {
      o.put("type", "multiple_choice");
      o.put("question", task.question());
      Map<String, Object> options = new LinkedHashMap<>();
      for (int i = 0; i < task.options().size(); i++) {
        options.put(String.valueOf((char) ('A' + i)), task.options().get(i));
      }
      o.put("options", options);
      o.put("correct", task.goldAnswer());
    } else {
      o.put("type", "free_form");
      o.put("question", task.question());
      o.put("answer", task.goldAnswer());
      String t = task.answerType().name();
      o.put("answer_type", t.charAt(0) + t.substring(1).toLowerCase(Locale.ROOT));
    }
    String text = Json.write(o);
    Decoded back = decode(text, Document.of("encode", "", "encode"));
    Task t = back.task();
    if (t == null || !t.question().equals(task.question().strip()) || t.format() != task.format()
        || !t.options().equals(task.options().stream().map(String::strip).toList())
        || !t.goldAnswer().equals(task.goldAnswer().strip())
        || t.answerType() != task.answerType()) {
      throw new IllegalArgumentException("the JSON format would not read this task back equal ("
          + (t == null ? back.invalidReason() : "read back as " + t) + "): " + text);
    }
    return text;
  }

  /** Balanced {...} spans outside strings, in order of their end position. Bounded by input size. */
  static List<String> candidates(String text) {
    List<String> out = new ArrayList<>();
    int depth = 0;
    int start = -1;
    boolean inString = false;
    boolean escape = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (inString) {
        if (escape) {
          escape = false;
        } else if (c == '\\') {
          escape = true;
        } else if (c == '"') {
          inString = false;
        }
        continue;
      }
      if (c == '"' && depth > 0) {
        inString = true;
      } else if (c == '{') {
        if (depth == 0) {
          start = i;
        }
        depth++;
        if (depth > Json.MAX_DEPTH) {
          return out;
        }
      } else if (c == '}' && depth > 0) {
        depth--;
        if (depth == 0) {
          out.add(text.substring(start, i + 1));
        }
      }
    }
    return out;
  }
}
