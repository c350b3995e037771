package dev.spice.report;

import dev.spice.core.SpiceException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * The HTML report of a run folder: one self-contained page (inline CSS and SVG charts, no scripts,
 * no other files) built from what {@code SelfPlayListeners.jsonl} and
 * {@code SelfPlayListeners.completions} wrote there.
 *
 * <pre>{@code
 * RunReport.render(Path.of("runs/my-run"));            // writes runs/my-run/report.html
 * RunReport.builder().runFolder(run).title("Qwen 0.5B, seed 7")
 *     .build().writeHtml(Path.of("out/report.html"));
 * }</pre>
 *
 * <p>Its {@linkplain Section sections}, each shown when its data exist: an overview (iterations,
 * wall time, tokens per second, the main metrics at the start and at the end of the run), training
 * curves of the main metrics ({@code reasoner/pass_rate}, {@code challenger/valid_rate}, both roles'
 * rewards, {@code loss}, tokens per second; for a warm-start log {@code warmstart/loss} and its
 * tokens per second) per iteration and as a moving average, the reasons the Challenger's tasks were
 * invalid ({@code challenger/invalid/<code>}), where an iteration's time went ({@code timing_s/*}),
 * a browsable sample of the Challenger's tasks with the Reasoner's answers (from the completion log:
 * the last 5 logged iterations, 40 attempts each), and the mean of every metric over the last tenth
 * of the run. Missing values show as "n/a".
 *
 * <p>{@link Builder#build()} reads and checks the files, so a malformed metrics file fails there,
 * naming the file, the line and the field, before anything is written; malformed lines of the
 * completion log (which a crash may tear) are skipped and counted on the page instead. Immutable
 * and thread-safe once built; the page is the same for the same files.
 */
public final class RunReport {
  /** The conventional name of the page in a run folder, written by {@link #render(Path)}. */
  public static final String HTML_FILE = "report.html";
  /** The conventional name of the completion log in a run folder. */
  public static final String COMPLETIONS_FILE = "completions.jsonl";
  /**
   * The style sheet of the page (the body of a {@code <style>} element), for a page of one's own
   * that embeds {@link #bodyHtml()}.
   */
  public static final String STYLE = "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;max-width:1000px;"
      + "margin:2em auto;padding:0 1em;color:#222}\n"
      + "h1{border-bottom:2px solid #444}h2{margin-top:2em;border-bottom:1px solid #bbb}\n"
      + "table{border-collapse:collapse;margin:.6em 0}td,th{border:1px solid #ccc;padding:.25em .6em;"
      + "text-align:left;font-variant-numeric:tabular-nums}th{background:#f2f2f2}\n"
      + "td.num{text-align:right}.na{color:#888;font-style:italic}.pass{color:#137a13;font-weight:bold}"
      + ".fail{color:#b01515;font-weight:bold}\nimg,svg.chart{max-width:100%;height:auto;border:1px solid #ddd}\n"
      + ".lead{font-size:1.05em;line-height:1.5}small{color:#555}\n"
      + "td.txt{white-space:pre-wrap;font-family:monospace;font-size:.9em;max-width:30em}"
      + "summary{cursor:pointer;margin:.4em 0}\n"
      + ".share{display:inline-block;height:.8em;background:#1f77b4;vertical-align:middle}\n";

  /** The parts of the page, in the order they appear. */
  public enum Section {
    /** Iterations, wall time, tokens per second, the main metrics at the start and at the end. */
    OVERVIEW,
    /** The main metrics per iteration and as a moving average (SVG). */
    TRAINING_CURVES,
    /** The share of the Challenger's attempts rejected for each reason over the run (SVG and table). */
    CHALLENGER_INVALID,
    /** The mean seconds of each {@code timing_s/*} part of an iteration and its share of the step time. */
    TIMING,
    /** A sample of the Challenger's tasks with the Reasoner's answers, from the completion log. */
    CHALLENGER_TASKS,
    /** The mean of every metric over the last tenth of the iterations. */
    FINAL_METRICS
  }

  private final String title;
  private final RunReportPage page;

  private RunReport(String title, RunReportPage page) {
    this.title = title;
    this.page = page;
  }

  /**
   * A builder; {@link Builder#runFolder(Path)} is required.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Renders {@code runFolder}'s report with every section into {@code runFolder/report.html},
   * replacing an earlier one.
   *
   * @param runFolder the run folder holding {@code metrics.jsonl} and/or {@code completions.jsonl}
   * @return the written file
   * @throws ReportException if the folder holds neither file, the metrics file is malformed (naming
   *     the file, the line and the field), or the page cannot be written
   */
  public static Path render(Path runFolder) {
    return builder().runFolder(runFolder).build().writeHtml(runFolder.resolve(HTML_FILE));
  }

  /**
   * The page's title.
   *
   * @return the title given to the builder, or {@code SPICE run report: <folder name>}
   */
  public String title() {
    return title;
  }

  /**
   * The whole page: a self-contained HTML document.
   *
   * @return the HTML text
   */
  public String html() {
    return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" + Html.esc(title)
        + "</title>\n<style>\n" + STYLE + "</style>\n</head>\n<body>\n<h1>" + Html.esc(title) + "</h1>\n" + bodyHtml()
        + "<p class=\"na\">Generated by dev.spice.report.RunReport.</p>\n</body>\n</html>\n";
  }

  /**
   * The sections only (each begins with an {@code <h2>}), to embed in a page of one's own that
   * uses {@link #STYLE}.
   *
   * @return the HTML fragment
   */
  public String bodyHtml() {
    return page.body();
  }

  /**
   * Writes {@link #html()} to {@code file} through a temporary sibling moved into place (replacing
   * an earlier file; creating missing parent folders).
   *
   * @param file the HTML file to write
   * @return {@code file}
   * @throws ReportException if the file cannot be written
   */
  public Path writeHtml(Path file) {
    Objects.requireNonNull(file, "file");
    Html.write(file, html());
    return file;
  }

  /** Options of a {@link RunReport}; {@link #build()} checks them and reads the files. */
  public static final class Builder {
    private Path runFolder;
    private String title;
    private Path metricsFile;
    private Path completionsFile;
    private Set<Section> sections = EnumSet.allOf(Section.class);

    private Builder() {}

    /**
     * The run folder (required).
     *
     * @param folder a folder holding {@code metrics.jsonl} and/or {@code completions.jsonl}
     * @return this builder
     */
    public Builder runFolder(Path folder) {
      this.runFolder = Objects.requireNonNull(folder, "folder");
      return this;
    }

    /**
     * The page's title. Default: {@code SPICE run report: <folder name>}.
     *
     * @param title a non-blank title (escaped on the page)
     * @return this builder
     */
    public Builder title(String title) {
      this.title = Objects.requireNonNull(title, "title");
      return this;
    }

    /**
     * The metrics file; a relative path is resolved against the run folder. Default
     * {@value MetricsLog#FILE}.
     *
     * @param file the metrics file
     * @return this builder
     */
    public Builder metricsFile(Path file) {
      this.metricsFile = Objects.requireNonNull(file, "file");
      return this;
    }

    /**
     * The completion log; a relative path is resolved against the run folder. Default
     * {@value RunReport#COMPLETIONS_FILE}.
     *
     * @param file the completion log
     * @return this builder
     */
    public Builder completionsFile(Path file) {
      this.completionsFile = Objects.requireNonNull(file, "file");
      return this;
    }

    /**
     * The sections to show (always in the order of {@link Section}). Default: all.
     *
     * @param first a section
     * @param more more sections
     * @return this builder
     */
    public Builder sections(Section first, Section... more) {
      this.sections = EnumSet.of(first, more);
      return this;
    }

    /**
     * Reads the files the chosen sections need and builds the report.
     *
     * @return the report
     * @throws SpiceException.ConfigurationException if no run folder was given or the title is blank
     * @throws ReportException if the run folder is not a folder, neither file the sections need
     *     exists, or the metrics file is malformed (naming the file, the line and the field)
     */
    public RunReport build() {
      if (runFolder == null) {
        throw new SpiceException.ConfigurationException("RunReport: runFolder(...) is required");
      }
      if (title != null && title.isBlank()) {
        throw new SpiceException.ConfigurationException("RunReport: title must not be blank");
      }
      if (!Files.isDirectory(runFolder)) {
        throw new ReportException("run folder " + runFolder + " does not exist or is not a directory");
      }
      Path metrics = runFolder.resolve(metricsFile == null ? Path.of(MetricsLog.FILE) : metricsFile);
      Path completions = runFolder.resolve(completionsFile == null ? Path.of(COMPLETIONS_FILE) : completionsFile);
      boolean wantsMetrics = sections.stream().anyMatch(s -> s != Section.CHALLENGER_TASKS);
      boolean wantsTasks = sections.contains(Section.CHALLENGER_TASKS);
      boolean hasMetrics = wantsMetrics && Files.isRegularFile(metrics);
      boolean hasCompletions = wantsTasks && Files.isRegularFile(completions);
      if (!hasMetrics && !hasCompletions) {
        String missing = wantsMetrics && wantsTasks ? "neither " + metrics + " nor " + completions
            : "no " + (wantsMetrics ? metrics : completions);
        throw new ReportException("run folder " + runFolder + " holds " + missing + ": nothing to report");
      }
      MetricsLog log = hasMetrics ? MetricsLog.read(metrics) : null;
      ChallengerTasks tasks = hasCompletions ? ChallengerTasks.read(completions, runFolder) : null;
      String name = runFolder.toAbsolutePath().normalize().getFileName() == null ? runFolder.toString()
          : runFolder.toAbsolutePath().normalize().getFileName().toString();
      return new RunReport(title != null ? title : "SPICE run report: " + name,
          new RunReportPage(EnumSet.copyOf(sections), log, tasks));
    }
  }
}
