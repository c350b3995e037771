package dev.spice.examples.report;

import dev.spice.examples.report.QuickstartReport.Checks;
import dev.spice.examples.report.QuickstartReport.Coevolution;
import dev.spice.examples.report.QuickstartReport.Difficulty;
import dev.spice.examples.report.QuickstartReport.Entropy;
import dev.spice.examples.report.QuickstartReport.Probe;
import dev.spice.examples.report.QuickstartReport.World;
import dev.spice.report.ReportException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Reads {@code report.json} into a {@link QuickstartReport}: every value type-checked, arrays of one
 * section checked for matching lengths, errors naming file, line and field. Absent values are
 * allowed (see {@link QuickstartReport}).
 */
final class QuickstartReportReader {
  private final JsonFields f;

  private QuickstartReportReader(String file) {
    this.f = new JsonFields(file);
  }

  static QuickstartReport read(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ReportException("cannot read " + file + ": " + e, e);
    }
    return parse(text, file.toString());
  }

  static QuickstartReport parse(String text, String file) {
    Object root = JsonFields.parse(text, file);
    if (!(root instanceof Map)) {
      throw new ReportException(file + ": the top level must be a JSON object, got " + JsonFields.kind(root));
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> r = (Map<String, Object>) root;
    return new QuickstartReportReader(file).report(r);
  }

  private QuickstartReport report(Map<String, Object> r) {
    Map<String, Object> settings = f.object(r, "settings", "");
    return new QuickstartReport(settings == null ? Map.of() : settings, f.integer(r, "seed", ""),
        f.integer(r, "iterations", ""), f.number(r, "wall_seconds", ""), world(f.object(r, "world", "")),
        probe(f.object(r, "probe", "")), coevolution(f.object(r, "coevolution", "")),
        difficulty(f.object(r, "difficulty", "")), entropy(f.object(r, "entropy", "")), checks(f.object(r, "checks", "")));
  }

  private World world(Map<String, Object> w) {
    if (w == null) {
      return null;
    }
    String s = "world";
    return new World(f.strings(w, "countries", s), f.strings(w, "fields", s), f.integer(w, "documents", s),
        f.integer(w, "facts", s), f.integer(w, "vocabulary", s), f.integer(w, "parameters", s));
  }

  private Probe probe(Map<String, Object> p) {
    if (p == null) {
      return null;
    }
    String s = "probe";
    long[] its = f.integers(p, "iterations", s);
    double[] mcq = f.numbers(p, "mcq", s);
    double[] free = f.numbers(p, "free", s);
    double[] overall = f.numbers(p, "overall", s);
    f.sameLength(s, its, "iterations", mcq, "mcq", free, "free", overall, "overall");
    return new Probe(its, mcq, free, overall, f.number(p, "start", s), f.number(p, "end", s),
        f.number(p, "gain_points", s));
  }

  private Coevolution coevolution(Map<String, Object> c) {
    if (c == null) {
      return null;
    }
    String s = "coevolution";
    long[] cc = f.integers(c, "challenger_checkpoints", s);
    long[] rc = f.integers(c, "reasoner_checkpoints", s);
    double[][] m = f.matrix(c, "matrix", s);
    if (m != null && cc != null && m.length != cc.length) {
      throw f.error("field coevolution.matrix has " + m.length + " rows but coevolution.challenger_checkpoints has "
          + cc.length + " entries (one row per Challenger)");
    }
    if (m != null && rc != null) {
      for (int i = 0; i < m.length; i++) {
        if (m[i].length != rc.length) {
          throw f.error("field coevolution.matrix[" + i + "] has " + m[i].length
              + " columns but coevolution.reasoner_checkpoints has " + rc.length + " entries (one column per Reasoner)");
        }
      }
    }
    double[] valid = f.numbers(c, "challenger_valid_rate", s);
    if (valid != null && m != null && valid.length != m.length) {
      throw f.error("field coevolution.challenger_valid_rate has " + valid.length + " values but coevolution.matrix has "
          + m.length + " rows");
    }
    return new Coevolution(cc, rc, m, f.integers(c, "early_checkpoints", s), f.integers(c, "late_checkpoints", s), valid,
        f.number(c, "early_reasoner_on_early_tasks", s), f.number(c, "early_reasoner_on_late_tasks", s),
        f.number(c, "late_reasoner_on_early_tasks", s), f.number(c, "drop_points", s),
        f.number(c, "late_gain_points", s));
  }

  private Difficulty difficulty(Map<String, Object> d) {
    if (d == null) {
      return null;
    }
    String s = "difficulty";
    double[] edges = f.numbers(d, "bin_edges", s);
    long[] early = f.integers(d, "early_counts", s);
    long[] late = f.integers(d, "late_counts", s);
    f.sameLength(s, early, "early_counts", late, "late_counts");
    long[] counts = early != null ? early : late;
    if (edges != null && counts != null && edges.length != counts.length + 1) {
      throw f.error("field difficulty.bin_edges has " + edges.length + " values but there are " + counts.length
          + " counts per histogram (expected counts + 1 edges)");
    }
    return new Difficulty(edges, early, late);
  }

  private Entropy entropy(Map<String, Object> e) {
    if (e == null) {
      return null;
    }
    String s = "entropy";
    long[] its = f.integers(e, "iterations", s);
    double[] field = f.numbers(e, "field", s);
    double[] format = f.numbers(e, "format", s);
    f.sameLength(s, its, "iterations", field, "field", format, "format");
    return new Entropy(field, format, its, f.number(e, "field_max", s), f.number(e, "format_max", s));
  }

  private Checks checks(Map<String, Object> c) {
    if (c == null) {
      return null;
    }
    String s = "checks";
    return new Checks(f.bool(c, Checks.PROBE_GAIN, s), f.bool(c, Checks.COEVOLUTION_DROP, s),
        f.bool(c, Checks.LATE_BEATS_EARLY, s));
  }
}
