package dev.spice.examples.quickstart;

import dev.spice.core.SpiceException;
import java.util.ArrayList;
import java.util.List;

/**
 * The command-line words of the free-text mains ({@link FreeTextQuickstart}, {@link RZeroQuickstart}):
 * {@code --option value} pairs, where Maven's {@code -Dquickstart.args} may pack several words into
 * one argument.
 */
final class OptionWords {
  private OptionWords() {}

  /**
   * The {@code (option, value)} pairs of {@code args}, split at whitespace.
   *
   * @throws SpiceException.ConfigurationException when an option has no value (naming it and {@code usage})
   */
  static List<String[]> pairs(String[] args, String usage) {
    String[] words = String.join(" ", args).strip().split("\\s+");
    List<String[]> out = new ArrayList<>();
    for (int i = 0; i < words.length; i++) {
      if (words[i].isEmpty()) {
        continue;
      }
      if (i + 1 >= words.length) {
        throw new SpiceException.ConfigurationException("option '" + words[i] + "' needs a value; " + usage);
      }
      out.add(new String[] {words[i], words[++i]});
    }
    return out;
  }

  /**
   * {@code KEY=VALUE} split at the first {@code =}.
   *
   * @throws SpiceException.ConfigurationException when there is no key (naming {@code option} and the text)
   */
  static String[] keyValue(String option, String text) {
    int eq = text.indexOf('=');
    if (eq <= 0) {
      throw new SpiceException.ConfigurationException(option + " needs KEY=VALUE, got '" + text + "'");
    }
    return new String[] {text.substring(0, eq), text.substring(eq + 1)};
  }
}
