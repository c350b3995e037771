package dev.spice.remote;

import dev.spice.core.PolicyBackend;
import dev.spice.core.PolicyProvider;
import dev.spice.core.SpiceException;
import dev.spice.core.text.PromptTemplate;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code remote} policy provider, registered for {@link java.util.ServiceLoader}. Options:
 *
 * <ul>
 *   <li>{@code url} (required): the server root, for example {@code http://localhost:8000};
 *   <li>{@code model} (required): the served model name;
 *   <li>{@code apiKey}: sent as a bearer token;
 *   <li>{@code template}: {@code raw}, {@code plain} (default) or {@code chatml};
 *   <li>{@code stopTokens}: comma-separated end-of-sequence token strings;
 *   <li>{@code maxConcurrentRequests}, {@code maxAttempts}, {@code vocabularySize}: integers
 *       ({@code >= 1}, {@code >= 1}, {@code >= 0});
 *   <li>{@code requestTimeoutSeconds}, {@code connectTimeoutSeconds}: integers {@code >= 1};
 *   <li>{@code addSpecialTokens}, {@code maskedLogProbs}: {@code true} or {@code false} (default);
 *   <li>{@code collapseIdenticalPrompts}: {@code true} (default) or {@code false};
 *       {@code maxSamplesPerRequest}: an integer {@code >= 1} (default 64);
 *   <li>{@code batchPrompts}: {@code true} or {@code false} (default); {@code maxPromptsPerRequest}:
 *       an integer {@code >= 1} (default 64), only with {@code batchPrompts=true}.
 * </ul>
 *
 * Unknown keys and malformed values are rejected with a {@link
 * SpiceException.ConfigurationException} naming the key and the valid values. Rank -10: a local
 * backend is preferred when no backend is named; inference only.
 */
public final class RemotePolicyProvider implements PolicyProvider {
  /** Option keys this provider accepts. */
  public static final Set<String> KEYS = Set.of("url", "model", "apiKey", "template", "stopTokens",
      "maxConcurrentRequests", "maxAttempts", "vocabularySize", "requestTimeoutSeconds", "connectTimeoutSeconds",
      "addSpecialTokens", "maskedLogProbs", "collapseIdenticalPrompts", "maxSamplesPerRequest",
      "batchPrompts", "maxPromptsPerRequest");

  /** Creates the provider (ServiceLoader needs a public no-argument constructor). */
  public RemotePolicyProvider() {}

  /**
   * {@code remote}.
   *
   * @return {@code remote}
   */
  @Override
  public String name() {
    return "remote";
  }

  /**
   * -10: chosen without a name only when no local backend is present.
   *
   * @return -10
   */
  @Override
  public int rank() {
    return -10;
  }

  /**
   * Connects a {@link RemotePolicy} (its {@code build()} checks the server and the model).
   *
   * @param options the options listed in the class comment
   * @return the connected policy
   * @throws SpiceException.ConfigurationException naming a bad option
   */
  @Override
  public PolicyBackend create(Map<String, String> options) {
    return configure(options).build();
  }

  /** A builder set from the options, checked but not connected. */
  static RemotePolicyBuilder configure(Map<String, String> options) {
    for (String k : options.keySet()) {
      if (!KEYS.contains(k)) {
        throw new SpiceException.ConfigurationException("unknown option '" + k + "' for the remote backend; valid keys: "
            + new TreeSet<>(KEYS));
      }
    }
    String url = required(options, "url", "the server root, for example http://localhost:8000");
    RemotePolicyBuilder b = RemotePolicy.builder().model(required(options, "model", "the served model name"));
    try {
      b.baseUrl(URI.create(url.strip()));
    } catch (IllegalArgumentException e) {
      throw new SpiceException.ConfigurationException("option 'url' is not a URL: '" + url + "'");
    }
    if (options.containsKey("apiKey")) {
      b.apiKey(options.get("apiKey"));
    }
    b.template(PromptTemplate.named(options.getOrDefault("template", "plain")));
    if (options.containsKey("stopTokens")) {
      for (String s : options.get("stopTokens").split(",")) {
        if (!s.isBlank()) {
          b.stopTokens(s.strip());
        }
      }
    }
    b.maxConcurrentRequests(integer(options, "maxConcurrentRequests", 8, 1));
    b.retries(integer(options, "maxAttempts", 4, 1), Duration.ofMillis(250), Duration.ofSeconds(10));
    b.vocabularySize(integer(options, "vocabularySize", 0, 0));
    b.requestTimeout(Duration.ofSeconds(integer(options, "requestTimeoutSeconds", 300, 1)));
    b.connectTimeout(Duration.ofSeconds(integer(options, "connectTimeoutSeconds", 10, 1)));
    b.addSpecialTokens(bool(options, "addSpecialTokens"));
    b.maskedLogProbs(bool(options, "maskedLogProbs"));
    b.collapseIdenticalPrompts(bool(options, "collapseIdenticalPrompts", true));
    b.maxSamplesPerRequest(integer(options, "maxSamplesPerRequest", 64, 1));
    b.batchPrompts(bool(options, "batchPrompts"));
    if (options.containsKey("maxPromptsPerRequest")) {
      b.maxPromptsPerRequest(integer(options, "maxPromptsPerRequest", 64, 1));
    }
    return b;
  }

  private static String required(Map<String, String> options, String key, String what) {
    String v = options.get(key);
    if (v == null || v.isBlank()) {
      throw new SpiceException.ConfigurationException("the remote backend needs option '" + key + "' (" + what + ")");
    }
    return v;
  }

  private static int integer(Map<String, String> options, String key, int dflt, int min) {
    String v = options.get(key);
    if (v == null) {
      return dflt;
    }
    try {
      int n = Integer.parseInt(v.strip());
      if (n >= min) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new SpiceException.ConfigurationException("option '" + key + "' must be an integer >= " + min + ", got '"
        + v + "'");
  }

  private static boolean bool(Map<String, String> options, String key) {
    return bool(options, key, false);
  }

  private static boolean bool(Map<String, String> options, String key, boolean dflt) {
    String v = options.getOrDefault(key, Boolean.toString(dflt));
    if (!v.equals("true") && !v.equals("false")) {
      throw new SpiceException.ConfigurationException("option '" + key + "' is '" + v + "'; valid: true, false");
    }
    return Boolean.parseBoolean(v);
  }
}
