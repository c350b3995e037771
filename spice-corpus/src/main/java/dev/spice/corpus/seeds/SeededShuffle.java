package dev.spice.corpus.seeds;

import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Fisher-Yates shuffles driven by {@link SplittableRandom}, which (unlike {@link java.util.Random})
 * gives unrelated sequences for neighbouring seeds such as 0, 1, 2.
 */
final class SeededShuffle {
  private SeededShuffle() {}

  /** Shuffles the list in place: for i from the end down to 1, swaps i with a random j in [0, i]. */
  static void shuffle(List<?> list, SplittableRandom rng) {
    for (int i = list.size() - 1; i > 0; i--) {
      Collections.swap(list, i, rng.nextInt(i + 1));
    }
  }
}
