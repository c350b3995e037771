package dev.spice.core;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * A reward function that may be slow or remote (a judge model, a sandbox). The engine starts all
 * groups of an iteration before waiting for any, so they are scored concurrently. Same contract
 * as {@link RewardFunction}; failures complete the stage exceptionally.
 *
 * @param <T> the item type
 */
@FunctionalInterface
public interface AsyncRewardFunction<T> {

  /**
   * Starts scoring a group.
   *
   * @param items the items
   * @param context the context
   * @return a stage completing with one reward per item
   */
  CompletionStage<Rewards> scoreAsync(List<T> items, RewardContext context);

  /**
   * A stable name used in metric names; the class name by default.
   *
   * @return a stable name used in metric names; the class name by default
   */
  default String name() {
    return getClass().getSimpleName();
  }
}
