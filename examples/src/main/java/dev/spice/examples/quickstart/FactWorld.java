package dev.spice.examples.quickstart;

import dev.spice.core.AnswerType;
import dev.spice.core.Document;
import dev.spice.core.SpiceException;
import dev.spice.core.Task;
import dev.spice.core.TaskFormat;
import dev.spice.corpus.Factbook;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * A closed world of facts for the quickstart: a few countries of the bundled Factbook and a few of
 * their fields, each value one token (words joined by {@code _}). It makes the documents the
 * Challenger reads (short shuffled fact lines {@code <country> <field> <value>}), renders tasks
 * deterministically from a fact, and lists the vocabulary of every prompt and answer.
 *
 * <p>Immutable and thread-safe.
 */
public final class FactWorld {
  /** Role token that starts every Challenger prompt. */
  public static final String CHALLENGER_TOKEN = "<challenger>";
  /** Role token that starts every Reasoner prompt. */
  public static final String REASONER_TOKEN = "<reasoner>";
  /** Format token of a multiple-choice task. */
  public static final String MCQ = "MCQ";
  /** Format token of a free-form task. */
  public static final String FREE = "FREE";
  /** The option letters. */
  public static final List<String> LETTERS = List.of("A", "B", "C", "D");
  /** Ends a question. */
  public static final String QUESTION_MARK = "?";

  /**
   * One fact.
   *
   * @param country the country token
   * @param field the field token
   * @param value the value token
   */
  public record Fact(String country, String field, String value) {
    /** Validates. */
    public Fact {
      Objects.requireNonNull(country, "country");
      Objects.requireNonNull(field, "field");
      Objects.requireNonNull(value, "value");
    }

    /** The document line {@code <country> <field> <value>}. */
    public String line() {
      return country + " " + field + " " + value;
    }
  }

  private final List<String> countries;
  private final List<String> fields;
  private final Map<String, Map<String, String>> values;
  private final Map<String, List<String>> fieldValues;
  private final int pointers;

  private FactWorld(List<String> countries, List<String> fields, Map<String, Map<String, String>> values, int pointers) {
    this.countries = List.copyOf(countries);
    this.fields = List.copyOf(fields);
    this.values = values;
    this.pointers = pointers;
    Map<String, List<String>> fv = new LinkedHashMap<>();
    for (String f : fields) {
      Set<String> s = new TreeSet<>();
      for (String c : countries) {
        s.add(values.get(c).get(f));
      }
      fv.put(f, List.copyOf(s));
    }
    this.fieldValues = Collections.unmodifiableMap(fv);
  }

  /**
   * A world of {@code countries} Factbook countries (drawn with {@code seed} among the sovereign
   * profiles that have every field) and the given fields.
   *
   * @param countries number of countries, {@code >= 5} (multiple choice needs three distractors)
   * @param fields Factbook field names (see {@link Factbook#FIELDS}), at least one, distinct
   * @param pointers number of lines the Challenger can point at (line markers {@code <L0>..} and
   *     actions {@code MCQ@L0.., FREE@L0..}), at least the longest document
   * @param seed which countries are drawn
   * @throws SpiceException.ConfigurationException naming the bad value
   */
  public static FactWorld fromFactbook(int countries, List<String> fields, int pointers, long seed) {
    if (fields.isEmpty() || new LinkedHashSet<>(fields).size() != fields.size()) {
      throw new SpiceException.ConfigurationException("fields must be distinct and not empty, got " + fields);
    }
    List<Factbook.Country> eligible = new ArrayList<>();
    for (Factbook.Country c : Factbook.countriesWith(fields)) {
      if (!c.area().equals("world") && !c.area().equals("oceans") && !c.area().equals("antarctica")) {
        eligible.add(c);
      }
    }
    if (countries < 5 || countries > eligible.size()) {
      throw new SpiceException.ConfigurationException("countries must be in [5, " + eligible.size()
          + "] (Factbook profiles with fields " + fields + "), got " + countries);
    }
    Collections.shuffle(eligible, new Random(seed));
    List<Factbook.Country> chosen = new ArrayList<>(eligible.subList(0, countries));
    chosen.sort((a, b) -> a.name().compareTo(b.name()));
    List<String> names = new ArrayList<>();
    Map<String, Map<String, String>> vals = new LinkedHashMap<>();
    for (Factbook.Country c : chosen) {
      String name = token(c.name());
      names.add(name);
      Map<String, String> m = new LinkedHashMap<>();
      for (String f : fields) {
        m.put(f, token(c.fields().get(f)));
      }
      vals.put(name, Collections.unmodifiableMap(m));
    }
    return new FactWorld(names, fields, Collections.unmodifiableMap(vals), pointers);
  }

  /** A raw value as one token: whitespace runs replaced by {@code _}. */
  public static String token(String raw) {
    return raw.strip().replaceAll("\\s+", "_");
  }

  /** The country tokens, sorted. */
  public List<String> countries() {
    return countries;
  }

  /** The field names. */
  public List<String> fields() {
    return fields;
  }

  /** The value of a fact. @throws IllegalArgumentException for an unknown country or field */
  public String value(String country, String field) {
    Map<String, String> m = values.get(country);
    if (m == null || !m.containsKey(field)) {
      throw new IllegalArgumentException("no fact for country '" + country + "' and field '" + field + "'");
    }
    return m.get(field);
  }

  /** The distinct values of a field, sorted: the answers a free-form question on it may take. */
  public List<String> values(String field) {
    List<String> v = fieldValues.get(field);
    if (v == null) {
      throw new IllegalArgumentException("unknown field '" + field + "'; valid: " + fields);
    }
    return v;
  }

