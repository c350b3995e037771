package dev.spice.corpus.tokenizer;

import dev.spice.core.CorpusCursor;
import dev.spice.core.CorpusSource;
import dev.spice.core.SpiceException.ConfigurationException;
import dev.spice.core.SpiceException.CorpusException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Learns a tokenizer from a corpus, in pure Java, and hands back a {@link TrainedTokenizer} that
 * saves itself as a Hugging Face {@code tokenizer.json} (which DJL's and Python's tokenizers
 * libraries load as is) and encodes and decodes exactly as those libraries do with that file.
 *
 * <pre>{@code
 * TrainedTokenizer tok = TokenizerTrainer.byteLevelBpe()
 *     .vocabSize(8192).minFrequency(2)
 *     .specialTokens("<pad>", "<unk>", "<bos>", "<eos>").chatTokens()
 *     .build()
 *     .train(Corpora.factbook());          // one epoch: every document once
 * tok.save(Path.of("model-dir"));          // model-dir/tokenizer.json
 * }</pre>
 *
 * <p>Two kinds:
 *
 * <ul>
 *   <li>{@link #byteLevelBpe()}: GPT-2 / Qwen style. Texts are split (outside special tokens) by
 *       GPT-2's regular expression (contractions {@code 's 't 're 've 'm 'll 'd}, an optional space
 *       followed by letters, by digits or by other symbols, and whitespace runs, the last space
 *       of a run going with the following word), each piece is written as its UTF-8 bytes in
 *       GPT-2's byte-to-unicode characters ({@code Ġ} for space), and merges are learnt from the
 *       counted pieces (most frequent pair first; ties to the smaller left, then right, token
 *       id). The vocabulary is the special tokens, the 256 bytes in byte order, then one token per
 *       merge; every text encodes, and decodes back exactly.
 *   <li>{@link #wordLevel()}: words (runs of letters, marks, digits and connector punctuation)
 *       and runs of other non-space symbols; the vocabulary is the special tokens then the most
 *       frequent pieces (ties in string order); any other piece encodes as the unknown token
 *       ({@code <unk>} by default). Decoding joins tokens with single spaces.
 * </ul>
 *
 * <p>Special tokens come first, with ids {@code 0..k-1} in the order given, and are written as
 * special {@code added_tokens}: in a text they become their id wherever they occur (leftmost,
 * longest first) and are never split; training leaves them out of the counts.
 *
 * <p>Training streams: each text is split and its pieces counted, then dropped, so memory holds
 * one document plus one counter per distinct piece (see {@link TrainedTokenizer#stats()}), never
 * the corpus. The result depends only on the multiset of pieces read: the same documents in any
 * order give the same, byte-identical, {@code tokenizer.json}.
 *
 * <p>Immutable and safe for use from several threads; each {@code train} call is independent.
 */
public final class TokenizerTrainer {
  /** Special tokens used unless {@link Builder#specialTokens} says otherwise: ids 0..3. */
  public static final List<String> DEFAULT_SPECIAL_TOKENS = List.of("<pad>", "<unk>", "<bos>", "<eos>");
  /** The ChatML tokens {@link Builder#chatTokens()} adds. */
  public static final List<String> CHAT_TOKENS = List.of("<|im_start|>", "<|im_end|>");
  /** Default vocabulary size limit. */
  public static final int DEFAULT_VOCAB_SIZE = 8192;
  /** Default minimum frequency of a merge (BPE) or word (word level). */
  public static final long DEFAULT_MIN_FREQUENCY = 2;
  /** The 256 byte tokens of a byte-level BPE. */
  public static final int BYTE_TOKENS = 256;

  private final TrainedTokenizer.Kind kind;
  private final int vocabSize;
  private final long minFrequency;
  private final List<String> specials;
  private final String unkToken;
  private final boolean nfc;

  private TokenizerTrainer(Builder b) {
    this.kind = b.kind;
    this.vocabSize = b.vocabSize;
    this.minFrequency = b.minFrequency;
    this.specials = List.copyOf(b.specials);
    this.unkToken = kind == TrainedTokenizer.Kind.WORD_LEVEL ? b.unkToken : null;
    this.nfc = b.nfc;
  }

  /**
   * A byte-level BPE trainer (GPT-2 / Qwen style).
   *
   * @return a new builder
   */
  public static Builder byteLevelBpe() {
    return new Builder(TrainedTokenizer.Kind.BYTE_LEVEL_BPE);
  }

  /**
   * A word-level trainer (whitespace and punctuation split, unknown words as {@code <unk>}).
   *
   * @return a new builder
   */
  public static Builder wordLevel() {
    return new Builder(TrainedTokenizer.Kind.WORD_LEVEL);
  }

  /**
   * The kind of tokenizer trained.
   *
   * @return the tokenizer kind
   */
  public TrainedTokenizer.Kind kind() {
    return kind;
  }

  /**
   * The vocabulary size limit, special (and, for BPE, byte) tokens included.
   *
   * @return the vocabulary size limit
   */
  public int vocabSize() {
    return vocabSize;
  }

  /**
   * Fewest occurrences of a merged pair (BPE) or of a word (word level) to enter the vocabulary.
   *
   * @return the least frequency
   */
  public long minFrequency() {
    return minFrequency;
  }

  /**
   * The special tokens, in id order.
   *
   * @return the special tokens
   */
  public List<String> specialTokens() {
    return specials;
  }

  /**
   * Trains on one epoch of a corpus source: {@code source.size()} draws, which from a freshly
   * built source of this module (or a cursor at an epoch start) is every document exactly once.
   * The source's position is restored afterwards.
   *
   * @param source the corpus source to read
   * @return the trained tokenizer
   * @throws CorpusException if the source does not report its size (use {@link #train(CorpusSource,
   *     long)}), cannot be read, or holds no text outside special tokens
   */
  public TrainedTokenizer train(CorpusSource source) {
    Objects.requireNonNull(source, "source");
    OptionalLong n = source.size();
    if (n.isEmpty()) {
      throw new CorpusException("corpus source '" + source.name() + "' does not report its size; call "
          + "train(source, documents) with the number of documents to read");
    }
    return train(source, n.getAsLong());
  }

  /**
   * Trains on the next {@code documents} draws of a corpus source, then restores its position.
   *
   * @param source the corpus source to read
   * @param documents how many draws to read, at least 1
   * @return the trained tokenizer
   * @throws ConfigurationException if {@code documents < 1}
   * @throws CorpusException if the source cannot be read or holds no text outside special tokens
   */
  public TrainedTokenizer train(CorpusSource source, long documents) {
    Objects.requireNonNull(source, "source");
    if (documents < 1) {
      throw new ConfigurationException("TokenizerTrainer: documents must be >= 1, got " + documents);
    }
    CorpusCursor start = source.cursor();
    try {
      return train(new Iterator<String>() {
        long left = documents;

        @Override
        public boolean hasNext() {
          return left > 0;
        }

        @Override
        public String next() {
          left--;
          return source.next().text();
        }
      });
    } finally {
      source.restore(start);
    }
  }

  /**
   * Trains on texts.
   *
   * @param texts the training texts
   * @return the trained tokenizer
   * @throws CorpusException if there is no text outside special tokens, or a text is null
   */
  public TrainedTokenizer train(Iterable<String> texts) {
    Objects.requireNonNull(texts, "texts");
    return train(texts.iterator());
  }

  /**
   * Trains on texts, read once, one at a time.
   *
   * @param texts the training texts
   * @return the trained tokenizer
   * @throws CorpusException if there is no text outside special tokens, or a text is null
   */
  public TrainedTokenizer train(Iterator<String> texts) {
    Objects.requireNonNull(texts, "texts");
    boolean bpe = kind == TrainedTokenizer.Kind.BYTE_LEVEL_BPE;
    Splitter splitter = new Splitter(specials, bpe ? Splitter.BYTE_LEVEL : Splitter.WORDS, nfc);
    Map<String, long[]> counts = new HashMap<>();
    long docs = 0;
    long[] pieces = {0};
    while (texts.hasNext()) {
      String text = texts.next();
      if (text == null) {
        throw new CorpusException("TokenizerTrainer: text " + (docs + 1) + " is null");
      }
      docs++;
      splitter.split(text, s -> { }, piece -> {
        pieces[0]++;
        String key = bpe ? ByteLevel.encode(piece, 0, piece.length()) : piece;
        counts.computeIfAbsent(key, k -> new long[1])[0]++;
      });
    }
    if (counts.isEmpty()) {
      throw new CorpusException("TokenizerTrainer: no text to learn from: read " + docs + " texts, all empty"
          + (specials.isEmpty() ? "" : " or only special tokens"));
    }
    String[] words = counts.keySet().toArray(new String[0]);
    Arrays.sort(words);
    long[] n = new long[words.length];
    for (int i = 0; i < words.length; i++) {
      n[i] = counts.get(words[i])[0];
    }
    counts.clear();
    TrainedTokenizer.TrainingStats stats = new TrainedTokenizer.TrainingStats(docs, pieces[0], words.length);
    if (bpe) {
      BpeLearner.Result r = BpeLearner.learn(specials, words, n, vocabSize, minFrequency);
      return new TrainedTokenizer(kind, r.tokens(), specials, r.merges(), nfc, null, stats);
    }
    Integer[] order = new Integer[words.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    // most frequent first; words are sorted, so equal counts stay in string order
    Arrays.sort(order, (x, y) -> Long.compare(n[y], n[x]));
    List<String> vocab = new ArrayList<>(specials);
    Set<String> special = new HashSet<>(specials);
    for (int i = 0; i < order.length && vocab.size() < vocabSize && n[order[i]] >= minFrequency; i++) {
      String w = words[order[i]];
      if (!special.contains(w)) { // possible only through NFC
        vocab.add(w);
      }
    }
    return new TrainedTokenizer(kind, vocab, specials, List.of(), nfc, unkToken, stats);
  }

  @Override
  public String toString() {
    return "TokenizerTrainer[" + kind + ", vocabSize=" + vocabSize + ", minFrequency=" + minFrequency + ", specials="
        + specials + (nfc ? ", NFC" : "") + "]";
  }

  /** Settings of a {@link TokenizerTrainer}; validated at {@link #build()}. Not thread-safe. */
  public static final class Builder {
    private final TrainedTokenizer.Kind kind;
    private int vocabSize = DEFAULT_VOCAB_SIZE;
    private long minFrequency = DEFAULT_MIN_FREQUENCY;
    private List<String> specials = new ArrayList<>(DEFAULT_SPECIAL_TOKENS);
    private String unkToken = "<unk>";
    private boolean unkTokenSet;
    private boolean nfc;

    private Builder(TrainedTokenizer.Kind kind) {
      this.kind = kind;
    }

    private String who() {
      return kind == TrainedTokenizer.Kind.BYTE_LEVEL_BPE ? "TokenizerTrainer.byteLevelBpe()" : "TokenizerTrainer.wordLevel()";
    }

    /**
     * Largest vocabulary, special tokens (and the 256 byte tokens of a BPE) included; default
     * {@value TokenizerTrainer#DEFAULT_VOCAB_SIZE}. A small corpus may give fewer.
     *
     * @param vocabSize the largest vocabulary size
     * @return this builder
     */
    public Builder vocabSize(int vocabSize) {
      this.vocabSize = vocabSize;
      return this;
    }

    /**
     * Fewest occurrences of a pair for a BPE merge, or of a word for the word-level vocabulary;
     * default {@value TokenizerTrainer#DEFAULT_MIN_FREQUENCY}, at least 1.
     *
     * @param minFrequency the fewest occurrences, at least 1
     * @return this builder
     */
    public Builder minFrequency(long minFrequency) {
      this.minFrequency = minFrequency;
      return this;
    }

    /**
     * The special tokens, replacing the default {@code <pad> <unk> <bos> <eos>}; ids in this order.
     *
     * @param tokens the special tokens
     * @return this builder
     */
    public Builder specialTokens(String... tokens) {
      Objects.requireNonNull(tokens, "tokens");
      return specialTokens(Arrays.asList(tokens));
    }

    /**
     * The special tokens, replacing the default {@code <pad> <unk> <bos> <eos>}; ids in this order.
     *
     * @param tokens the special tokens (copied)
     * @return this builder
     */
    public Builder specialTokens(List<String> tokens) {
      Objects.requireNonNull(tokens, "tokens");
      this.specials = new ArrayList<>(tokens);
      return this;
    }

    /**
     * Appends the ChatML tokens {@code <|im_start|>} and {@code <|im_end|>} (those not yet listed).
     *
     * @return this builder
     */
    public Builder chatTokens() {
      for (String t : CHAT_TOKENS) {
        if (!specials.contains(t)) {
          specials.add(t);
        }
      }
      return this;
    }

    /**
     * The unknown-word token of a word-level tokenizer, one of the special tokens; default
     * {@code <unk>}. Not for byte-level BPE, which encodes every text without one.
     *
     * @param token the unknown-word token
     * @return this builder
     */
    public Builder unkToken(String token) {
      this.unkToken = token;
      this.unkTokenSet = true;
      return this;
    }

    /**
     * NFC-normalize texts (outside special tokens) before splitting; default off (texts as they are).
     *
     * @param nfc whether to NFC-normalize
     * @return this builder
     */
    public Builder nfc(boolean nfc) {
      this.nfc = nfc;
      return this;
    }

    /**
     * Validates and builds.
     *
     * @return the trainer
     * @throws ConfigurationException naming the setting and its valid values: a special token that
     *     is null, empty, repeated, holds an unpaired surrogate or (BPE) is a single byte
     *     character; a vocabulary too small for the special (and byte) tokens; minFrequency below
     *     1; a word-level unknown token that is not a special token; an unknown token for BPE
     */
    public TokenizerTrainer build() {
      boolean bpe = kind == TrainedTokenizer.Kind.BYTE_LEVEL_BPE;
      Set<String> seen = new HashSet<>();
      for (int i = 0; i < specials.size(); i++) {
        String s = specials.get(i);
        if (s == null || s.isEmpty()) {
          throw new ConfigurationException(who() + ": special token " + i + " is " + (s == null ? "null" : "empty")
              + "; special tokens are non-empty strings such as <pad>, <eos>, <|im_end|>");
        }
        if (!seen.add(s)) {
          throw new ConfigurationException(who() + ": special token \"" + s + "\" is listed twice (at " + specials.indexOf(s)
              + " and " + i + "); each special token has one id");
        }
        if (Splitter.hasLoneSurrogate(s)) {
          throw new ConfigurationException(who() + ": special token " + i + " holds an unpaired surrogate; it cannot be "
              + "written as UTF-8");
        }
        if (bpe && s.length() == 1 && ByteLevel.byteOf(s.charAt(0)) >= 0) {
          throw new ConfigurationException(who() + ": special token \"" + s + "\" is a single byte character, which is "
              + "already the byte token of byte " + ByteLevel.byteOf(s.charAt(0)) + "; use a longer name such as <" + s + ">");
        }
      }
      int least = specials.size() + (bpe ? BYTE_TOKENS : 1);
      if (vocabSize < least) {
        throw new ConfigurationException(who() + ": vocabSize must be >= " + least + " (" + specials.size()
            + " special tokens + " + (bpe ? BYTE_TOKENS + " byte tokens" : "at least one word") + "), got " + vocabSize);
      }
      if (minFrequency < 1) {
        throw new ConfigurationException(who() + ": minFrequency must be >= 1, got " + minFrequency);
      }
      if (bpe && unkTokenSet) {
        throw new ConfigurationException(who() + ": unkToken applies to wordLevel() only; a byte-level BPE encodes every "
            + "text with its 256 byte tokens and has no unknown token");
      }
      if (!bpe && (unkToken == null || !specials.contains(unkToken))) {
        throw new ConfigurationException(who() + ": unkToken " + (unkToken == null ? "null" : "\"" + unkToken + "\"")
            + " is not one of the special tokens " + specials + "; a word-level tokenizer needs it for words outside "
            + "its vocabulary (add it to specialTokens, or name one with unkToken)");
      }
      return new TokenizerTrainer(this);
    }
  }
}
