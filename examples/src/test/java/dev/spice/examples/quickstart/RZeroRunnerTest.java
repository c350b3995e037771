package dev.spice.examples.quickstart;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.Demonstration;
import dev.spice.core.Prompt;
import dev.spice.core.SpiceException;
import dev.spice.core.Task;
import dev.spice.core.roles.Roles;
import dev.spice.djl.DjlPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * R-Zero as a method on a tiny free-text world: a short run completes and reports, the phases train
 * only their own policy, the two policies part ways, and the same seed gives the same report.
 */
class RZeroRunnerTest {
  @TempDir
  static Path shared;
  static FreeTextWorld world;
  static Path warm;

  static FreeTextSettings tiny() {
    return FreeTextSettings.builder().set("warm_steps", "200").set("batch_size", "4").set("arms", "spice").build();
  }

  static RZeroRunSettings tinyRun() {
    return new RZeroRunSettings(2, 2, 2, 4, dev.spice.rewards.rzero.RZeroSettings.builder().solverSamples(6)
        .solverGroupSize(4).build());
  }

  @BeforeAll
  static void warmStart() {
    world = new FreeTextWorld(tiny());
    Path tokenizer = world.trainTokenizer(shared.resolve("tokenizer"));
    warm = shared.resolve("warm-start-model");
    FreeTextWarmStart.run(world, tokenizer, warm, FreeTextPipelineTest.quiet());
  }

  @Test
  @SuppressWarnings("unchecked")
  void aTinyRunReportsEverySectionAndIsDeterministic(@TempDir Path dir) throws Exception {
    Map<String, Object> a = RZeroQuickstart.run(world, tinyRun(), warm, dir.resolve("a"), FreeTextPipelineTest.quiet());
    assertTrue(Files.isRegularFile(dir.resolve("a").resolve("report.json")));
    for (String k : List.of("settings", "warm_start", "solver_probe", "rounds", "summary", "r_zero_seconds",
        "wall_seconds")) {
      assertTrue(a.containsKey(k), k + " missing from " + a.keySet());
    }
    List<Map<String, Object>> rounds = (List<Map<String, Object>>) a.get("rounds");
    assertEquals(2, rounds.size());
    assertEquals(List.of(0L, 1L, 2L), ((Map<String, Object>) a.get("solver_probe")).get("rounds"));
    for (Map<String, Object> r : rounds) {
      Map<String, Object> s = (Map<String, Object>) r.get("solver");
      int valid = (int) Math.round((Double) s.get("valid_rate") * (Integer) s.get("pool"));
      double kept = (Double) s.get("kept_share");
      assertTrue(valid == 0 ? Double.isNaN(kept) : kept >= 0 && kept <= 1, "kept share " + s);
      int dropped = (Integer) s.get("dropped_no_label") + (Integer) s.get("dropped_too_easy")
          + (Integer) s.get("dropped_too_hard");
      assertEquals(valid, (Integer) s.get("kept") + dropped, "every valid task kept or dropped: " + s);
      double p = (Double) ((Map<String, Object>) r.get("challenger")).get("valid_rate");
      assertTrue(p >= 0 && p <= 1, "valid rate " + p);
    }
    Map<String, Object> b = RZeroQuickstart.run(world, tinyRun(), warm, dir.resolve("b"), FreeTextPipelineTest.quiet());
    assertEquals(withoutTimes(a), withoutTimes(b));
  }

  @Test
  void eachPhaseTrainsOnlyItsOwnPolicyAndThePoliciesPartWays() {
    try (RZeroRunner r = new RZeroRunner(world, tinyRun(), warm, FreeTextPipelineTest.quiet())) {
      float[] c0 = fixedScore(r.challengerPolicy);
      float[] s0 = fixedScore(r.solverPolicy);
      assertArrayEquals(c0, s0, "both policies start from the warm-started model");
      r.challengerPhase();
      float[] c1 = fixedScore(r.challengerPolicy);
      assertArrayEquals(s0, fixedScore(r.solverPolicy), "the Challenger phase must not update the Solver");
      assertFalse(java.util.Arrays.equals(c0, c1), "the Challenger phase updates the Challenger");
      r.solverPhase();
      float[] s1 = fixedScore(r.solverPolicy);
      assertArrayEquals(c1, fixedScore(r.challengerPolicy), "the Solver phase must not update the Challenger");
      assertFalse(java.util.Arrays.equals(s0, s1), "the Solver phase updates the Solver");
      assertFalse(java.util.Arrays.equals(c1, s1), "the two policies differ after training");
    }
  }

  @Test
  void badSettingsAreNamed() {
    var e = assertThrows(SpiceException.ConfigurationException.class,
        () -> RZeroRunSettings.defaults().with("solver_group", "11"));
    assertTrue(e.getMessage().contains("solver_group"), e.getMessage());
    e = assertThrows(SpiceException.ConfigurationException.class, () -> RZeroRunSettings.defaults().with("nope", "1"));
    assertTrue(e.getMessage().contains("rounds"), e.getMessage());
    assertEquals(7, RZeroRunSettings.defaults().with("rounds", "7").rounds());
  }

  @Test
  void compareReadsTheSpiceArmOfAFreeTextReport(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("report.json"), "{\"warm_start\":{\"probe_free\":0.1,\"probe_mcq\":0.2,"
        + "\"probe_overall\":0.15},\"arms\":[{\"name\":\"spice\",\"seconds\":90,\"probe_free\":[0.1,0.4],"
        + "\"probe_mcq\":[0.2,0.5],\"probe_overall\":[0.15,0.45]}]}");
    Map<String, Object> rz = Map.of("warm_start", Map.of("probe_free", 0.1, "probe_mcq", 0.2, "probe_overall", 0.15),
        "summary", Map.of("solver_probe_free", 0.12, "solver_probe_mcq", 0.22, "solver_probe_overall", 0.17),
        "r_zero_seconds", 80.0);
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    RZeroQuickstart.printComparison(rz, dir, new java.io.PrintStream(bytes, true, "UTF-8"));
    String text = bytes.toString(java.nio.charset.StandardCharsets.UTF_8).replaceAll(" +", " ");
    assertTrue(text.contains("spice (final) 0.400 0.500 0.450 90"), text);
    assertTrue(text.contains("r_zero Solver (final) 0.120 0.220 0.170 80"), text);
    Files.writeString(dir.resolve("report.json"), "{\"arms\":[]}");
    var e = assertThrows(SpiceException.ConfigurationException.class,
        () -> RZeroQuickstart.printComparison(rz, dir, FreeTextPipelineTest.quiet()));
    assertTrue(e.getMessage().contains("no 'spice' arm"), e.getMessage());
  }

  /** Log-probabilities of the canonical answer to the first held-out probe task (exact, no sampling). */
  private static float[] fixedScore(DjlPolicy policy) {
    Task t = world.probeFree.get(0);
    Prompt p = world.reasoner.prompt(t);
    int[] answer = policy.demonstrationSample(new Demonstration(p, Roles.textDemonstration(t))).targetTokens();
    return policy.scoreContinuations(List.of(p), List.of(answer)).get(0);
  }

  @SuppressWarnings("unchecked")
  private static Object withoutTimes(Object o) {
    if (o instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      m.forEach((k, v) -> {
        if (!String.valueOf(k).endsWith("seconds") && !k.equals("warm_model")) {
          out.put(String.valueOf(k), withoutTimes(v));
        }
      });
      return out;
    }
    if (o instanceof List<?> l) {
      List<Object> out = new ArrayList<>();
      l.forEach(v -> out.add(withoutTimes(v)));
      return out;
    }
    return o;
  }
}
