package dev.spice.examples.cli;

import dev.spice.core.SpiceException;
import dev.spice.djl.LoraSettings;
import dev.spice.examples.cli.ConfigKey.Mode;
import dev.spice.examples.cli.ConfigKey.Type;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The {@code spice train} keys of LoRA ({@code lora_*}, {@code base_dtype}), of hybrid training
 * over an OpenAI-compatible server ({@code rollout_*}, {@code sync_every}, {@code max_staleness},
 * {@code adapter_root}) and of a remote fixed Challenger ({@code challenger_url},
 * {@code challenger_model}): their definitions, the defaults that depend on other keys, and the
 * checks of their combinations, run before anything is written or loaded.
 */
final class AdapterKeys {
  private AdapterKeys() {}

  /** {@code lora_target_modules}' value that means all seven projections (PEFT's and verl's name). */
  static final String ALL_LINEAR = "all-linear";

  /** {@code rollout_concurrency}'s default, {@code RemotePolicy}'s. */
  static final int DEFAULT_CONCURRENCY = 8;

  /** The keys, in --help order. */
  static List<ConfigKey> keys() {
    return List.of(
        ConfigKey.of("lora_rank", Type.INT, Mode.MODEL, "0",
            "LoRA adapter rank r (PEFT's r): train low-rank adapters on the frozen base instead of every weight; "
                + "0 = full fine-tuning. With LoRA the run also writes <out>/final-adapter/ (PEFT layout)")
            .atLeast(0),
        ConfigKey.of("lora_alpha", Type.DOUBLE, Mode.MODEL, "2 * lora_rank",
            "LoRA scaling numerator (PEFT's lora_alpha): the adapter output is scaled by lora_alpha / lora_rank; "
                + "> 0, needs LoRA").atLeast(0),
        ConfigKey.of("lora_target_modules", Type.LIST, Mode.MODEL, String.join(",", LoraSettings.MODULES),
            "projections that get adapters (PEFT's target_modules), comma-separated from "
                + String.join(", ", LoraSettings.MODULES) + ", or all-linear for all seven; needs LoRA"),
        ConfigKey.of("lora_seed", Type.LONG, Mode.MODEL, "0",
            "seed of a new adapter's initialisation (A Kaiming-uniform from it, B = 0, so training starts at the "
                + "base model); needs lora_rank > 0"),
        ConfigKey.of("lora_adapter", Type.STRING, Mode.MODEL, "none",
            "start from a saved LoRA adapter: a PEFT folder (adapter_config.json, adapter_model.safetensors, as "
                + "final-adapter/ holds) over --model; turns LoRA on with the folder's rank, alpha and modules, "
                + "so lora_rank, lora_alpha and lora_target_modules stay unset"),
        ConfigKey.choice("base_dtype", Mode.MODEL, "float32",
            "element type of the frozen base weights under LoRA (float16 halves their memory; adapters and "
                + "optimizer state stay float32); float16 needs LoRA", List.of("float32", "float16")),
        ConfigKey.of("rollout_url", Type.STRING, Mode.MODEL, "none",
            "empty: both roles sample in process. An http(s) URL of an OpenAI-compatible server (vLLM started "
                + "with --enable-lora and VLLM_ALLOW_RUNTIME_LORA_UPDATING=True, or spice serve --enable-lora) "
                + "serving the same base model: hybrid training, rollouts on the server, updates here, the adapter "
                + "pushed to the server every sync_every updates. Needs LoRA (full weights are not pushed); may "
                + "change on --resume"),
        ConfigKey.of("rollout_model", Type.STRING, Mode.MODEL, "none",
            "the base model's name on the rollout server, as its /v1/models lists it (vLLM's "
                + "--served-model-name); required with rollout_url"),
        ConfigKey.of("rollout_concurrency", Type.INT, Mode.MODEL, Integer.toString(DEFAULT_CONCURRENCY),
            "most requests in flight to the rollout or Challenger server (near vLLM's --max-num-seqs keeps it "
                + "busy); may change on --resume").atLeast(1),
        ConfigKey.choice("rollout_batch_prompts", Mode.MODEL, "auto",
            "true: send a batch's prompts to the rollout or Challenger server as few batched requests (prompt = a "
                + "list of token-id lists; consecutive groups of the same size share one) instead of one request "
                + "per prompt group: fast with spice serve, which runs one request at a time, and then rollouts "
                + "equal in-process sampling; with vLLM the prompts of one request share one seed. auto: true when "
                + "the server's /v1/models says owned_by spice (spice serve), else false (vLLM and SGLang batch "
                + "concurrent requests themselves). Changes the samples, so it may not change on --resume; true "
                + "needs rollout_url or challenger_url", List.of("auto", "true", "false")),
        ConfigKey.of("sync_every", Type.INT, Mode.MODEL, "1",
            "k: push the trained adapter to the rollout server after every k updates (1 = on-policy); "
                + "needs rollout_url").atLeast(1),
        ConfigKey.of("max_staleness", Type.INT, Mode.MODEL, "sync_every - 1",
            "most policy versions a rollout may lag the trainer and still be trained on; at least "
                + "sync_every - 1; needs rollout_url").atLeast(0),
        ConfigKey.of("adapter_root", Type.STRING, Mode.MODEL, "<out>/adapters",
            "folder the pushed adapters are written to (spice-v<version>/, the two newest kept; empty = "
                + "<out>/adapters); the rollout "
                + "server reads them itself, so it must see this folder at the same absolute path (same machine "
                + "or a shared file system); needs rollout_url"),
        ConfigKey.of("challenger_url", Type.STRING, Mode.MODEL, "none",
            "an http(s) URL of an OpenAI-compatible server whose model writes the tasks as a frozen Challenger "
                + "(fixed-Challenger mode: the local model trains as the Reasoner only); not with rollout_url; "
                + "may change on --resume"),
        ConfigKey.of("challenger_model", Type.STRING, Mode.MODEL, "none",
            "the Challenger's model name on that server, as its /v1/models lists it; required with "
                + "challenger_url"));
  }

