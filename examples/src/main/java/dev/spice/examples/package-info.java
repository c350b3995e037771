/** SPICE for Java: the {@code examples} module. */
package dev.spice.examples;
