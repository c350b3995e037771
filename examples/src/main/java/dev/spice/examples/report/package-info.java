/**
 * The quickstarts' HTML reports: {@link dev.spice.examples.report.ReportRenderer} (pointer game,
 * PNG plots), {@link dev.spice.examples.report.FreeTextReportRenderer} (free text) and
 * {@link dev.spice.examples.report.EvalReportRenderer} (benchmark evaluation). The quickstart's
 * {@code report.json} is the typed {@link dev.spice.examples.report.QuickstartReport}, written by
 * the quickstart and read back here. The generic run-folder report (metrics curves, timing, invalid
 * tasks, the Challenger's tasks) is the published {@code dev.spice.report.RunReport} of
 * {@code spice-report}, which these renderers embed.
 */
package dev.spice.examples.report;
