/** SPICE for Java: the {@code spice-core} module. */
package dev.spice.core;
