/** Throughput harness of the DJL backend ({@link dev.spice.benchmarks.djl.DjlBackendBench}). */
package dev.spice.benchmarks.djl;
