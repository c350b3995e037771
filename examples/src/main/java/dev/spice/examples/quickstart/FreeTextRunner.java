package dev.spice.examples.quickstart;

import dev.spice.core.SpiceException;
import dev.spice.core.engine.IterationResult;
import dev.spice.core.engine.MetricNames;
import dev.spice.core.engine.RunMode;
import dev.spice.core.engine.CompletionLogListener;
import dev.spice.core.engine.SelfPlay;
import dev.spice.core.engine.SelfPlayListeners;
import dev.spice.core.eval.CoevolutionEvaluation;
import dev.spice.core.eval.CoevolutionMatrix;
import dev.spice.core.eval.PolicyCheckpoint;
import dev.spice.core.sampling.Seeds;
import dev.spice.djl.DjlPolicy;
import dev.spice.examples.report.QuickstartReport;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * The free-text quickstart's run: a word-level tokenizer learnt from the text, a supervised warm
 * start of a random-init model on the documents and the demonstrations, then self-play from the
 * warm-started model in three arms (SPICE; a frozen warm-start Challenger; a Challenger without the
 * document), each probed on the held-out countries, and the co-evolution evaluation of the SPICE
 * arm's checkpoints. One runner runs once.
 */
final class FreeTextRunner {
  static final String SPICE = "spice";
  static final String FROZEN = "frozen_challenger";
  static final String NO_DOCUMENT = "no_document";
  /** Each arm's metrics, one JSON line per iteration ({@code SelfPlayListeners.jsonl}). */
  static final String METRICS_FILE = "metrics.jsonl";
  /** Each arm's completion log ({@code CompletionLogListener}, every probe interval). */
  static final String COMPLETIONS_FILE = "completions.jsonl";
  /** Each arm's TensorBoard event files ({@code tensorboard --logdir <run>}). */
  static final String TENSORBOARD_DIR = "tensorboard";
  /** Each arm's sample of Challenger tasks, appended at every probe evaluation. */
  static final String SAMPLES_FILE = "challenger-samples.txt";
  private static final int SAMPLE_DOCUMENTS = 4;
  /** Each arm's trained policy at the end of its run, a Hugging Face folder. */
  static final String FINAL_MODEL = "final-model";
  static final java.util.Map<String, String> DESCRIPTIONS = java.util.Map.of(
      SPICE, "SPICE: the Challenger reads the document, both roles trained (variance reward)",
      FROZEN, "frozen Challenger (the warm-start policy), Reasoner trained",
      NO_DOCUMENT, "Challenger without the document (corpusGrounded(false))",
      "spice_threshold", "SPICE with the threshold Challenger reward",
      "spice_r_zero", "SPICE with R-Zero's uncertainty Challenger reward",
      "spice_absolute_zero", "SPICE with Absolute Zero's learnability Challenger reward",
      "spice_mcq_only", "SPICE with multiple-choice tasks only",
      "spice_free_only", "SPICE with free-form tasks only");

  private final FreeTextSettings s;
  private final PrintStream out;
  private final FreeTextWorld world;
  final List<FreeTextArm> arms = new ArrayList<>();
  FreeTextProbe warmProbe;
  double warmSeconds;
  double warmFinalLoss = Double.NaN;
  long parameters;
  QuickstartReport.Coevolution coevolution;

  FreeTextRunner(FreeTextWorld world, PrintStream console) {
    this.s = world.settings;
    this.out = console;
    this.world = world;
  }

  FreeTextWorld world() {
    return world;
  }

  /** Runs everything into {@code outDir}. */
  void run(Path outDir) {
    try {
      Files.createDirectories(outDir);
    } catch (IOException e) {
      throw new SpiceException.CheckpointException("cannot create run folder " + outDir + ": " + e, e);
    }
    out.printf(Locale.ROOT, "SPICE free-text quickstart on %s: %d documents; %d demonstration and %d held-out split "
        + "keys; %d demonstrations; probe %d free-form + %d multiple-choice tasks -> %s%n",
        world.corpusName, world.documents.size(), count(world.split.demonstrationDocuments()),
        count(world.split.heldOutDocuments()), world.demonstrations.size(), world.probeFree.size(),
        world.probeMcq.size(), outDir.toAbsolutePath());
    if (world.skippedProbeItems + world.skippedDemonstrationItems > 0) {
      out.printf(Locale.ROOT, "Left out %d demonstration and %d held-out cloze items the task codec cannot write "
          + "(the question shows its answer, or a limit is exceeded)%n", world.skippedDemonstrationItems,
          world.skippedProbeItems);
    }
    Path tokenizer = world.trainTokenizer(outDir.resolve("tokenizer"));
    Path warmDir = outDir.resolve("warm-start-model");
    warmStart(tokenizer, warmDir);
    for (String name : s.arms()) {
      arms.add(arm(name, DESCRIPTIONS.get(name), warmDir, outDir));
    }
    out.println("Evaluating co-evolution (early and late SPICE checkpoints)...");
    coevolution = coevolution(warmDir, outDir.resolve(SPICE));
  }

  private long count(List<dev.spice.core.Document> docs) {
    return docs.stream().map(world.splitKey).distinct().count();
  }

  private void warmStart(Path tokenizer, Path warmDir) {
    FreeTextWarmStart w = FreeTextWarmStart.run(world, tokenizer, warmDir, out);
    parameters = w.parameters();
    warmSeconds = w.seconds();
    warmFinalLoss = w.finalLoss();
    warmProbe = w.probe();
  }

