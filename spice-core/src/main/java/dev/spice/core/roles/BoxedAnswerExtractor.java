package dev.spice.core.roles;

import dev.spice.core.AnswerExtractor;
import dev.spice.core.Task;
import java.util.Optional;

/**
 * The minimal extractor of the paper's convention: the content of the last {@code \boxed{...}}
 * (nested braces allowed). {@code spice-rewards} has the full extractor (GSM8K, "Answer:",
 * multiple-choice letters, ...). Bounded: linear in the input, which is cut at
 * {@value #MAX_INPUT_CHARS} characters.
 */
public final class BoxedAnswerExtractor implements AnswerExtractor {
  /** Longest text searched (the tail is kept). */
  public static final int MAX_INPUT_CHARS = 65_536;

  @Override
  public Optional<String> extract(String text, Task task) {
    String s = text.length() > MAX_INPUT_CHARS ? text.substring(text.length() - MAX_INPUT_CHARS) : text;
    int at = s.lastIndexOf("\\boxed{");
    while (at >= 0) {
      int i = at + "\\boxed{".length();
      int depth = 1;
      int j = i;
      while (j < s.length() && depth > 0) {
        char c = s.charAt(j);
        if (c == '{') {
          depth++;
        } else if (c == '}') {
          depth--;
        }
        j++;
      }
      if (depth == 0) {
        String v = s.substring(i, j - 1).strip();
        return v.isEmpty() ? Optional.empty() : Optional.of(v);
      }
      at = at == 0 ? -1 : s.lastIndexOf("\\boxed{", at - 1);
    }
    return Optional.empty();
  }
}
