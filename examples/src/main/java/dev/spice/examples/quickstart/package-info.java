/**
 * The quickstart: SPICE self-play end to end on the bundled Factbook with a small policy trained
 * from scratch on CPU ({@link dev.spice.examples.quickstart.Quickstart}). Its world of short fact
 * lines ({@link dev.spice.examples.quickstart.FactWorld}), the compact one-token task codec
 * ({@link dev.spice.examples.quickstart.FactTaskCodec}), the roles that use them
 * ({@link dev.spice.examples.quickstart.FactRoles}) and the settings
 * ({@link dev.spice.examples.quickstart.QuickstartSettings}).
 */
package dev.spice.examples.quickstart;
