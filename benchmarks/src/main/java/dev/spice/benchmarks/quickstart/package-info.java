/** The quickstart learning harness: runs the default quickstart and prints its report's checks. */
package dev.spice.benchmarks.quickstart;
