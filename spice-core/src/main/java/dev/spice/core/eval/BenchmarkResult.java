package dev.spice.core.eval;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Scores of one policy on one {@link BenchmarkSet}, from {@link BenchmarkEvaluation#evaluate}.
 *
 * <p>Figures of a mode that was not run ({@code greedy == false}, or {@code samples == 0}) are
 * {@code NaN} in {@link Scores} and absent ({@code null}) in {@link #toMap()}. An answer counts as
 * correct when its pass indicator (the reward's {@value dev.spice.core.Rewards#CORRECT} sub-score,
 * 0 or 1 for {@code ReasonerRewards}) is at least 0.5.
 *
 * @param benchmark the set's name
 * @param backend the policy backend's name
 * @param seed the evaluation seed
 * @param greedy whether one greedy answer per item was scored
 * @param samples sampled answers per item ({@code k}), 0 if none were sampled
 * @param overall figures over all items
 * @param categories figures per category, sorted by category name
 * @param items one row per item, in set order
 * @param skippedLines bad lines the reader skipped (from the set)
 * @param skipReasons the first reasons the reader kept (from the set)
 */
public record BenchmarkResult(
    String benchmark,
    String backend,
    long seed,
    boolean greedy,
    int samples,
    Scores overall,
    Map<String, Scores> categories,
    List<ItemScore> items,
    int skippedLines,
    List<String> skipReasons) {

  /**
   * Validates and copies; {@code categories} is kept sorted by name.
   *
   * @param benchmark the set's name
   * @param backend the policy backend's name
   * @param seed the evaluation seed
   * @param greedy whether one greedy answer per item was scored
   * @param samples sampled answers per item ({@code k}), 0 if none were sampled
   * @param overall figures over all items
   * @param categories figures per category, sorted by category name
   * @param items one row per item, in set order
   * @param skippedLines bad lines the reader skipped (from the set)
   * @param skipReasons the first reasons the reader kept (from the set)
   */
  public BenchmarkResult {
    Objects.requireNonNull(benchmark, "benchmark");
    Objects.requireNonNull(backend, "backend");
    Objects.requireNonNull(overall, "overall");
    categories = Collections.unmodifiableMap(new TreeMap<>(categories));
    items = List.copyOf(items);
    skipReasons = List.copyOf(skipReasons);
    if (samples < 0) {
      throw new IllegalArgumentException("samples must be >= 0, got " + samples);
    }
  }

  /**
   * Figures over a group of items, each a fraction in {@code [0, 1]} or {@code NaN} when its mode
   * was not run.
   *
   * @param items number of items
   * @param passAt1 greedy accuracy: the fraction of items whose greedy answer is correct
   * @param meanAtK mean over items of the fraction of the {@code k} sampled answers that are
   *     correct
   * @param passAtK mean over items of the unbiased pass@k estimate {@code 1 - C(n-c,k)/C(n,k)}
   *     with {@code n = k} samples and {@code c} correct: the fraction of items with a correct sample
   * @param greedyNoAnswerRate fraction of greedy answers from which the Reasoner extracted no
   *     answer
   * @param sampledNoAnswerRate fraction of sampled answers from which it extracted no answer
   */
  public record Scores(int items, double passAt1, double meanAtK, double passAtK, double greedyNoAnswerRate,
      double sampledNoAnswerRate) {}

  /**
   * One item's outcome.
   *
   * @param id the item id
   * @param category the item category
   * @param greedyCorrect whether the greedy answer was correct ({@code false} without a greedy run)
   * @param greedyAnswer the answer extracted from the greedy completion, {@code null} if none (or
   *     without a greedy run)
   * @param sampledCorrect how many of the sampled answers were correct, in {@code [0, samples]}
   * @param sampledAnswered from how many sampled completions an answer was extracted
   */
  public record ItemScore(String id, String category, boolean greedyCorrect, String greedyAnswer, int sampledCorrect,
      int sampledAnswered) {
    /**
     * Validates.
     *
     * @param id the item id
     * @param category the item category
     * @param greedyCorrect whether the greedy answer was correct ({@code false} without a greedy
     *     run)
     * @param greedyAnswer the answer extracted from the greedy completion, {@code null} if none (or
     *     without a greedy run)
     * @param sampledCorrect how many of the sampled answers were correct, in {@code [0, samples]}
     * @param sampledAnswered from how many sampled completions an answer was extracted
     */
    public ItemScore {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(category, "category");
    }
  }

  /**
   * The unbiased pass@k estimator of Chen et al. (2021): the probability that at least one of
   * {@code k} answers drawn without replacement from {@code n}, of which {@code c} are correct, is
   * correct: {@code 1 - C(n-c,k)/C(n,k)}.
   *
   *
   * @param n answers drawn in all
   * @param c correct answers among them
   * @param k the k of pass@k
   * @return the estimated pass@k probability
   * @throws IllegalArgumentException unless {@code 0 <= c <= n} and {@code 1 <= k <= n}
   */
  public static double passAtK(int n, int c, int k) {
    if (c < 0 || c > n || k < 1 || k > n) {
      throw new IllegalArgumentException("pass@k needs 0 <= c <= n and 1 <= k <= n, got n=" + n + " c=" + c + " k=" + k);
    }
    if (n - c < k) {
      return 1.0;
    }
    double fail = 1.0;
    for (int i = n - c + 1; i <= n; i++) {
      fail *= 1.0 - (double) k / i;
    }
    return 1.0 - fail;
  }

  /** The figures of a group of rows. */
  static Scores summarize(List<ItemScore> rows, boolean greedy, int samples) {
    int n = rows.size();
    double pass1 = 0;
    double noGreedy = 0;
    double mean = 0;
    double passK = 0;
    double noSampled = 0;
    for (ItemScore r : rows) {
      pass1 += r.greedyCorrect() ? 1 : 0;
      noGreedy += r.greedyAnswer() == null ? 1 : 0;
      if (samples > 0) {
        mean += (double) r.sampledCorrect() / samples;
        passK += passAtK(samples, r.sampledCorrect(), samples);
        noSampled += (double) (samples - r.sampledAnswered()) / samples;
      }
    }
    double nan = Double.NaN;
    return new Scores(n, greedy ? pass1 / n : nan, samples > 0 ? mean / n : nan, samples > 0 ? passK / n : nan,
        greedy ? noGreedy / n : nan, samples > 0 ? noSampled / n : nan);
  }

  /**
   * A JSON-ready map (strings, numbers, booleans, nulls, lists and maps, keys in a fixed order) for
   * a report file: {@code benchmark, backend, seed, greedy, samples, overall, categories, items,
   * skipped_lines, skip_reasons}. Figures are under {@code items, pass@1, mean@k, pass@k,
   * no_answer_greedy, no_answer_sampled}; a mode not run gives {@code null}s.
   *
   * @return a JSON-ready map (strings, numbers, booleans, nulls, lists and maps, keys in a fixed
   *     order) for a report file: {@code benchmark, backend, seed, greedy, samples, overall,
   *     categories, items, skipped_lines, skip_reasons}
   */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("benchmark", benchmark);
    m.put("backend", backend);
    m.put("seed", seed);
    m.put("greedy", greedy);
    m.put("samples", samples);
    m.put("overall", scoresMap(overall));
    Map<String, Object> cats = new LinkedHashMap<>();
    categories.forEach((k, v) -> cats.put(k, scoresMap(v)));
    m.put("categories", cats);
    List<Object> rows = new ArrayList<>(items.size());
    for (ItemScore r : items) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("id", r.id());
      row.put("category", r.category());
      row.put("greedy_correct", greedy ? r.greedyCorrect() : null);
      row.put("greedy_answer", r.greedyAnswer());
      row.put("sampled_correct", samples > 0 ? r.sampledCorrect() : null);
      row.put("sampled_answered", samples > 0 ? r.sampledAnswered() : null);
      rows.add(row);
    }
    m.put("items", rows);
    m.put("skipped_lines", skippedLines);
    m.put("skip_reasons", skipReasons);
    return m;
  }

  private static Map<String, Object> scoresMap(Scores s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("items", s.items());
    m.put("pass@1", finite(s.passAt1()));
    m.put("mean@k", finite(s.meanAtK()));
    m.put("pass@k", finite(s.passAtK()));
    m.put("no_answer_greedy", finite(s.greedyNoAnswerRate()));
    m.put("no_answer_sampled", finite(s.sampledNoAnswerRate()));
    return m;
  }

  private static Double finite(double d) {
    return Double.isFinite(d) ? d : null;
  }

  /**
   * A Markdown summary: one heading line, then a table with one row per category and a bold
   * {@code overall} row; columns of modes not run are left out. Fractions have three decimals.
   *
   * @return a Markdown summary: one heading line, then a table with one row per category and a bold
   *     {@code overall} row; columns of modes not run are left out
   */
  public String toMarkdown() {
    StringBuilder sb = new StringBuilder();
    sb.append("Benchmark ").append(benchmark).append(" on ").append(backend).append(": ").append(overall.items())
        .append(" items");
    if (greedy) {
      sb.append(", greedy answers");
    }
    if (samples > 0) {
      sb.append(greedy ? " and " : ", ").append(samples).append(" sampled answers per item");
    }
    sb.append(" (seed ").append(seed).append(")");
    if (skippedLines > 0) {
      sb.append("; ").append(skippedLines).append(" bad lines skipped");
    }
    sb.append("\n\n| category | items |");
    StringBuilder rule = new StringBuilder("|---|---:|");
    if (greedy) {
      sb.append(" pass@1 | no answer (greedy) |");
      rule.append("---:|---:|");
    }
    if (samples > 0) {
      sb.append(" mean@").append(samples).append(" | pass@").append(samples).append(" | no answer (sampled) |");
      rule.append("---:|---:|---:|");
    }
    sb.append('\n').append(rule).append('\n');
    categories.forEach((name, s) -> row(sb, name.replace("|", "\\|"), s));
    row(sb, "**overall**", overall);
    return sb.toString();
  }

  private void row(StringBuilder sb, String name, Scores s) {
    sb.append("| ").append(name).append(" | ").append(s.items()).append(" |");
    if (greedy) {
      sb.append(' ').append(fmt(s.passAt1())).append(" | ").append(fmt(s.greedyNoAnswerRate())).append(" |");
    }
    if (samples > 0) {
      sb.append(' ').append(fmt(s.meanAtK())).append(" | ").append(fmt(s.passAtK())).append(" | ")
          .append(fmt(s.sampledNoAnswerRate())).append(" |");
    }
    sb.append('\n');
  }

  private static String fmt(double d) {
    return Double.isFinite(d) ? String.format(Locale.ROOT, "%.3f", d) : "-";
  }
}
