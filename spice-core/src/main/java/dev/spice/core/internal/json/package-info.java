/**
 * Internal support: the small JSON reader and writer the SDK uses for config.json, checkpoints,
 * metrics and reports. Not API; it may change or move without notice.
 */
package dev.spice.core.internal.json;
