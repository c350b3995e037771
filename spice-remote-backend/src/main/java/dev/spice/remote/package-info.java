/**
 * A policy backend over the OpenAI-compatible completions API of vLLM, SGLang and {@code spice
 * serve}: {@link dev.spice.remote.RemotePolicy}, configured with {@link
 * dev.spice.remote.RemotePolicy#builder()}. Rollouts run on the inference server; the module
 * README lists the wire fields sent and read, the retry rules and the errors. For hybrid
 * training, {@link dev.spice.remote.RemoteAdapterSync} publishes the trainer's LoRA adapter to the
 * server through vLLM's runtime adapter endpoints.
 */
package dev.spice.remote;