  /** All facts, country by country, fields in order. */
  public List<Fact> facts() {
    List<Fact> out = new ArrayList<>();
    for (String c : countries) {
      for (String f : fields) {
        out.add(new Fact(c, f, values.get(c).get(f)));
      }
    }
    return out;
  }

  /** The line-marker tokens {@code <L0>..<L(n-1)>} that precede each line in the Challenger's prompt. */
  public List<String> pointerTokens() {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < pointers; i++) {
      out.add(pointer(i));
    }
    return out;
  }

  /** The line-marker token preceding line {@code i} in the Challenger's prompt. */
  public static String pointer(int i) {
    return "<L" + i + ">";
  }

  /**
   * The Challenger's action token asking a {@code format} question ({@link #MCQ} or {@link #FREE})
   * about line {@code line} of the document: {@code <format>@L<line>}, e.g. {@code MCQ@L3}.
   */
  public static String action(String format, int line) {
    return format + "@L" + line;
  }

  /**
   * The Challenger's action tokens: one per (format, pointer), multiple choice first, i.e.
   * {@code MCQ@L0..MCQ@L(n-1), FREE@L0..FREE@L(n-1)} for {@code n} pointers. Each names a whole
   * task, so a random action is invalid only when its line is past the document's last line.
   */
  public List<String> actionTokens() {
    List<String> out = new ArrayList<>();
    for (String f : List.of(MCQ, FREE)) {
      for (int i = 0; i < pointers; i++) {
        out.add(action(f, i));
      }
    }
    return out;
  }

  /** Every token any prompt or answer uses, without the tokenizer's special tokens. */
  public List<String> vocabulary() {
    Set<String> v = new LinkedHashSet<>();
    v.add(CHALLENGER_TOKEN);
    v.add(REASONER_TOKEN);
    v.addAll(pointerTokens());
    v.addAll(actionTokens());
    v.add(MCQ);
    v.add(FREE);
    v.addAll(LETTERS);
    v.add(QUESTION_MARK);
    v.addAll(countries);
    v.addAll(fields);
    for (String f : fields) {
      v.addAll(values(f));
    }
    return List.copyOf(v);
  }

  /**
   * The documents: {@code perCountry} per country, each a random {@code minLines..maxLines} of
   * its fact lines in random order, one line per fact ({@code \n}-separated). Id
   * {@code <country>/<k>}, metadata {@code country}.
   */
  public List<Document> documents(int perCountry, int minLines, int maxLines, long seed) {
    if (perCountry < 1) {
      throw new SpiceException.ConfigurationException("documents per country must be >= 1, got " + perCountry);
    }
    if (minLines < 1 || maxLines < minLines || maxLines > Math.min(fields.size(), pointers)) {
      throw new SpiceException.ConfigurationException("document lines must satisfy 1 <= min <= max <= min(fields "
          + fields.size() + ", pointers " + pointers + "), got min " + minLines + ", max " + maxLines);
    }
    Random rnd = new Random(seed);
    List<Document> out = new ArrayList<>();
    for (String c : countries) {
      for (int k = 0; k < perCountry; k++) {
        List<String> fs = new ArrayList<>(fields);
        Collections.shuffle(fs, rnd);
        int n = minLines + rnd.nextInt(maxLines - minLines + 1);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
          if (i > 0) {
            sb.append('\n');
          }
          sb.append(new Fact(c, fs.get(i), values.get(c).get(fs.get(i))).line());
        }
        out.add(new Document(c + "/" + k, sb.toString(), "factbook-facts", Map.of("country", c)));
      }
    }
    return out;
  }

  /** The fact of a document line, if the line is a fact of this world. */
  public java.util.Optional<Fact> parseLine(String line) {
    String[] w = line.strip().split("\\s+");
    if (w.length != 3 || !values.containsKey(w[0]) || !values.get(w[0]).containsKey(w[1])
        || !values.get(w[0]).get(w[1]).equals(w[2])) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(new Fact(w[0], w[1], w[2]));
  }

  /**
   * Renders the task of a fact, deterministically. Question {@code <format> <country> <field> ?};
   * multiple choice adds four options, the gold value and three distinct other values of the same
   * field, in an order drawn from {@code instanceSeed}; the gold answer is then the letter, else
   * the value (typed {@link AnswerType#STRING}). Metadata: {@code country}, {@code field},
   * {@code value}.
   */
  public Task render(TaskFormat format, Fact fact, long instanceSeed) {
    String q = (format == TaskFormat.MULTIPLE_CHOICE ? MCQ : FREE) + " " + fact.country() + " " + fact.field() + " "
        + QUESTION_MARK;
    Map<String, String> md = Map.of("country", fact.country(), "field", fact.field(), "value", fact.value());
    if (format == TaskFormat.FREE_FORM) {
      return new Task(q, TaskFormat.FREE_FORM, List.of(), fact.value(), AnswerType.STRING, md);
    }
    Random rnd = new Random(instanceSeed);
    List<String> others = new ArrayList<>(values(fact.field()));
    others.remove(fact.value());
    if (others.size() < 3) {
      // fewer than three distinct distractors in this field: borrow values of other fields
      for (String f : fields) {
        for (String v : values(f)) {
          if (!v.equals(fact.value()) && !others.contains(v)) {
            others.add(v);
          }
        }
      }
    }
    Collections.shuffle(others, rnd);
    List<String> options = new ArrayList<>(others.subList(0, 3));
    options.add(fact.value());
    Collections.shuffle(options, rnd);
    String gold = LETTERS.get(options.indexOf(fact.value()));
    return new Task(q, TaskFormat.MULTIPLE_CHOICE, options, gold, dev.spice.core.AnswerType.CHOICE, md);
  }
}
