package dev.spice.corpus.tokenizer;

import java.text.Normalizer;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The text side of both tokenizer kinds, in Hugging Face's order: special tokens are cut out of
 * the raw text first (leftmost, longest match, as the {@code added_tokens} of a
 * {@code tokenizer.json} with {@code normalized: false}), each remaining piece is normalized
 * (optional NFC) and split into pre-tokens by the kind's regular expression.
 */
final class Splitter {
  // Hugging Face's ByteLevel pre-tokenizer regex (GPT-2's), with Oniguruma's \s (White_Space)
  // spelled out because Java's \s is ASCII only.
  private static final String WS = "\\p{IsWhite_Space}";
  static final Pattern BYTE_LEVEL = Pattern.compile("'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^" + WS
      + "\\p{L}\\p{N}]+|" + WS + "+(?!\\P{IsWhite_Space})|" + WS + "+");
  // Hugging Face's Whitespace pre-tokenizer regex \w+|[^\w\s]+ with Oniguruma's Unicode \w
  // (Alphabetic, Mark, Decimal_Number, Connector_Punctuation, Join_Control: ZWJ and ZWNJ, as
  // checked against tokenizers 0.21) and \s (White_Space).
  private static final String WORD = "\\p{IsAlphabetic}\\p{M}\\p{Nd}\\p{Pc}\\p{IsJoin_Control}";
  static final Pattern WORDS = Pattern.compile("[" + WORD + "]+|[^" + WORD + WS + "]+");

  private final String[] specials;
  private final String firstChars;
  private final Pattern pattern;
  private final boolean nfc;

  Splitter(List<String> specials, Pattern pattern, boolean nfc) {
    this.specials = specials.toArray(new String[0]);
    StringBuilder f = new StringBuilder();
    for (String s : specials) {
      f.append(s.charAt(0));
    }
    this.firstChars = f.toString();
    this.pattern = pattern;
    this.nfc = nfc;
  }

  /**
   * Splits a text: {@code special} gets the index of each special token found, {@code piece} each
   * pre-token of the text between them, in text order. Lone surrogates are read as U+FFFD.
   */
  void split(String text, IntConsumer special, Consumer<String> piece) {
    String t = replaceLoneSurrogates(text);
    int start = 0;
    int i = 0;
    while (i < t.length()) {
      if (firstChars.indexOf(t.charAt(i)) < 0) {
        i++;
        continue;
      }
      int best = -1;
      for (int s = 0; s < specials.length; s++) {
        if (t.startsWith(specials[s], i) && (best < 0 || specials[s].length() > specials[best].length())) {
          best = s;
        }
      }
      if (best < 0) {
        i++;
        continue;
      }
      pieces(t.substring(start, i), piece);
      special.accept(best);
      i += specials[best].length();
      start = i;
    }
    pieces(t.substring(start), piece);
  }

  private void pieces(String text, Consumer<String> piece) {
    if (text.isEmpty()) {
      return;
    }
    String n = nfc ? Normalizer.normalize(text, Normalizer.Form.NFC) : text;
    Matcher m = pattern.matcher(n);
    while (m.find()) {
      piece.accept(m.group());
    }
  }

  /** The text with each unpaired surrogate replaced by U+FFFD (the text itself if it has none). */
  static String replaceLoneSurrogates(String s) {
    StringBuilder sb = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean lone = false;
      if (Character.isHighSurrogate(c)) {
        if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
          if (sb != null) {
            sb.append(c).append(s.charAt(i + 1));
          }
          i++;
          continue;
        }
        lone = true;
      } else if (Character.isLowSurrogate(c)) {
        lone = true;
      }
      if (lone && sb == null) {
        sb = new StringBuilder(s.length()).append(s, 0, i);
      }
      if (sb != null) {
        sb.append(lone ? '\uFFFD' : c);
      }
    }
    return sb == null ? s : sb.toString();
  }

  /** Whether a string holds an unpaired surrogate. */
  static boolean hasLoneSurrogate(String s) {
    return !replaceLoneSurrogates(s).equals(s);
  }
}
