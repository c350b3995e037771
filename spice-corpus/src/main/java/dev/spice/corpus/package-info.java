/** SPICE for Java: the {@code spice-corpus} module. */
package dev.spice.corpus;
