package dev.spice.remote;

import dev.spice.core.PolicySync;
import dev.spice.core.SpiceException;
import dev.spice.core.TrainablePolicy;
import dev.spice.core.internal.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Hybrid training's {@link PolicySync} for a server with vLLM's runtime LoRA endpoints (vLLM
 * started with {@code --enable-lora} and {@code VLLM_ALLOW_RUNTIME_LORA_UPDATING=True}, or
 * {@code spice serve}): each {@link #publish} writes the trainer's LoRA adapter in the PEFT layout
 * ({@code adapter_config.json} and {@code adapter_model.safetensors}) into
 * {@code <adapterRoot>/<prefix>-v<version>/}, loads it with {@code POST /v1/load_lora_adapter}
 * under the name {@code <prefix>-v<version>}, switches the {@link RemotePolicy} to request that
 * model ({@link RemotePolicy#useModel}), unloads the previous adapter
 * ({@code POST /v1/unload_lora_adapter}) and deletes the folders of all but the newest
 * {@link Builder#keepAdapters} adapters it wrote.
 *
 * <p>The server reads {@code lora_path} itself: it must see {@code adapterRoot} at the same
 * absolute path (same machine or a shared file system). An adapter of the same name that the
 * server already lists in {@code GET /v1/models} (a re-publish after a restore or a failed
 * publish, or a previous run) is unloaded first and replaced. A failure throws with the server's
 * message and leaves the policy requesting the adapter it requested before, or, when only the
 * clean-up failed, the new one (the next publish retries the clean-up).
 *
 * <p>Thread-safe: publishes are serialised.
 */
public final class RemoteAdapterSync implements PolicySync {
  /** The adapter file the server needs first; its absence means the writer wrote no adapter. */
  static final String CONFIG = "adapter_config.json";

  /** Writes the trainer's adapter into a folder, for example {@code DjlPolicy::saveAdapter}. */
  @FunctionalInterface
  public interface AdapterWriter {
    /**
     * Writes the adapter of the trainer's current weights.
     *
     * @param trainer the trained policy
     * @param directory the folder to write into; it exists and is empty
     */
    void write(TrainablePolicy trainer, Path directory);
  }

  private final RemotePolicy server;
  private final Path adapterRoot;
  private final String prefix;
  private final AdapterWriter writer;
  private final int keepAdapters;
  /** Folders this sync wrote and has not deleted, oldest first. */
  private final Deque<String> folders = new ArrayDeque<>();
  /** Adapters replaced on the server whose unload has not succeeded yet. */
  private final Set<String> toUnload = new LinkedHashSet<>();
  private String served;

  private RemoteAdapterSync(Builder b) {
    this.server = b.server;
    this.adapterRoot = b.adapterRoot.toAbsolutePath().normalize();
    this.prefix = b.prefix;
    this.writer = b.writer;
    this.keepAdapters = b.keepAdapters;
  }

  /**
   * A builder for a sync that switches {@code server} (the policy given to
   * {@code SelfPlay.Builder.rollouts}).
   *
   * @param server the rollout policy whose requested model this sync switches
   * @return a new builder; {@link Builder#adapterRoot} and {@link Builder#writer} are required
   */
  public static Builder builder(RemotePolicy server) {
    return new Builder(Objects.requireNonNull(server, "server"));
  }

  /**
   * The served model name of a version's adapter: {@code <prefix>-v<version>}.
   *
   * @param version the policy version
   * @return the adapter's name
   */
  public String adapterName(long version) {
    return prefix + "-v" + version;
  }

  /**
   * The adapter loaded by the last successful publish, if any.
   *
   * @return its name, or empty before the first publish
   */
  public synchronized Optional<String> servedAdapter() {
    return Optional.ofNullable(served);
  }

  /**
   * Writes, loads and switches to the trainer's adapter as {@code <prefix>-v<version>}, then
   * unloads the previous adapter and deletes old folders.
   *
   * @param trainer the trained policy, passed to the writer
   * @param version the policy version, {@code >= 0}
   * @throws SpiceException.BackendException when the writer fails or writes no
   *     {@code adapter_config.json}, or a folder cannot be written or deleted
   * @throws RemoteServerException when the server refuses to load (for example: the path does not
   *     exist on the server) or to unload, with the server's message. When the writer or the load
   *     fails, the folder this call wrote is deleted again and the served adapter is unchanged.
   */
  @Override
  public synchronized void publish(TrainablePolicy trainer, long version) {
    if (version < 0) {
      throw new IllegalArgumentException("version must be >= 0, got " + version);
    }
    String name = adapterName(version);
    Path dir = adapterRoot.resolve(name);
    try {
      write(trainer, dir);
      if (listed(name)) {
        unload(name, "replacing it");
      }
      String body = Json.write(Map.of("lora_name", name, "lora_path", dir.toString()));
      try {
        server.post("/v1/load_lora_adapter", body);
      } catch (RemoteServerException e) {
        throw new RemoteServerException("loading LoRA adapter '" + name + "' from " + dir + " failed (the server "
            + "must see that path and run with runtime LoRA updating on): " + e.getMessage(), e.endpoint(),
            e.status(), e);
      }
    } catch (RuntimeException e) {
      // nothing was loaded from the folder: remove it so a failed publish leaves no trace on disk
      // (the served adapter's folder stays, even when its re-publish failed)
      if (!name.equals(served) && !toUnload.contains(name)) {
        try {
          deleteTree(dir);
          folders.remove(name);
        } catch (IOException io) {
          e.addSuppressed(io);
        }
      }
      throw e;
    }
    if (!folders.contains(name)) {
      folders.addLast(name);
    }
    server.useModel(name);
    if (served != null && !served.equals(name)) {
      toUnload.add(served);
    }
    toUnload.remove(name);
    served = name;
    for (String old : List.copyOf(toUnload)) {
      unload(old, "'" + name + "' is served now");
      toUnload.remove(old);
    }
    prune();
  }

  /** Writes the adapter into a fresh {@code dir}, checking the PEFT config is there. */
  private void write(TrainablePolicy trainer, Path dir) {
    try {
      Files.createDirectories(adapterRoot);
      deleteTree(dir);
      Files.createDirectory(dir);
    } catch (IOException e) {
      throw new SpiceException.BackendException("cannot prepare the adapter folder " + dir + ": " + e, e);
    }
    try {
      writer.write(trainer, dir);
    } catch (SpiceException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new SpiceException.BackendException("the adapter writer failed on " + dir + ": " + e, e);
    }
    if (!Files.isRegularFile(dir.resolve(CONFIG))) {
      throw new SpiceException.BackendException("the adapter writer wrote no " + CONFIG + " into " + dir
          + " (found " + list(dir) + "); the server needs the PEFT layout: " + CONFIG
          + " and adapter_model.safetensors");
    }
  }

  /** Whether the server lists {@code name} among its models. */
  private boolean listed(String name) {
    HttpTransport.Reply r = server.get("/v1/models");
    Object data;
    try {
      data = Json.parseObject(r.body()).get("data");
    } catch (RuntimeException e) {
      throw new RemoteServerException(r.url() + ": the models list is not JSON: " + ErrorBodies.snippet(r.body()),
          r.url(), r.status(), e);
    }
    if (!(data instanceof List<?> models)) {
      throw new RemoteServerException(r.url() + ": the models list has no 'data' array: "
          + ErrorBodies.snippet(r.body()), r.url(), r.status(), null);
    }
    for (Object m : models) {
      if (m instanceof Map<?, ?> model && name.equals(model.get("id"))) {
        return true;
      }
    }
    return false;
  }

  /** Unloads {@code name}; an adapter the server does not know (404) counts as unloaded. */
  private void unload(String name, String why) {
    try {
      server.post("/v1/unload_lora_adapter", Json.write(Map.of("lora_name", name)));
    } catch (RemoteServerException e) {
      if (e.status() == 404) {
        return;
      }
      throw new RemoteServerException("unloading LoRA adapter '" + name + "' (" + why + ") failed: "
          + e.getMessage(), e.endpoint(), e.status(), e);
    }
  }

  /** Deletes the oldest folders beyond {@code keepAdapters}, never the served one or one still loaded. */
  private void prune() {
    List<String> deletable = new ArrayList<>();
    for (String f : folders) {
      if (!f.equals(served) && !toUnload.contains(f)) {
        deletable.add(f);
      }
    }
    int excess = folders.size() - keepAdapters;
    for (int i = 0; i < excess && i < deletable.size(); i++) {
      String f = deletable.get(i);
      try {
        deleteTree(adapterRoot.resolve(f));
      } catch (IOException e) {
        throw new SpiceException.BackendException("adapter '" + served + "' is served, but the old adapter folder "
            + adapterRoot.resolve(f) + " cannot be deleted: " + e, e);
      }
      folders.remove(f);
    }
  }

  private static List<String> list(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    } catch (IOException e) {
      return List.of("unreadable: " + e.getMessage());
    }
  }

  private static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      for (Path x : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(x);
      }
    }
  }

  /** Fail-fast builder of a {@link RemoteAdapterSync}. */
  public static final class Builder {
    private final RemotePolicy server;
    private Path adapterRoot;
    private String prefix = "spice";
    private AdapterWriter writer;
    private int keepAdapters = 2;

    private Builder(RemotePolicy server) {
      this.server = server;
    }

    /**
     * The folder the adapters are written under, one subfolder per version (required). The
     * server must read it at the same absolute path.
     *
     * @param root the folder; created when missing
     * @return this builder
     */
    public Builder adapterRoot(Path root) {
      this.adapterRoot = root;
      return this;
    }

    /**
     * The adapters' name prefix: version {@code v} is served as {@code <prefix>-v<v>}. Default
     * {@code spice}.
     *
     * @param prefix letters, digits, '_', '.', '-'
     * @return this builder
     */
    public Builder prefix(String prefix) {
      this.prefix = prefix;
      return this;
    }

    /**
     * Writes the trainer's adapter in the PEFT layout (required), for example
     * {@code (trainer, dir) -> djlPolicy.saveAdapter(dir)}.
     *
     * @param writer the writer
     * @return this builder
     */
    public Builder writer(AdapterWriter writer) {
      this.writer = writer;
      return this;
    }

    /**
     * How many of the newest adapter folders to keep on disk (the served one included); older
     * ones are deleted once unloaded. Default 2.
     *
     * @param n at least 1
     * @return this builder
     */
    public Builder keepAdapters(int n) {
      this.keepAdapters = n;
      return this;
    }

    /**
     * Validates and builds.
     *
     * @return the sync
     * @throws SpiceException.ConfigurationException naming every wrong setting
     */
    public RemoteAdapterSync build() {
      List<String> errors = new ArrayList<>();
      if (adapterRoot == null) {
        errors.add("adapterRoot is missing: set the folder the adapters are written under");
      }
      if (writer == null) {
        errors.add("writer is missing: set how the trainer's adapter is written, e.g. (t, dir) -> djl.saveAdapter(dir)");
      }
      if (prefix == null || !prefix.matches("[A-Za-z0-9_.-]+")) {
        errors.add("prefix must be letters, digits, '_', '.', '-', got " + (prefix == null ? "null" : "'" + prefix + "'"));
      }
      if (keepAdapters < 1) {
        errors.add("keepAdapters must be >= 1 (the served adapter's folder stays), got " + keepAdapters);
      }
      if (!errors.isEmpty()) {
        throw new SpiceException.ConfigurationException("Invalid RemoteAdapterSync configuration: "
            + String.join("; ", errors));
      }
      return new RemoteAdapterSync(this);
    }
  }
}
