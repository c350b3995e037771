package dev.spice.rewards;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.spice.core.AdvantageEstimator;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The flat, allocation-free form {@code estimateInto} of every built-in estimator: the same bits as
 * {@code estimate} (seeded random batches), the same rejections, argument checks, no allocation.
 */
class FlatAdvantagesTest {
  private static final long SEED = 20261127L;

  static List<AdvantageEstimator> all() {
    return List.of(AdvantageEstimators.drGrpo(), AdvantageEstimators.grpo(), AdvantageEstimators.grpo(0.5),
        AdvantageEstimators.rloo(), AdvantageEstimators.reinforcePlusPlus(),
        AdvantageEstimators.reinforcePlusPlus(true, AdvantageEstimators.DEFAULT_STD_FLOOR),
        AdvantageEstimators.reinforcePlusPlus(false, 0.25));
  }

  /** A random batch: sizes 0-12 (1 often), values of a few kinds, constant groups, NaN. */
  static double[][] randomBatch(SplittableRandom rnd) {
    double[][] b = new double[rnd.nextInt(0, 9)][];
    for (int g = 0; g < b.length; g++) {
      int size = rnd.nextInt(4) == 0 ? 1 : rnd.nextInt(0, 13);
      double[] r = new double[size];
      int kind = rnd.nextInt(5);
      double constant = rnd.nextInt(3) - 1;
      for (int i = 0; i < size; i++) {
        r[i] = switch (kind) {
          case 0 -> rnd.nextInt(2); // 0/1 pass/fail
          case 1 -> constant; // zero variance
          case 2 -> rnd.nextDouble(-1e6, 1e6);
          case 3 -> rnd.nextDouble() * 1e-7; // below the std floors
          default -> rnd.nextGaussian();
        };
        if (rnd.nextInt(8) == 0) {
          r[i] = Double.NaN;
        }
      }
      b[g] = r;
    }
    return b;
  }

  static int[] offsets(double[][] b) {
    int[] off = new int[b.length + 1];
    for (int g = 0; g < b.length; g++) {
      off[g + 1] = off[g] + b[g].length;
    }
    return off;
  }

  static double[] flatten(double[][] b, int extra) {
    int[] off = offsets(b);
    double[] f = new double[off[b.length] + extra];
    for (int g = 0; g < b.length; g++) {
      System.arraycopy(b[g], 0, f, off[g], b[g].length);
    }
    return f;
  }

  @Test
  void flatFormGivesTheSameBitsAsThePerGroupForm() {
    SplittableRandom rnd = new SplittableRandom(SEED);
    for (int example = 0; example < 2000; example++) {
      double[][] b = randomBatch(rnd);
      int extra = rnd.nextInt(3);
      double[] flat = flatten(b, extra);
      double[] flatBefore = flat.clone();
      int[] off = offsets(b);
      for (AdvantageEstimator e : all()) {
        double[][] expected = e.estimate(b);
        double[] out = new double[flat.length + rnd.nextInt(3)];
        Arrays.fill(out, 42.0);
        e.estimateInto(flat, off, out);
        for (int g = 0; g < b.length; g++) {
          for (int i = 0; i < b[g].length; i++) {
            long want = Double.doubleToRawLongBits(expected[g][i]);
            long got = Double.doubleToRawLongBits(out[off[g] + i]);
            String where = e + ", example " + example + ", group " + g + ", item " + i;
            assertEquals(want, got, () -> where + ": " + Arrays.deepToString(b));
          }
        }
        for (int i = off[b.length]; i < out.length; i++) {
          assertEquals(42.0, out[i], "written past the batch: " + e);
        }
        assertTrue(Arrays.equals(flatBefore, flat), "rewards modified by " + e);
      }
    }
  }

  @Test
  void rejectsTheSameRewardsWithTheSameMessages() {
    double big = Double.MAX_VALUE;
    double[][][] bad = {
      {{0, 1}, {1, Double.POSITIVE_INFINITY, 0}},
      {{0.5}, {Double.NEGATIVE_INFINITY}},
      {{big, big}},
    };
    for (AdvantageEstimator e : all()) {
      for (double[][] b : bad) {
        IllegalArgumentException want = assertThrows(IllegalArgumentException.class, () -> e.estimate(b));
        IllegalArgumentException got = assertThrows(IllegalArgumentException.class,
            () -> e.estimateInto(flatten(b, 0), offsets(b), new double[flatten(b, 0).length]));
        assertEquals(want.getMessage(), got.getMessage(), e.toString());
      }
    }
    // REINFORCE++'s batch baseline: each group's sum is finite, the batch's is not
    double[][] b = {{Double.MAX_VALUE}, {Double.MAX_VALUE}};
    AdvantageEstimator rpp = AdvantageEstimators.reinforcePlusPlus();
    String want = assertThrows(IllegalArgumentException.class, () -> rpp.estimate(b)).getMessage();
    String got = assertThrows(IllegalArgumentException.class,
        () -> rpp.estimateInto(flatten(b, 0), offsets(b), new double[2])).getMessage();
    assertEquals(want, got);
  }

