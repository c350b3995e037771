package dev.spice.examples.quickstart;

import dev.spice.core.SpiceException;
import dev.spice.core.engine.IterationResult;
import dev.spice.core.engine.RunMode;
import dev.spice.core.engine.ProgressListener;
import dev.spice.core.engine.SelfPlay;
import dev.spice.core.engine.SelfPlayListeners;
import dev.spice.djl.DjlPolicy;
import dev.spice.examples.report.QuickstartReport;
import dev.spice.examples.report.ReportRenderer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The quickstart's run loop: self-play with the probe scored every {@code probeEvery} iterations,
 * checkpoints (periodic, the co-evolution ones and the last), then the co-evolution evaluation,
 * {@code report.json} and {@code report.html}. Progress goes to the console through a
 * {@link ProgressListener}. One runner runs once.
 */
final class QuickstartRunner {
  private final QuickstartSettings s;
  private final PrintStream out;
  private final QuickstartWorld qw;
  private final ProbeSet probe;
  private final ChallengerStats stats;
  private final QuickstartState state;

  QuickstartRunner(QuickstartSettings settings, PrintStream console) {
    this.s = settings;
    this.out = console;
    this.qw = new QuickstartWorld(settings);
    this.probe = ProbeSet.of(qw);
    this.stats = new ChallengerStats(settings.fields(), settings.iterations());
    this.state = new QuickstartState(settings, probe, stats);
  }

  /** See {@link Quickstart#runReport(QuickstartSettings, Path, Optional, int, PrintStream)}. */
  Optional<QuickstartReport> run(Path outDir, Optional<Path> resumeFrom, int stopAfter) {
    try {
      Files.createDirectories(outDir);
    } catch (IOException e) {
      throw new SpiceException.CheckpointException("cannot create run folder " + outDir + ": " + e, e);
    }
    if (resumeFrom.isPresent()) {
      checkResumable(outDir, resumeFrom.get(), s.iterations());
    }
    if (!train(outDir, resumeFrom, stopAfter)) {
      return Optional.empty();
    }
    out.println("Evaluating co-evolution (early and late checkpoints)...");
    QuickstartReport report = ReportBuilder.build(qw, probe, stats, CoevolutionCheck.evaluate(qw, outDir, out),
        state.wallSeconds());
    Path file = outDir.resolve(Quickstart.REPORT_FILE);
    try {
      Files.writeString(file, report.toJson() + "\n", StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new SpiceException.CheckpointException("cannot write " + file + ": " + e, e);
    }
    printSummary(report);
    try {
      out.println("Report: " + ReportRenderer.render(outDir).toAbsolutePath());
    } catch (RuntimeException e) {
      out.println("Report rendering failed (report.json is complete): " + e);
    }
    return Optional.of(report);
  }

  private static void checkResumable(Path outDir, Path from, int iterations) {
    if (!from.toAbsolutePath().normalize().equals(outDir.toAbsolutePath().normalize())) {
      throw new SpiceException.ConfigurationException("a run resumes in its own folder: --resume " + from
          + " with --out " + outDir + "; drop --out");
    }
    Path latest = SelfPlay.latestCheckpoint(outDir).orElseThrow(() ->
        new SpiceException.CheckpointException("no complete checkpoint in " + outDir + " to resume from"));
    long done = CoevolutionCheck.iterationOf(latest);
    if (done > iterations) {
      throw new SpiceException.ConfigurationException("iterations " + iterations + " is below the " + done
          + " iterations the run in " + outDir + " has done (" + latest.getFileName() + "); give at least " + done);
    }
  }

  /** Trains to {@code min(stopAfter, iterations)}; true when the run reached its last iteration. */
  private boolean train(Path outDir, Optional<Path> resumeFrom, int stopAfter) {
    TreeSet<Integer> coevo = CoevolutionCheck.iterations(s.iterations());
    FactRoles.FactChallenger challenger = qw.challenger(QuickstartSeeds.training(s.seed()));
    long end = Math.min(stopAfter, s.iterations());
    try (DjlPolicy policy = qw.newPolicy();
        var jsonl = SelfPlayListeners.jsonl(outDir.resolve(Quickstart.METRICS_FILE));
        ProgressListener bar = ProgressListener.builder(s.iterations()).output(out).every(s.probeEvery()).build();
        SelfPlay engine = qw.engine(policy, qw.corpus(), challenger, qw.recipe())
            .listener(jsonl)
            .listener(bar)
            // the quickstart's own state is saved inside each checkpoint's atomic write
            .checkpointState("quickstart", state)
            .runFolder(outDir, resumeFrom.isPresent() ? RunMode.RESUME : RunMode.NEW)
            .build()) {
      if (resumeFrom.isPresent()) {
        out.printf(Locale.ROOT, "Resumed at iteration %d from %s%n", engine.iteration(), resumeFrom.get());
      } else {
        out.printf(Locale.ROOT, "SPICE quickstart: %d countries x %d fields, %d documents, model %,d parameters, "
            + "%d iterations of B=%d, G=%d -> %s%n", s.countries(), s.fields().size(), qw.documents.size(),
            policy.parameterCount(), s.iterations(), s.batchSize(), s.groupSize(), outDir.toAbsolutePath());
        score(policy, 0);
      }
      while (engine.iteration() < end) {
        IterationResult r = engine.step();
        stats.record(r);
        long done = engine.iteration();
        if (done % s.probeEvery() == 0 || done == s.iterations()) {
          score(policy, done);
          bar.message(String.format(Locale.ROOT, "probe at %d: mcq %.3f free %.3f | Challenger entropy field %.2f "
              + "format %.2f", done, probe.lastMcq(), probe.lastFree(), stats.lastFieldEntropy(),
              stats.lastFormatEntropy()));
        }
        if (done % s.checkpointEvery() == 0 || coevo.contains((int) done) || done == s.iterations() || done == end) {
          state.closeSegment();
          engine.saveCheckpoint(outDir);
        }
      }
    }
    return end >= s.iterations();
  }

  /** Scores the probe and closes the Challenger statistics' window at {@code iteration}. */
  private void score(DjlPolicy policy, long iteration) {
    probe.score(policy, iteration);
    stats.closeWindow(iteration);
  }

  private void printSummary(QuickstartReport report) {
    QuickstartReport.Probe p = report.probe();
    QuickstartReport.Coevolution c = report.coevolution();
    out.printf(Locale.ROOT, "Probe pass rate: %.3f -> %.3f (%+.1f points); mcq %.3f -> %.3f, free %.3f -> %.3f%n",
        p.start(), p.end(), p.gainPoints(), probe.firstMcq(), probe.lastMcq(), probe.firstFree(), probe.lastFree());
    out.printf(Locale.ROOT, "Co-evolution: early Reasoner on early tasks %.3f, on late tasks %.3f (drop %.1f points); "
        + "late Reasoner on early tasks %.3f (%+.1f points)%n", c.earlyOnEarly(), c.earlyOnLate(), c.dropPoints(),
        c.lateOnEarly(), c.lateGainPoints());
    out.printf(Locale.ROOT, "Checks: %s; wall time %.0f s%n", report.checks().toMap(), report.wallSeconds());
  }
}
