package dev.spice.examples.cli;

import dev.spice.core.SpiceException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One documented config key: its name, value type, where it applies, default and meaning; parses
 * and checks a value given as text (from a file, {@code --set} or an option).
 */
record ConfigKey(String name, Type type, Mode mode, String defaultText, String description, double min, double max,
    List<String> choices) {

  /** Value types. */
  enum Type {
    INT("integer"), LONG("integer"), DOUBLE("number"), BOOL("true/false"), STRING("text"), PATH("path"),
    CHOICE("one of"), LIST("comma-separated list");

    final String label;

    Type(String label) {
      this.label = label;
    }
  }

  /** Which run a key configures. */
  enum Mode {
    BOTH("both"), QUICKSTART("quickstart"), MODEL("--model");

    final String label;

    Mode(String label) {
      this.label = label;
    }
  }

  static ConfigKey of(String name, Type type, Mode mode, String dflt, String description) {
    return new ConfigKey(name, type, mode, dflt, description, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY,
        List.of());
  }

  ConfigKey range(double lo, double hi) {
    return new ConfigKey(name, type, mode, defaultText, description, lo, hi, choices);
  }

  ConfigKey atLeast(double lo) {
    return range(lo, Double.POSITIVE_INFINITY);
  }

  ConfigKey withMode(Mode m) {
    return new ConfigKey(name, type, m, defaultText, description, min, max, choices);
  }

  ConfigKey withDefault(String d) {
    return new ConfigKey(name, type, mode, d, description, min, max, choices);
  }

  static ConfigKey choice(String name, Mode mode, String dflt, String description, List<String> choices) {
    return new ConfigKey(name, Type.CHOICE, mode, dflt, description, 0, 0, List.copyOf(choices));
  }

  /** The type and range as a short phrase, e.g. "integer >= 1" or "one of cpu, gpu". */
  String typeText() {
    if (type == Type.CHOICE) {
      return "one of " + String.join(", ", choices);
    }
    StringBuilder sb = new StringBuilder(type.label);
    if (min > Double.NEGATIVE_INFINITY && max < Double.POSITIVE_INFINITY) {
      sb.append(" in [").append(num(min)).append(", ").append(num(max)).append(']');
    } else if (min > Double.NEGATIVE_INFINITY) {
      sb.append(" >= ").append(num(min));
    }
    return sb.toString();
  }

  private static String num(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
  }

  /**
   * Parses a value.
   *
   * @param where where the value came from, e.g. "config file run.yaml" or "--set"
   * @throws SpiceException.ConfigurationException naming the key, the value and the valid values
   */
  Object parse(String text, String where) {
    String t = text.trim();
    try {
      Object v = switch (type) {
        case INT -> Integer.parseInt(t);
        case LONG -> Long.parseLong(t);
        case DOUBLE -> {
          double d = Double.parseDouble(t);
          if (!Double.isFinite(d)) {
            throw new NumberFormatException();
          }
          yield d;
        }
        case BOOL -> {
          String l = t.toLowerCase(Locale.ROOT);
          if (!l.equals("true") && !l.equals("false")) {
            throw new NumberFormatException();
          }
          yield Boolean.parseBoolean(l);
        }
        case STRING -> t;
        case PATH -> {
          if (t.isEmpty()) {
            throw new NumberFormatException();
          }
          yield Path.of(t);
        }
        case CHOICE -> {
          String l = t.toLowerCase(Locale.ROOT);
          if (!choices.contains(l) && !(name.equals("device") && l.matches("gpu:\\d+"))) {
            throw new NumberFormatException();
          }
          yield l;
        }
        case LIST -> {
          List<String> out = new ArrayList<>();
          for (String s : t.split(",")) {
            if (!s.isBlank()) {
              out.add(s.trim());
            }
          }
          yield List.copyOf(out); // empty: the key's default (e.g. include's defaults by kind)
        }
      };
      if (v instanceof Number n && !(n.doubleValue() >= min && n.doubleValue() <= max)) {
        throw new NumberFormatException();
      }
      return v;
    } catch (NumberFormatException e) {
      throw new SpiceException.ConfigurationException(where + ": key '" + name + "' has the invalid value '" + text
          + "'; valid: " + typeText());
    }
  }
}
