/**
 * The SPICE API: the two roles ({@link dev.spice.core.Challenger}, {@link dev.spice.core.Reasoner}),
 * the service interfaces implemented by other modules ({@link dev.spice.core.CorpusSource},
 * {@link dev.spice.core.PolicyBackend}, {@link dev.spice.core.TrainablePolicy},
 * {@link dev.spice.core.RewardFunction}, {@link dev.spice.core.AdvantageEstimator},
 * {@link dev.spice.core.LossAggregation}), the immutable value records they exchange and the
 * one exception hierarchy rooted at {@link dev.spice.core.SpiceException}.
 *
 * <p>Unless a type says otherwise: arguments and return values are never {@code null}, records are
 * immutable (collections are copied on construction), and implementations of the service
 * interfaces are not required to be thread-safe; the engine calls them from one thread.
 */
package dev.spice.core;
