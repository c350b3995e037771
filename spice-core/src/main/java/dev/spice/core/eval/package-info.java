/**
 * Evaluations that work with any {@link dev.spice.core.PolicyBackend}: the co-evolution matrix of
 * the paper's Figure 3 ({@link dev.spice.core.eval.CoevolutionEvaluation}), which scores Reasoner
 * checkpoints on tasks written by Challenger checkpoints, and scores of a policy on a benchmark
 * file ({@link dev.spice.core.eval.BenchmarkFile} reads it,
 * {@link dev.spice.core.eval.BenchmarkEvaluation} scores it into a
 * {@link dev.spice.core.eval.BenchmarkResult}).
 */
package dev.spice.core.eval;
