package dev.spice.examples.cli;

import dev.spice.core.Recipe;
import dev.spice.examples.cli.ConfigKey.Mode;
import dev.spice.examples.quickstart.QuickstartSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every setting of the selected run with its effective value, defaults included: what
 * {@code --print-config} prints and the run folder's {@code cli-config.json} holds. Read back (by
 * {@code --resume} or as a {@code --config} file), it gives the same run.
 */
final class EffectiveConfig {
  private EffectiveConfig() {}

  /**
   * The effective settings as plain JSON-friendly values (paths as text, lists of text), sorted by
   * key: each key of the selected run (and of both runs), with its set value or its default. A
   * default that depends on the recipe is the recipe's value; {@code include} and {@code exclude}
   * default to an empty list (the corpus kind's defaults, nothing left out).
   *
   * @param c a checked configuration whose {@code out} is set
   */
  static Map<String, Object> of(CliConfig c) {
    return c.modelRun() ? model(c) : quickstart(c);
  }

  private static Map<String, Object> quickstart(CliConfig c) {
    Map<String, Object> m = new TreeMap<>();
    QuickstartSettings s = QuickstartBridge.settings(c.values());
    s.toMap().forEach((k, v) -> m.put(k, plain(v)));
    for (ConfigKey k : ConfigKeys.commonKeys()) {
      if (k.mode() != Mode.MODEL) {
        m.put(k.name(), plain(c.has(k.name()) ? c.get(k.name()) : k.parse(k.defaultText(), "default")));
      }
    }
    return m;
  }

  private static Map<String, Object> model(CliConfig c) {
    Map<String, Object> m = new TreeMap<>();
    Recipe r = RecipeKeys.recipe(c);
    List<ConfigKey> keys = new ArrayList<>(ConfigKeys.modelKeys());
    keys.addAll(ConfigKeys.commonKeys());
    for (ConfigKey k : keys) {
      String name = k.name();
      Object v;
      Object derived = AdapterKeys.value(name, c);
      if (derived != null) {
        v = derived;
      } else if (c.has(name)) {
        v = c.get(name);
      } else if (RecipeKeys.value(name, r) != null) {
        v = RecipeKeys.value(name, r);
      } else if (name.equals("include") || name.equals("exclude")) {
        v = List.of();
      } else {
        v = k.parse(k.defaultText(), "default of key '" + name + "'");
      }
      m.put(name, plain(v));
    }
    return m;
  }

  private static Object plain(Object v) {
    if (v instanceof Path p) {
      return p.toString();
    }
    if (v instanceof Enum<?> e) {
      return QuickstartBridge.choiceName(e);
    }
    if (v instanceof List<?> l) {
      return l.stream().map(x -> x instanceof Enum<?> e ? QuickstartBridge.choiceName(e) : String.valueOf(x)).toList();
    }
    return v;
  }
}
