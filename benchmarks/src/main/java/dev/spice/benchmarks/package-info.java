/** SPICE for Java: the {@code benchmarks} module. */
package dev.spice.benchmarks;
