package dev.spice.examples.cli;

import dev.spice.core.SpiceException;
import dev.spice.corpus.Factbook;
import dev.spice.examples.quickstart.QuickstartSettings;
import java.lang.reflect.Method;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Maps config keys onto {@link QuickstartSettings.Builder}: key {@code snake_case} sets the
 * builder method {@code camelCase} of the same name, so every setting the quickstart exposes in
 * {@link QuickstartSettings#toMap()} is configurable without a list to keep in sync.
 */
final class QuickstartBridge {
  private QuickstartBridge() {}

  static String choiceName(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  static String camel(String snake) {
    StringBuilder sb = new StringBuilder();
    boolean up = false;
    for (char c : snake.toCharArray()) {
      if (c == '_') {
        up = true;
      } else {
        sb.append(up ? Character.toUpperCase(c) : c);
        up = false;
      }
    }
    return sb.toString();
  }

  /**
   * Checks the {@code fields} key against the bundled Factbook's fields: each must be one of
   * {@link Factbook#FIELDS}, listed once.
   *
   * @throws SpiceException.ConfigurationException naming the field, where it came from, the closest
   *     valid name and every valid name
   */
  static void checkFields(CliConfig c) {
    if (!c.has("fields")) {
      return;
    }
    @SuppressWarnings("unchecked")
    List<String> fields = (List<String>) c.get("fields");
    String where = c.origin("fields");
    Set<String> seen = new HashSet<>();
    for (String f : fields) {
      if (!Factbook.FIELDS.contains(f)) {
        String near = CliConfig.nearest(f.toLowerCase(Locale.ROOT), Factbook.FIELDS);
        throw new SpiceException.ConfigurationException(where + ": key 'fields' has the unknown Factbook field '" + f
            + "'" + (near == null ? "" : " (did you mean '" + near + "'?)") + "; valid: "
            + String.join(", ", Factbook.FIELDS));
      }
      if (!seen.add(f)) {
        throw new SpiceException.ConfigurationException(where + ": key 'fields' lists the field '" + f
            + "' twice; give each field once");
      }
    }
  }

  /** Builds the settings from parsed config values (only quickstart keys are applied). */
  static QuickstartSettings settings(Map<String, Object> values) {
    QuickstartSettings.Builder b = QuickstartSettings.builder();
    Map<String, Object> defaults = QuickstartSettings.defaults().toMap();
    for (Map.Entry<String, Object> e : values.entrySet()) {
      if (!defaults.containsKey(e.getKey())) {
        continue;
      }
      apply(b, e.getKey(), e.getValue());
    }
    return b.build();
  }

  private static void apply(QuickstartSettings.Builder b, String key, Object value) {
    String name = camel(key);
    for (Method m : QuickstartSettings.Builder.class.getMethods()) {
      if (!m.getName().equals(name) || m.getParameterCount() != 1) {
        continue;
      }
      Class<?> t = m.getParameterTypes()[0];
      Object arg;
      if (t == int.class) {
        arg = ((Number) value).intValue();
      } else if (t == long.class) {
        arg = ((Number) value).longValue();
      } else if (t == double.class) {
        arg = ((Number) value).doubleValue();
      } else if (t == boolean.class) {
        arg = value;
      } else if (t == List.class) {
        arg = value;
      } else if (t.isEnum()) {
        arg = null;
        for (Object c : t.getEnumConstants()) {
          if (choiceName((Enum<?>) c).equals(value)) {
            arg = c;
          }
        }
      } else {
        arg = String.valueOf(value);
      }
      try {
        m.invoke(b, arg);
        return;
      } catch (ReflectiveOperationException | IllegalArgumentException ex) {
        Throwable c = ex.getCause() != null ? ex.getCause() : ex;
        if (c instanceof SpiceException se) {
          throw se;
        }
        throw new SpiceException.ConfigurationException("cannot set quickstart key '" + key + "' to '" + value
            + "': " + c.getMessage());
      }
    }
    throw new SpiceException.ConfigurationException("the quickstart has no builder method for key '" + key + "'");
  }
}
