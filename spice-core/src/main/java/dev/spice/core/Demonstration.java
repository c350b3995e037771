package dev.spice.core;

/**
 * A (prompt, completion) pair shown to a policy in supervised fine-tuning: the policy learns to
 * answer {@code prompt} with {@code completion}. The completion is followed by the
 * end-of-sequence token, so the policy also learns to stop there. A policy turns it into token ids
 * with {@link TrainablePolicy#demonstrationSample}; {@code engine.WarmStart} mixes demonstrations
 * into its steps.
 *
 * @param prompt what the policy is asked, encoded exactly as {@link PolicyBackend#generate} encodes
 *     it (template, beginning-of-sequence token); its {@linkplain Prompt#allowedTokens() allowed
 *     tokens} play no part in the supervised loss
 * @param completion the answer to learn, without the end-of-sequence token; not blank
 */
public record Demonstration(Prompt prompt, String completion) {
  /**
   * Validates.
   *
   * @param prompt what the policy is asked, encoded exactly as {@link PolicyBackend#generate}
   *     encodes
   *     it (template, beginning-of-sequence token); its {@linkplain Prompt#allowedTokens() allowed
   *     tokens} play no part in the supervised loss
   * @param completion the answer to learn, without the end-of-sequence token; not blank
   */
  public Demonstration {
    if (prompt == null) {
      throw new IllegalArgumentException("prompt is null; a demonstration needs the prompt it answers");
    }
    if (completion == null) {
      throw new IllegalArgumentException("completion is null; a demonstration needs the answer to learn");
    }
    if (completion.isBlank()) {
      throw new IllegalArgumentException("completion is blank; a demonstration needs a non-blank answer to learn");
    }
  }
}
