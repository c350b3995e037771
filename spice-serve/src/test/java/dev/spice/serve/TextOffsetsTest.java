package dev.spice.serve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The windowed {@code text_offset}s equal the definition (the length of each whole prefix's
 * decoded text) for the kinds of decoder real tokenizers have, on seeded random sequences, and
 * decode a bounded number of tokens per position.
 */
class TextOffsetsTest {
  private static final List<String> PIECES = List.of("\u2581Hello", "lo", "\u2581world", ",", "\u2581", "ing",
      "\u2581the", "s", "\u2581\u00e9t\u00e9", "!");

  /** The definition: decode every prefix. */
  private static int[] byPrefix(int[] t, Function<int[], String> decode) {
    int[] off = new int[t.length];
    for (int j = 1; j < t.length; j++) {
      off[j] = decode.apply(Arrays.copyOf(t, j)).length();
    }
    return off;
  }

  /** Word level: tokens joined by one space (the word tokenizers here). */
  private static String words(int[] t) {
    StringBuilder sb = new StringBuilder();
    for (int x : t) {
      sb.append(sb.length() == 0 ? "" : " ").append('w').append(x);
    }
    return sb.toString();
  }

  /** SentencePiece-like: pieces concatenated, U+2581 as a space, the leading space of the text dropped. */
  private static String pieces(int[] t) {
    StringBuilder sb = new StringBuilder();
    for (int x : t) {
      sb.append(PIECES.get(x));
    }
    String s = sb.toString().replace('\u2581', ' ');
    return s.startsWith(" ") ? s.substring(1) : s;
  }

  /** Byte level: each token one byte of UTF-8 text, a split character decoded as U+FFFD. */
  private static String bytes(int[] t) {
    byte[] b = new byte[t.length];
    for (int i = 0; i < t.length; i++) {
      b[i] = (byte) t[i];
    }
    return new String(b, StandardCharsets.UTF_8);
  }

  @Test
  void windowedOffsetsEqualWholePrefixDecoding() {
    Random r = new Random(20261128);
    byte[] utf8 = "h\u00e9llo w\u00f6rld \u4e16\u754c \ud83d\ude00 caf\u00e9".getBytes(StandardCharsets.UTF_8);
    for (int trial = 0; trial < 300; trial++) {
      int n = 1 + r.nextInt(40);
      int[] w = new int[n];
      int[] p = new int[n];
      int[] b = new int[n];
      int start = r.nextInt(utf8.length);
      for (int i = 0; i < n; i++) {
        w[i] = r.nextInt(1000);
        p[i] = r.nextInt(PIECES.size());
        b[i] = utf8[(start + i) % utf8.length] & 0xff;
      }
      assertArrayEquals(byPrefix(w, TextOffsetsTest::words), TextOffsets.of(w, TextOffsetsTest::words), "words");
      assertArrayEquals(byPrefix(p, TextOffsetsTest::pieces), TextOffsets.of(p, TextOffsetsTest::pieces),
          "pieces " + Arrays.toString(p));
      assertArrayEquals(byPrefix(b, TextOffsetsTest::bytes), TextOffsets.of(b, TextOffsetsTest::bytes),
          "bytes " + Arrays.toString(b));
    }
  }

  @Test
  void workIsLinearInTheLength() {
    AtomicLong decoded = new AtomicLong();
    int[] t = new int[512];
    TextOffsets.of(t, x -> {
      decoded.addAndGet(x.length);
      return words(x);
    });
    // two windows of at most WINDOW + 1 tokens per position, against 130,816 for every prefix
    long bound = 512L * 2 * (TextOffsets.WINDOW + 1);
    assertTrue(decoded.get() <= bound, decoded.get() + " tokens decoded, more than " + bound);
  }
}
