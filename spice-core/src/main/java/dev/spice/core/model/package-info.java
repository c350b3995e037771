/**
 * Model files shared by the backends, with no ML library: the Hugging Face {@code config.json} of
 * Llama / Qwen2 / Qwen3 decoders ({@link dev.spice.core.model.TransformerConfig}) and the
 * safetensors weight format ({@link dev.spice.core.model.SafeTensors}), single-file or sharded.
 */
package dev.spice.core.model;
