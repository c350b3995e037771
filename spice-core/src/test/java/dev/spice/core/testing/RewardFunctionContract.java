package dev.spice.core.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.RewardContext;
import dev.spice.core.RewardFunction;
import dev.spice.core.Rewards;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Contract every {@link RewardFunction} must pass.
 *
 * @param <T> item type
 */
public abstract class RewardFunctionContract<T> {

  /** One group to score. */
  public record Group<T>(List<T> items, RewardContext context) {}

  /** The function under test. */
  protected abstract RewardFunction<T> createFunction();

  /** Groups to score (include edge cases: empty answers, invalid tasks, ...). */
  protected abstract List<Group<T>> groups();

  /** The documented range of finite rewards. */
  protected double minReward() {
    return Double.NEGATIVE_INFINITY;
  }

  /** The documented range of finite rewards. */
  protected double maxReward() {
    return Double.POSITIVE_INFINITY;
  }

  @Test
  void nameIsNotBlank() {
    assertFalse(createFunction().name().isBlank());
  }

  @Test
  void scoresEveryItemWithinRange() {
    RewardFunction<T> f = createFunction();
    for (Group<T> g : groups()) {
      Rewards r = f.score(g.items(), g.context());
      assertEquals(g.items().size(), r.size());
      for (double v : r.values()) {
        assertTrue(Double.isNaN(v) || (v >= minReward() && v <= maxReward()),
            "reward " + v + " outside [" + minReward() + ", " + maxReward() + "]");
      }
      for (Map.Entry<String, double[]> c : r.components().entrySet()) {
        assertEquals(g.items().size(), c.getValue().length, "component " + c.getKey());
      }
    }
  }

  @Test
  void isDeterministic() {
    RewardFunction<T> f = createFunction();
    for (Group<T> g : groups()) {
      assertArrayEquals(f.score(g.items(), g.context()).values(), f.score(g.items(), g.context()).values());
    }
  }

  @Test
  void asyncAdapterGivesTheSameRewards() throws Exception {
    RewardFunction<T> f = createFunction();
    for (Group<T> g : groups()) {
      Rewards a = f.score(g.items(), g.context());
      Rewards b = f.async().scoreAsync(g.items(), g.context()).toCompletableFuture().get();
      assertArrayEquals(a.values(), b.values());
    }
  }
}