  /**
   * The effective value of a key whose default depends on other keys, or null for other keys (and
   * for those keys when set, except {@code lora_target_modules}, always given in module order).
   *
   * @param c a configuration whose {@code out} is set
   */
  static Object value(String name, CliConfig c) {
    return switch (name) {
      case "lora_alpha" -> c.has(name) ? null : 2.0 * c.<Integer>get("lora_rank", 0);
      case "lora_target_modules" -> modules(c.get(name, List.of()));
      case "lora_adapter", "rollout_url", "rollout_model", "challenger_url", "challenger_model" ->
          !c.has(name) || "none".equalsIgnoreCase((String) c.get(name)) ? "" : null;
      case "max_staleness" -> c.has(name) ? null : c.<Integer>get("sync_every", 1) - 1;
      case "adapter_root" -> !c.has(name) || "none".equalsIgnoreCase((String) c.get(name)) ? "" : null;
      default -> null;
    };
  }

  /** The modules in {@link LoraSettings#MODULES} order; empty or all-linear: all seven; unknown names kept last. */
  static List<String> modules(List<String> given) {
    if (given.isEmpty() || given.stream().anyMatch(m -> m.equalsIgnoreCase(ALL_LINEAR))) {
      return LoraSettings.MODULES;
    }
    Set<String> set = new LinkedHashSet<>();
    for (String m : given) {
      set.add(m.toLowerCase(Locale.ROOT));
    }
    List<String> out = new ArrayList<>();
    LoraSettings.MODULES.stream().filter(set::contains).forEach(out::add);
    set.stream().filter(m -> !LoraSettings.MODULES.contains(m)).forEach(out::add);
    return List.copyOf(out);
  }

  /** Whether the settings train LoRA adapters: {@code lora_rank > 0} or a {@code lora_adapter}. */
  static boolean lora(Map<String, Object> e) {
    return ((Number) e.get("lora_rank")).intValue() > 0 || !((String) e.get("lora_adapter")).isEmpty();
  }

