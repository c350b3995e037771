package dev.spice.examples.cli;

import dev.spice.core.SpiceException;
import dev.spice.core.internal.json.Json;
import dev.spice.examples.cli.ConfigKey.Mode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * The effective configuration: parsed, typed values by canonical key, layered (later layers win)
 * from a saved run config, a config file, {@code --set} pairs and the dedicated options. A key may
 * be given by an alias ({@link ConfigAliases}); within one layer, a key and an alias of it set to
 * different values is an error naming both.
 */
final class CliConfig {
  private final Map<String, ConfigKey> keys = ConfigKeys.all();
  private final Map<String, Object> values = new TreeMap<>();
  private final Map<String, String> origin = new TreeMap<>();
  private final Map<String, String> givenAs = new TreeMap<>();
  /** Canonical key to the name it was given by in the current layer. */
  private final Map<String, String> layer = new TreeMap<>();

  /** Starts a new layer (a file, the {@code --set} pairs, the options): its values may override earlier ones. */
  void beginLayer() {
    layer.clear();
  }

  /** Reads a YAML ({@code .yaml}, {@code .yml}) or JSON ({@code .json}) file of {@code key: value} pairs. */
  static Map<String, Object> readFile(Path file) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    boolean json = name.endsWith(".json");
    if (!json && !name.endsWith(".yaml") && !name.endsWith(".yml")) {
      throw new SpiceException.ConfigurationException("config file " + file
          + " has an unknown extension; valid: .yaml, .yml (YAML) or .json (JSON)");
    }
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new SpiceException.ConfigurationException("cannot read config file " + file + ": " + UserMessages.io(e));
    }
    Object root;
    try {
      if (json) {
        root = Json.parse(text);
      } else {
        root = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
      }
    } catch (Json.JsonException | YAMLException e) {
      throw new SpiceException.ConfigurationException("config file " + file + " is malformed: " + e.getMessage());
    }
    if (root == null) {
      return Map.of();
    }
    if (!(root instanceof Map<?, ?> m)) {
      throw new SpiceException.ConfigurationException("config file " + file
          + " must hold a mapping of key: value pairs at the top level");
    }
    Map<String, Object> flat = new LinkedHashMap<>();
    flatten("", m, flat, file);
    return flat;
  }

  private static void flatten(String prefix, Map<?, ?> m, Map<String, Object> out, Path file) {
    for (Map.Entry<?, ?> e : m.entrySet()) {
      String k = prefix + e.getKey();
      if (e.getValue() instanceof Map<?, ?> inner) {
        flatten(k + ".", inner, out, file);
      } else {
        out.put(k, e.getValue());
      }
    }
  }

  /** Applies raw values (from a file or saved config) as one layer; every key must be known. */
  void applyRaw(Map<String, Object> raw, String where) {
    beginLayer();
    for (Map.Entry<String, Object> e : raw.entrySet()) {
      Object v = e.getValue();
      String text;
      if (v == null) {
        throw new SpiceException.ConfigurationException(where + ": key '" + e.getKey()
            + "' has no value; valid: " + key(e.getKey(), where).typeText());
      } else if (v instanceof List<?> l) {
        List<String> parts = new ArrayList<>();
        l.forEach(x -> parts.add(String.valueOf(x)));
        text = String.join(",", parts);
      } else {
        text = String.valueOf(v);
      }
      set(e.getKey(), text, where);
    }
  }

  /**
   * Sets one key, given by its name or an alias, from text.
   *
   * @throws SpiceException.ConfigurationException for an unknown key, a bad value, or a key and an
   *     alias of it set to different values in the same layer
   */
  void set(String name, String text, String where) {
    ConfigAliases.Alias alias = ConfigAliases.get(name);
    String canonical = alias == null ? name : alias.key();
    ConfigKey k = key(canonical, where);
    Object v = alias == null ? k.parse(text, where) : k.parse(alias.translate(text, where), where + " (as " + name + ")");
    String before = layer.get(canonical);
    if (before != null && !before.equals(name) && !v.equals(values.get(canonical))) {
      throw new SpiceException.ConfigurationException(where + ": keys '" + before + "' and '" + name + "' name the same setting '"
          + canonical + "' but are set to different values (" + show(values.get(canonical)) + " and " + show(v)
          + "); give only one of them");
    }
    layer.put(canonical, name);
    values.put(canonical, v);
    origin.put(canonical, where);
    givenAs.put(canonical, name);
  }

  private static String show(Object v) {
    return v instanceof List<?> l ? String.join(",", l.stream().map(String::valueOf).toList()) : String.valueOf(v);
  }

  /** Sets one key from a {@code key=value} pair. */
  void setPair(String pair) {
    int eq = pair.indexOf('=');
    if (eq <= 0) {
      throw new SpiceException.ConfigurationException("--set '" + pair + "' is not of the form key=value");
    }
    set(pair.substring(0, eq).trim(), pair.substring(eq + 1), "--set " + pair.substring(0, eq).trim());
  }

  private ConfigKey key(String name, String where) {
    ConfigKey k = keys.get(name);
    if (k == null) {
      List<String> names = new ArrayList<>(keys.keySet());
      names.addAll(ConfigAliases.names());
      String near = nearest(name, names);
      throw new SpiceException.ConfigurationException(where + ": unknown key '" + name + "'"
          + (near == null ? "" : " (did you mean '" + near + "'?)") + "; valid keys: " + String.join(", ", keys.keySet())
          + "; aliases (TRL, verl): " + String.join(", ", ConfigAliases.names()));
    }
    return k;
  }

  /** The candidate closest to a name within edit distance 2, or null. */
  static String nearest(String name, java.util.Collection<String> candidates) {
    String best = null;
    int bestD = 3;
    for (String k : candidates) {
      int d = distance(name, k);
      if (d < bestD) {
        bestD = d;
        best = k;
      }
    }
    return best;
  }

  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  /** True when the {@code --model} run is selected. */
  boolean modelRun() {
    return values.containsKey("model");
  }

  /**
   * Checks that every set key applies to the selected run.
   *
   * @throws SpiceException.ConfigurationException naming the keys and where they came from
   */
  void checkModes() {
    Mode run = modelRun() ? Mode.MODEL : Mode.QUICKSTART;
    List<String> wrong = new ArrayList<>();
    for (String name : values.keySet()) {
      Mode m = keys.get(name).mode();
      if (m != Mode.BOTH && m != run) {
        String as = givenAs.getOrDefault(name, name);
        wrong.add("'" + as + "' (" + (as.equals(name) ? "" : "alias of '" + name + "', ") + "from " + origin.get(name)
            + ")");
      }
    }
    if (!wrong.isEmpty()) {
      throw new SpiceException.ConfigurationException((run == Mode.MODEL
          ? "these keys configure only the quickstart (the run without --model): "
          : "these keys configure only the --model run (give --model DIR, or remove them): ")
          + String.join(", ", wrong));
    }
  }

  Object get(String name) {
    return values.get(name);
  }

  /** Where a key's value came from ("--set fields", "config file run.yaml", ...), or null if unset. */
  String origin(String name) {
    return origin.get(name);
  }

  @SuppressWarnings("unchecked")
  <T> T get(String name, T dflt) {
    Object v = values.get(name);
    return v == null ? dflt : (T) v;
  }

  boolean has(String name) {
    return values.containsKey(name);
  }

  /** The parsed values (typed), sorted by key. */
  Map<String, Object> values() {
    return java.util.Collections.unmodifiableMap(values);
  }
}
