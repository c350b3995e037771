package dev.spice.core.text;

import dev.spice.core.Prompt;
import dev.spice.core.SpiceException;
import java.util.Locale;
import java.util.Objects;

/**
 * Renders a {@link Prompt} into the text the model reads; the one prompt-template abstraction of
 * every policy backend. Stateless and thread-safe.
 *
 * <p>Three templates ship: {@link #RAW} (the prompt text exactly), {@link #PLAIN} (text and a
 * newline, for base models) and {@link #CHATML} (the chat format of Qwen models). Any lambda
 * {@code prompt -> text} is a template too; a {@code Function<Prompt, String> f} is one as
 * {@code f::apply}.
 */
@FunctionalInterface
public interface PromptTemplate {

  /**
   * The text the model reads for {@code prompt}, special tokens written as their strings.
   *
   * @param prompt the prompt
   * @return the text the model reads for {@code prompt}, special tokens written as their strings
   */
  String render(Prompt prompt);

  /** {@code Prompt.text()} as-is: for word-level models trained from scratch. */
  PromptTemplate RAW = Prompt::text;

  /** {@code Prompt.text()} followed by one newline: for base models continuing plain text. */
  PromptTemplate PLAIN = p -> p.text() + "\n";

  /**
   * ChatML as Qwen uses it: the prompt is a user message and the reply starts an assistant turn,
   * {@code <|im_start|>user\n{text}<|im_end|>\n<|im_start|>assistant\n}. Generation should stop at
   * {@code <|im_end|>} (the DJL policy adds that token to its stop ids when the tokenizer has it).
   */
  PromptTemplate CHATML =
      p -> "<|im_start|>user\n" + p.text() + "<|im_end|>\n<|im_start|>assistant\n";

  /**
   * ChatML with a system message before the user turn.
   *
   *
   * @param system the system message, not null
   * @return the ChatML template
   */
  static PromptTemplate chatMl(String system) {
    Objects.requireNonNull(system, "system");
    return p -> "<|im_start|>system\n" + system + "<|im_end|>\n" + CHATML.render(p);
  }

  /**
   * A template by name, case-insensitive: {@code raw}, {@code plain} or {@code chatml} (the
   * constants themselves, not copies).
   *
   *
   * @param name the name
   * @return a template by name, case-insensitive: {@code raw}, {@code plain} or {@code chatml} (the
   *     constants themselves, not copies)
   * @throws SpiceException.ConfigurationException naming the valid values
   */
  static PromptTemplate named(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "raw" -> RAW;
      case "plain" -> PLAIN;
      case "chatml" -> CHATML;
      default -> throw new SpiceException.ConfigurationException(
          "unknown prompt template '" + name + "'; valid: raw, plain, chatml");
    };
  }
}