  /**
   * Checks the combinations of these keys in the effective settings. A key that would have no effect
   * is refused when its value is not the neutral one (rank 0, alpha 0, all modules, float32, empty
   * text, {@code sync_every} 1, ...), so that a saved config, which lists every key, reads back.
   *
   * @param e the effective settings ({@link EffectiveConfig#of})
   * @param c the configuration, for where each value came from
   * @throws SpiceException.ConfigurationException naming the key, its value, where it came from and
   *     the valid values
   */
  static void check(Map<String, Object> e, CliConfig c) {
    int rank = ((Number) e.get("lora_rank")).intValue();
    String adapter = (String) e.get("lora_adapter");
    boolean lora = lora(e);
    List<String> unknown = ((List<?>) e.get("lora_target_modules")).stream().map(String::valueOf)
        .filter(m -> !LoraSettings.MODULES.contains(m)).toList();
    if (!unknown.isEmpty()) {
      fail(c, "lora_target_modules", "has unknown module(s) " + unknown + "; valid: a comma list of "
          + String.join(", ", LoraSettings.MODULES) + ", or " + ALL_LINEAR);
    }
    if (!adapter.isEmpty()) {
      for (String k : List.of("lora_rank", "lora_alpha", "lora_target_modules", "lora_seed")) {
        if (!neutral(e, k)) {
          fail(c, k, "is set with lora_adapter " + adapter + ", which brings its own weights, rank, alpha and modules "
              + "(adapter_config.json); leave " + k + " unset, or remove lora_adapter to start a new adapter");
        }
      }
      Path p = Path.of(adapter);
      if (!Files.isRegularFile(p.resolve("adapter_config.json"))) {
        fail(c, "lora_adapter", "is " + adapter + (Files.isDirectory(p) ? ", a folder without adapter_config.json"
            : ", which is not a folder") + "; valid: a PEFT adapter folder (adapter_config.json, "
            + "adapter_model.safetensors), as a LoRA run's final-adapter/");
      }
    } else if (rank > 0 && !(((Number) e.get("lora_alpha")).doubleValue() > 0)) {
      fail(c, "lora_alpha", "is " + e.get("lora_alpha") + "; valid: a number > 0 (default 2 * lora_rank)");
    }
    if (!lora) {
      for (String k : List.of("lora_alpha", "lora_target_modules", "lora_seed")) {
        if (!neutral(e, k)) {
          fail(c, k, "applies only with LoRA; set lora_rank > 0 (or lora_adapter), or remove " + k);
        }
      }
      if (e.get("base_dtype").equals("float16")) {
        fail(c, "base_dtype", "is float16, which applies only to a LoRA policy's frozen base; set lora_rank > 0 "
            + "(or lora_adapter), or base_dtype=float32");
      }
    }
    String rolloutUrl = (String) e.get("rollout_url");
    String challengerUrl = (String) e.get("challenger_url");
    if (!rolloutUrl.isEmpty() && !challengerUrl.isEmpty()) {
      throw new SpiceException.ConfigurationException("keys 'rollout_url' (" + from(c, "rollout_url")
          + ") and 'challenger_url' (" + from(c, "challenger_url") + ") are exclusive: rollout_url samples both roles "
          + "of the trained model on a server, challenger_url makes a server's model the frozen Challenger; give one");
    }
    remote(e, c, "rollout_url", "rollout_model");
    remote(e, c, "challenger_url", "challenger_model");
    int k = ((Number) e.get("sync_every")).intValue();
    int staleness = ((Number) e.get("max_staleness")).intValue();
    if (!rolloutUrl.isEmpty()) {
      if (!lora) {
        fail(c, "rollout_url", "is " + rolloutUrl + ", hybrid training, which needs LoRA: the server gets the "
            + "trained adapter after each sync, never the full weights; set lora_rank > 0 (for example "
            + "--set lora_rank=16) or lora_adapter, or remove rollout_url to sample in process");
      }
      if (staleness < k - 1) {
        fail(c, "max_staleness", "is " + staleness + ", but sync_every " + k + " trains on rollouts up to " + (k - 1)
            + " versions old; valid: max_staleness >= " + (k - 1) + " (sync_every - 1)");
      }
    } else {
      if (k != 1) {
        fail(c, "sync_every", "is " + k + " but rollout_url is empty (rollouts in process, always on-policy); "
            + "set rollout_url or remove sync_every");
      }
      if (staleness != 0) {
        fail(c, "max_staleness", "is " + staleness + " but rollout_url is empty (rollouts in process, always "
            + "on-policy); set rollout_url or remove max_staleness");
      }
      if (!((String) e.get("adapter_root")).isEmpty()) {
        fail(c, "adapter_root", "applies only with rollout_url (the adapters pushed to the rollout server); "
            + "set rollout_url or remove adapter_root");
      }
      if (challengerUrl.isEmpty() && ((Number) e.get("rollout_concurrency")).intValue() != DEFAULT_CONCURRENCY) {
        fail(c, "rollout_concurrency", "applies only with rollout_url or challenger_url (requests to a server); "
            + "set one of them or remove rollout_concurrency");
      }
      if (challengerUrl.isEmpty() && "true".equals(e.get("rollout_batch_prompts"))) {
        fail(c, "rollout_batch_prompts", "is true but applies only with rollout_url or challenger_url (requests to a "
            + "server); set one of them or remove rollout_batch_prompts");
      }
    }
  }

