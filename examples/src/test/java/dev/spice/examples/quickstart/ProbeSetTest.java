package dev.spice.examples.quickstart;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.internal.json.Json;
import dev.spice.examples.report.QuickstartReport;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProbeSetTest {
  private static final QuickstartWorld QW = new QuickstartWorld(QuickstartRunTest.tiny());

  private static ProbeSet probe(int free, int mcq) {
    return new ProbeSet(QW.probeTasks().subList(0, free + mcq), free, mcq, QW.reasoner(), 0);
  }

  @Test
  void ratesAreMeansOverEachFormat() {
    ProbeSet p = probe(2, 3);
    p.record(0, new double[] {0.5, 1.0, 0.0, 0.3, 0.6});
    p.record(7, new double[] {1.0, 1.0, 1.0, 0.0, 0.5});
    assertEquals(0.75, p.firstFree(), 1e-12);
    assertEquals(0.3, p.firstMcq(), 1e-12);
    assertEquals(1.0, p.lastFree(), 1e-12);
    assertEquals(0.5, p.lastMcq(), 1e-12);
    QuickstartReport.Probe r = p.report();
    assertArrayEquals(new long[] {0, 7}, r.iterations());
    assertEquals(2.4 / 5, r.start(), 1e-12);
    assertEquals(3.5 / 5, r.end(), 1e-12);
    assertEquals(100 * (r.end() - r.start()), r.gainPoints(), 1e-12);
  }

  @Test
  void aFormatWithoutTasksIsNaN() {
    ProbeSet p = probe(0, 2);
    p.record(0, new double[] {0.2, 0.4});
    assertTrue(Double.isNaN(p.lastFree()));
    assertEquals(0.3, p.lastMcq(), 1e-12);
    assertTrue(Double.isNaN(new ProbeSet(List.of(), 0, 0, QW.reasoner(), 0).lastMcq()), "NaN before any score");
  }

  @Test
  void taskCountMustMatch() {
    assertThrows(IllegalArgumentException.class, () -> new ProbeSet(QW.probeTasks(), 1, 1, QW.reasoner(), 0));
  }

  @Test
  void historyRoundTripsThroughJson() {
    ProbeSet a = probe(0, 2);
    a.record(0, new double[] {0.25, 0.5});
    a.record(4, new double[] {0.5, 1});
    Map<String, Object> st = new LinkedHashMap<>();
    a.save(st);
    assertEquals(List.of("probe_iterations", "probe_mcq", "probe_free", "probe_overall"), new ArrayList<>(st.keySet()));
    ProbeSet b = probe(0, 2);
    b.record(99, new double[] {1, 1});
    b.load(Json.parseObject(Json.write(st)));
    assertEquals(Json.write(a.report().toMap()), Json.write(b.report().toMap()));
    assertTrue(Double.isNaN(b.lastFree()), "null read back as NaN");
  }

  @Test
  void scoresThePolicy() {
    ProbeSet p = ProbeSet.of(QW);
    try (var policy = QW.newPolicy()) {
      p.score(policy, 0);
    }
    QuickstartReport.Probe r = p.report();
    assertTrue(r.start() > 0 && r.start() < 1, "an untrained policy is neither always right nor always wrong");
  }
}
