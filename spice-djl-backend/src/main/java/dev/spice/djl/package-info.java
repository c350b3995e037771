/** SPICE for Java: the {@code spice-djl-backend} module. */
package dev.spice.djl;
