package dev.spice.corpus.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.Document;
import dev.spice.core.SpiceException;
import dev.spice.core.internal.json.Json;
import dev.spice.core.internal.model.TokenizerJson;
import dev.spice.corpus.Corpora;
import dev.spice.corpus.Corpus;
import dev.spice.corpus.Factbook;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenizerTrainerTest {
  @TempDir Path dir;

  static final List<String> TEXTS = List.of(
      "The quick brown fox jumps over the lazy dog. The dog sleeps; the fox runs.",
      "Paris is the capital of France. Berlin is the capital of Germany. Vienna is the capital of Austria.",
      "It's a tokenizer: it'll learn merges, we've seen that they're useful, I'm sure you'd agree.",
      "Numbers 12345 and 3.14159 and 2024-06-01, prices $9.99 and 100%!",
      "Unicode: café naïve résumé, 中文字符 日本語, emoji 😀👍🏽, Ελληνικά, русский текст.",
      "    indented line\n\ttabbed line\n\n\nblank lines   trailing spaces   \r\n",
      "the the the the then there these those them they theirs theory thesis");

  /** Texts that exercise the byte-level split: every kind of character and whitespace run. */
  static final List<String> PROBES = List.of(
      "", " ", "  ", "\n", "\n\n\n", "\t \t", "a", "the", " the", "The fox.", "Hello, world!",
      "  leading spaces", "trailing spaces   ", "many     inner     spaces", "tabs\tand\nnewlines\r\nend",
      "it's I'll we've they're I'M 'S", "12345 3.14159 1,000,000", "café naïve résumé", "cafe\u0301 (decomposed)",
      "中文字符 日本語のテキスト 한국어", "emoji 😀👍🏽 family 👨‍👩‍👧 flag 🇫🇷", "Ελληνικά русский עברית العربية",
      "nbsp\u00a0here ideographic\u3000space line\u2028sep nel\u0085x", "zero\u200bwidth joiner\u200d",
      "math ∑∫√ ≤≥ ² ½ ① Ⓐ", "<bos>special<eos> in text", "<pad><pad>x<|im_end|>y", "a<unk>b<eos",
      "\u0000\u0001 control \u007f chars", "🂡🂱 supplementary 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𐍈");

  static TrainedTokenizer bpe(int vocab, List<String> texts) {
    return TokenizerTrainer.byteLevelBpe().vocabSize(vocab).minFrequency(2).chatTokens().build().train(texts);
  }

  @Test
  void specialTokensComeFirstWithFixedIdsAndAreNeverSplit() {
    TrainedTokenizer t = bpe(400, TEXTS);
    assertEquals(List.of("<pad>", "<unk>", "<bos>", "<eos>", "<|im_start|>", "<|im_end|>"), t.specialTokens());
    for (int i = 0; i < t.specialTokens().size(); i++) {
      assertEquals(i, t.tokenToId(t.specialTokens().get(i)));
      assertEquals(t.specialTokens().get(i), t.idToToken(i));
    }
    assertEquals(6, t.tokenToId("\u0100"), "byte 0 follows the special tokens");
    assertEquals(6 + ' ', t.tokenToId("Ġ"), "space is Ġ, byte 32");
    int[] ids = t.encode("<bos>the fox<eos>");
    assertEquals(2, ids[0]);
    assertEquals(3, ids[ids.length - 1]);
    assertArrayEquals(new int[] {0, 0, 5}, t.encode("<pad><pad><|im_end|>"));
    assertEquals("<bos>the fox<eos>", t.decode(ids));
    assertEquals("the fox", t.decode(ids, true));
    // the longest special token wins where two start at the same place
    TrainedTokenizer s = TokenizerTrainer.byteLevelBpe().specialTokens("<s>", "<s>x").vocabSize(300).build()
        .train(List.of("abc abc"));
    assertArrayEquals(new int[] {1, 0}, s.encode("<s>x<s>"));
  }

  @Test
  void sameInputGivesByteIdenticalFilesInAnyDocumentOrder() throws Exception {
    List<String> docs = new ArrayList<>(Factbook.documents().subList(0, 150).stream().map(Document::text).toList());
    TrainedTokenizer a = bpe(1200, docs);
    Collections.shuffle(docs, new Random(7));
    TrainedTokenizer b = bpe(1200, docs);
    byte[] fa = Files.readAllBytes(a.save(dir.resolve("a")));
    byte[] fb = Files.readAllBytes(b.save(dir.resolve("b/tokenizer.json")));
    assertArrayEquals(fa, fb);
    assertEquals(1200, a.vocabSize());
    assertEquals(a.toJson(), new String(fa, StandardCharsets.UTF_8));
    TrainedTokenizer w1 = TokenizerTrainer.wordLevel().vocabSize(500).build().train(docs);
    Collections.shuffle(docs, new Random(8));
    assertEquals(w1.toJson(), TokenizerTrainer.wordLevel().vocabSize(500).build().train(docs).toJson());
  }

  @Test
  void theVocabularyStopsAtTheLimitOrWhenNoPairIsFrequentEnough() {
    List<String> docs = Factbook.documents().subList(0, 60).stream().map(Document::text).toList();
    TrainedTokenizer t = bpe(300, docs);
    assertEquals(300, t.vocabSize());
    assertEquals(300 - 6 - 256, t.merges().size());
    TrainedTokenizer none = TokenizerTrainer.byteLevelBpe().minFrequency(Long.MAX_VALUE).build().train(docs);
    assertEquals(4 + 256, none.vocabSize());
    assertEquals(List.of(), none.merges());
    // the smallest allowed vocabulary: special and byte tokens only, and still every text round-trips
    TrainedTokenizer bytes = TokenizerTrainer.byteLevelBpe().vocabSize(260).build().train(docs);
    assertEquals(260, bytes.vocabSize());
    assertEquals("héllo 😀", bytes.decode(bytes.encode("héllo 😀")));
    assertEquals("héllo 😀".getBytes(StandardCharsets.UTF_8).length, bytes.encode("héllo 😀").length);
    TrainedTokenizer w = TokenizerTrainer.wordLevel().vocabSize(50).build().train(docs);
    assertEquals(50, w.vocabSize());
  }

  @Test
  void mergesAreLearntByFrequencyWithTiesToTheSmallerIds() {
    // the Hugging Face course example: hug x10, pug x5, pun x12, bun x4, hugs x5
    List<String> docs = new ArrayList<>();
    Map<String, Integer> words = Map.of("hug", 10, "pug", 5, "pun", 12, "bun", 4, "hugs", 5);
    words.forEach((w, n) -> docs.addAll(Collections.nCopies(n, w)));
    TrainedTokenizer t = TokenizerTrainer.byteLevelBpe().vocabSize(1000).build().train(docs);
    // u g (20), u n (16), h ug (15), p un (12), then p ug and hug s tie at 5: p is the smaller id
    assertEquals(List.of("u g", "u n", "h ug", "p un", "p ug", "hug s", "b un"), t.merges());
    assertEquals(260 + 7, t.vocabSize());
    assertEquals(List.of("ug", "un", "hug", "pun", "pug", "hugs", "bun"),
        Arrays.stream(new int[] {260, 261, 262, 263, 264, 265, 266}).mapToObj(t::idToToken).toList());
    assertArrayEquals(new int[] {262}, t.encode("hug"));
    assertArrayEquals(new int[] {4 + 'h', 261}, t.encode("hun"), "h u is no merge, u n is");
    assertArrayEquals(new int[] {265, 263}, t.encode("hugspun"), "one pre-token: u g, u n, h ug, p un, hug s");
  }

  @Test
  void encodingAppliesTheMergesInRankOrder() {
    TrainedTokenizer t = bpe(900, Factbook.documents().subList(0, 200).stream().map(Document::text).toList());
    Map<String, Integer> rank = new HashMap<>();
    List<String> merges = t.merges();
    for (int r = 0; r < merges.size(); r++) {
      rank.putIfAbsent(merges.get(r), r);
    }
    List<String> words = new ArrayList<>(List.of("capital", " capital", " government", " population", "Austria",
        " aaaaaaa", " the", " thethethe", " 1234567", "....", "   ", " Nairobi", " établissement"));
    Random rnd = new Random(3);
    String letters = "aeiourstnlcdhpgmb ";
    for (int i = 0; i < 300; i++) {
      StringBuilder sb = new StringBuilder();
      for (int j = 1 + rnd.nextInt(14); j > 0; j--) {
        sb.append(letters.charAt(rnd.nextInt(letters.length())));
      }
      words.add(sb.toString());
    }
    for (String text : words) {
      List<String> expected = new ArrayList<>();
      Splitter.BYTE_LEVEL.matcher(text).results().forEach(m -> expected.addAll(gpt2(ByteLevel.encode(m.group(), 0,
          m.group().length()), rank)));
      List<String> got = Arrays.stream(t.encode(text)).mapToObj(t::idToToken).toList();
      assertEquals(expected, got, "\"" + text + "\"");
    }
  }

  @Test
  void twoLetterCorporaListEachPairOnceAndEncodeAsGpt2() {
    // long merge chains over two letters: every merge spells a vocabulary token, no pair is listed
    // twice, and encoding agrees with GPT-2's merge loop
    Random rnd = new Random(9);
    for (int round = 0; round < 20; round++) {
      List<String> docs = new ArrayList<>();
      for (int i = 0; i < 400; i++) {
        StringBuilder sb = new StringBuilder();
        for (int j = 2 + rnd.nextInt(12); j > 0; j--) {
          sb.append(rnd.nextInt(3) == 0 ? 'b' : 'a');
        }
        docs.add(sb.toString());
      }
      TrainedTokenizer t = TokenizerTrainer.byteLevelBpe().vocabSize(330).minFrequency(1).build().train(docs);
      List<String> merges = t.merges();
      assertEquals(merges.size(), merges.stream().distinct().count(), "each pair once");
      Map<String, Integer> rank = new HashMap<>();
      for (int r = 0; r < merges.size(); r++) {
        String[] lr = merges.get(r).split(" ");
        assertTrue(t.tokenToId(lr[0] + lr[1]) >= 0, merges.get(r));
        rank.put(merges.get(r), r);
      }
      for (String d : docs.subList(0, 50)) {
        assertEquals(gpt2(d, rank), Arrays.stream(t.encode(d)).mapToObj(t::idToToken).toList(), d);
        assertEquals(d, t.decode(t.encode(d)));
      }
    }
  }

  /** GPT-2's original loop: merge every occurrence of the lowest-ranked pair, until none is left. */
  static List<String> gpt2(String word, Map<String, Integer> rank) {
    List<String> parts = word.chars().mapToObj(c -> String.valueOf((char) c)).collect(Collectors.toList());
    while (parts.size() > 1) {
      int best = Integer.MAX_VALUE;
      String bestPair = null;
      for (int i = 0; i + 1 < parts.size(); i++) {
        Integer r = rank.get(parts.get(i) + " " + parts.get(i + 1));
        if (r != null && r < best) {
          best = r;
          bestPair = parts.get(i) + " " + parts.get(i + 1);
        }
      }
      if (bestPair == null) {
        break;
      }
      List<String> next = new ArrayList<>();
      for (int i = 0; i < parts.size(); i++) {
        if (i + 1 < parts.size() && (parts.get(i) + " " + parts.get(i + 1)).equals(bestPair)) {
          next.add(parts.get(i) + parts.get(i + 1));
          i++;
        } else {
          next.add(parts.get(i));
        }
      }
      parts = next;
    }
    return parts;
  }

  @Test
  void anyTextDecodesBackExactly() {
    TrainedTokenizer t = bpe(700, TEXTS);
    for (String p : PROBES) {
      assertEquals(p, t.decode(t.encode(p)), p);
    }
    Random rnd = new Random(11);
    for (int i = 0; i < 2000; i++) {
      String s = randomText(rnd, 1 + rnd.nextInt(40));
      assertEquals(s, t.decode(t.encode(s)), () -> s.codePoints().mapToObj(Integer::toHexString).toList().toString());
    }
    // a lone surrogate is read as U+FFFD
    assertEquals("a\uFFFDb", t.decode(t.encode("a\uD800b")));
    // cut-off characters decode as U+FFFD, as Rust's from_utf8_lossy
    TrainedTokenizer bytes = TokenizerTrainer.byteLevelBpe().vocabSize(260).build().train(TEXTS);
    int[] emoji = bytes.encode("😀");
    assertEquals(4, emoji.length, "no merges: one token per byte");
    assertEquals("\uFFFD", bytes.decode(Arrays.copyOf(emoji, 2)));
    assertEquals("x\uFFFDy", bytes.decode(new int[] {bytes.encode("x")[0], emoji[0], bytes.encode("y")[0]}));
  }

  @Test
  void nfcNormalizesOutsideSpecialTokens() throws Exception {
    TrainedTokenizer t = TokenizerTrainer.byteLevelBpe().vocabSize(400).nfc(true).build().train(TEXTS);
    assertEquals("café", t.decode(t.encode("cafe\u0301")));
    assertArrayEquals(t.encode("café"), t.encode("cafe\u0301"));
    Random rnd = new Random(5);
    for (int i = 0; i < 500; i++) {
      String s = randomText(rnd, 1 + rnd.nextInt(20));
      assertEquals(Normalizer.normalize(s, Normalizer.Form.NFC), t.decode(t.encode(s)));
    }
    Map<String, Object> json = Json.parseObject(t.toJson());
    assertEquals(Map.of("type", "NFC"), json.get("normalizer"));
  }

  static String randomText(Random rnd, int n) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      int kind = rnd.nextInt(6);
      int cp;
      if (kind == 0) {
        cp = " \t\n\r\u00a0\u3000".charAt(rnd.nextInt(6));
      } else if (kind == 1) {
        cp = 0x20 + rnd.nextInt(0x5f);
      } else if (kind == 2) {
        cp = 0x80 + rnd.nextInt(0x780);
      } else if (kind == 3) {
        cp = 0x800 + rnd.nextInt(0xD800 - 0x800);
      } else if (kind == 4) {
        cp = 0x1F300 + rnd.nextInt(0x300);
      } else {
        cp = 0x10000 + rnd.nextInt(0x10FFFF - 0x10000);
      }
      sb.appendCodePoint(cp);
    }
    return sb.toString();
  }

  @Test
  void theFileIsAHuggingFaceByteLevelBpe() throws Exception {
    TrainedTokenizer t = bpe(400, TEXTS);
    Path f = t.save(dir);
    assertEquals(dir.resolve("tokenizer.json"), f);
    TokenizerJson.Info info = TokenizerJson.read(f, SpiceException::new);
    int size = t.vocabSize();
    assertTrue(size > 300, "a small corpus stops early: " + size);
    assertEquals(size, info.vocabSize());
    assertEquals(t.specialTokens(), info.addedTokens());
    Map<String, Object> json = Json.parseObject(Files.readString(f));
    assertEquals("1.0", json.get("version"));
    assertNull(json.get("normalizer"));
    assertNull(json.get("post_processor"));
    Map<?, ?> pre = (Map<?, ?>) json.get("pre_tokenizer");
    assertEquals("ByteLevel", pre.get("type"));
    assertEquals(false, pre.get("add_prefix_space"));
    assertEquals(true, pre.get("use_regex"));
    assertEquals("ByteLevel", ((Map<?, ?>) json.get("decoder")).get("type"));
    Map<?, ?> added = (Map<?, ?>) ((List<?>) json.get("added_tokens")).get(5);
    assertEquals(5L, added.get("id"));
    assertEquals("<|im_end|>", added.get("content"));
    assertEquals(true, added.get("special"));
    assertEquals(false, added.get("normalized"));
    Map<?, ?> model = (Map<?, ?>) json.get("model");
    assertEquals("BPE", model.get("type"));
    Map<?, ?> vocab = (Map<?, ?>) model.get("vocab");
    assertEquals(size, vocab.size());
    for (int i = 0; i < size; i++) {
      assertEquals((long) i, vocab.get(t.idToToken(i)));
    }
    assertEquals(t.merges(), model.get("merges"));
    for (Object m : (List<?>) model.get("merges")) {
      String[] lr = ((String) m).split(" ");
      assertEquals(2, lr.length, (String) m);
      assertTrue(vocab.containsKey(lr[0]) && vocab.containsKey(lr[1]) && vocab.containsKey(lr[0] + lr[1]), (String) m);
    }
    assertEquals(f, t.save(f), "a .json path is the file itself");
    assertTrue(t.toJson().endsWith("}\n"));
    assertTrue(t.toString().contains("BYTE_LEVEL_BPE"), t.toString());
  }

  @Test
  void wordLevelKeepsTheMostFrequentWordsAndMapsTheRestToUnk() throws Exception {
    List<String> docs = List.of("the cat sat on the mat.", "the dog sat on the log!", "a cat, a dog; the end.");
    TrainedTokenizer t = TokenizerTrainer.wordLevel().vocabSize(10).minFrequency(2).build().train(docs);
    assertEquals(TrainedTokenizer.Kind.WORD_LEVEL, t.kind());
    // the 5, a 2, cat 2, dog 2, on 2, sat 2, then . 2 (string order puts "." first); once-only words are out
    assertEquals(List.of("<pad>", "<unk>", "<bos>", "<eos>", "the", ".", "a", "cat", "dog", "on"),
        Arrays.stream(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}).mapToObj(t::idToToken).toList());
    assertEquals(10, t.vocabSize());
    assertArrayEquals(new int[] {2, 4, 7, 1, 9, 1, 4, 1, 5, 3}, t.encode("<bos>the cat sat on? the mat.<eos>"));
    assertEquals("<bos> the cat <unk> on <unk> the <unk> . <eos>",
        t.decode(t.encode("<bos>the cat sat on? the mat.<eos>")));
    assertEquals("the cat", t.decode(new int[] {2, 4, 7, 1, 3}, true), "<unk> is special too");
    assertEquals("the cat", t.decode(new int[] {2, 4, 7, 3}, true));
    assertEquals("<unk>", t.unkToken());
    Map<String, Object> json = Json.parseObject(Files.readString(t.save(dir)));
    assertEquals(Map.of("type", "Whitespace"), json.get("pre_tokenizer"));
    assertNull(json.get("decoder"));
    Map<?, ?> model = (Map<?, ?>) json.get("model");
    assertEquals("WordLevel", model.get("type"));
    assertEquals("<unk>", model.get("unk_token"));
    assertFalse(model.containsKey("merges"));
    // words are runs of letters, marks, digits and _; other symbols make runs of their own
    TrainedTokenizer u = TokenizerTrainer.wordLevel().minFrequency(1).build().train(List.of("naïve café_2 x+=y ...!"));
    assertEquals(List.of("naïve", "café_2", "x", "+=", "y", "...!"),
        Arrays.stream(u.encode("naïve café_2 x+=y ...!")).mapToObj(u::idToToken).toList());
  }

  @Test
  void aCorpusSourceIsReadForOneEpochAndLeftWhereItWas() {
    List<Document> docs = new ArrayList<>();
    for (int i = 0; i < TEXTS.size(); i++) {
      docs.add(Document.of("d" + i, TEXTS.get(i), "test"));
    }
    Corpus c = Corpora.of(docs);
    c.next();
    c.next();
    var cursor = c.cursor();
    TrainedTokenizer fromSource =
        TokenizerTrainer.byteLevelBpe().vocabSize(500).chatTokens().build().train(Corpora.of(docs));
    assertEquals(bpe(500, TEXTS).toJson(), fromSource.toJson());
    assertEquals(TEXTS.size(), fromSource.stats().documents());
    TokenizerTrainer tr = TokenizerTrainer.byteLevelBpe().vocabSize(500).build();
    tr.train(c, 5);
    assertEquals(cursor, c.cursor(), "position restored");
  }

  @Test
  void emptyCorporaAndBadSettingsAreRefusedWithReasons() {
    var bpe = TokenizerTrainer.byteLevelBpe().build();
    assertMessage(SpiceException.CorpusException.class, "no text to learn from: read 3 texts, all empty or only special",
        () -> bpe.train(List.of("", "<eos>", "<pad><pad>")));
    assertMessage(SpiceException.CorpusException.class, "text 2 is null",
        () -> bpe.train(Arrays.asList("a", null)));
    assertMessage(SpiceException.ConfigurationException.class, "documents must be >= 1, got 0",
        () -> bpe.train(Corpora.of(List.of(Document.of("a", "x", "s"))), 0));
    assertMessage(SpiceException.ConfigurationException.class,
        "vocabSize must be >= 260 (4 special tokens + 256 byte tokens), got 100",
        () -> TokenizerTrainer.byteLevelBpe().vocabSize(100).build());
    assertMessage(SpiceException.ConfigurationException.class,
        "vocabSize must be >= 5 (4 special tokens + at least one word), got 4",
        () -> TokenizerTrainer.wordLevel().vocabSize(4).build());
    assertMessage(SpiceException.ConfigurationException.class, "minFrequency must be >= 1, got 0",
        () -> TokenizerTrainer.wordLevel().minFrequency(0).build());
    assertMessage(SpiceException.ConfigurationException.class, "special token \"<eos>\" is listed twice (at 0 and 2)",
        () -> TokenizerTrainer.byteLevelBpe().specialTokens("<eos>", "<pad>", "<eos>").build());
    assertMessage(SpiceException.ConfigurationException.class, "special token 1 is empty",
        () -> TokenizerTrainer.byteLevelBpe().specialTokens("<eos>", "").build());
    assertMessage(SpiceException.ConfigurationException.class, "special token 0 is null",
        () -> TokenizerTrainer.byteLevelBpe().specialTokens(Arrays.asList((String) null)).build());
    assertMessage(SpiceException.ConfigurationException.class, "special token 0 holds an unpaired surrogate",
        () -> TokenizerTrainer.byteLevelBpe().specialTokens("<\uD800>").build());
    assertMessage(SpiceException.ConfigurationException.class,
        "special token \"!\" is a single byte character, which is already the byte token of byte 33",
        () -> TokenizerTrainer.byteLevelBpe().specialTokens("!").build());
    assertMessage(SpiceException.ConfigurationException.class, "unkToken applies to wordLevel() only",
        () -> TokenizerTrainer.byteLevelBpe().unkToken("<unk>").build());
    assertMessage(SpiceException.ConfigurationException.class,
        "unkToken \"<unk>\" is not one of the special tokens [<pad>, <eos>]",
        () -> TokenizerTrainer.wordLevel().specialTokens("<pad>", "<eos>").build());
    assertMessage(SpiceException.CorpusException.class, "does not report its size",
        () -> bpe.train(new dev.spice.core.CorpusSource() {
          @Override
          public String name() {
            return "endless";
          }

          @Override
          public Document next() {
            return Document.of("x", "x", "endless");
          }

          @Override
          public dev.spice.core.CorpusCursor cursor() {
            return new dev.spice.core.CorpusCursor("endless", "");
          }

          @Override
          public void restore(dev.spice.core.CorpusCursor cursor) {}

          @Override
          public java.util.OptionalLong size() {
            return java.util.OptionalLong.empty();
          }
        }));
    TrainedTokenizer t = bpe.train(List.of("abc"));
    assertMessage(IllegalArgumentException.class, "token id 260 is outside the vocabulary [0, 260)",
        () -> t.decode(new int[] {260}));
    assertMessage(IllegalArgumentException.class, "token id -1 is outside", () -> t.idToToken(-1));
    // single characters outside the byte alphabet, and chat tokens, are fine
    assertEquals(List.of("中", "<pad>", "<|im_start|>", "<|im_end|>"),
        TokenizerTrainer.byteLevelBpe().specialTokens("中", "<pad>").chatTokens().chatTokens().build().specialTokens());
  }

  static void assertMessage(Class<? extends Throwable> type, String part, org.junit.jupiter.api.function.Executable e) {
    Throwable t = assertThrows(type, e);
    assertTrue(t.getMessage().contains(part), t.getMessage());
  }
}
