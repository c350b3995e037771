package dev.spice.examples.quickstart;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.spice.core.sampling.Seeds;
import dev.spice.examples.report.QuickstartReport.Checks;
import dev.spice.examples.report.QuickstartReport.Coevolution;
import dev.spice.examples.report.QuickstartReport.Probe;
import org.junit.jupiter.api.Test;

/** The quickstart's small parts: command-line arguments, checks, seeds. */
class QuickstartPartsTest {
  @Test
  void argumentsGoToTheCliWithSettingOptionsAsSet() {
    assertArrayEquals(new String[] {"--out", "runs/x", "--set", "batch_size=8", "--iterations", "30", "--set",
        "learning_rate=1e-3", "--set", "probe_every=5"}, Quickstart.cliArguments(new String[] {
            " --out runs/x  --batch-size 8", "", "--iterations", "30", "--learning-rate 1e-3 --probe-every 5"}));
    assertArrayEquals(new String[0], Quickstart.cliArguments(new String[] {""}), "Maven's empty quickstart.args");
    assertArrayEquals(new String[] {"--countries"}, Quickstart.cliArguments(new String[] {"--countries"}),
        "a setting option without a value is left for the CLI to report");
    assertArrayEquals(new String[] {"--seed", "2", "--set", "countries=12", "--resume", "r"},
        Quickstart.cliArguments(new String[] {"--seed", "2", "--countries", "12", "--resume", "r"}));
  }

  private static Probe probe(double gain) {
    return new Probe(null, null, null, null, 0, gain / 100, gain);
  }

  private static Coevolution coevolution(double drop, double lateGain) {
    return new Coevolution(null, null, null, null, null, null, 0, 0, 0, drop, lateGain);
  }

  @Test
  void checksHoldAtTheirThresholds() {
    assertEquals(new Checks(true, true, true), ReportBuilder.checks(probe(20), coevolution(10, 0.1)));
    assertEquals(new Checks(false, false, false), ReportBuilder.checks(probe(19.99), coevolution(9.99, 0)));
    assertEquals(new Checks(false, false, false), ReportBuilder.checks(probe(Double.NaN), coevolution(Double.NaN,
        Double.NaN)), "NaN never passes");
  }

  @Test
  void seedsAreUnchanged() {
    // the run's numbers depend on these derivations: change them only together with a re-measurement
    assertEquals(3, QuickstartSeeds.world(3));
    assertEquals(4, QuickstartSeeds.documents(3));
    assertEquals(100, QuickstartSeeds.probeTasks(3));
    assertEquals(3, QuickstartSeeds.training(3));
    assertEquals(102, QuickstartSeeds.evaluationChallenger(3));
    assertEquals(8, QuickstartSeeds.evaluation(3));
    assertEquals(Seeds.mix(3, QuickstartSeeds.PROBE_SCORING), QuickstartSeeds.probeScoring(3));
  }
}
