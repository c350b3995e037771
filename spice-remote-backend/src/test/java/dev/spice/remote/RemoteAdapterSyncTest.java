package dev.spice.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.Completion;
import dev.spice.core.Prompt;
import dev.spice.core.Role;
import dev.spice.core.SamplingParams;
import dev.spice.core.SpiceException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BiFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RemoteAdapterSyncTest {
  @TempDir Path root;
  private LoraServer lora;
  private RemotePolicy remote;
  private final CharTrainer trainer = new CharTrainer();

  /** Version v's served model answers "v<v>". */
  private static BiFunction<String, Long, String> script(long v) {
    return (prompt, seed) -> "v" + v;
  }

  @BeforeEach
  void start() {
    lora = new LoraServer(RemoteAdapterSyncTest::script);
    remote = RemotePolicy.builder().baseUrl(lora.server.uri()).model(FakeServer.MODEL).retries(1,
        java.time.Duration.ofMillis(1), java.time.Duration.ofMillis(1)).build();
  }

  @AfterEach
  void stop() {
    remote.close();
    lora.server.close();
  }

  private RemoteAdapterSync.Builder sync() {
    return RemoteAdapterSync.builder(remote).adapterRoot(root).writer(CharTrainer::writeAdapter);
  }

  private String generated() {
    List<Completion> c = remote.generate(List.of(Prompt.of(Role.REASONER, "q")), SamplingParams.defaults(8));
    return c.get(0).text();
  }

  @Test
  void publishesLoadsSwitchesUnloadsAndKeepsTheNewestFolders() {
    RemoteAdapterSync s = sync().prefix("run1").keepAdapters(2).build();
    assertEquals("v-1", generated(), "the base model before any publish");
    for (long v = 0; v < 3; v++) {
      trainer.version = v;
      s.publish(trainer, v);
      assertEquals("run1-v" + v, remote.model());
      assertEquals("v" + v, generated(), "rollouts come from the adapter of version " + v);
      assertEquals(List.of("run1-v" + v), List.copyOf(lora.loaded.keySet()), "only the served adapter stays loaded");
    }
    assertEquals(List.of(
        "load run1-v0 " + root.resolve("run1-v0"),
        "load run1-v1 " + root.resolve("run1-v1"), "unload run1-v0",
        "load run1-v2 " + root.resolve("run1-v2"), "unload run1-v1"), lora.calls);
    assertFalse(Files.exists(root.resolve("run1-v0")));
    assertTrue(Files.isRegularFile(root.resolve("run1-v1").resolve("adapter_config.json")));
    assertTrue(Files.isRegularFile(root.resolve("run1-v2").resolve("adapter_model.safetensors")));
    assertEquals("run1-v2", s.servedAdapter().orElseThrow());
    assertEquals("remote:" + FakeServer.MODEL, remote.name(), "the name stays the builder's model");
  }

  @Test
  void republishingAVersionReplacesTheLoadedAdapter() {
    RemoteAdapterSync s = sync().build();
    trainer.version = 4;
    s.publish(trainer, 4);
    trainer.version = 5;
    s.publish(trainer, 4);
    assertEquals(List.of("load spice-v4 " + root.resolve("spice-v4"), "unload spice-v4",
        "load spice-v4 " + root.resolve("spice-v4")), lora.calls);
    assertEquals(5L, lora.loaded.get("spice-v4"), "the new weights are served under the same name");
  }

  @Test
  void anAdapterLeftLoadedByAnEarlierRunIsReplaced() {
    lora.loaded.put("spice-v0", 99L);
    sync().build().publish(trainer, 0);
    assertEquals(List.of("unload spice-v0", "load spice-v0 " + root.resolve("spice-v0")), lora.calls);
    assertEquals(0L, lora.loaded.get("spice-v0"));
  }

  @Test
  void aRefusedLoadFailsWithTheServersMessageAndKeepsTheServedModel() {
    RemoteAdapterSync s = sync().build();
    s.publish(trainer, 0);
    lora.server.enqueue("/v1/load_lora_adapter", LoraServer.error(400, "BadRequestError",
        "Loading lora spice-v1 failed: No adapter found for " + root.resolve("spice-v1")));
    RemoteServerException e = assertThrows(RemoteServerException.class, () -> s.publish(trainer, 1));
    assertEquals(400, e.status());
    assertTrue(e.getMessage().startsWith("loading LoRA adapter 'spice-v1' from " + root.resolve("spice-v1")
        + " failed (the server must see that path and run with runtime LoRA updating on): "), e.getMessage());
    assertTrue(e.getMessage().contains("No adapter found for " + root.resolve("spice-v1")), e.getMessage());
    assertEquals("spice-v0", remote.model());
    assertEquals("v0", generated());
    assertFalse(Files.exists(root.resolve("spice-v1")), "the folder of the failed publish is deleted");
    assertTrue(Files.exists(root.resolve("spice-v0")), "the served adapter's folder stays");
    s.publish(trainer, 1);
    assertEquals("spice-v1", remote.model());
    assertTrue(Files.exists(root.resolve("spice-v1")));
  }

  @Test
  void aWriterThatWritesNoAdapterFailsBeforeTheServerIsAsked() {
    RemoteAdapterSync s = RemoteAdapterSync.builder(remote).adapterRoot(root)
        .writer((t, dir) -> Files.exists(dir)).build();
    SpiceException e = assertThrows(SpiceException.BackendException.class, () -> s.publish(trainer, 0));
    assertEquals("the adapter writer wrote no adapter_config.json into " + root.resolve("spice-v0")
        + " (found []); the server needs the PEFT layout: adapter_config.json and adapter_model.safetensors",
        e.getMessage());
    assertTrue(lora.server.received("/v1/load_lora_adapter").isEmpty());
    assertEquals(FakeServer.MODEL, remote.model());
    RemoteAdapterSync throwing = RemoteAdapterSync.builder(remote).adapterRoot(root)
        .writer((t, dir) -> {
          throw new IllegalStateException("no LoRA on this policy");
        }).build();
    e = assertThrows(SpiceException.BackendException.class, () -> throwing.publish(trainer, 0));
    assertTrue(e.getMessage().contains("the adapter writer failed on " + root.resolve("spice-v0")
        + ": java.lang.IllegalStateException: no LoRA on this policy"), e.getMessage());
    assertFalse(Files.exists(root.resolve("spice-v0")), "a failed write leaves no folder");
  }

  @Test
  void aFailedUnloadIsRetriedByTheNextPublish() {
    RemoteAdapterSync s = sync().keepAdapters(1).build();
    s.publish(trainer, 0);
    lora.server.enqueue("/v1/unload_lora_adapter", LoraServer.error(400, "BadRequestError", "busy"));
    RemoteServerException e = assertThrows(RemoteServerException.class, () -> s.publish(trainer, 1));
    assertTrue(e.getMessage().startsWith("unloading LoRA adapter 'spice-v0' ('spice-v1' is served now) failed: "),
        e.getMessage());
    assertTrue(e.getMessage().contains("busy"), e.getMessage());
    assertEquals("spice-v1", remote.model());
    assertTrue(Files.exists(root.resolve("spice-v0")), "a still-loaded adapter's folder is kept");
    s.publish(trainer, 2);
    assertEquals(List.of("spice-v2"), List.copyOf(lora.loaded.keySet()));
    assertFalse(Files.exists(root.resolve("spice-v0")));
    assertFalse(Files.exists(root.resolve("spice-v1")));
    assertTrue(Files.exists(root.resolve("spice-v2")));
  }

  @Test
  void theBuilderNamesEveryWrongSetting() {
    SpiceException e = assertThrows(SpiceException.ConfigurationException.class,
        () -> RemoteAdapterSync.builder(remote).prefix("a b").keepAdapters(0).build());
    assertEquals("Invalid RemoteAdapterSync configuration: adapterRoot is missing: set the folder the adapters are"
        + " written under; writer is missing: set how the trainer's adapter is written, e.g. (t, dir) ->"
        + " djl.saveAdapter(dir); prefix must be letters, digits, '_', '.', '-', got 'a b'; keepAdapters must be"
        + " >= 1 (the served adapter's folder stays), got 0", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> remote.useModel(" "));
  }
}
