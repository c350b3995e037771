/**
 * Test fixtures published in spice-core's test-jar: a deterministic {@link
 * dev.spice.core.testing.ScriptedPolicy}, an in-memory {@link dev.spice.core.testing.ListCorpus},
 * and abstract contract tests that every backend, corpus source and reward function extends.
 */
package dev.spice.core.testing;
