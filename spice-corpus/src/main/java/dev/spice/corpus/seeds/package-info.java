/**
 * Seed tasks made from the corpus itself, for any text corpus: cloze questions (a sentence with
 * its last word blanked out) with a demonstration / held-out split by document groups, so a model
 * can be shown what tasks look like and then probed on facts it was never shown.
 *
 * <p>Start at {@link dev.spice.corpus.seeds.ClozeTasks}.
 */
package dev.spice.corpus.seeds;
