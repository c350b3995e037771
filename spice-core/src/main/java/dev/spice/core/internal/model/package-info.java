/**
 * Internal support for the backends (safetensors files and Hugging Face tokenizer.json checks): not
 * API. Types here may change or move without notice; applications use the backends' builders.
 */
package dev.spice.core.internal.model;
