/**
 * A small, dependency-free JSON reader and writer used by the SDK for checkpoints, metric files,
 * model configs and the JSON task codec. It reads RFC 8259 JSON into {@code Map}, {@code List},
 * {@code String}, {@code Double}/{@code Long}, {@code Boolean} and {@code null}, with a bounded
 * nesting depth, and reports errors with their line and column.
 */
package dev.spice.core.json;
