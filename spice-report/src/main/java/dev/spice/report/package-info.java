/**
 * The HTML report of a run folder: {@link dev.spice.report.RunReport} reads the metrics file and
 * the completion log that {@code SelfPlayListeners.jsonl} and {@code SelfPlayListeners.completions}
 * write and renders one self-contained page with inline SVG charts;
 * {@link dev.spice.report.MetricsLog} reads a metrics file for one's own analysis. Errors are
 * {@link dev.spice.report.ReportException}s naming the file, the line and the field.
 */
package dev.spice.report;
