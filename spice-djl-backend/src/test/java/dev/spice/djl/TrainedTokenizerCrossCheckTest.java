package dev.spice.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.Document;
import dev.spice.corpus.Factbook;
import dev.spice.corpus.tokenizer.TokenizerTrainer;
import dev.spice.corpus.tokenizer.TrainedTokenizer;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tokenizer trained in pure Java by spice-corpus' {@link TokenizerTrainer}, saved as
 * {@code tokenizer.json} and loaded by DJL's Hugging Face tokenizers (Rust, tokenizers 0.21) through
 * {@link Tokenizer#huggingFace}: the Rust library must give the Java encoder's ids for every
 * probe text, and decode them back to the text. This is what makes the file a real Hugging Face
 * tokenizer, usable by the DJL backend and the ONNX exporter.
 */
class TrainedTokenizerCrossCheckTest {
  @TempDir static Path dir;

  /** Multilingual paragraphs written for this test, so merges cover non-ASCII bytes too. */
  static final List<String> PARAGRAPHS = List.of(
      "Le café de la gare est fermé le dimanche; les élèves préfèrent la crêperie à côté. "
          + "Où est la bibliothèque ? Elle est à deux pas, près de l'église.",
      "Die Straße führt über die Brücke zur Schule. Größere Häuser stehen am Fluss, "
          + "und im Frühling blühen die Bäume.",
      "東京は日本の首都です。北京是中国的首都。서울은 대한민국의 수도입니다。",
      "Привет, как дела? Всё хорошо, спасибо. Ελληνικά: Καλημέρα κόσμε. עברית: שלום עולם. "
          + "العربية: مرحبا بالعالم.",
      "Emoji 😀😀😀 👍🏽👍🏽 🇫🇷🇩🇪 👨‍👩‍👧 and symbols ∑∫√ ≤ ≥ ² ½ ① Ⓐ — “quoted” ‘text’ … ©®™.",
      "Code: for (int i = 0; i < n; i++) { sum += a[i]; }   // comment\n\tindented\n\n    four spaces\r\n");

  /** The strings checked: whitespace runs, contractions, digits, Unicode of every plane, special tokens. */
  static final List<String> PROBES = List.of(
      "", " ", "  ", "   ", "\n", "\n\n\n", "\t", "\t \t", "\r\n", " \n ", "a", "the", " the", "The fox.",
      "Hello, world!", "  leading spaces", "trailing spaces   ", "many     inner     spaces",
      "tabs\tand\nnewlines\r\nend", "it's I'll we've they're you'd I'm 'S 'LL o'clock",
      "12345 3.14159 1,000,000 2024-06-01 $9.99 100%", "Austria - Government", "capital: Vienna",
      "café naïve résumé crêperie", "cafe\u0301 e\u0301 (decomposed accents)", "Straße Größe Äpfel",
      "中文字符 日本語のテキスト 한국어 텍스트", "Emoji 😀👍🏽 family 👨‍👩‍👧 flag 🇫🇷 🂡 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𐍈",
      "Привет мир Ελληνικά עברית العربية हिन्दी ไทย", "nbsp\u00a0here ideographic\u3000space",
      "line\u2028separator paragraph\u2029separator nel\u0085x", "zero\u200bwidth join\u200der\u200cnon",
      "thin\u2009space en\u2002space", "math ∑∫√ ≤≥ ² ½ ① Ⓐ Ⅻ ٣٤ ๓", "\u0000\u0001 controls \u007f\u009f",
      "under_score snake_case CamelCase", "x+=y; a->b; ...!!! ??? ---", "<bos>special<eos> in text",
      "<pad><pad>x<|im_end|>y", "<|im_start|>user\nHi there<|im_end|>\n<|im_start|>assistant\n",
      "a<unk>b<eos", "<eos><eos>", "   <bos>   ", "unfinished <|im_", "a\u0301\u0302\u0303 stacked marks",
      "  \n  \n  mixed  \t\n  whitespace  ");

  static TrainedTokenizer bpe;
  static TrainedTokenizer bpeNfc;
  static TrainedTokenizer words;

  @BeforeAll
  static void train() {
    bpe = TokenizerTrainer.byteLevelBpe().vocabSize(3000).chatTokens().build().train(texts().iterator());
    bpeNfc = TokenizerTrainer.byteLevelBpe().vocabSize(800).nfc(true).build().train(texts().limit(300).iterator());
    words = TokenizerTrainer.wordLevel().vocabSize(3000).chatTokens().build().train(texts().iterator());
  }

  /** The bundled Factbook (every section once) and the paragraphs above. */
  static Stream<String> texts() {
    return Stream.concat(PARAGRAPHS.stream(), Factbook.documents().stream().map(Document::text));
  }

  static List<String> probes() {
    List<String> all = new ArrayList<>(PROBES);
    all.addAll(PARAGRAPHS);
    List<Document> fb = Factbook.documents();
    for (int i = 0; i < fb.size(); i += 97) {
      String t = fb.get(i).text();
      all.add(t.substring(0, Math.min(t.length(), 600)));
    }
    Random rnd = new Random(42);
    for (int i = 0; i < 300; i++) {
      all.add(randomText(rnd, 1 + rnd.nextInt(30)));
    }
    return all;
  }

  /**
   * Random text from code points the JDK knows: Java 17's regular expressions use Unicode 13,
   * tokenizers 0.21 (Oniguruma) Unicode 16, so a character assigned since (such as U+1420B, an
   * Egyptian hieroglyph of Unicode 16) may be a letter to one and a symbol to the other.
   */
  static String randomText(Random rnd, int n) {
    StringBuilder sb = new StringBuilder();
    String ws = " \t\n\r\u00a0\u3000\u2028\u0085";
    while (sb.codePointCount(0, sb.length()) < n) {
      int cp = switch (rnd.nextInt(7)) {
        case 0 -> ws.charAt(rnd.nextInt(ws.length()));
        case 1, 2 -> 0x20 + rnd.nextInt(0x5f);
        case 3 -> 0xA0 + rnd.nextInt(0x700);
        case 4 -> 0x3000 + rnd.nextInt(0x7000);
        case 5 -> 0x1F300 + rnd.nextInt(0x300);
        default -> 0x10000 + rnd.nextInt(0x30000);
      };
      if (Character.isDefined(cp)) {
        sb.appendCodePoint(cp);
      }
    }
    return sb.toString();
  }

  /** Ids the Hugging Face tokenizer drops when decoding (end-of-sequence and padding). */
  static int[] dropEndAndPad(Tokenizer hf, int[] ids) {
    Set<Integer> drop = Arrays.stream(hf.eosIds()).boxed().collect(Collectors.toSet());
    drop.add(hf.padId());
    return Arrays.stream(ids).filter(i -> !drop.contains(i)).toArray();
  }

  static boolean hasSpecial(TrainedTokenizer t, String s) {
    return t.specialTokens().stream().anyMatch(s::contains);
  }

  @Test
  void byteLevelBpeGivesTheRustTokenizersIdsAndText() {
    assertTrue(bpe.vocabSize() == 3000 && bpe.merges().size() == 3000 - 6 - 256, bpe.toString());
    int checked = 0;
    try (Tokenizer hf = Tokenizer.huggingFace(bpe.save(dir.resolve("bpe")))) {
      assertEquals(3000, hf.vocabSize());
      assertEquals(0, hf.padId());
      assertArrayEquals(new int[] {3, 5}, hf.eosIds(), "<eos> and <|im_end|>");
      for (String special : bpe.specialTokens()) {
        assertEquals(bpe.tokenToId(special), hf.tokenId(special), special);
      }
      for (String s : probes()) {
        int[] java = bpe.encode(s);
        assertArrayEquals(java, hf.encode(s), () -> "ids of " + escape(s));
        assertEquals(bpe.decode(dropEndAndPad(hf, java)), hf.decode(java), () -> "text of " + escape(s));
        if (!hasSpecial(bpe, s)) {
          assertEquals(s, hf.decode(java), () -> "round trip of " + escape(s));
        }
        checked++;
      }
      // arbitrary id sequences, cut-off UTF-8 included, decode to the same text (U+FFFD alike)
      Random rnd = new Random(1);
      for (int i = 0; i < 300; i++) {
        int[] ids = IntStream.range(0, 1 + rnd.nextInt(8)).map(k -> 6 + rnd.nextInt(bpe.vocabSize() - 6)).toArray();
        assertEquals(bpe.decode(ids), hf.decode(ids), () -> Arrays.toString(ids));
      }
    }
    assertTrue(checked > 350, "strings checked: " + checked);
  }

  @Test
  void nfcByteLevelBpeGivesTheRustTokenizersIdsAndText() {
    try (Tokenizer hf = Tokenizer.huggingFace(bpeNfc.save(dir.resolve("nfc/tokenizer.json")))) {
      for (String s : probes()) {
        int[] java = bpeNfc.encode(s);
        assertArrayEquals(java, hf.encode(s), () -> "ids of " + escape(s));
        if (!hasSpecial(bpeNfc, s)) {
          assertEquals(Normalizer.normalize(s, Normalizer.Form.NFC), hf.decode(java), () -> "text of " + escape(s));
        }
      }
    }
  }

  @Test
  void wordLevelGivesTheRustTokenizersIds() {
    try (Tokenizer hf = Tokenizer.huggingFace(words.save(dir.resolve("words")))) {
      assertEquals(words.vocabSize(), hf.vocabSize());
      assertEquals(0, hf.padId());
      for (String s : probes()) {
        int[] java = words.encode(s);
        assertArrayEquals(java, hf.encode(s), () -> "ids of " + escape(s));
        assertEquals(words.decode(dropEndAndPad(hf, java)), hf.decode(java), () -> "text of " + escape(s));
      }
      assertEquals("the capital of the country .", hf.decode(hf.encode("the capital of the country.")));
    }
  }

  static String escape(String s) {
    StringBuilder sb = new StringBuilder("\"");
    s.codePoints().forEach(c -> {
      if (c < 0x20 || c > 0x7E) {
        sb.append(String.format("\\u{%x}", c));
      } else {
        sb.appendCodePoint(c);
      }
    });
    return sb.append('"').toString();
  }
}
