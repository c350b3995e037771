package dev.spice.examples.quickstart;

import dev.spice.examples.report.QuickstartReport;
import dev.spice.examples.report.QuickstartReport.Checks;
import dev.spice.examples.report.QuickstartReport.Coevolution;
import dev.spice.examples.report.QuickstartReport.Probe;
import dev.spice.examples.report.QuickstartReport.World;

/** Assembles the quickstart's {@link QuickstartReport} from the parts of a finished run and decides its checks. */
final class ReportBuilder {
  /** The probe gain the first check asks for, in points. */
  static final double PROBE_GAIN_POINTS = 20;
  /** The early Reasoner's drop from early to late tasks the second check asks for, in points. */
  static final double COEVOLUTION_DROP_POINTS = 10;

  private ReportBuilder() {}

  /**
   * The report of a finished run.
   *
   * @param qw the run's world and settings
   * @param probe the probe history
   * @param stats the Challenger statistics
   * @param coevolution the co-evolution section
   * @param wallSeconds the run's wall time
   */
  static QuickstartReport build(QuickstartWorld qw, ProbeSet probe, ChallengerStats stats, Coevolution coevolution,
      double wallSeconds) {
    QuickstartSettings s = qw.settings;
    World world = new World(qw.world.countries(), qw.world.fields(), (long) qw.documents.size(),
        (long) qw.world.facts().size(), (long) qw.tokenizer.vocabSize(), qw.config.parameterCount());
    Probe p = probe.report();
    return new QuickstartReport(s.toMap(), s.seed(), (long) s.iterations(), wallSeconds, world, p, coevolution,
        stats.difficulty(), stats.entropy(), checks(p, coevolution));
  }

  /** The three checks: probe gain >= 20 points, co-evolution drop >= 10 points, late Reasoner better. */
  static Checks checks(Probe p, Coevolution c) {
    return new Checks(p.gainPoints() >= PROBE_GAIN_POINTS, c.dropPoints() >= COEVOLUTION_DROP_POINTS,
        c.lateGainPoints() > 0);
  }
}
