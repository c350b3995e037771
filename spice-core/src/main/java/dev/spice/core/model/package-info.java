/**
 * Model files shared by the backends, with no ML library: the Hugging Face {@code config.json} of
 * Llama / Qwen2 / Qwen3 decoders ({@link dev.spice.core.model.TransformerConfig}), the
 * safetensors weight format ({@link dev.spice.core.internal.model.SafeTensors}), single-file or sharded, and
 * the checks a {@code tokenizer.json} gets before a tokenizer library reads it
 * ({@link dev.spice.core.internal.model.TokenizerJson}). All three treat their files as untrusted input:
 * a config is checked against the safetensors header before anything model-sized is allocated.
 */
package dev.spice.core.model;

import dev.spice.core.internal.model.TokenizerJson;
import dev.spice.core.internal.model.SafeTensors;