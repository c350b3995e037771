package dev.spice.corpus.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * GPT-2's byte-to-unicode map, as Hugging Face's {@code ByteLevel} pre-tokenizer and decoder use
 * it: the printable bytes {@code !..~}, {@code ¡..¬} and {@code ®..ÿ} stand for themselves, the
 * other 68 bytes (controls, space, DEL, NBSP, soft hyphen) for {@code U+0100} upwards in byte
 * order, so that every byte sequence is a string of printable characters (space is {@code Ġ}).
 */
final class ByteLevel {
  /** The character of each byte. */
  static final char[] BYTE_CHAR = new char[256];
  /** The byte of each character of {@link #BYTE_CHAR} (index = char), or -1. */
  private static final short[] CHAR_BYTE = new short[512];

  static {
    boolean[] printable = new boolean[256];
    for (int b = '!'; b <= '~'; b++) {
      printable[b] = true;
    }
    for (int b = 0xA1; b <= 0xAC; b++) {
      printable[b] = true;
    }
    for (int b = 0xAE; b <= 0xFF; b++) {
      printable[b] = true;
    }
    int n = 0;
    for (int b = 0; b < 256; b++) {
      BYTE_CHAR[b] = printable[b] ? (char) b : (char) (256 + n++);
    }
    java.util.Arrays.fill(CHAR_BYTE, (short) -1);
    for (int b = 0; b < 256; b++) {
      CHAR_BYTE[BYTE_CHAR[b]] = (short) b;
    }
  }

  private ByteLevel() {}

  /** The byte a character stands for, or -1 if it is not one of the 256 byte characters. */
  static int byteOf(char c) {
    return c < CHAR_BYTE.length ? CHAR_BYTE[c] : -1;
  }

  /** The byte-level string of a text's UTF-8 bytes (the text holds no lone surrogate). */
  static String encode(CharSequence text, int from, int to) {
    StringBuilder sb = new StringBuilder((to - from) * 2);
    for (int i = from; i < to; i++) {
      char c = text.charAt(i);
      if (c < 0x80) {
        sb.append(BYTE_CHAR[c]);
      } else if (c < 0x800) {
        sb.append(BYTE_CHAR[0xC0 | (c >> 6)]).append(BYTE_CHAR[0x80 | (c & 0x3F)]);
      } else if (Character.isHighSurrogate(c) && i + 1 < to && Character.isLowSurrogate(text.charAt(i + 1))) {
        int cp = Character.toCodePoint(c, text.charAt(++i));
        sb.append(BYTE_CHAR[0xF0 | (cp >> 18)]).append(BYTE_CHAR[0x80 | ((cp >> 12) & 0x3F)])
            .append(BYTE_CHAR[0x80 | ((cp >> 6) & 0x3F)]).append(BYTE_CHAR[0x80 | (cp & 0x3F)]);
      } else {
        sb.append(BYTE_CHAR[0xE0 | (c >> 12)]).append(BYTE_CHAR[0x80 | ((c >> 6) & 0x3F)])
            .append(BYTE_CHAR[0x80 | (c & 0x3F)]);
      }
    }
    return sb.toString();
  }

  /**
   * Appends the bytes of a token as Hugging Face's {@code ByteLevel} decoder does: each character
   * mapped back to its byte if all of them are byte characters, else the token's own UTF-8 bytes
   * (special tokens such as {@code <|im_end|>} are plain ASCII and map to themselves).
   */
  static void appendBytes(String token, ByteArrayOutputStream out) {
    for (int i = 0; i < token.length(); i++) {
      if (byteOf(token.charAt(i)) < 0) {
        out.writeBytes(token.getBytes(StandardCharsets.UTF_8));
        return;
      }
    }
    for (int i = 0; i < token.length(); i++) {
      out.write(byteOf(token.charAt(i)));
    }
  }

  /** UTF-8 bytes to text, each malformed sequence replaced by U+FFFD (as Rust's from_utf8_lossy). */
  static String utf8Lossy(byte[] bytes) {
    CharsetDecoder d = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
        .onUnmappableCharacter(CodingErrorAction.REPLACE);
    try {
      CharBuffer cb = d.decode(ByteBuffer.wrap(bytes));
      return cb.toString();
    } catch (CharacterCodingException e) {
      throw new IllegalStateException(e); // cannot happen with REPLACE
    }
  }
}
