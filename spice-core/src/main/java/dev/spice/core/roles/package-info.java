/**
 * Standard role implementations: the paper-style {@link dev.spice.core.roles.JsonTaskCodec}, the
 * compact {@link dev.spice.core.roles.TextTaskCodec} for small models, the stable codes of
 * invalid reasons ({@link dev.spice.core.roles.InvalidReasons}), and
 * {@link dev.spice.core.roles.Roles}, which builds a Challenger from a codec and a Reasoner from
 * an answer extractor, in the paper's style or the compact one.
 */
package dev.spice.core.roles;
