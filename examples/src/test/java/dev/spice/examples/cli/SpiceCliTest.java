package dev.spice.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.internal.json.Json;
import dev.spice.examples.quickstart.QuickstartSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpiceCliTest {
  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return SpiceCli.execute(args, new PrintWriter(out), new PrintWriter(err));
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> printed() {
    return (Map<String, Object>) Json.parse(out.toString().trim());
  }

  @Test
  void helpListsOptionsAndEveryKey() {
    assertEquals(0, run("--help"));
    String help = out.toString();
    for (String opt : new String[] {"--config", "--corpus", "--model", "--iterations", "--seed", "--resume", "--out",
        "--set"}) {
      assertTrue(help.contains(opt), opt);
    }
    for (ConfigKey k : ConfigKeys.all().values()) {
      assertTrue(help.contains("  " + k.name() + " "), "key " + k.name() + " in --help");
    }
    assertTrue(help.contains("one of spice, r-zero, absolute-zero, threshold, no-corpus"));
  }

  @Test
  void everyQuickstartSettingIsDescribed() {
    for (String key : QuickstartSettings.defaults().toMap().keySet()) {
      assertTrue(ConfigKeys.QUICKSTART_DESCRIPTIONS.containsKey(key), "no description for quickstart key " + key);
    }
  }

  @Test
  void readmeDocumentsEveryKey() throws IOException {
    Path readme = Path.of("README.md");
    String text = Files.readString(readme);
    for (String key : ConfigKeys.all().keySet()) {
      assertTrue(text.contains("`" + key + "`"), "examples/README.md documents key " + key);
    }
  }

  @Test
  void badIterationsNamesValidValues() {
    assertEquals(2, run("--iterations", "abc", "--print-config"));
    assertTrue(err.toString().contains("'iterations'") && err.toString().contains("integer >= 1"), err.toString());
    assertEquals(2, run("--iterations", "0", "--print-config"));
  }

  @Test
  void badChoiceNamesChoices() {
    assertEquals(2, run("--model", dir.toString(), "--set", "recipe=grpo", "--print-config"));
    assertTrue(err.toString().contains("'grpo'")
        && err.toString().contains("one of spice, r-zero, absolute-zero, threshold, no-corpus"), err.toString());
  }

  @Test
  void unknownOptionIsUsageError() {
    assertEquals(2, run("--iteratons", "5"));
    assertTrue(err.toString().contains("--iteratons"), err.toString());
  }

  @Test
  void yamlConfigWithPrecedence() throws IOException {
    Path cfg = dir.resolve("run.yaml");
    Files.writeString(cfg, "iterations: 50\nseed: 3\ncountries: 12\nfields: [capital, currency, language, "
        + "independence_year]\nmax_lines: 4\n");
    assertEquals(0, run("--config", cfg.toString(), "--set", "seed=9", "--iterations", "70", "--out",
        dir.resolve("o").toString(), "--print-config"), err.toString());
    Map<String, Object> m = printed();
    assertEquals(70L, m.get("iterations"));
    assertEquals(9L, m.get("seed"));
    assertEquals(12L, m.get("countries"));
    assertEquals(java.util.List.of("capital", "currency", "language", "independence_year"), m.get("fields"));
  }

  @Test
  void jsonConfigNestedKeysAreFlattenedAndChecked() throws IOException {
    Path cfg = dir.resolve("run.json");
    Files.writeString(cfg, "{\"batch_size\": 16, \"model\": \"" + dir.toString().replace("\\", "\\\\")
        + "\", \"recipe\": \"r-zero\"}");
    assertEquals(0, run("--config", cfg.toString(), "--print-config"), err.toString());
    assertEquals("r-zero", printed().get("recipe"));
  }

  @Test
  void unknownKeyInFileNamesFileSuggestionAndValidKeys() throws IOException {
    Path cfg = dir.resolve("run.yml");
    Files.writeString(cfg, "iteratons: 5\n");
    assertEquals(2, run("--config", cfg.toString(), "--print-config"));
    String e = err.toString();
    assertTrue(e.contains("run.yml") && e.contains("unknown key 'iteratons'") && e.contains("did you mean 'iterations'")
        && e.contains("valid keys:") && e.contains("batch_size") && e.contains("learning_rate"), e);
  }

  @Test
  void malformedYamlNamesFile() throws IOException {
    Path cfg = dir.resolve("bad.yaml");
    Files.writeString(cfg, "iterations: [1, 2\nseed: 3\n");
    assertEquals(2, run("--config", cfg.toString(), "--print-config"));
    assertTrue(err.toString().contains("bad.yaml") && err.toString().contains("malformed"), err.toString());
  }

  @Test
  void wrongExtensionNamesValidOnes() throws IOException {
    Path cfg = dir.resolve("run.toml");
    Files.writeString(cfg, "x = 1\n");
    assertEquals(2, run("--config", cfg.toString(), "--print-config"));
    assertTrue(err.toString().contains(".yaml") && err.toString().contains(".json"), err.toString());
  }

  @Test
  void keyOfTheOtherRunIsRejected() {
    assertEquals(2, run("--set", "recipe=spice", "--print-config"));
    assertTrue(err.toString().contains("only the --model run") && err.toString().contains("'recipe'"), err.toString());
    err.getBuffer().setLength(0);
    assertEquals(2, run("--model", dir.toString(), "--set", "countries=10", "--print-config"));
    assertTrue(err.toString().contains("only the quickstart") && err.toString().contains("'countries'"), err.toString());
  }

  @Test
  void corpusNeedsModel() {
    assertEquals(2, run("--corpus", "factbook", "--print-config"));
    assertTrue(err.toString().contains("needs --model"), err.toString());
  }

  @Test
  void missingModelDirectory() {
    assertEquals(2, run("--model", dir.resolve("nope").toString(), "--print-config"));
    assertTrue(err.toString().contains("not a directory"), err.toString());
  }

  @Test
  void quickstartSettingsAreValidatedUpFront() {
    assertEquals(2, run("--set", "countries=2", "--print-config"));
    assertTrue(err.toString().contains("countries must be >= 5"), err.toString());
  }

  @Test
  void aMisspelledFactbookFieldIsCaughtBeforeTheRunFolderIsCreated() {
    Path runDir = dir.resolve("run");
    assertEquals(2, run("--set", "fields=capital,captial,currency", "--out", runDir.toString(), "--print-config"));
    String e = err.toString();
    assertTrue(e.contains("--set fields: key 'fields' has the unknown Factbook field 'captial' (did you mean "
        + "'capital'?); valid: capital, government_type, region,"), e);
    assertTrue(out.toString().isEmpty(), out.toString());
    assertFalse(Files.exists(runDir));

    err.getBuffer().setLength(0);
    assertEquals(2, run("--set", "fields=capital,Currency,language", "--print-config"));
    assertTrue(err.toString().contains("unknown Factbook field 'Currency' (did you mean 'currency'?)"), err.toString());

    err.getBuffer().setLength(0);
    assertEquals(2, run("--set", "fields=capital,xyzzy", "--print-config"));
    assertTrue(err.toString().contains("unknown Factbook field 'xyzzy'; valid: capital"), err.toString());

    err.getBuffer().setLength(0);
    assertEquals(2, run("--set", "fields=capital,currency,capital,language", "--print-config"));
    assertTrue(err.toString().contains("lists the field 'capital' twice"), err.toString());
  }

  @Test
  void aMisspelledFieldInAConfigFileNamesTheFile() throws IOException {
    Path cfg = dir.resolve("run.yaml");
    Files.writeString(cfg, "fields: [capital, regoin, currency, language]\n");
    assertEquals(2, run("--config", cfg.toString(), "--print-config"));
    assertTrue(err.toString().contains("config file " + cfg + ": key 'fields' has the unknown Factbook field 'regoin' "
        + "(did you mean 'region'?)"), err.toString());
  }

  @Test
  void errorsNeverShowClassNames() {
    assertEquals(2, run("--config", dir.resolve("absent.yaml").toString(), "--print-config"));
    String e = err.toString();
    assertTrue(e.contains("cannot read config file " + dir.resolve("absent.yaml") + ": no such file or directory"), e);
    assertFalse(e.contains("Exception") || e.contains("java."), e);
  }

  @Test
  void resumeReadsSavedConfig() throws IOException {
    Path run = dir.resolve("run");
    Files.createDirectories(run);
    Files.writeString(run.resolve(SpiceCli.SAVED_CONFIG), "{\"iterations\": 40, \"countries\": 10, \"out\": \"elsewhere\"}");
    assertEquals(0, run("--resume", run.toString(), "--iterations", "80", "--print-config"), err.toString());
    Map<String, Object> m = printed();
    assertEquals(80L, m.get("iterations"));
    assertEquals(10L, m.get("countries"));
    assertEquals(run.toString(), m.get("out"));
    err.getBuffer().setLength(0);
    assertEquals(2, run("--resume", run.toString(), "--out", dir.resolve("x").toString(), "--print-config"));
    assertFalse(err.toString().isEmpty());
  }

  @Test
  void corpusKindsAreDetected() throws IOException {
    Path texts = Files.createDirectories(dir.resolve("texts"));
    Files.writeString(texts.resolve("a.txt"), "hello");
    Path jsonl = Files.createDirectories(dir.resolve("jsonl"));
    Files.writeString(jsonl.resolve("a.jsonl.gz"), "");
    assertEquals("text", GeneralRun.kind(texts));
    assertEquals("jsonl", GeneralRun.kind(jsonl));
    assertEquals("jsonl", GeneralRun.kind(Path.of("x.jsonl.gz")));
    assertEquals("parquet", GeneralRun.kind(Path.of("x.parquet")));
    assertEquals("unknown", GeneralRun.kind(Path.of("x.docx")));
  }
}
