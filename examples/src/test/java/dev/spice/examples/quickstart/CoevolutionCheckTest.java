package dev.spice.examples.quickstart;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.spice.examples.report.QuickstartReport;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class CoevolutionCheckTest {
  @Test
  void checkpointsAreEarlyAndLateFractionsOfTheRun() {
    assertEquals(List.of(450, 600, 750), CoevolutionCheck.early(3000));
    assertEquals(List.of(2700, 2850, 3000), CoevolutionCheck.late(3000));
    assertEquals(List.of(1, 2), CoevolutionCheck.early(8), "distinct, rounded, at least 1");
    assertEquals(List.of(7, 8), CoevolutionCheck.late(8));
    assertEquals(List.of(1), CoevolutionCheck.early(1));
    assertEquals(List.of(1, 2, 7, 8), List.copyOf(CoevolutionCheck.iterations(8)));
    assertEquals(List.of(1), List.copyOf(CoevolutionCheck.iterations(1)));
  }

  @Test
  void policyFolderOfACheckpoint() {
    assertEquals(Path.of("run", "checkpoint-00000042", "policy"), CoevolutionCheck.policyDir(Path.of("run"), 42));
  }

  @Test
  void summaryAveragesEveryEarlyLatePair() {
    // rows: Challengers 1, 2, 9; columns: Reasoners 1, 2, 9
    double[][] m = {
        {0.6, 0.7, 0.9},
        {0.5, 0.6, 0.8},
        {0.2, 0.3, 0.5}};
    QuickstartReport.Coevolution c =
        CoevolutionCheck.summarize(List.of(1, 2, 9), List.of(1, 2), List.of(9), m, new double[] {0.5, 0.75, 1});
    assertEquals((0.6 + 0.6) / 2, c.earlyOnEarly(), 1e-12);
    assertEquals((0.2 + 0.3) / 2, c.earlyOnLate(), 1e-12, "early Reasoners on the late Challenger's tasks");
    assertEquals((0.9 + 0.8) / 2, c.lateOnEarly(), 1e-12, "the late Reasoner on early Challengers' tasks");
    assertEquals(100 * (c.earlyOnEarly() - c.earlyOnLate()), c.dropPoints(), 1e-12);
    assertEquals(100 * (c.lateOnEarly() - c.earlyOnEarly()), c.lateGainPoints(), 1e-12);
    assertArrayEquals(new long[] {1, 2, 9}, c.challengerCheckpoints());
    assertArrayEquals(new long[] {1, 2, 9}, c.reasonerCheckpoints());
    assertArrayEquals(new long[] {1, 2}, c.earlyCheckpoints());
    assertArrayEquals(new long[] {9}, c.lateCheckpoints());
  }
}
