package dev.spice.examples.report;

import dev.spice.core.internal.json.Json;
import dev.spice.report.ReportException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The quickstart's {@code report.json} as a typed value: what the quickstart writes
 * ({@link #toJson()}) and what the report renderer reads back ({@link #read(Path)}).
 *
 * <p>The quickstart fills every field. A report read from a file may lack any of them (older
 * quickstarts wrote no {@code world}, no {@code challenger_valid_rate}): an absent section, array or
 * integer is {@code null}, an absent number {@code NaN}, absent settings an empty map. Keys a
 * section does not define are ignored. The JSON keeps the quickstart's key order; {@code null}
 * sections, arrays and integers are left out, {@code NaN} numbers are written as {@code null}.
 *
 * <p>Arrays are not copied: treat them as read-only.
 *
 * @param settings the quickstart's settings as {@code QuickstartSettings.toMap()} writes them
 *     (any JSON values when read)
 * @param seed the run's seed
 * @param iterations the run's iterations
 * @param wallSeconds wall time of the run, over all resumed segments
 * @param world what the run trained on
 * @param probe the fixed probe set's pass rates over time
 * @param coevolution the co-evolution matrix and its headline numbers
 * @param difficulty histograms of the Challenger's task pass rates, early and late
 * @param entropy the Challenger's field and format entropy over time
 * @param checks the run's three learning checks
 */
public record QuickstartReport(Map<String, Object> settings, Long seed, Long iterations, double wallSeconds,
    World world, Probe probe, Coevolution coevolution, Difficulty difficulty, Entropy entropy, Checks checks) {

  /** A report with nothing in it (a run folder without {@code report.json}). */
  public static final QuickstartReport EMPTY =
      new QuickstartReport(Map.of(), null, null, Double.NaN, null, null, null, null, null, null);

  /** Absent settings become an empty map. */
  public QuickstartReport {
    settings = settings == null ? Map.of() : settings;
  }

  /**
   * The world the run trained on.
   *
   * @param countries the Factbook countries
   * @param fields the Factbook fields
   * @param documents documents in the corpus
   * @param facts facts of the world
   * @param vocabulary the tokenizer's vocabulary size
   * @param parameters the model's parameters
   */
  public record World(List<String> countries, List<String> fields, Long documents, Long facts, Long vocabulary,
      Long parameters) {
    /** The present values, in the order of the JSON. */
    public Map<String, Object> toMap() {
      return section("countries", countries, "fields", fields, "documents", documents, "facts", facts,
          "vocabulary", vocabulary, "parameters", parameters);
    }
  }

  /**
   * The Reasoner's pass rate on the fixed probe set, by task format.
   *
   * @param iterations when the probe was scored
   * @param mcq pass rate on the multiple-choice tasks ({@code NaN} without any)
   * @param free pass rate on the free-form tasks ({@code NaN} without any)
   * @param overall pass rate on all tasks
   * @param start the first overall pass rate
   * @param end the last overall pass rate
   * @param gainPoints {@code 100 * (end - start)}
   */
  public record Probe(long[] iterations, double[] mcq, double[] free, double[] overall, double start, double end,
      double gainPoints) {
    /** The present values, in the order of the JSON. */
    public Map<String, Object> toMap() {
      return section("iterations", iterations, "mcq", mcq, "free", free, "overall", overall, "start", start, "end", end,
          "gain_points", gainPoints);
    }
  }

  /**
   * Pass rates of each Reasoner checkpoint on each Challenger checkpoint's tasks.
   *
   * @param challengerCheckpoints the iterations of the Challenger checkpoints (rows)
   * @param reasonerCheckpoints the iterations of the Reasoner checkpoints (columns)
   * @param matrix {@code matrix[c][r]}: pass rate of Reasoner {@code r} on Challenger {@code c}'s tasks
   * @param earlyCheckpoints the early checkpoints among them
   * @param lateCheckpoints the late checkpoints among them
   * @param challengerValidRate valid-task rate of each Challenger checkpoint
   * @param earlyOnEarly mean pass rate of early Reasoners on early Challengers' tasks
   * @param earlyOnLate mean pass rate of early Reasoners on late Challengers' tasks
   * @param lateOnEarly mean pass rate of late Reasoners on early Challengers' tasks
   * @param dropPoints {@code 100 * (earlyOnEarly - earlyOnLate)}
   * @param lateGainPoints {@code 100 * (lateOnEarly - earlyOnEarly)}
   */
  public record Coevolution(long[] challengerCheckpoints, long[] reasonerCheckpoints, double[][] matrix,
      long[] earlyCheckpoints, long[] lateCheckpoints, double[] challengerValidRate, double earlyOnEarly,
      double earlyOnLate, double lateOnEarly, double dropPoints, double lateGainPoints) {
    /** The present values, in the order of the JSON. */
    public Map<String, Object> toMap() {
      return section("challenger_checkpoints", challengerCheckpoints, "reasoner_checkpoints", reasonerCheckpoints,
          "matrix", matrix == null ? null : List.of(matrix), "early_checkpoints", earlyCheckpoints,
          "late_checkpoints", lateCheckpoints, "challenger_valid_rate", challengerValidRate,
          "early_reasoner_on_early_tasks", earlyOnEarly, "early_reasoner_on_late_tasks", earlyOnLate,
          "late_reasoner_on_early_tasks", lateOnEarly, "drop_points", dropPoints, "late_gain_points", lateGainPoints);
    }
  }

  /**
   * Histograms of the pass rates of the Challenger's valid tasks, early and late in the run.
   *
   * @param binEdges the bins' edges (one more than the bins)
   * @param earlyCounts tasks per bin in the first tenth of the run
   * @param lateCounts tasks per bin in the last tenth of the run
   */
  public record Difficulty(double[] binEdges, long[] earlyCounts, long[] lateCounts) {
    /** The present values, in the order of the JSON. */
    public Map<String, Object> toMap() {
      return section("bin_edges", binEdges, "early_counts", earlyCounts, "late_counts", lateCounts);
    }
  }

  /**
   * Entropy (nats) of the fact field and of the task format the Challenger chose, per probe window.
   *
   * @param field field entropy per window ({@code NaN} for a window without valid tasks)
   * @param format format entropy per window
   * @param iterations the iteration ending each window
   * @param fieldMax the field entropy of a uniform choice
   * @param formatMax the format entropy of a uniform choice
   */
  public record Entropy(double[] field, double[] format, long[] iterations, double fieldMax, double formatMax) {
    /** The present values, in the order of the JSON. */
    public Map<String, Object> toMap() {
      return section("field", field, "format", format, "iterations", iterations, "field_max", fieldMax,
          "format_max", formatMax);
    }
  }

  /**
   * The run's learning checks ({@code null}: not in the file).
   *
   * @param probeGainGe20Points the probe pass rate gained at least 20 points
   * @param coevolutionDropGe10Points the early Reasoner's pass rate drops at least 10 points from the
   *     early to the late Challenger's tasks
   * @param lateReasonerBeatsEarly the late Reasoner beats the early one on the early Challenger's tasks
   */
  public record Checks(Boolean probeGainGe20Points, Boolean coevolutionDropGe10Points, Boolean lateReasonerBeatsEarly) {
    /** Key of {@link #probeGainGe20Points()}. */
    public static final String PROBE_GAIN = "probe_gain_ge_20_points";
    /** Key of {@link #coevolutionDropGe10Points()}. */
    public static final String COEVOLUTION_DROP = "coevolution_drop_ge_10_points";
    /** Key of {@link #lateReasonerBeatsEarly()}. */
    public static final String LATE_BEATS_EARLY = "late_reasoner_beats_early";

    /** The present values, in the order of the JSON. */
    public Map<String, Object> toMap() {
      return section(PROBE_GAIN, probeGainGe20Points, COEVOLUTION_DROP, coevolutionDropGe10Points, LATE_BEATS_EARLY,
          lateReasonerBeatsEarly);
    }

    /** True when every check is present and holds. */
    public boolean allHold() {
      return Boolean.TRUE.equals(probeGainGe20Points) && Boolean.TRUE.equals(coevolutionDropGe10Points)
          && Boolean.TRUE.equals(lateReasonerBeatsEarly);
    }
  }

  /** The report as JSON values in the order of {@code report.json} (arrays as Java arrays). */
  public Map<String, Object> toMap() {
    return section("settings", settings, "seed", seed, "iterations", iterations, "wall_seconds", wallSeconds,
        "world", world == null ? null : world.toMap(), "probe", probe == null ? null : probe.toMap(),
        "coevolution", coevolution == null ? null : coevolution.toMap(),
        "difficulty", difficulty == null ? null : difficulty.toMap(),
        "entropy", entropy == null ? null : entropy.toMap(), "checks", checks == null ? null : checks.toMap());
  }

  /** The text of {@code report.json} (without a trailing newline). */
  public String toJson() {
    return Json.write(toMap());
  }

  /**
   * Reads a {@code report.json}.
   *
   * @throws ReportException if the file cannot be read, is malformed, or holds a value of the wrong
   *     type or arrays of mismatched lengths (naming file, line and field)
   */
  public static QuickstartReport read(Path file) {
    return QuickstartReportReader.read(file);
  }

  /**
   * Parses the text of a {@code report.json}; {@code file} names it in errors.
   *
   * @throws ReportException as {@link #read(Path)}
   */
  public static QuickstartReport parse(String text, String file) {
    return QuickstartReportReader.parse(text, file);
  }

  /** An ordered map of (key, value) pairs without the {@code null} values. */
  private static Map<String, Object> section(Object... pairs) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      if (pairs[i + 1] != null) {
        m.put((String) pairs[i], pairs[i + 1]);
      }
    }
    return m;
  }
}
