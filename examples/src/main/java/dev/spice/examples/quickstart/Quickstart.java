package dev.spice.examples.quickstart;

import dev.spice.core.SpiceException;
import dev.spice.core.Task;
import dev.spice.core.TaskFormat;
import dev.spice.core.ChallengerOutcome;
import dev.spice.core.Document;
import dev.spice.core.eval.CoevolutionEvaluation;
import dev.spice.core.eval.CoevolutionMatrix;
import dev.spice.core.eval.PassRateScorer;
import dev.spice.core.eval.PolicyCheckpoint;
import dev.spice.core.engine.DocumentRollout;
import dev.spice.core.engine.IterationResult;
import dev.spice.core.engine.MetricNames;
import dev.spice.core.engine.RunMode;
import dev.spice.core.engine.SelfPlay;
import dev.spice.core.engine.SelfPlayListeners;
import dev.spice.core.json.Json;
import dev.spice.core.model.TransformerConfig;
import dev.spice.corpus.Corpus;
import dev.spice.djl.DjlPolicy;
import dev.spice.djl.WordTokenizer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The quickstart main job: SPICE self-play on a small world of Factbook facts with a ~120k
 * parameter transformer trained from scratch, in-process, on CPU. It writes to a run folder:
 * {@code metrics.jsonl} (one line per iteration), checkpoints ({@code checkpoint-NNNNNNNN}), and
 * {@code report.json} (probe pass rates over time, the co-evolution matrix, Challenger difficulty
 * and entropy), then renders {@code report.html} with the examples' report renderer.
 *
 * <p>Learning is measured, not asserted: a fixed probe set of tasks is scored exactly (the
 * policy's probability of the gold answer) every {@code probeEvery} iterations, and the
 * co-evolution matrix scores early and late Reasoner checkpoints on tasks written by early and late
 * Challenger checkpoints. Same settings and seed give the same run; a resumed run continues
 * exactly as the uninterrupted one.
 */
public final class Quickstart {
  /** The report file name. */
  public static final String REPORT_FILE = "report.json";
  /** The metrics file name. */
  public static final String METRICS_FILE = "metrics.jsonl";
  /** The quickstart's own state, written into each checkpoint directory. */
  static final String STATE_FILE = "quickstart.json";
  /** Histogram bins of Challenger task pass rates. */
  static final int BINS = 8;

  private final QuickstartSettings s;
  private final PrintStream out;
  private final QuickstartWorld qw;
  private final FactWorld world;
  private final List<Document> documents;
  private final List<Task> probe;
  private final WordTokenizer tokenizer;
  private final TransformerConfig config;

  // state (persisted in checkpoints)
  private final List<Long> probeIterations = new ArrayList<>();
  private final List<Double> probeMcq = new ArrayList<>();
  private final List<Double> probeFree = new ArrayList<>();
  private final List<Double> probeOverall = new ArrayList<>();
  private final List<Long> entropyIterations = new ArrayList<>();
  private final List<Double> entropyField = new ArrayList<>();
  private final List<Double> entropyFormat = new ArrayList<>();
  private long[] windowField;
  private long[] windowFormat = new long[2];
  private long[] earlyHist = new long[BINS];
  private long[] lateHist = new long[BINS];

  private Quickstart(QuickstartSettings s, PrintStream out) {
    this.s = s;
    this.out = out;
    this.qw = new QuickstartWorld(s);
    this.world = qw.world;
    this.documents = qw.documents;
    this.tokenizer = qw.tokenizer;
    this.config = qw.config;
    this.probe = qw.probeTasks();
    this.windowField = new long[s.fields().size()];
  }

  /**
   * Runs the quickstart with {@link QuickstartSettings#defaults()}. Options: {@code --out DIR}
   * (default {@code runs/quickstart-<timestamp>}), {@code --iterations N}, {@code --seed S},
   * {@code --resume RUN_DIR}, {@code --batch-size B}, {@code --group-size G}, {@code --hidden-size H},
   * {@code --learning-rate LR}, {@code --countries N}, {@code --probe-every K}.
   */
  public static void main(String[] rawArgs) {
    String[] args = java.util.Arrays.stream(rawArgs).flatMap(a -> java.util.Arrays.stream(a.strip().split("\\s+")))
        .filter(a -> !a.isEmpty()).toArray(String[]::new);
    QuickstartSettings.Builder b = QuickstartSettings.builder();
    Path outDir = null;
    Path resume = null;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (i + 1 >= args.length) {
        throw new SpiceException.ConfigurationException("option " + a + " needs a value; valid: --out, --iterations, --seed, --resume");
      }
      switch (a) {
        case "--out" -> outDir = Path.of(args[++i]);
        case "--iterations" -> b.iterations(Integer.parseInt(args[++i]));
        case "--seed" -> b.seed(Long.parseLong(args[++i]));
        case "--resume" -> resume = Path.of(args[++i]);
        case "--batch-size" -> b.batchSize(Integer.parseInt(args[++i]));
        case "--group-size" -> b.groupSize(Integer.parseInt(args[++i]));
        case "--hidden-size" -> b.hiddenSize(Integer.parseInt(args[++i]));
        case "--learning-rate" -> b.learningRate(Double.parseDouble(args[++i]));
        case "--countries" -> b.countries(Integer.parseInt(args[++i]));
        case "--probe-every" -> b.probeEvery(Integer.parseInt(args[++i]));
        default -> throw new SpiceException.ConfigurationException("unknown option " + a
            + "; valid: --out DIR, --iterations N, --seed S, --resume RUN_DIR, "
            + "--batch-size B, --group-size G, --hidden-size H, --learning-rate LR, --countries N, --probe-every K");
      }
    }
    if (outDir == null) {
      outDir = resume != null ? resume
          : Path.of("runs", "quickstart-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    }
    Map<String, Object> report = run(b.build(), outDir, Optional.ofNullable(resume));
    @SuppressWarnings("unchecked")
    Map<String, Object> checks = (Map<String, Object>) report.get("checks");
    System.out.println("Quickstart finished: " + outDir.toAbsolutePath() + " checks " + checks);
  }

  /**
   * Runs (or resumes) the quickstart to the end and writes the run folder.
   *
   * @param settings the settings; on resume they must equal the run's
   * @param outDir the run folder (created if needed)
   * @param resumeFrom a run folder whose newest checkpoint to continue from, or empty
   * @return the report as written to {@code report.json}
   * @throws SpiceException on failure (configuration, backend, checkpoint)
   */
  public static Map<String, Object> run(QuickstartSettings settings, Path outDir, Optional<Path> resumeFrom) {
    return run(settings, outDir, resumeFrom, settings.iterations(), System.out).orElseThrow();
  }

  /**
   * Like {@link #run(QuickstartSettings, Path, Optional)} but stops after iteration
   * {@code stopAfter} (a checkpoint is written there) without a report when
   * {@code stopAfter < settings.iterations()}; for interrupted runs and tests.
   *
   * @return the report, or empty if the run stopped early
   */
  public static Optional<Map<String, Object>> run(QuickstartSettings settings, Path outDir, Optional<Path> resumeFrom,
      int stopAfter, PrintStream console) {
    return new Quickstart(settings, console).execute(outDir, resumeFrom, stopAfter);
  }

  // ------------------------------------------------------------------ the run

  private DjlPolicy newPolicy() {
    return qw.newPolicy();
  }

  private Optional<Map<String, Object>> execute(Path outDir, Optional<Path> resumeFrom, int stopAfter) {
    t0 = System.nanoTime();
    try {
      Files.createDirectories(outDir);
    } catch (IOException e) {
      throw new SpiceException.CheckpointException("cannot create run folder " + outDir + ": " + e, e);
    }
    TreeSet<Integer> coevo = coevolutionIterations();
    Corpus corpus = qw.corpus();
    FactRoles.FactChallenger challenger = qw.challenger(s.seed());
    if (resumeFrom.isPresent()) {
      if (!resumeFrom.get().toAbsolutePath().normalize().equals(outDir.toAbsolutePath().normalize())) {
        throw new SpiceException.ConfigurationException("a run resumes in its own folder: --resume "
            + resumeFrom.get() + " with --out " + outDir + "; drop --out");
      }
      if (SelfPlay.latestCheckpoint(outDir).isEmpty()) {
        throw new SpiceException.CheckpointException("no complete checkpoint in " + outDir + " to resume from");
      }
    }
    try (DjlPolicy policy = newPolicy()) {
      Path metrics = outDir.resolve(METRICS_FILE);
      try (var jsonl = SelfPlayListeners.jsonl(metrics);
          SelfPlay engine = qw.engine(policy, corpus, challenger, qw.recipe())
            .listener(jsonl)
            // the quickstart's own state is saved inside each checkpoint's atomic write
            .checkpointState("quickstart", new State())
            .runFolder(outDir, resumeFrom.isPresent() ? RunMode.RESUME : RunMode.NEW)
            .build()) {
        if (resumeFrom.isPresent()) {
          out.printf(Locale.ROOT, "Resumed at iteration %d from %s%n", engine.iteration(), resumeFrom.get());
        } else {
          out.printf(Locale.ROOT, "SPICE quickstart: %d countries x %d fields, %d documents, model %,d parameters, "
              + "%d iterations of B=%d, G=%d -> %s%n", s.countries(), s.fields().size(), documents.size(),
              policy.parameterCount(), s.iterations(), s.batchSize(), s.groupSize(), outDir.toAbsolutePath());
          probe(policy, 0);
        }
        long end = Math.min(stopAfter, s.iterations());
        long tLoop = System.nanoTime();
        long startIt = engine.iteration();
        while (engine.iteration() < end) {
          IterationResult r = engine.step();
          record(r);
          long done = engine.iteration();
          if (done % s.probeEvery() == 0 || done == s.iterations()) {
            probe(policy, done);
            double perIt = (System.nanoTime() - tLoop) / 1e9 / (done - startIt);
            out.printf(Locale.ROOT, "[%5d/%d] probe mcq %.3f free %.3f | pass %.2f valid %.2f reward %.3f | "
                + "entropy field %.2f format %.2f | %.0f ms/it, %.0f tok/s | ETA %s%n", done, s.iterations(), last(probeMcq),
                last(probeFree), r.metrics().get(MetricNames.REASONER_PASS_RATE),
                r.metrics().get(MetricNames.CHALLENGER_VALID_RATE), r.metrics().get(MetricNames.CHALLENGER_REWARD),
                last(entropyField), last(entropyFormat), perIt * 1000, r.metrics().get(MetricNames.TOKENS_PER_SECOND),
                eta(perIt * (end - done)));
          }
          if (done % s.checkpointEvery() == 0 || coevo.contains((int) done) || done == s.iterations() || done == end) {
            wallBefore += (System.nanoTime() - t0) / 1e9;
            t0 = System.nanoTime();
            engine.saveCheckpoint(outDir);
          }
        }
        if (end < s.iterations()) {
          return Optional.empty();
        }
      }
    }
    out.println("Evaluating co-evolution (early and late checkpoints)...");
    Map<String, Object> coevolution = coevolution(outDir, coevo);
    Map<String, Object> report = report(coevolution, wallBefore + (System.nanoTime() - t0) / 1e9);
    try {
      Files.writeString(outDir.resolve(REPORT_FILE), Json.write(report) + "\n", StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new SpiceException.CheckpointException("cannot write " + outDir.resolve(REPORT_FILE) + ": " + e, e);
    }
    printSummary(report);
    try {
      Path html = dev.spice.examples.report.ReportRenderer.render(outDir);
      out.println("Report: " + html.toAbsolutePath());
    } catch (RuntimeException e) {
      out.println("Report rendering failed (report.json is complete): " + e);
    }
    return Optional.of(report);
  }

  private static double last(List<Double> l) {
    return l.isEmpty() ? Double.NaN : l.get(l.size() - 1);
  }

  /** Iterations of the early (15/20/25%) and late (90/95/100%) checkpoints, distinct and >= 1. */
  TreeSet<Integer> coevolutionIterations() {
    TreeSet<Integer> t = new TreeSet<>();
    for (double f : new double[] {0.15, 0.20, 0.25, 0.90, 0.95, 1.0}) {
      t.add(Math.max(1, (int) Math.round(f * s.iterations())));
    }
    return t;
  }

  private List<Integer> early(TreeSet<Integer> all) {
    List<Integer> l = new ArrayList<>();
    for (double f : new double[] {0.15, 0.20, 0.25}) {
      l.add(Math.max(1, (int) Math.round(f * s.iterations())));
    }
    return l.stream().distinct().toList();
  }

  private List<Integer> late() {
    List<Integer> l = new ArrayList<>();
    for (double f : new double[] {0.90, 0.95, 1.0}) {
      l.add(Math.max(1, (int) Math.round(f * s.iterations())));
    }
    return l.stream().distinct().toList();
  }

  // ------------------------------------------------------------------ probe



  private void probe(DjlPolicy policy, long iteration) {
    double[] p = PassRateScorer.exactGold().passRates(policy, FactRoles.reasoner(world), probe, 0);
    double free = 0;
    double mcq = 0;
    for (int i = 0; i < p.length; i++) {
      if (i < s.probeFree()) {
        free += p[i];
      } else {
        mcq += p[i];
      }
    }
    probeIterations.add(iteration);
    probeFree.add(s.probeFree() == 0 ? Double.NaN : free / s.probeFree());
    probeMcq.add(s.probeMcq() == 0 ? Double.NaN : mcq / s.probeMcq());
    probeOverall.add((free + mcq) / p.length);
    entropyIterations.add(iteration);
    entropyField.add(entropy(windowField));
    entropyFormat.add(entropy(windowFormat));
    windowField = new long[s.fields().size()];
    windowFormat = new long[2];
  }

  static double entropy(long[] counts) {
    long n = 0;
    for (long c : counts) {
      n += c;
    }
    if (n == 0) {
      return Double.NaN;
    }
    double h = 0;
    for (long c : counts) {
      if (c > 0) {
        double q = (double) c / n;
        h -= q * Math.log(q);
      }
    }
    return h;
  }

  private void record(IterationResult r) {
    long it = r.iteration();
    boolean early = it < Math.max(1, s.iterations() / 10);
    boolean late = it >= s.iterations() - Math.max(1, s.iterations() / 10);
    for (DocumentRollout d : r.documents()) {
      for (ChallengerOutcome o : d.kept()) {
        if (!o.isValid()) {
          continue;
        }
        Task t = o.attempt().task();
        int f = s.fields().indexOf(t.metadata().get("field"));
        if (f >= 0) {
          windowField[f]++;
        }
        windowFormat[t.format() == TaskFormat.MULTIPLE_CHOICE ? 0 : 1]++;
        int bin = Math.min(BINS - 1, (int) Math.floor(o.passRate() * BINS));
        if (early) {
          earlyHist[bin]++;
        }
        if (late) {
          lateHist[bin]++;
        }
      }
    }
  }

  // ------------------------------------------------------------------ co-evolution

  private Map<String, Object> coevolution(Path outDir, TreeSet<Integer> its) {
    List<Integer> e = early(its);
    List<Integer> l = late();
    List<Integer> all = new ArrayList<>(new TreeSet<>(its));
    List<PolicyCheckpoint> cps = new ArrayList<>();
    for (int it : all) {
      Path dir = outDir.resolve(String.format(Locale.ROOT, "checkpoint-%08d", it)).resolve("policy");
      cps.add(PolicyCheckpoint.loading("iteration " + it, () -> {
        DjlPolicy p = newPolicy();
        try {
          p.loadCheckpoint(dir);
        } catch (RuntimeException ex) {
          p.close();
          throw ex;
        }
        return p;
      }));
    }
    FactRoles.FactChallenger evalChallenger = qw.challenger(s.seed() + 99);
    CoevolutionMatrix m = CoevolutionEvaluation.builder()
        .challengers(cps)
        .reasoners(cps)
        .roles(evalChallenger, FactRoles.reasoner(world))
        .documents(documents)
        .attemptsPerDocument(s.coevolutionAttempts())
        .challengerSampling(QuickstartWorld.CHALLENGER_SAMPLING)
        .scorer(PassRateScorer.exactGold())
        .seed(s.seed() + 5)
        .build()
        .evaluate();
    double ee = 0;
    double el = 0;
    double le = 0;
    int n = 0;
    for (int a : e) {
      for (int b : l) {
        int ia = all.indexOf(a);
        int ib = all.indexOf(b);
        ee += m.passRate(ia, ia);
        el += m.passRate(ib, ia);
        le += m.passRate(ia, ib);
        n++;
      }
    }
    ee /= n;
    el /= n;
    le /= n;
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("challenger_checkpoints", all);
    c.put("reasoner_checkpoints", all);
    List<List<Double>> rows = new ArrayList<>();
    for (double[] row : m.passRates()) {
      List<Double> r = new ArrayList<>();
      for (double v : row) {
        r.add(v);
      }
      rows.add(r);
    }
    c.put("matrix", rows);
    c.put("early_checkpoints", e);
    c.put("late_checkpoints", l);
    List<Double> valid = new ArrayList<>();
    for (int i = 0; i < all.size(); i++) {
      valid.add(m.validRate(i));
    }
    c.put("challenger_valid_rate", valid);
    c.put("early_reasoner_on_early_tasks", ee);
    c.put("early_reasoner_on_late_tasks", el);
    c.put("late_reasoner_on_early_tasks", le);
    c.put("drop_points", 100 * (ee - el));
    c.put("late_gain_points", 100 * (le - ee));
    return c;
  }

  // ------------------------------------------------------------------ report

  private Map<String, Object> report(Map<String, Object> coevolution, double wallSeconds) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("settings", s.toMap());
    r.put("seed", s.seed());
    r.put("iterations", s.iterations());
    r.put("wall_seconds", wallSeconds);
    r.put("world", Map.of("countries", world.countries(), "fields", world.fields(), "documents", documents.size(),
        "facts", world.facts().size(), "vocabulary", tokenizer.vocabSize(), "parameters", config.parameterCount()));
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("iterations", probeIterations);
    p.put("mcq", probeMcq);
    p.put("free", probeFree);
    p.put("overall", probeOverall);
    double start = probeOverall.get(0);
    double end = last(probeOverall);
    p.put("start", start);
    p.put("end", end);
    p.put("gain_points", 100 * (end - start));
    r.put("probe", p);
    r.put("coevolution", coevolution);
    Map<String, Object> d = new LinkedHashMap<>();
    List<Double> edges = new ArrayList<>();
    for (int i = 0; i <= BINS; i++) {
      edges.add((double) i / BINS);
    }
    d.put("bin_edges", edges);
    d.put("early_counts", toList(earlyHist));
    d.put("late_counts", toList(lateHist));
    r.put("difficulty", d);
    Map<String, Object> en = new LinkedHashMap<>();
    en.put("field", entropyField);
    en.put("format", entropyFormat);
    en.put("iterations", entropyIterations);
    en.put("field_max", Math.log(s.fields().size()));
    en.put("format_max", Math.log(2));
    r.put("entropy", en);
    Map<String, Object> checks = new LinkedHashMap<>();
    checks.put("probe_gain_ge_20_points", 100 * (end - start) >= 20);
    checks.put("coevolution_drop_ge_10_points", (double) coevolution.get("drop_points") >= 10);
    checks.put("late_reasoner_beats_early", (double) coevolution.get("late_gain_points") > 0);
    r.put("checks", checks);
    return r;
  }

  private static List<Long> toList(long[] a) {
    List<Long> l = new ArrayList<>();
    for (long v : a) {
      l.add(v);
    }
    return l;
  }

  @SuppressWarnings("unchecked")
  private void printSummary(Map<String, Object> report) {
    Map<String, Object> p = (Map<String, Object>) report.get("probe");
    Map<String, Object> c = (Map<String, Object>) report.get("coevolution");
    out.printf(Locale.ROOT, "Probe pass rate: %.3f -> %.3f (%+.1f points); mcq %.3f -> %.3f, free %.3f -> %.3f%n",
        p.get("start"), p.get("end"), p.get("gain_points"), probeMcq.get(0), last(probeMcq), probeFree.get(0),
        last(probeFree));
    out.printf(Locale.ROOT, "Co-evolution: early Reasoner on early tasks %.3f, on late tasks %.3f (drop %.1f points); "
        + "late Reasoner on early tasks %.3f (%+.1f points)%n", c.get("early_reasoner_on_early_tasks"),
        c.get("early_reasoner_on_late_tasks"), c.get("drop_points"), c.get("late_reasoner_on_early_tasks"),
        c.get("late_gain_points"));
    out.printf(Locale.ROOT, "Checks: %s; wall time %.0f s%n", report.get("checks"), report.get("wall_seconds"));
  }

  // ------------------------------------------------------------------ resume state

  /** Start of the current wall-time segment, and the wall time of earlier segments (resumed runs). */
  private long t0;
  private double wallBefore;

  /** The quickstart's histories and windows, saved inside every engine checkpoint. */
  private final class State implements dev.spice.core.Checkpointable {
    @Override
    public void saveCheckpoint(Path dir) {
      writeState(dir);
    }

    @Override
    public void loadCheckpoint(Path dir) {
      readState(dir);
    }
  }

  private void writeState(Path checkpointDir) {
    Map<String, Object> st = new LinkedHashMap<>();
    st.put("settings", s.toMap());
    st.put("wall_seconds", wallBefore);
    st.put("probe_iterations", probeIterations);
    st.put("probe_mcq", probeMcq);
    st.put("probe_free", probeFree);
    st.put("probe_overall", probeOverall);
    st.put("entropy_iterations", entropyIterations);
    st.put("entropy_field", entropyField);
    st.put("entropy_format", entropyFormat);
    st.put("window_field", toList(windowField));
    st.put("window_format", toList(windowFormat));
    st.put("early_hist", toList(earlyHist));
    st.put("late_hist", toList(lateHist));
    try {
      Files.writeString(checkpointDir.resolve(STATE_FILE), Json.write(st) + "\n", StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new SpiceException.CheckpointException("cannot write " + checkpointDir.resolve(STATE_FILE) + ": " + e, e);
    }
  }

  @SuppressWarnings("unchecked")
  private void readState(Path checkpointDir) {
    Path f = checkpointDir.resolve(STATE_FILE);
    Map<String, Object> st;
    try {
      st = Json.parseObject(Files.readString(f, StandardCharsets.UTF_8));
    } catch (IOException | IllegalArgumentException e) {
      throw new SpiceException.CheckpointException("cannot read quickstart state " + f + ": " + e, e);
    }
    if (!Json.write(s.toMap()).equals(Json.write(st.get("settings")))) {
      throw new SpiceException.CheckpointException(f + " was written with other settings: " + Json.write(st.get("settings"))
          + "; this run has " + Json.write(s.toMap()));
    }
    try {
      for (List<?> l : List.of(probeIterations, probeMcq, probeFree, probeOverall, entropyIterations, entropyField,
          entropyFormat)) {
        l.clear();
      }
      for (Object o : (List<Object>) st.get("probe_iterations")) {
        probeIterations.add(((Number) o).longValue());
      }
      doubles(st.get("probe_mcq"), probeMcq);
      doubles(st.get("probe_free"), probeFree);
      doubles(st.get("probe_overall"), probeOverall);
      for (Object o : (List<Object>) st.get("entropy_iterations")) {
        entropyIterations.add(((Number) o).longValue());
      }
      doubles(st.get("entropy_field"), entropyField);
      doubles(st.get("entropy_format"), entropyFormat);
      windowField = longs(st.get("window_field"));
      windowFormat = longs(st.get("window_format"));
      earlyHist = longs(st.get("early_hist"));
      lateHist = longs(st.get("late_hist"));
      wallBefore = st.get("wall_seconds") instanceof Number w ? w.doubleValue() : 0;
    } catch (ClassCastException | NullPointerException e) {
      throw new SpiceException.CheckpointException(f + " is corrupt: " + e, e);
    }
  }

  @SuppressWarnings("unchecked")
  private static void doubles(Object o, List<Double> into) {
    for (Object x : (List<Object>) o) {
      into.add(x == null ? Double.NaN : ((Number) x).doubleValue());
    }
  }

  @SuppressWarnings("unchecked")
  private static long[] longs(Object o) {
    List<Object> l = (List<Object>) o;
    long[] a = new long[l.size()];
    for (int i = 0; i < a.length; i++) {
      a[i] = ((Number) l.get(i)).longValue();
    }
    return a;
  }

  /** Remaining time as {@code m:ss} (training only; the co-evolution evaluation adds about 10 s). */
  static String eta(double seconds) {
    long t = Math.max(0, Math.round(seconds));
    return String.format(Locale.ROOT, "%d:%02d", t / 60, t % 60);
  }

}
