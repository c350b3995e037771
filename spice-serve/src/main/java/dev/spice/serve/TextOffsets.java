package dev.spice.serve;

import java.util.Arrays;
import java.util.function.Function;

/**
 * The {@code text_offset} of each token of a completion: where its text starts in the decoded
 * text of the tokens before it. Decoding every prefix costs time quadratic in the length (a
 * 512-token completion would decode 131,328 tokens); this decodes a short window instead, the way
 * incremental detokenizers do: the text token {@code j} adds is {@code decode(t[s..j])} minus
 * {@code decode(t[s..j-1])} for a window start {@code s} a few tokens back, so decoders that join
 * tokens with separators, merge byte pieces or strip a leading space of the first token give the
 * same offsets as decoding each whole prefix ({@code TextOffsetsTest} checks that against the
 * prefix definition). Linear in the length.
 */
final class TextOffsets {
  /** Tokens of context before the pair being compared. */
  static final int WINDOW = 4;

  private TextOffsets() {}

  /**
   * {@code offsets[j]} = the length of the text of {@code tokens[0..j)} ({@code offsets[0] = 0}).
   *
   * @param decode the policy's detokenizer
   */
  static int[] of(int[] tokens, Function<int[], String> decode) {
    int[] off = new int[tokens.length];
    for (int j = 1; j < tokens.length; j++) {
      int s = Math.max(0, j - 1 - WINDOW);
      int before = s == j - 1 ? 0 : decode.apply(Arrays.copyOfRange(tokens, s, j - 1)).length(); // never decodes []
      int after = decode.apply(Arrays.copyOfRange(tokens, s, j)).length();
      if (s == 0) {
        off[j] = after; // the whole prefix: exact by definition
      } else {
        off[j] = off[j - 1] + (after - before);
      }
    }
    return off;
  }
}
