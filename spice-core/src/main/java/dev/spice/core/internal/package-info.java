/**
 * Internal support for the backends (the device setting both policy builders take): not API.
 * Types here may change or move without notice; applications use the backends' builders.
 */
package dev.spice.core.internal;
