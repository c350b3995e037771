package dev.spice.core.internal.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link TokenSampler#seedForRowOffset}: the part of a batch from row {@code offset} on, as a batch of its own. */
class RowOffsetSeedTest {
  private static long[] draws(SplittableRandom r) {
    return new long[] {r.nextLong(), r.nextLong(), r.nextLong()};
  }

  @Test
  void rowJUnderTheOffsetSeedIsRowOffsetPlusJUnderTheBatchSeed() {
    SplittableRandom pick = new SplittableRandom(5);
    long[] seeds = {0, 1, -1, Long.MAX_VALUE, Long.MIN_VALUE, 1234, pick.nextLong(), pick.nextLong(), pick.nextLong()};
    for (long seed : seeds) {
      for (int offset : new int[] {0, 1, 2, 7, 63, 64, 1000, 123_456}) {
        long s = TokenSampler.seedForRowOffset(seed, offset);
        for (int j : new int[] {0, 1, 5, 31}) {
          assertEquals(java.util.Arrays.toString(draws(TokenSampler.rowStream(seed, offset + j))),
              java.util.Arrays.toString(draws(TokenSampler.rowStream(s, j))),
              "seed " + seed + " offset " + offset + " row " + j);
        }
      }
      assertEquals(seed, TokenSampler.seedForRowOffset(seed, 0));
      assertNotEquals(seed, TokenSampler.seedForRowOffset(seed, 1));
    }
  }
}
