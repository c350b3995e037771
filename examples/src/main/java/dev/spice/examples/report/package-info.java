/**
 * Renders a finished (or running) self-play run folder into a self-contained HTML report with
 * PNG plots: {@link dev.spice.examples.report.ReportRenderer#render(java.nio.file.Path)}. The
 * quickstart's {@code report.json} is the typed {@link dev.spice.examples.report.QuickstartReport},
 * written by the quickstart and read back here.
 */
package dev.spice.examples.report;
