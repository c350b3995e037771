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
  void aMissingCheckpointIsReplacedByTheNearestSavedOne(@org.junit.jupiter.api.io.TempDir Path run) throws Exception {
    for (int it : new int[] {1, 2, 4, 7, 8}) {
      java.nio.file.Files.createDirectories(CoevolutionCheck.policyDir(run, it));
    }
    java.nio.file.Files.createDirectories(run.resolve("checkpoint-00000005")); // no policy: not usable
    java.nio.file.Files.createDirectories(run.resolve("checkpoint-00000006.tmp-1").resolve("policy"));
    java.util.TreeSet<Integer> saved = CoevolutionCheck.saved(run);
    assertEquals(List.of(1, 2, 4, 7, 8), List.copyOf(saved));
    // a run of 8 resumed to 12 wants 2, 3, 11, 12: 3 is between 2 and 4 (the earlier wins), 11 and 12 are past 8
    assertEquals(java.util.Map.of(2, 2, 3, 2, 11, 8, 12, 8),
        CoevolutionCheck.substitutes(List.of(2, 3, 11, 12), saved, run));
    assertEquals(java.util.Map.of(5, 4, 6, 7), CoevolutionCheck.substitutes(List.of(5, 6), saved, run));
    assertEquals(42L, CoevolutionCheck.iterationOf(run.resolve("checkpoint-00000042")));
    org.junit.jupiter.api.Assertions.assertThrows(dev.spice.core.SpiceException.CheckpointException.class,
        () -> CoevolutionCheck.substitutes(List.of(1), new java.util.TreeSet<>(), run));
    org.junit.jupiter.api.Assertions.assertThrows(dev.spice.core.SpiceException.CheckpointException.class,
        () -> CoevolutionCheck.iterationOf(run.resolve("checkpoint-7")));
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
