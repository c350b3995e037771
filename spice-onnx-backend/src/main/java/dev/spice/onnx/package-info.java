/** SPICE for Java: the {@code spice-onnx-backend} module. */
package dev.spice.onnx;
