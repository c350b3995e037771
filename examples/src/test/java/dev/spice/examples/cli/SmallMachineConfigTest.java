package dev.spice.examples.cli;

import static dev.spice.examples.cli.SpiceSubcommandsTest.spice;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.internal.json.Json;
import dev.spice.examples.cli.SpiceSubcommandsTest.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shipped small-machine profile, {@code examples/configs/small-machine.yaml}, read by the CLI's config parser. */
class SmallMachineConfigTest {
  static final Path PROFILE = Path.of("configs", "small-machine.yaml");

  @TempDir Path dir;

  @Test
  void theProfileLoadsAndLowersThePapersSizes() throws Exception {
    Path docs = Files.createDirectories(dir.resolve("docs"));
    Files.writeString(docs.resolve("a.txt"), "the river is long");
    Run r = spice("train", "--model", dir.toString(), "--corpus", docs.toString(), "--config", PROFILE.toString(),
        "--out", dir.resolve("run").toString(), "--print-config");
    assertEquals(0, r.code(), r.err());
    Map<String, Object> m = Json.parseObject(r.out().trim());
    Map<String, Object> raw = CliConfig.readFile(PROFILE);
    for (Map.Entry<String, Object> e : raw.entrySet()) {
      assertEquals(String.valueOf(e.getValue()), String.valueOf(m.get(e.getKey())), "key " + e.getKey());
    }
    assertEquals(8L, m.get("batch_size"));
    assertEquals(4L, m.get("challenger_group_size"));
    assertEquals(4L, m.get("reasoner_group_size"));
    assertEquals(256L, m.get("challenger_max_tokens"));
    assertEquals(256L, m.get("reasoner_max_tokens"));
    assertEquals(1024L, m.get("segment_tokens"));
    assertEquals("cpu", m.get("device"));
    assertEquals("spice", m.get("recipe"), "the paper's recipe, only smaller");
    assertEquals(1.0e-6, ((Number) m.get("learning_rate")).doubleValue());
  }

  @Test
  void laterOptionsOverrideTheProfile() {
    Run r = spice("train", "--model", dir.toString(), "--config", PROFILE.toString(), "--set", "batch_size=4",
        "--iterations", "50", "--out", dir.resolve("run").toString(), "--print-config");
    assertEquals(0, r.code(), r.err());
    Map<String, Object> m = Json.parseObject(r.out().trim());
    assertEquals(4L, m.get("batch_size"));
    assertEquals(50L, m.get("iterations"));
  }

  @Test
  void theReadmeDocumentsEveryKeyOfTheProfile() throws Exception {
    String readme = Files.readString(Path.of("README.md"));
    String heading = "## A small-machine profile";
    int at = readme.indexOf(heading);
    assertTrue(at >= 0, "examples/README.md has a section '" + heading + "'");
    int end = readme.indexOf("\n## ", at + heading.length());
    String section = readme.substring(at, end < 0 ? readme.length() : end);
    assertTrue(section.contains("configs/small-machine.yaml"), "the section names the profile");
    for (String key : CliConfig.readFile(PROFILE).keySet()) {
      assertTrue(section.contains("| `" + key + "` |"), "the small-machine table lacks " + key);
    }
  }
}
