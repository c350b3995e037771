/**
 * Internal support for the backends (the one token-sampling scheme both backends share): not
 * API. Types here may change or move without notice; applications use the backends' builders.
 */
package dev.spice.core.internal.sampling;
