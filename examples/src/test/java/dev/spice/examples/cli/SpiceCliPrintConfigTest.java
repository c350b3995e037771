package dev.spice.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.internal.json.Json;
import dev.spice.examples.cli.ConfigKey.Mode;
import dev.spice.examples.quickstart.QuickstartSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --print-config and the saved cli-config.json hold every setting, defaults included, and read back. */
class SpiceCliPrintConfigTest {
  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @SuppressWarnings("unchecked")
  private Map<String, Object> print(String... args) {
    out.getBuffer().setLength(0);
    err.getBuffer().setLength(0);
    assertEquals(0, SpiceCli.execute(args, new PrintWriter(out), new PrintWriter(err)), err.toString());
    return (Map<String, Object>) Json.parse(out.toString().trim());
  }

  private static Set<String> keysOf(Mode excluded) {
    Set<String> s = new TreeSet<>();
    ConfigKeys.all().values().stream().filter(k -> k.mode() != excluded).forEach(k -> s.add(k.name()));
    return s;
  }

  @Test
  void quickstartPrintsEveryKeyWithDefaults() {
    Map<String, Object> m = print("--out", dir.resolve("q").toString(), "--print-config");
    assertEquals(keysOf(Mode.MODEL), m.keySet());
    Map<String, Object> d = QuickstartSettings.defaults().toMap();
    assertEquals(((Number) d.get("countries")).longValue(), m.get("countries"));
    assertEquals(((Number) d.get("iterations")).longValue(), m.get("iterations"));
    assertEquals(d.get("fields"), m.get("fields"));
    assertEquals(d.get("learning_rate"), m.get("learning_rate"));
  }

  @Test
  void modelRunPrintsEveryKeyWithDefaults() {
    Map<String, Object> m = print("--model", dir.toString(), "--out", dir.resolve("m").toString(), "--print-config");
    assertEquals(keysOf(Mode.QUICKSTART), m.keySet());
    assertEquals(640L, m.get("iterations"));
    assertEquals("spice", m.get("recipe"));
    assertEquals(8L, m.get("reasoner_group_size"));
    assertEquals(16L, m.get("max_challenger_attempts"));
    assertEquals(0.2, m.get("clip_low"));
    assertEquals(0.2, m.get("clip_high"));
    assertEquals(0.0, m.get("kl_beta"));
    assertEquals("dr_grpo", m.get("advantage_estimator"));
    assertEquals("dr_grpo", m.get("loss_aggregation"));
    assertEquals("keep", m.get("zero_variance_policy"));
    assertEquals(List.of(), m.get("include"));
    assertEquals("factbook", m.get("corpus"));
    assertEquals(true, m.get("report"));
  }

  @Test
  void recipeDefaultsFollowTheRecipe() {
    Map<String, Object> m = print("--model", dir.toString(), "--set", "recipe=r-zero", "--print-config");
    assertEquals("grpo", m.get("advantage_estimator"));
    assertEquals("seq_mean", m.get("loss_aggregation"));
    assertEquals(4L, m.get("challenger_group_size"));
    assertEquals(5L, m.get("reasoner_group_size"));
  }

  @Test
  void theSavedQuickstartConfigRoundTripsOnResume() throws IOException {
    roundTrip("--set", "countries=12", "--set", "max_steps=40");
  }

  @Test
  void theSavedModelConfigRoundTripsOnResume() throws IOException {
    Path docs = Files.createDirectories(dir.resolve("docs"));
    Files.writeString(docs.resolve("a.txt"), "the river is long");
    roundTrip("--model", dir.toString(), "--corpus", docs.toString(), "--set", "loss_type=grpo", "--set", "epsilon=0.25", "--set", "num_generations=4",
        "--set", "exclude=*.bin");
  }

  /** Prints a config, saves it as a run folder's cli-config.json, resumes from it: the same settings. */
  private void roundTrip(String... args) throws IOException {
    Path run = dir.resolve("run");
    Files.createDirectories(run);
    List<String> a = new java.util.ArrayList<>(List.of(args));
    a.addAll(List.of("--out", run.toString(), "--print-config"));
    Map<String, Object> first = print(a.toArray(String[]::new));
    Files.writeString(run.resolve(SpiceCli.SAVED_CONFIG), Json.write(first) + "\n");
    assertEquals(first, print("--resume", run.toString(), "--print-config"));
    Path copy = dir.resolve("copy.json");
    Files.writeString(copy, Json.write(first));
    assertEquals(first, print("--config", copy.toString(), "--print-config"), "also as a --config file");
  }

  @Test
  void resumeKeepsItsFolderAgainstAnAliasOfOut() throws IOException {
    Path run = Files.createDirectories(dir.resolve("run"));
    out.getBuffer().setLength(0);
    int code = SpiceCli.execute(new String[] {"--resume", run.toString(), "--set", "output_dir=" + dir.resolve("x"),
        "--print-config"}, new PrintWriter(out), new PrintWriter(err));
    assertEquals(2, code);
    assertTrue(err.toString().contains("name different folders"), err.toString());
  }

  @Test
  void theReadmeTableIsTheOneOfTheCode() throws IOException {
    String readme = Files.readString(Path.of("README.md"));
    Files.writeString(Path.of("target", "config-keys-table.md"), ConfigKeys.markdownTable());
    assertTrue(readme.contains(ConfigKeys.markdownTable()),
        "examples/README.md's keys table differs from ConfigKeys.markdownTable() (see target/config-keys-table.md)");
  }
}
