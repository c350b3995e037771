/** Benchmarks of spice-corpus: JSONL indexing, sampling, and a larger-than-heap harness. */
package dev.spice.benchmarks.corpus;
