package dev.spice.core;

import java.util.List;

/**
 * Scores one group of items synchronously. For the Reasoner the items are
 * {@link ReasonerAttempt}s (the G answers to one task); for the Challenger they are
 * {@link ChallengerOutcome}s (the G attempts on one document with the Reasoner's results).
 *
 * <p>Contract: returns exactly one value per item in item order; values are finite or
 * {@code NaN} ("not applicable"); never {@code null}; does not modify the items; deterministic
 * for the same inputs; thread-safe. Failures are raised as {@link SpiceException.RewardException}.
 *
 * @param <T> the item type
 */
@FunctionalInterface
public interface RewardFunction<T> {

  /**
   * Scores a group.
   *
   * @param items the items
   * @param context the context
   * @return one reward per item
   */
  Rewards score(List<T> items, RewardContext context);

  /**
   * A stable name used in metric names ({@code rewards/{name}/mean}); the class name by default.
   *
   * @return a stable name used in metric names ({@code rewards/{name}/mean}); the class name by
   *     default
   */
  default String name() {
    return getClass().getSimpleName();
  }

  /**
   * This function as an {@link AsyncRewardFunction} that completes immediately.
   *
   * @return this function as an {@link AsyncRewardFunction} that completes immediately
   */
  default AsyncRewardFunction<T> async() {
    RewardFunction<T> self = this;
    return new AsyncRewardFunction<>() {
      @Override
      public java.util.concurrent.CompletionStage<Rewards> scoreAsync(List<T> items, RewardContext context) {
        try {
          return java.util.concurrent.CompletableFuture.completedFuture(self.score(items, context));
        } catch (RuntimeException e) {
          return java.util.concurrent.CompletableFuture.failedFuture(e);
        }
      }

      @Override
      public String name() {
        return self.name();
      }
    };
  }
}
