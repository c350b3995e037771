/** Memory harnesses: heap over a long self-play run, with and without every iteration's result kept. */
package dev.spice.benchmarks.memory;
