/** SPICE for Java: the {@code spice-rewards} module. */
package dev.spice.rewards;
