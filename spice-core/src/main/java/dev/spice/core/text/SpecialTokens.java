package dev.spice.core.text;

import java.util.Set;

/**
 * The names Hugging Face model families give their end-of-sequence and padding tokens, so that
 * every Hugging Face tokenizer recognises the same ones. A name counts only for a special (added)
 * token of a {@code tokenizer.json}. ({@link WordTokenizer} knows only its own four names.)
 */
public final class SpecialTokens {
  /**
   * End-of-sequence names: Gemma {@code <eos>}, Llama 2 / Mistral {@code </s>}, GPT-2 and Qwen
   * {@code <|endoftext|>}, ChatML {@code <|im_end|>}, Llama 3 {@code <|eot_id|>} and
   * {@code <|end_of_text|>}.
   */
  public static final Set<String> END_OF_SEQUENCE =
      Set.of("<eos>", "</s>", "<|endoftext|>", "<|im_end|>", "<|eot_id|>", "<|end_of_text|>");

  /** Padding names: {@code <pad>}, {@code <|pad|>}, {@code [PAD]}. */
  public static final Set<String> PADDING = Set.of("<pad>", "<|pad|>", "[PAD]");

  private SpecialTokens() {}

  /**
   * Whether {@code token} is one of the {@link #END_OF_SEQUENCE} names.
   *
   * @param token the token
   * @return whether {@code token} is one of the {@link #END_OF_SEQUENCE} names
   */
  public static boolean isEndOfSequence(String token) {
    return END_OF_SEQUENCE.contains(token);
  }

  /**
   * Whether {@code token} is one of the {@link #PADDING} names.
   *
   * @param token the token
   * @return whether {@code token} is one of the {@link #PADDING} names
   */
  public static boolean isPadding(String token) {
    return PADDING.contains(token);
  }
}