  private FreeTextArm arm(String name, String description, Path warmDir, Path outDir) {
    FreeTextArm arm = new FreeTextArm(name, description,
        new FreeTextProbe(world.probeFree, world.probeMcq, world.reasoner));
    Path armDir = outDir.resolve(name);
    TreeSet<Integer> coevo = CoevolutionCheck.iterations(s.iterations());
    long seed = Seeds.mix(s.seed(), 9);
    long t0 = System.nanoTime();
    try (DjlPolicy policy = world.loadPolicy(warmDir);
        DjlPolicy frozen = name.equals(FROZEN) ? world.loadPolicy(warmDir) : null) {
      SelfPlay.Builder b = world.engine(policy, world.recipe(name), seed, !name.equals(NO_DOCUMENT),
          world.challenger(name)).runFolder(armDir, RunMode.OVERWRITE);
      if (frozen != null) {
        b.fixedChallenger(frozen);
      }
      out.printf(Locale.ROOT, "Self-play arm '%s' (%s): %d iterations of B=%d, G_C=%d, G_R=%d%n", name, description,
          s.iterations(), s.batchSize(), s.challengerGroup(), s.reasonerGroup());
      try (var metrics = SelfPlayListeners.jsonl(armDir.resolve(METRICS_FILE));
          var completions = CompletionLogListener.builder(armDir.resolve(COMPLETIONS_FILE)).every(s.probeEvery())
              .build();
          var tb = SelfPlayListeners.tensorBoard(armDir.resolve(TENSORBOARD_DIR));
          SelfPlay engine = b.listener(metrics).listener(completions).listener(tb).build()) {
        deleteSamples(armDir.resolve(SAMPLES_FILE));
        arm.probe.score(policy, 0);
        while (engine.iteration() < s.iterations()) {
          IterationResult r = engine.step();
          arm.record(r);
          if (engine.iteration() % s.probeEvery() == 0) {
            appendSamples(armDir.resolve(SAMPLES_FILE), r);
          }
          int done = (int) engine.iteration();
          if (done % s.probeEvery() == 0 || done == s.iterations()) {
            arm.probe.score(policy, done);
            arm.closeWindow(done);
            int w = arm.windows.size() - 1;
            out.printf(Locale.ROOT, "  [%s] iteration %d: probe free %.3f mcq %.3f | valid %.2f, mcq share %.2f, "
                + "train pass %.2f, no answer %.2f, %.0f ms/iteration%n", name, done, arm.probe.lastFree(),
                arm.probe.lastMcq(), arm.window(w, MetricNames.CHALLENGER_VALID_RATE),
                arm.window(w, MetricNames.CHALLENGER_MCQ_SHARE), arm.window(w, MetricNames.REASONER_PASS_RATE),
                arm.window(w, MetricNames.REASONER_NO_ANSWER_RATE), 1000 * arm.window(w, MetricNames.STEP_TIME));
          }
          if (name.equals(SPICE) && coevo.contains(done)) {
            policy.savePretrained(policyDir(armDir, done));
          }
        }
      }
      policy.savePretrained(armDir.resolve(FINAL_MODEL));
    }
    arm.trainSeconds = (System.nanoTime() - t0) / 1e9;
    return arm;
  }

  private static void deleteSamples(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new SpiceException.CheckpointException("cannot replace " + file + ": " + e, e);
    }
  }

  /**
   * Appends the Challenger tasks (and whether each was valid, and the Reasoner's correct answers)
   * of the first documents of iteration {@code r} to {@code file}, so that a user sees what the
   * Challenger writes as the run goes.
   */
  private static void appendSamples(Path file, IterationResult r) {
    StringBuilder sb = new StringBuilder("== iteration " + (r.iteration() + 1) + "\n");
    for (var d : r.documents().subList(0, Math.min(SAMPLE_DOCUMENTS, r.documents().size()))) {
      sb.append("document ").append(d.document().id()).append(": ").append(d.document().text().replace('\n', '/'))
          .append('\n');
      for (var o : d.kept()) {
        var a = o.attempt();
        sb.append("  ").append(a.isValid() ? "valid   " : "INVALID ").append(a.completion().text().strip());
        if (!a.isValid()) {
          sb.append("   <").append(a.invalidReason()).append('>');
        } else {
          sb.append("   Reasoner correct ").append(java.util.Arrays.toString(o.reasonerCorrect()));
        }
        sb.append('\n');
      }
    }
    try {
      Files.writeString(file, sb, java.nio.charset.StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
          java.nio.file.StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new SpiceException.CheckpointException("cannot write " + file + ": " + e, e);
    }
  }

  static Path policyDir(Path armDir, int iteration) {
    return armDir.resolve(String.format(Locale.ROOT, "policy-%08d", iteration));
  }

  private QuickstartReport.Coevolution coevolution(Path warmDir, Path armDir) {
    List<Integer> all = new ArrayList<>(CoevolutionCheck.iterations(s.iterations()));
    List<PolicyCheckpoint> cps = new ArrayList<>();
    for (int it : all) {
      Path dir = policyDir(armDir, it);
      cps.add(PolicyCheckpoint.loading("iteration " + it, () -> world.loadPolicy(dir)));
    }
    CoevolutionMatrix m = CoevolutionEvaluation.builder()
        .challengers(cps)
        .reasoners(cps)
        .roles(world.challenger, world.reasoner)
        .documents(world.documents)
        .attemptsPerDocument(s.coevolutionAttempts())
        .challengerSampling(world.challengerSampling())
        .scorer(FreeTextProbe.scorer())
        .seed(Seeds.mix(s.seed(), 10))
        .build()
        .evaluate();
    double[] valid = new double[all.size()];
    for (int i = 0; i < valid.length; i++) {
      valid[i] = m.validRate(i);
    }
    return CoevolutionCheck.summarize(all, CoevolutionCheck.early(s.iterations()),
        CoevolutionCheck.late(s.iterations()), m.passRates(), valid);
  }
}
