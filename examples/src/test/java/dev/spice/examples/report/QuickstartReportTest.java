package dev.spice.examples.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.examples.report.QuickstartReport.Checks;
import dev.spice.examples.report.QuickstartReport.Coevolution;
import dev.spice.examples.report.QuickstartReport.Difficulty;
import dev.spice.examples.report.QuickstartReport.Entropy;
import dev.spice.examples.report.QuickstartReport.Probe;
import dev.spice.examples.report.QuickstartReport.World;
import dev.spice.report.ReportException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QuickstartReportTest {
  static QuickstartReport full() {
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("seed", 1L);
    settings.put("learning_rate", 5e-4);
    return new QuickstartReport(settings, 1L, 8L, 12.5,
        new World(List.of("Chad", "Peru"), List.of("capital"), 4L, 2L, 30L, 7792L),
        new Probe(new long[] {0, 4, 8}, new double[] {0.25, 0.5, 1}, new double[] {Double.NaN, Double.NaN, Double.NaN},
            new double[] {0.25, 0.5, 1}, 0.25, 1, 75),
        new Coevolution(new long[] {1, 8}, new long[] {1, 8}, new double[][] {{0.5, 0.75}, {0.25, 0.5}},
            new long[] {1}, new long[] {8}, new double[] {0.9, 1}, 0.5, 0.25, 0.75, 25, 25),
        new Difficulty(new double[] {0, 0.5, 1}, new long[] {3, 1}, new long[] {0, 4}),
        new Entropy(new double[] {Double.NaN, 0.5}, new double[] {0.6, 0.7}, new long[] {0, 8}, Math.log(1), Math.log(2)),
        new Checks(true, true, false));
  }

  @Test
  void writesTheQuickstartsKeysInOrderWithIntegersAndNulls() {
    assertEquals("{\"settings\":{\"seed\":1,\"learning_rate\":5.0E-4},\"seed\":1,\"iterations\":8,\"wall_seconds\":12.5,"
        + "\"world\":{\"countries\":[\"Chad\",\"Peru\"],\"fields\":[\"capital\"],\"documents\":4,\"facts\":2,"
        + "\"vocabulary\":30,\"parameters\":7792},"
        + "\"probe\":{\"iterations\":[0,4,8],\"mcq\":[0.25,0.5,1.0],\"free\":[null,null,null],\"overall\":[0.25,0.5,1.0],"
        + "\"start\":0.25,\"end\":1.0,\"gain_points\":75.0},"
        + "\"coevolution\":{\"challenger_checkpoints\":[1,8],\"reasoner_checkpoints\":[1,8],"
        + "\"matrix\":[[0.5,0.75],[0.25,0.5]],\"early_checkpoints\":[1],\"late_checkpoints\":[8],"
        + "\"challenger_valid_rate\":[0.9,1.0],\"early_reasoner_on_early_tasks\":0.5,\"early_reasoner_on_late_tasks\":0.25,"
        + "\"late_reasoner_on_early_tasks\":0.75,\"drop_points\":25.0,\"late_gain_points\":25.0},"
        + "\"difficulty\":{\"bin_edges\":[0.0,0.5,1.0],\"early_counts\":[3,1],\"late_counts\":[0,4]},"
        + "\"entropy\":{\"field\":[null,0.5],\"format\":[0.6,0.7],\"iterations\":[0,8],\"field_max\":0.0,"
        + "\"format_max\":0.6931471805599453},"
        + "\"checks\":{\"probe_gain_ge_20_points\":true,\"coevolution_drop_ge_10_points\":true,"
        + "\"late_reasoner_beats_early\":false}}", full().toJson());
  }

  @Test
  void readsBackWhatItWrites() {
    String json = full().toJson();
    QuickstartReport r = QuickstartReport.parse(json, "report.json");
    assertEquals(json, r.toJson());
    assertEquals(7792L, r.world().parameters());
    assertArrayEquals(new long[] {3, 1}, r.difficulty().earlyCounts());
    assertTrue(Double.isNaN(r.probe().free()[0]));
  }

  @Test
  void absentValuesAreNullOrNaN() {
    QuickstartReport r = QuickstartReport.parse("{\"probe\": {\"start\": 0.2}, \"coevolution\": {\"matrix\": [[0.5]]},"
        + " \"checks\": {\"late_reasoner_beats_early\": true, \"another_check\": false}}", "old.json");
    assertEquals(Map.of(), r.settings());
    assertNull(r.seed());
    assertTrue(Double.isNaN(r.wallSeconds()));
    assertNull(r.world(), "reports before the world table have none");
    assertNull(r.probe().iterations());
    assertTrue(Double.isNaN(r.probe().end()));
    assertNull(r.coevolution().challengerValidRate(), "reports before the valid rates have none");
    assertNull(r.difficulty());
    assertNull(r.checks().probeGainGe20Points());
    assertEquals(true, r.checks().lateReasonerBeatsEarly());
    assertEquals("{\"late_reasoner_beats_early\":true}", dev.spice.core.internal.json.Json.write(r.checks().toMap()),
        "absent checks are left out, unknown ones ignored");
    assertEquals(QuickstartReport.EMPTY.toJson(), "{\"settings\":{},\"wall_seconds\":null}");
  }

  @Test
  void integralNumbersCountAsIntegers() {
    QuickstartReport r = QuickstartReport.parse("{\"seed\": 3.0, \"difficulty\": {\"early_counts\": [2.0, 5]}}", "f");
    assertEquals(3L, r.seed());
    assertArrayEquals(new long[] {2, 5}, r.difficulty().earlyCounts());
  }

  @Test
  void wrongValuesNameTheField() {
    ReportException e = assertThrows(ReportException.class,
        () -> QuickstartReport.parse("{\"difficulty\": {\"early_counts\": [1, 2.5]}}", "r.json"));
    assertTrue(e.getMessage().contains("r.json: field difficulty.early_counts[1] must be an integer"), e.getMessage());
    e = assertThrows(ReportException.class,
        () -> QuickstartReport.parse("{\"world\": {\"countries\": [\"Chad\", 3]}}", "r.json"));
    assertTrue(e.getMessage().contains("world.countries[1] must be a string"), e.getMessage());
    e = assertThrows(ReportException.class, () -> QuickstartReport.parse("{\"entropy\": []}", "r.json"));
    assertTrue(e.getMessage().contains("field entropy must be an object"), e.getMessage());
    e = assertThrows(ReportException.class,
        () -> QuickstartReport.parse("{\"entropy\": {\"field\": [1, 2], \"format\": [1]}}", "r.json"));
    assertTrue(e.getMessage().contains("entropy.format has 1 values but entropy.field has 2"), e.getMessage());
    e = assertThrows(ReportException.class, () -> QuickstartReport.parse("[1]", "r.json"));
    assertTrue(e.getMessage().contains("top level must be a JSON object"), e.getMessage());
    e = assertThrows(ReportException.class, () -> QuickstartReport.parse("{\"coevolution\": {\"matrix\": [[0.5], [0.5]], "
        + "\"challenger_valid_rate\": [1]}}", "r.json"));
    assertTrue(e.getMessage().contains("challenger_valid_rate has 1 values but coevolution.matrix has 2 rows"),
        e.getMessage());
  }

  @Test
  void checksHoldOnlyWhenAllArePresentAndTrue() {
    assertTrue(new Checks(true, true, true).allHold());
    assertEquals(false, new Checks(true, null, true).allHold());
    assertEquals(false, new Checks(true, true, false).allHold());
  }
}
