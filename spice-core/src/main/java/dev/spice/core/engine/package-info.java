/**
 * The self-play engine: {@link dev.spice.core.engine.SelfPlay} runs Algorithm 1 as described in
 * docs/algorithm.md (Challenger rollouts on B documents, Reasoner rollouts on the valid tasks,
 * rewards, per-role advantages, one policy update), with listeners, metrics, checkpoints and exact
 * resume.
 */
package dev.spice.core.engine;
