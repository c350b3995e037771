/** Rollout-throughput and weight-refresh harness of the ONNX Runtime backend. */
package dev.spice.benchmarks.onnx;