  @Test
  void malformedArgumentsAreRejectedBeforeAnythingIsWritten() {
    double[] r = {1, 0, 1, 1};
    for (AdvantageEstimator e : all()) {
      record Case(double[] rewards, int[] offsets, double[] out, Class<? extends RuntimeException> type, String text) {}
      List<Case> cases = List.of(
          new Case(null, new int[] {0, 4}, new double[4], NullPointerException.class, "rewards"),
          new Case(r, null, new double[4], NullPointerException.class, "groupOffsets"),
          new Case(r, new int[] {0, 4}, null, NullPointerException.class, "out"),
          new Case(r, new int[0], new double[4], IllegalArgumentException.class, "groupOffsets is empty"),
          new Case(r, new int[] {1, 4}, new double[4], IllegalArgumentException.class, "groupOffsets[0] is 1"),
          new Case(r, new int[] {0, 3, 2, 4}, new double[4], IllegalArgumentException.class,
              "groupOffsets[2] = 2 is below groupOffsets[1] = 3"),
          new Case(r, new int[] {0, 2, 5}, new double[5], IllegalArgumentException.class,
              "groupOffsets[2] = 5 is beyond the 4 rewards"),
          new Case(r, new int[] {0, 2, 4}, new double[3], IllegalArgumentException.class,
              "out holds 3 values; the batch needs 4"),
          new Case(r, new int[] {0, 2, 4}, r, IllegalArgumentException.class, "must not be the rewards array"));
      for (Case c : cases) {
        double[] before = c.out() == null ? null : c.out().clone();
        double[] rewardsBefore = r.clone();
        RuntimeException ex = assertThrows(c.type(), () -> e.estimateInto(c.rewards(), c.offsets(), c.out()));
        assertTrue(ex.getMessage().contains(c.text()), e + ": " + ex.getMessage());
        if (before != null) {
          assertTrue(Arrays.equals(before, c.out()), "out written before the rejection by " + e);
        }
        assertTrue(Arrays.equals(rewardsBefore, r), "rewards modified by " + e);
      }
    }
  }

  @Test
  void emptyBatchesAndEmptyGroupsAreAllowed() {
    for (AdvantageEstimator e : all()) {
      e.estimateInto(new double[0], new int[] {0}, new double[0]);
      double[] out = {7, 7, 7};
      e.estimateInto(new double[] {1, 0, 5}, new int[] {0, 0, 2, 2}, out);
      double[][] want = e.estimate(new double[][] {{}, {1, 0}, {}});
      assertEquals(want[1][0], out[0], e.toString());
      assertEquals(want[1][1], out[1], e.toString());
      assertEquals(7, out[2], "beyond the batch: " + e);
    }
  }

  @Test
  void flatFormAllocatesNothingPerCall() {
    java.lang.management.ThreadMXBean plain = ManagementFactory.getThreadMXBean();
    assumeTrue(plain instanceof com.sun.management.ThreadMXBean, "no allocation counter on this JVM");
    com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) plain;
    assumeTrue(mx.isThreadAllocatedMemorySupported() && mx.isThreadAllocatedMemoryEnabled(),
        "thread allocation counting is off");
    int groups = 256;
    int size = 8;
    SplittableRandom rnd = new SplittableRandom(SEED);
    double[] rewards = new double[groups * size];
    for (int i = 0; i < rewards.length; i++) {
      rewards[i] = rnd.nextInt(50) == 0 ? Double.NaN : rnd.nextInt(2);
    }
    int[] off = new int[groups + 1];
    for (int g = 0; g <= groups; g++) {
      off[g] = g * size;
    }
    double[] out = new double[rewards.length];
    double[][] nested = new double[groups][];
    for (int g = 0; g < groups; g++) {
      nested[g] = Arrays.copyOfRange(rewards, off[g], off[g + 1]);
    }
    int calls = 2000;
    for (AdvantageEstimator e : all()) {
      for (int i = 0; i < calls; i++) { // warm-up (the JIT, class loading)
        e.estimateInto(rewards, off, out);
      }
      long before = mx.getCurrentThreadAllocatedBytes();
      for (int i = 0; i < calls; i++) {
        e.estimateInto(rewards, off, out);
      }
      long flatBytes = mx.getCurrentThreadAllocatedBytes() - before;
      // slack for the counter itself; one array per call would already be >= 16 * calls bytes
      assertTrue(flatBytes < 4096, e + " allocated " + flatBytes + " bytes in " + calls + " flat calls");
      // the same counter does see the per-group form's arrays (so the check above can fail)
      before = mx.getCurrentThreadAllocatedBytes();
      double[][] a = e.estimate(nested);
      long nestedBytes = mx.getCurrentThreadAllocatedBytes() - before;
      assertTrue(nestedBytes >= (long) groups * size * 8, e + ": per-group form allocated only " + nestedBytes);
      assertEquals(groups, a.length);
    }
  }
}
