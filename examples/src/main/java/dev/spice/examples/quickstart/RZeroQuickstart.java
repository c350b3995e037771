package dev.spice.examples.quickstart;

import dev.spice.core.SpiceException;
import dev.spice.core.internal.json.Json;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * R-Zero as a method on the free-text quickstart's world, to set beside SPICE: the same world
 * ({@link FreeTextWorld} of {@link FreeTextSettings}, same seed: same documents, split,
 * demonstrations and probe) and the same warm start, then {@link RZeroRunner}'s alternating
 * Challenger and Solver phases, with the Solver probed after each round.
 *
 * <p>Arguments: {@code --out DIR} (default {@code runs/r-zero-<date>-<time>}); {@code --warm DIR}
 * to reuse a warm-started model folder (a free-text run's {@code warm-start-model}, made with the
 * same free-text settings) instead of warm-starting here; {@code --compare DIR} a free-text run
 * folder whose {@code report.json} SPICE arm is printed beside R-Zero; any number of
 * {@code --set key=value} ({@link FreeTextSettings#toMap()} keys) and {@code --rzero key=value}
 * ({@link RZeroRunSettings#toMap()} keys). Writes {@code report.json} into the run folder.
 */
public final class RZeroQuickstart {
  private static final String USAGE = "usage: [--out DIR] [--warm MODEL_DIR] [--compare FREE_TEXT_RUN_DIR] "
      + "[--set KEY=VALUE]... [--rzero KEY=VALUE]...";

  private RZeroQuickstart() {}

  /** Runs R-Zero on the free-text world; see the class comment for the arguments. */
  public static void main(String[] args) {
    Path outDir = Path.of("runs", "r-zero-" + java.time.LocalDateTime.now()
        .format(java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT)));
    FreeTextSettings.Builder b = FreeTextSettings.builder();
    RZeroRunSettings rs = RZeroRunSettings.defaults();
    Path warm = null;
    Path compare = null;
    for (String[] p : OptionWords.pairs(args, USAGE)) {
      String v = p[1];
      switch (p[0]) {
        case "--out" -> outDir = Path.of(v);
        case "--warm" -> warm = Path.of(v);
        case "--compare" -> compare = Path.of(v);
        case "--set" -> {
          String[] kv = OptionWords.keyValue(p[0], v);
          b.set(kv[0], kv[1]);
        }
        case "--rzero" -> {
          String[] kv = OptionWords.keyValue(p[0], v);
          rs = rs.with(kv[0], kv[1]);
        }
        default -> throw new SpiceException.ConfigurationException("unknown option '" + p[0] + "'; " + USAGE);
      }
    }
    Map<String, Object> report = run(new FreeTextWorld(b.build()), rs, warm, outDir, System.out);
    if (compare != null) {
      printComparison(report, compare, System.out);
    }
  }

  /**
   * Runs R-Zero on {@code world}: warm-starts into {@code outDir/warm-start-model} unless
   * {@code warm} names a model folder, runs the rounds, writes {@code report.json} and returns it.
   */
  static Map<String, Object> run(FreeTextWorld world, RZeroRunSettings rs, Path warm, Path outDir, PrintStream out) {
    long t0 = System.nanoTime();
    try {
      Files.createDirectories(outDir);
    } catch (IOException e) {
      throw new SpiceException.CheckpointException("cannot create run folder " + outDir + ": " + e, e);
    }
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("kind", "spice-r-zero-quickstart");
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("free_text", world.settings.toMap());
    settings.put("r_zero", rs.toMap());
    settings.put("loss", "GRPO advantages (std-normalised) per group; clip 0.2/0.2, no KL, "
        + "Dr. GRPO token-sum aggregation normalised by challenger_tokens (the free-text recipe's loss)");
    settings.put("warm_model", warm == null ? "warm-started in this run" : warm.toAbsolutePath().toString());
    report.put("settings", settings);
    Path warmDir = warm;
    Map<String, Object> warmInfo = new LinkedHashMap<>();
    if (warm == null) {
      Path tokenizer = world.trainTokenizer(outDir.resolve("tokenizer"));
      warmDir = outDir.resolve("warm-start-model");
      FreeTextWarmStart w = FreeTextWarmStart.run(world, tokenizer, warmDir, out);
      warmInfo.put("parameters", w.parameters());
      warmInfo.put("seconds", w.seconds());
      warmInfo.put("final_loss", w.finalLoss());
    } else if (!Files.isRegularFile(warm.resolve("config.json"))) {
      throw new SpiceException.ConfigurationException("--warm " + warm + " is not a model folder (no config.json); "
          + "give a free-text run's warm-start-model folder");
    }
    long r0 = System.nanoTime();
    out.printf(Locale.ROOT, "R-Zero on the free-text world: %d rounds of %d Challenger + %d Solver steps, B=%d, "
        + "G_C=%d, m=%d, G_R=%d, band [%.2f, %.2f]%n", rs.rounds(), rs.challengerSteps(), rs.solverSteps(),
        rs.prompts(), rs.rzero().challengerGroupSize(), rs.rzero().solverSamples(), rs.rzero().solverGroupSize(),
        rs.rzero().bandLow(), rs.rzero().bandHigh());
    try (RZeroRunner runner = new RZeroRunner(world, rs, warmDir, out)) {
      runner.run();
      FreeTextProbe p = runner.solverProbe;
      warmInfo.put("probe_free", p.freeRates.get(0));
      warmInfo.put("probe_mcq", p.mcqRates.get(0));
      warmInfo.put("probe_overall", p.overall(0));
      report.put("warm_start", warmInfo);
      Map<String, Object> probe = new LinkedHashMap<>();
      probe.put("free_tasks", p.freeCount());
      probe.put("mcq_tasks", p.mcqCount());
      probe.put("rounds", p.iterations);
      probe.put("probe_free", p.freeRates);
      probe.put("probe_mcq", p.mcqRates);
      List<Double> overall = new ArrayList<>();
      for (int i = 0; i < p.iterations.size(); i++) {
        overall.add(p.overall(i));
      }
      probe.put("probe_overall", overall);
      report.put("solver_probe", probe);
      report.put("rounds", runner.rounds);
      Map<String, Object> summary = new LinkedHashMap<>();
      summary.put("solver_probe_free", p.lastFree());
      summary.put("solver_probe_mcq", p.lastMcq());
      summary.put("solver_probe_overall", p.lastOverall());
      summary.put("solver_gain_points", 100 * (p.lastOverall() - p.overall(0)));
      report.put("summary", summary);
    }
    report.put("r_zero_seconds", (System.nanoTime() - r0) / 1e9);
    report.put("wall_seconds", (System.nanoTime() - t0) / 1e9);
    Path file = outDir.resolve(FreeTextQuickstart.REPORT_FILE);
    try {
      Files.writeString(file, Json.write(report) + "\n", StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new SpiceException.CheckpointException("cannot write " + file + ": " + e, e);
    }
    printSummary(report, out);
    out.println("Report: " + file.toAbsolutePath());
    return report;
  }

  @SuppressWarnings("unchecked")
  private static void printSummary(Map<String, Object> report, PrintStream out) {
    Map<String, Object> w = (Map<String, Object>) report.get("warm_start");
    Map<String, Object> s = (Map<String, Object>) report.get("summary");
    out.printf(Locale.ROOT, "%-22s %8s %8s %8s%n", "probe (held-out)", "free", "mcq", "overall");
    row(out, "warm start", w.get("probe_free"), w.get("probe_mcq"), w.get("probe_overall"));
    row(out, "r_zero (Solver)", s.get("solver_probe_free"), s.get("solver_probe_mcq"), s.get("solver_probe_overall"));
    out.printf(Locale.ROOT, "R-Zero %.0f s (wall time %.0f s)%n", (Double) report.get("r_zero_seconds"),
        (Double) report.get("wall_seconds"));
  }

  private static void row(PrintStream out, String name, Object free, Object mcq, Object overall) {
    out.printf(Locale.ROOT, "%-22s %8.3f %8.3f %8.3f%n", name, num(free), num(mcq), num(overall));
  }

  private static double num(Object o) {
    return o instanceof Number n ? n.doubleValue() : Double.NaN;
  }

  /**
   * Prints the SPICE arm of a free-text run ({@code runDir/report.json}) beside R-Zero's Solver, with
   * both warm starts (equal when both runs used the same settings and warm start).
   *
   * @throws SpiceException.ConfigurationException if the report cannot be read or has no {@code spice} arm
   */
  @SuppressWarnings("unchecked")
  static void printComparison(Map<String, Object> rzero, Path runDir, PrintStream out) {
    Path file = runDir.resolve(FreeTextQuickstart.REPORT_FILE);
    Map<String, Object> ft;
    try {
      ft = Json.parseObject(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException | RuntimeException e) {
      throw new SpiceException.ConfigurationException("--compare: cannot read " + file + ": " + e);
    }
    Map<String, Object> spice = null;
    for (Object a : (List<Object>) ft.getOrDefault("arms", List.of())) {
      if (a instanceof Map<?, ?> m && FreeTextRunner.SPICE.equals(m.get("name"))) {
        spice = (Map<String, Object>) m;
      }
    }
    if (spice == null) {
      throw new SpiceException.ConfigurationException("--compare: " + file + " has no '" + FreeTextRunner.SPICE
          + "' arm; give a free-text quickstart run folder");
    }
    Map<String, Object> fw = (Map<String, Object>) ft.get("warm_start");
    Map<String, Object> rw = (Map<String, Object>) rzero.get("warm_start");
    Map<String, Object> rs = (Map<String, Object>) rzero.get("summary");
    out.printf(Locale.ROOT, "Side by side (%s):%n", file);
    out.printf(Locale.ROOT, "%-22s %8s %8s %8s %9s%n", "probe (held-out)", "free", "mcq", "overall", "seconds");
    row(out, "warm start (free-text)", fw.get("probe_free"), fw.get("probe_mcq"), fw.get("probe_overall"));
    row(out, "warm start (r-zero)", rw.get("probe_free"), rw.get("probe_mcq"), rw.get("probe_overall"));
    out.printf(Locale.ROOT, "%-22s %8.3f %8.3f %8.3f %9.0f%n", "spice (final)", last(spice.get("probe_free")),
        last(spice.get("probe_mcq")), last(spice.get("probe_overall")), num(spice.get("seconds")));
    out.printf(Locale.ROOT, "%-22s %8.3f %8.3f %8.3f %9.0f%n", "r_zero Solver (final)", num(rs.get("solver_probe_free")),
        num(rs.get("solver_probe_mcq")), num(rs.get("solver_probe_overall")), num(rzero.get("r_zero_seconds")));
  }

  private static double last(Object list) {
    return list instanceof List<?> l && !l.isEmpty() ? num(l.get(l.size() - 1)) : Double.NaN;
  }
}
