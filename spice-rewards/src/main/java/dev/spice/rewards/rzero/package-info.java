/**
 * Building blocks of R-Zero (Huang et al., 2025, "R-Zero: Self-Evolving Reasoning LLM from Zero
 * Data") as a method of its own: a Challenger policy and a Solver policy trained in alternating
 * phases, with no gold answers.
 *
 * <ul>
 *   <li>{@link dev.spice.rewards.rzero.MajorityVote}: the Solver's {@code m} answers to one
 *       question, grouped by verifier equivalence, give a pseudo-label and its agreement
 *       {@code p̂}.
 *   <li>{@link dev.spice.rewards.rzero.RZeroSettings#challengerReward()}: the Challenger phase's
 *       reward, {@code max(0, r_unc - r_rep)} with the uncertainty
 *       {@link dev.spice.rewards.ChallengerRewards#rZeroUncertainty(double)} and the BLEU
 *       {@link dev.spice.rewards.rzero.RepetitionPenalty} ({@link dev.spice.rewards.rzero.Bleu}).
 *   <li>{@link dev.spice.rewards.rzero.DifficultyFilter}: the Solver phase's training set, the
 *       {@link dev.spice.rewards.rzero.PseudoLabelledTask}s whose agreement lies in a band.
 * </ul>
 *
 * <p>Everything here is pure, deterministic and thread-safe. The alternating two-policy loop that
 * uses these pieces is not part of this package.
 */
package dev.spice.rewards.rzero;
