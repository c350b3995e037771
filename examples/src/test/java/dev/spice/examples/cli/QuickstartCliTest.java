package dev.spice.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.internal.json.Json;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The run without --model: config keys reach the quickstart, which writes its run folder. */
class QuickstartCliTest {
  @TempDir Path dir;

  @Test
  void tinyQuickstartThroughTheCli() throws Exception {
    Path cfg = dir.resolve("tiny.yaml");
    Files.writeString(cfg, String.join("\n", "countries: 6", "fields: [capital, currency, language, independence_year]",
        "documents_per_country: 2", "min_lines: 2", "max_lines: 4", "pointers: 6", "batch_size: 4", "group_size: 4",
        "hidden_size: 16", "heads: 2", "probe_free: 10", "probe_mcq: 10", "probe_every: 4", "checkpoint_every: 4",
        "coevolution_attempts: 2", "learning_rate: 1e-3", ""));
    Path out = dir.resolve("run");
    StringWriter o = new StringWriter();
    StringWriter e = new StringWriter();
    int code = SpiceCli.execute(new String[] {"--config", cfg.toString(), "--iterations", "8", "--seed", "3", "--out",
        out.toString()}, new PrintWriter(o), new PrintWriter(e));
    assertEquals(0, code, e.toString());
    assertTrue(Files.isRegularFile(out.resolve("report.html")));
    @SuppressWarnings("unchecked")
    Map<String, Object> settings = (Map<String, Object>) Json.parseObject(Files.readString(out.resolve("report.json")))
        .get("settings");
    assertEquals(6L, settings.get("countries"));
    assertEquals(8L, settings.get("iterations"));
    assertEquals(3L, settings.get("seed"));
    assertEquals(16L, settings.get("hidden_size"));
    assertTrue(o.toString().contains("quickstart finished"), o.toString());

    // the saved cli-config.json lists every quickstart setting, and resuming with it goes on
    Map<String, Object> saved = Json.parseObject(Files.readString(out.resolve(SpiceCli.SAVED_CONFIG)));
    assertEquals(16L, saved.get("hidden_size"));
    assertTrue(saved.containsKey("probe_every") && saved.containsKey("threads"), saved.toString());
    StringWriter o2 = new StringWriter();
    assertEquals(0, SpiceCli.execute(new String[] {"--resume", out.toString(), "--set", "max_steps=8"},
        new PrintWriter(o2), new PrintWriter(e)), e.toString());
    assertTrue(o2.toString().contains("quickstart finished"), o2.toString());
  }
}
