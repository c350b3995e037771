package dev.spice.examples.quickstart;

import dev.spice.core.eval.CoevolutionEvaluation;
import dev.spice.core.eval.CoevolutionMatrix;
import dev.spice.core.eval.PassRateScorer;
import dev.spice.core.eval.PolicyCheckpoint;
import dev.spice.djl.DjlPolicy;
import dev.spice.examples.report.QuickstartReport;
import dev.spice.core.SpiceException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The co-evolution evaluation: Reasoner checkpoints early (15, 20, 25% of the run) and late (90,
 * 95, 100%) scored exactly on tasks written by the Challenger of each of those checkpoints, and the
 * headline numbers (early Reasoner on early and late tasks, late Reasoner on early tasks).
 *
 * <p>A run always keeps those checkpoints, except one resumed with another iteration count: the
 * part run before the resume kept the checkpoints of its former length. A missing checkpoint is
 * then replaced by the nearest one the run folder has (the earlier on a tie); the report lists the
 * checkpoints actually used, and the console says which were replaced.
 */
final class CoevolutionCheck {
  private static final double[] EARLY = {0.15, 0.20, 0.25};
  private static final double[] LATE = {0.90, 0.95, 1.0};

  private CoevolutionCheck() {}

  /** The early checkpoints of a run of {@code iterations}: distinct, in order, each >= 1. */
  static List<Integer> early(int iterations) {
    return at(iterations, EARLY);
  }

  /** The late checkpoints of a run of {@code iterations}: distinct, in order, each >= 1. */
  static List<Integer> late(int iterations) {
    return at(iterations, LATE);
  }

  /** Every checkpoint the evaluation needs (kept by the run whatever its checkpoint interval), sorted. */
  static TreeSet<Integer> iterations(int iterations) {
    TreeSet<Integer> t = new TreeSet<>(early(iterations));
    t.addAll(late(iterations));
    return t;
  }

  private static List<Integer> at(int iterations, double[] fractions) {
    List<Integer> l = new ArrayList<>();
    for (double f : fractions) {
      l.add(Math.max(1, (int) Math.round(f * iterations)));
    }
    return l.stream().distinct().toList();
  }

  /** The policy folder of the checkpoint at {@code iteration} in a run folder. */
  static Path policyDir(Path runDir, int iteration) {
    return runDir.resolve(String.format(Locale.ROOT, "checkpoint-%08d", iteration)).resolve("policy");
  }

  /** The iteration of a checkpoint directory, from its name {@code checkpoint-NNNNNNNN}. */
  static long iterationOf(Path checkpoint) {
    String name = checkpoint.getFileName().toString();
    if (!name.matches("checkpoint-\\d{8}")) {
      throw new SpiceException.CheckpointException("checkpoint directory " + checkpoint
          + " is not named checkpoint-<8-digit iteration>");
    }
    return Long.parseLong(name.substring("checkpoint-".length()));
  }

  /** The iterations of the run folder's checkpoints that hold a policy, sorted. */
  static TreeSet<Integer> saved(Path runDir) {
    TreeSet<Integer> t = new TreeSet<>();
    try (Stream<Path> s = Files.list(runDir)) {
      s.filter(p -> p.getFileName().toString().matches("checkpoint-\\d{8}") && Files.isDirectory(p.resolve("policy")))
          .forEach(p -> t.add((int) iterationOf(p)));
    } catch (IOException e) {
      throw new SpiceException.CheckpointException("cannot list run folder " + runDir + ": " + e.getMessage(), e);
    }
    return t;
  }

  /**
   * Each wanted checkpoint iteration mapped to the one to use: itself when {@code saved} has it,
   * else the nearest saved one (the earlier on a tie).
   *
   * @throws SpiceException.CheckpointException if nothing is saved
   */
  static Map<Integer, Integer> substitutes(List<Integer> wanted, TreeSet<Integer> saved, Path runDir) {
    if (saved.isEmpty()) {
      throw new SpiceException.CheckpointException("run folder " + runDir + " has no checkpoint with a policy "
          + "for the co-evolution evaluation");
    }
    Map<Integer, Integer> m = new LinkedHashMap<>();
    for (int w : wanted) {
      Integer lo = saved.floor(w);
      Integer hi = saved.ceiling(w);
      m.put(w, lo == null ? hi : hi == null || w - lo <= hi - w ? lo : hi);
    }
    return m;
  }

