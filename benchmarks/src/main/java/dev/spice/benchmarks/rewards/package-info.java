/** JMH benchmarks of {@code spice-rewards}: advantage estimators and answer verification. */
package dev.spice.benchmarks.rewards;