  /** A server URL key and its model key: both or neither, and the URL is http(s) with a host. */
  private static void remote(Map<String, Object> e, CliConfig c, String urlKey, String modelKey) {
    String url = (String) e.get(urlKey);
    String model = (String) e.get(modelKey);
    if (url.isEmpty()) {
      if (!model.isEmpty()) {
        fail(c, modelKey, "is '" + model + "' but " + urlKey + " is empty; set " + urlKey + " (the server) or remove "
            + modelKey);
      }
      return;
    }
    String why = urlProblem(url);
    if (why != null) {
      fail(c, urlKey, "has the invalid value '" + url + "' (" + why + "); valid: an http or https URL of the "
          + "server's root, such as http://localhost:8000, or empty");
    }
    if (model.isBlank()) {
      fail(c, urlKey, "is " + url + " but " + modelKey + " is not set; give the served model's name, as the "
          + "server's /v1/models lists it (--set " + modelKey + "=NAME)");
    }
  }

  /** What is wrong with a server URL, or null. */
  static String urlProblem(String url) {
    URI u;
    try {
      u = new URI(url);
    } catch (URISyntaxException x) {
      return x.getMessage();
    }
    String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      return "the scheme must be http or https";
    }
    if (u.getHost() == null) {
      return "no host";
    }
    if (u.getQuery() != null || u.getFragment() != null) {
      return "a query or fragment";
    }
    if (u.getPath() != null && u.getPath().replaceAll("/+$", "").endsWith("/v1")) {
      return "give the root, without /v1";
    }
    return null;
  }

  /**
   * Whether a LoRA key has the value that means "no setting": rank 0, alpha 0 (the default 2 * rank
   * of rank 0), all seven modules, seed 0. A saved config holds these for a run without its own LoRA settings.
   */
  private static boolean neutral(Map<String, Object> e, String key) {
    Object v = e.get(key);
    return switch (key) {
      case "lora_rank", "lora_seed" -> ((Number) v).longValue() == 0;
      case "lora_alpha" -> ((Number) v).doubleValue() == 0;
      default -> LoraSettings.MODULES.equals(v);
    };
  }

  private static String from(CliConfig c, String key) {
    String o = c.origin(key);
    return o == null ? "default" : "from " + o;
  }

  private static void fail(CliConfig c, String key, String what) {
    String o = c.origin(key);
    throw new SpiceException.ConfigurationException("key '" + key + "'" + (o == null ? "" : " (from " + o + ")") + " "
        + what);
  }
}
