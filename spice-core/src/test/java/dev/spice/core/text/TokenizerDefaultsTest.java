package dev.spice.core.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.SpiceException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A codec with only encode and decode answers the other questions through the documented defaults. */
class TokenizerDefaultsTest {

  /** Characters 'a'..'z' are ids 0..25; anything else cannot be encoded. */
  static class Letters implements Tokenizer {
    @Override
    public int[] encode(String text) {
      int[] out = new int[text.length()];
      for (int i = 0; i < out.length; i++) {
        char c = text.charAt(i);
        if (c < 'a' || c > 'z') {
          throw new SpiceException.BackendException("'" + c + "' is not a letter");
        }
        out[i] = c - 'a';
      }
      return out;
    }

    @Override
    public String decode(int[] ids) {
      StringBuilder sb = new StringBuilder();
      for (int id : ids) {
        sb.append((char) ('a' + id));
      }
      return sb.toString();
    }
  }

  @Test
  void aMinimalCodecGetsTheDefaults() {
    Tokenizer t = new Letters();
    assertEquals(2, t.tokenId("c"), "exactly one id");
    assertEquals(-1, t.tokenId("cd"), "two ids");
    assertEquals(-1, t.tokenId(""), "no id");
    assertEquals(-1, t.tokenId("C"), "encode throws a SpiceException");
    assertEquals(-1, t.vocabSize(), "unknown");
    assertArrayEquals(new int[0], t.eosIds());
    assertEquals(-1, t.padId());
    t.close();
    t.close();
    assertEquals("abc", t.decode(t.encode("abc")));
  }

  @Test
  void otherExceptionsOfEncodeAreNotHidden() {
    Tokenizer t = new Letters() {
      @Override
      public int[] encode(String text) {
        throw new IllegalStateException("closed");
      }
    };
    assertThrows(IllegalStateException.class, () -> t.tokenId("a"));
  }

  @Test
  void specialTokenNames() {
    for (String eos : List.of("<eos>", "</s>", "<|endoftext|>", "<|im_end|>", "<|eot_id|>", "<|end_of_text|>")) {
      assertTrue(SpecialTokens.isEndOfSequence(eos), eos);
      assertFalse(SpecialTokens.isPadding(eos), eos);
    }
    for (String pad : List.of("<pad>", "<|pad|>", "[PAD]")) {
      assertTrue(SpecialTokens.isPadding(pad), pad);
      assertFalse(SpecialTokens.isEndOfSequence(pad), pad);
    }
    assertFalse(SpecialTokens.isEndOfSequence("<|im_start|>"));
    assertFalse(SpecialTokens.isPadding("<unk>"));
  }
}
