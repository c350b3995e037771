package dev.spice.examples.quickstart;

import dev.spice.core.engine.MetricNames;
import dev.spice.examples.report.QuickstartReport;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The free-text quickstart's {@code report.json} content, as a JSON-ready map, and its learning
 * checks. The checks are those of the free-text issue, never loosened: probe gain over the
 * warm-started model at least {@value #MIN_GAIN} points overall and {@value #MIN_FORMAT_GAIN} in each
 * format; Challenger valid rate rising from its first iteration; co-evolution drop at least
 * {@value #MIN_DROP} points averaged over early x late pairs; SPICE above every baseline arm.
 */
final class FreeTextReport {
  static final double MIN_GAIN = 20;
  static final double MIN_FORMAT_GAIN = 10;
  static final double MIN_DROP = 10;

  private FreeTextReport() {}

  /** The report of a finished run. */
  static Map<String, Object> build(FreeTextRunner r, FreeTextSettings s, double wallSeconds) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("kind", "spice-free-text-quickstart");
    m.put("settings", s.toMap());
    m.put("parameters", r.parameters);
    FreeTextProbe w = r.warmProbe;
    Map<String, Object> warm = new LinkedHashMap<>();
    warm.put("seconds", r.warmSeconds);
    warm.put("final_loss", r.warmFinalLoss);
    warm.put("probe_free", w.lastFree());
    warm.put("probe_mcq", w.lastMcq());
    warm.put("probe_overall", w.lastOverall());
    m.put("warm_start", warm);
    Map<String, Object> probe = new LinkedHashMap<>();
    probe.put("free_tasks", w.freeCount());
    probe.put("mcq_tasks", w.mcqCount());
    probe.put("skipped_held_out_items", r.world().skippedProbeItems);
    probe.put("skipped_demonstration_items", r.world().skippedDemonstrationItems);
    m.put("probe", probe);
    List<Object> arms = new ArrayList<>();
    for (FreeTextArm a : r.arms) {
      arms.add(arm(a));
    }
    m.put("arms", arms);
    QuickstartReport.Coevolution c = r.coevolution;
    Map<String, Object> co = c.toMap();
    m.put("coevolution", co);
    m.put("checks", checks(r));
    m.put("wall_seconds", wallSeconds);
    return m;
  }

  private static Map<String, Object> arm(FreeTextArm a) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", a.name);
    m.put("description", a.description);
    m.put("seconds", a.trainSeconds);
    m.put("probe_iterations", a.probe.iterations);
    m.put("probe_free", a.probe.freeRates);
    m.put("probe_mcq", a.probe.mcqRates);
    List<Double> overall = new ArrayList<>();
    for (int i = 0; i < a.probe.iterations.size(); i++) {
      overall.add(a.probe.overall(i));
    }
    m.put("probe_overall", overall);
    m.put("windows", a.windows);
    m.put("window_metrics", a.windowMeans);
    m.put("first_iteration_valid_rate", a.firstValidRate);
    return m;
  }

  /** The checks, by name: each true or false. */
  static Map<String, Object> checks(FreeTextRunner r) {
    FreeTextArm spice = r.arms.get(0);
    FreeTextProbe w = r.warmProbe;
    double gain = 100 * (spice.probe.lastOverall() - w.lastOverall());
    double freeGain = 100 * (spice.probe.lastFree() - w.lastFree());
    double mcqGain = 100 * (spice.probe.lastMcq() - w.lastMcq());
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("probe_gain_points", gain);
    c.put("probe_free_gain_points", freeGain);
    c.put("probe_mcq_gain_points", mcqGain);
    c.put("probe_gain_ok", gain >= MIN_GAIN && freeGain >= MIN_FORMAT_GAIN && mcqGain >= MIN_FORMAT_GAIN);
    int last = spice.windows.size() - 1;
    double validEnd = spice.window(last, MetricNames.CHALLENGER_VALID_RATE);
    c.put("valid_rate_start", spice.firstValidRate);
    c.put("valid_rate_end", validEnd);
    c.put("valid_rate_rising_ok", validEnd > spice.firstValidRate);
    c.put("coevolution_drop_points", r.coevolution.dropPoints());
    c.put("coevolution_ok", r.coevolution.dropPoints() >= MIN_DROP);
    boolean beats = true;
    for (FreeTextArm a : r.arms.subList(1, r.arms.size())) {
      double margin = 100 * (spice.probe.lastOverall() - a.probe.lastOverall());
      c.put("spice_minus_" + a.name + "_points", margin);
      beats &= margin > 0;
    }
    c.put("spice_minus_warm_start_points", gain);
    c.put("beats_baselines_ok", beats && gain > 0 && r.arms.size() > 1);
    return c;
  }
}
