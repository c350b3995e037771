/**
 * Rollouts over HTTP: {@link dev.spice.benchmarks.remote.RolloutThroughputHarness} compares
 * generation through {@code spice-serve}'s {@code PolicyServer} and {@code spice-remote-backend}'s
 * {@code RemotePolicy} with in-process DJL generation, and times LoRA adapter sync (write, load,
 * first token).
 */
package dev.spice.benchmarks.remote;
