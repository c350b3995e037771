package dev.spice.core.engine;

import dev.spice.core.PolicyBackend;
import dev.spice.core.PolicySync;

/**
 * The hybrid-training settings of {@link SelfPlay.Builder#rollouts} and
 * {@link SelfPlay.Builder#policySync}, validated by the builder.
 *
 * @param rollouts the backend that generates the trained roles' rollouts
 * @param sync how the trainer's weights reach it
 * @param everyUpdates k: publish after every k-th policy version, {@code >= 1}
 * @param maxStaleness the most versions a trained-on rollout may lag the trainer, {@code >= k - 1}
 */
record HybridConfig(PolicyBackend rollouts, PolicySync sync, int everyUpdates, int maxStaleness) {}
