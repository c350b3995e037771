package dev.spice.onnx;

import dev.spice.core.PolicyBackend;
import dev.spice.core.PolicyProvider;
import dev.spice.core.SpiceException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code onnx} policy provider, registered for {@link java.util.ServiceLoader}. Options:
 *
 * <ul>
 *   <li>{@code model} (required): the ONNX graph file or a directory holding {@code model.onnx};
 *   <li>{@code tokenizer}: a Hugging Face {@code tokenizer.json}; default: next to the graph;
 *   <li>{@code intraOpThreads}, {@code interOpThreads}: integers {@code >= 0}, 0 = ONNX Runtime
 *       default;
 *   <li>{@code optimization}: {@code none}, {@code basic}, {@code extended} or {@code all}
 *       (default);
 *   <li>{@code cuda}: {@code true} or {@code false} (default); {@code cudaDevice}: integer
 *       {@code >= 0};
 *   <li>{@code eos}: comma-separated end-of-sequence ids; default: {@code config.json}.
 * </ul>
 *
 * Unknown keys and malformed values are rejected with a {@link
 * SpiceException.ConfigurationException} naming the key and the valid values. Rank 0: the DJL
 * backend (trainable) is preferred when no backend is named.
 */
public final class OnnxPolicyProvider implements PolicyProvider {
  /** Option keys this provider accepts. */
  public static final Set<String> KEYS = Set.of("model", "tokenizer", "intraOpThreads", "interOpThreads",
      "optimization", "cuda", "cudaDevice", "eos");

  /** Creates the provider (ServiceLoader needs a public no-argument constructor). */
  public OnnxPolicyProvider() {}

  @Override
  public String name() {
    return "onnx";
  }

  @Override
  public PolicyBackend create(Map<String, String> options) {
    return configure(options).build();
  }

  /**
   * A builder set from the options, checked but not yet built (no graph is loaded).
   *
   * @throws SpiceException.ConfigurationException naming the bad option
   */
  static OnnxPolicy.Builder configure(Map<String, String> options) {
    for (String k : options.keySet()) {
      if (!KEYS.contains(k)) {
        throw new SpiceException.ConfigurationException("unknown option '" + k + "' for the onnx backend; valid keys: "
            + new TreeSet<>(KEYS));
      }
    }
    String model = options.get("model");
    if (model == null || model.isBlank()) {
      throw new SpiceException.ConfigurationException("the onnx backend needs option 'model' (model.onnx or its directory)");
    }
    OnnxPolicy.Builder b = OnnxPolicy.builder().model(Path.of(model));
    if (options.containsKey("tokenizer")) {
      b.tokenizer(HfTokenizer.load(Path.of(options.get("tokenizer"))));
    }
    b.intraOpThreads(integer(options, "intraOpThreads"));
    b.interOpThreads(integer(options, "interOpThreads"));
    b.cudaDevice(integer(options, "cudaDevice"));
    String opt = options.getOrDefault("optimization", "all").toUpperCase(Locale.ROOT);
    try {
      b.optimization(OnnxPolicy.Optimization.valueOf(opt));
    } catch (IllegalArgumentException e) {
      throw new SpiceException.ConfigurationException("option 'optimization' is '" + options.get("optimization")
          + "'; valid: none, basic, extended, all");
    }
    String cuda = options.getOrDefault("cuda", "false");
    if (!cuda.equals("true") && !cuda.equals("false")) {
      throw new SpiceException.ConfigurationException("option 'cuda' is '" + cuda + "'; valid: true, false");
    }
    b.cuda(Boolean.parseBoolean(cuda));
    if (options.containsKey("eos")) {
      List<Integer> ids = new ArrayList<>();
      String eos = options.get("eos").strip();
      if (!eos.isEmpty()) {
        for (String s : Arrays.asList(eos.split(","))) {
          try {
            ids.add(Integer.parseInt(s.strip()));
          } catch (NumberFormatException e) {
            throw new SpiceException.ConfigurationException("option 'eos' must be comma-separated integers, got '"
                + options.get("eos") + "'");
          }
        }
      }
      b.eosTokenIds(ids);
    }
    return b;
  }

  private static int integer(Map<String, String> options, String key) {
    String v = options.get(key);
    if (v == null) {
      return 0;
    }
    try {
      int n = Integer.parseInt(v.strip());
      if (n < 0) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new SpiceException.ConfigurationException("option '" + key + "' must be an integer >= 0, got '" + v + "'");
    }
  }
}
