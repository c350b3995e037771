/**
 * Corpus sources for SPICE: the bundled CIA World Factbook and chemical elements, in-memory
 * lists, JSONL (plain or gzip), directories of text files, Parquet and CSV (through DuckDB), and
 * weighted mixtures; with segmenting, filters, de-duplication and seeded, resumable sampling.
 *
 * <p>Start at {@link dev.spice.corpus.Corpora}; structured Factbook facts are in
 * {@link dev.spice.corpus.Factbook}, the element fact documents in
 * {@link dev.spice.corpus.Elements}. Seed tasks made from a corpus (cloze questions with a
 * demonstration / held-out split) are in {@link dev.spice.corpus.seeds.ClozeTasks}.
 */
package dev.spice.corpus;
