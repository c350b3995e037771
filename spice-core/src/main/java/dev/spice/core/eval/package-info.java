/**
 * Evaluations of self-play runs that work with any {@link dev.spice.core.PolicyBackend}: the
 * co-evolution matrix of the paper's Figure 3 ({@link dev.spice.core.eval.CoevolutionEvaluation}),
 * which scores Reasoner checkpoints on tasks written by Challenger checkpoints.
 */
package dev.spice.core.eval;
