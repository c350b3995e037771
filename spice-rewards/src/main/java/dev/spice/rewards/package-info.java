/**
 * Rewards, advantage estimators, loss aggregation and recipe presets of SPICE and its baselines.
 *
 * <p>Entry points: {@link dev.spice.rewards.ReasonerRewards}, {@link dev.spice.rewards.ChallengerRewards},
 * {@link dev.spice.rewards.AdvantageEstimators}, {@link dev.spice.rewards.LossAggregations} and
 * {@link dev.spice.rewards.Presets}. Answer extraction and verification live in
 * {@link dev.spice.rewards.verify}. Everything returned is stateless and thread-safe.
 */
package dev.spice.rewards;
