/**
 * Renders a finished (or running) self-play run folder into a self-contained HTML report with
 * PNG plots: {@link dev.spice.examples.report.ReportRenderer#render(java.nio.file.Path)}.
 */
package dev.spice.examples.report;
