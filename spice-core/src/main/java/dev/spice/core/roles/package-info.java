/**
 * Standard role implementations: the paper-style {@link dev.spice.core.roles.JsonTaskCodec},
 * and {@link dev.spice.core.roles.Roles}, which builds a Challenger from a codec and a Reasoner
 * from an answer extractor.
 */
package dev.spice.core.roles;
