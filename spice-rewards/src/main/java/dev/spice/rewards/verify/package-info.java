/**
 * Answer extraction and verification: {@link dev.spice.rewards.verify.AnswerExtractors} finds the
 * final answer in a Reasoner's text; {@link dev.spice.rewards.verify.Verifiers} builds an
 * {@link dev.spice.rewards.verify.AnswerVerifier} that decides whether it matches the gold answer
 * (numbers, expressions, strings, multiple-choice letters). Parsing is hand-written and bounded:
 * no script engine, no {@code eval}, no reflection on model output.
 */
package dev.spice.rewards.verify;
