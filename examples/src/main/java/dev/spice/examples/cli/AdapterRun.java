package dev.spice.examples.cli;

import dev.spice.core.engine.SelfPlay;
import dev.spice.core.text.PromptTemplate;
import dev.spice.djl.BaseDtype;
import dev.spice.djl.DjlPolicy;
import dev.spice.djl.LoraSettings;
import dev.spice.remote.RemoteAdapterSync;
import dev.spice.remote.RemotePolicy;
import dev.spice.remote.RemotePolicyBuilder;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The LoRA and server parts of the {@code spice train} run ({@link AdapterKeys}): LoRA settings on
 * the policy builder, the connection to a rollout server (hybrid training: {@link RemotePolicy}
 * rollouts, {@link RemoteAdapterSync} pushes of the trained adapter) or to a remote fixed
 * Challenger, and the final adapter. Close it to close the server connection.
 */
final class AdapterRun implements AutoCloseable {
  /** The adapters' served names: {@code spice-v<version>}. */
  static final String PREFIX = "spice";

  private final RemotePolicy remote;
  /** Where the pushed adapters go; null unless hybrid. */
  private final Path adapterRoot;
  private final int syncEvery;
  private final int maxStaleness;

  private AdapterRun(RemotePolicy remote, Path adapterRoot, int syncEvery, int maxStaleness) {
    this.remote = remote;
    this.adapterRoot = adapterRoot;
    this.syncEvery = syncEvery;
    this.maxStaleness = maxStaleness;
  }

  /**
   * Adds the LoRA settings of a checked configuration to the policy builder: a new adapter for
   * {@code lora_rank > 0}, a saved one for {@code lora_adapter}, and the base's element type.
   */
  static void lora(CliConfig c, DjlPolicy.Builder pb) {
    int rank = c.get("lora_rank", 0);
    String adapter = str(c, "lora_adapter");
    if (rank > 0) {
      pb.lora(LoraSettings.builder().rank(rank).alpha((Double) effective(c, "lora_alpha"))
          .targetModules(new LinkedHashSet<>(AdapterKeys.modules(c.get("lora_target_modules", List.of()))))
          .seed(c.get("lora_seed", 0L)).build());
    } else if (!adapter.isEmpty()) {
      pb.loraAdapter(Path.of(adapter));
    }
    if (rank > 0 || !adapter.isEmpty()) {
      pb.baseDtype(BaseDtype.named(c.get("base_dtype", "float32")));
    }
  }

  /**
   * Connects to the rollout or Challenger server of a checked configuration, if any: checks that
   * the server answers and serves the model (a {@link dev.spice.remote.RemoteServerException} or a
   * configuration error otherwise). Called before the model is loaded, so that a server that is
   * down costs no loading.
   *
   * @param template the trained policy's prompt template, used for the server's prompts too
   * @param out the run folder ({@code adapter_root}'s default is its {@code adapters} folder)
   */
  static AdapterRun connect(CliConfig c, PromptTemplate template, Path out, PrintWriter log) {
    String rolloutUrl = str(c, "rollout_url");
    String challengerUrl = str(c, "challenger_url");
    if (rolloutUrl.isEmpty() && challengerUrl.isEmpty()) {
      return new AdapterRun(null, null, 1, 0);
    }
    boolean hybrid = !rolloutUrl.isEmpty();
    String url = hybrid ? rolloutUrl : challengerUrl;
    String model = str(c, hybrid ? "rollout_model" : "challenger_model");
    log.println("connecting to " + url + " (model " + model + ") for " + (hybrid ? "rollouts" : "the Challenger")
        + " ...");
    log.flush();
    String batching = c.get("rollout_batch_prompts", "auto");
    RemotePolicyBuilder rb = RemotePolicy.builder().baseUrl(URI.create(url)).model(model).template(template)
        .maxConcurrentRequests(c.get("rollout_concurrency", AdapterKeys.DEFAULT_CONCURRENCY))
        .retrySeed(c.get("seed", 0L));
    RemotePolicy remote = (batching.equals("auto") ? rb.batchPromptsOnSpiceServe()
        : rb.batchPrompts(batching.equals("true"))).build();
    if (batching.equals("auto")) {
      log.println(remote.batchesPrompts() ? "the server is spice serve (owned_by spice): one batched request "
          + "per batch (rollout_batch_prompts=auto)" : "one request per prompt group, the server batching them "
          + "(rollout_batch_prompts=auto: the server is not spice serve)");
    }
    if (!hybrid) {
      return new AdapterRun(remote, null, 1, 0);
    }
    String rootKey = (String) effective(c, "adapter_root");
    Path root = rootKey.isEmpty() ? out.resolve("adapters") : Path.of(rootKey);
    int every = c.get("sync_every", 1);
    int max = (Integer) effective(c, "max_staleness");
    log.println("hybrid training: rollouts on " + url + ", adapter " + PREFIX + "-v<version> pushed every " + every
        + " update(s) through " + root.toAbsolutePath() + " (max staleness " + max + ")");
    return new AdapterRun(remote, root, every, max);
  }

  /**
   * Sets the engine's rollout backend and the sync that pushes the policy's adapter, or its fixed
   * Challenger; nothing for an in-process run.
   *
   * @param policy the trained policy (its adapter is what the rollout server gets)
   */
  void configure(SelfPlay.Builder b, DjlPolicy policy) {
    if (adapterRoot != null) {
      RemoteAdapterSync sync = RemoteAdapterSync.builder(remote).adapterRoot(adapterRoot).prefix(PREFIX)
          .writer((trainer, dir) -> policy.saveAdapter(dir)).keepAdapters(2).build();
      b.rollouts(remote).policySync(sync, syncEvery).maxStaleness(maxStaleness);
    } else if (remote != null) {
      b.fixedChallenger(remote);
    }
  }

  /**
   * Writes the adapter of a LoRA policy into {@code <out>/final-adapter} (PEFT layout).
   *
   * @return the folder, or null without LoRA
   */
  static Path saveFinalAdapter(DjlPolicy policy, Path out) {
    if (policy.lora().isEmpty()) {
      return null;
    }
    Path dir = out.resolve("final-adapter");
    policy.saveAdapter(dir);
    return dir;
  }

  /** A key's value: set, or its default from {@link AdapterKeys#value}. */
  private static Object effective(CliConfig c, String key) {
    Object derived = AdapterKeys.value(key, c);
    return derived != null ? derived : c.get(key);
  }

  /** A text key's effective value: empty for unset or {@code none}. */
  private static String str(CliConfig c, String key) {
    String v = c.get(key, "");
    return v.equalsIgnoreCase("none") ? "" : v;
  }

  @Override
  public void close() {
    if (remote != null) {
      remote.close();
    }
  }
}