  /**
   * Evaluates the checkpoints of a finished run.
   *
   * @param qw the run's world (policies, roles, documents, settings)
   * @param runDir the run folder holding the checkpoints of {@link #iterations(int)} (a missing one
   *     is replaced by the nearest saved one, see the class comment)
   * @param console where a replaced checkpoint is reported
   * @return the report's co-evolution section
   */
  static QuickstartReport.Coevolution evaluate(QuickstartWorld qw, Path runDir, PrintStream console) {
    QuickstartSettings s = qw.settings;
    List<Integer> wanted = new ArrayList<>(iterations(s.iterations()));
    Map<Integer, Integer> use = substitutes(wanted, saved(runDir), runDir);
    use.forEach((w, u) -> {
      if (!w.equals(u)) {
        console.printf(Locale.ROOT, "Co-evolution: no checkpoint at iteration %d (the run was resumed with another "
            + "iteration count); using the nearest, iteration %d%n", w, u);
      }
    });
    List<Integer> all = new ArrayList<>(new TreeSet<>(use.values()));
    List<Integer> early = early(s.iterations()).stream().map(use::get).distinct().toList();
    List<Integer> late = late(s.iterations()).stream().map(use::get).distinct().toList();
    List<PolicyCheckpoint> cps = new ArrayList<>();
    for (int it : all) {
      Path dir = policyDir(runDir, it);
      cps.add(PolicyCheckpoint.loading("iteration " + it, () -> {
        DjlPolicy p = qw.newPolicy();
        try {
          p.loadCheckpoint(dir);
        } catch (RuntimeException ex) {
          p.close();
          throw ex;
        }
        return p;
      }));
    }
    CoevolutionMatrix m = CoevolutionEvaluation.builder()
        .challengers(cps)
        .reasoners(cps)
        .roles(qw.challenger(QuickstartSeeds.evaluationChallenger(s.seed())), qw.reasoner())
        .documents(qw.documents)
        .attemptsPerDocument(s.coevolutionAttempts())
        .challengerSampling(QuickstartWorld.CHALLENGER_SAMPLING)
        .scorer(PassRateScorer.exactGold())
        .seed(QuickstartSeeds.evaluation(s.seed()))
        .build()
        .evaluate();
    return summarize(all, early, late, m.passRates(), validRates(m, all.size()));
  }

  private static double[] validRates(CoevolutionMatrix m, int n) {
    double[] valid = new double[n];
    for (int i = 0; i < n; i++) {
      valid[i] = m.validRate(i);
    }
    return valid;
  }

  /**
   * The co-evolution section of a matrix over the checkpoints {@code all} (rows: Challengers,
   * columns: Reasoners, both in the order of {@code all}): means over every (early, late) pair.
   */
  static QuickstartReport.Coevolution summarize(List<Integer> all, List<Integer> early, List<Integer> late,
      double[][] passRates, double[] validRates) {
    double ee = 0;
    double el = 0;
    double le = 0;
    int n = 0;
    for (int a : early) {
      for (int b : late) {
        int ia = all.indexOf(a);
        int ib = all.indexOf(b);
        ee += passRates[ia][ia];
        el += passRates[ib][ia];
        le += passRates[ia][ib];
        n++;
      }
    }
    ee /= n;
    el /= n;
    le /= n;
    long[] checkpoints = longs(all);
    return new QuickstartReport.Coevolution(checkpoints, checkpoints.clone(), passRates, longs(early), longs(late),
        validRates, ee, el, le, 100 * (ee - el), 100 * (le - ee));
  }

  private static long[] longs(List<Integer> l) {
    return l.stream().mapToLong(Integer::longValue).toArray();
  }
}
