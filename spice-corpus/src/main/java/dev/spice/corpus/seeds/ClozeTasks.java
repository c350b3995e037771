package dev.spice.corpus.seeds;

import dev.spice.core.Document;
import dev.spice.core.SpiceException.ConfigurationException;
import dev.spice.corpus.seeds.ClozeExtractor.Draft;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Seed tasks made from any text corpus: cloze questions (a sentence with its last word blanked
 * out), split into demonstration items (shown to a model to teach the task format) and held-out
 * items (to probe it) taken from disjoint groups of documents.
 *
 * <p><b>Sentences.</b> Each document's text is split into lines (at any line break), and each line
 * after every {@code .}, {@code !} or {@code ?} that is followed by whitespace or the end of the
 * line; the terminator stays with its sentence. Pieces are stripped and empty ones skipped.
 *
 * <p><b>Words.</b> Maximal runs of Unicode letters, marks, digits, {@code _}, {@code '} and
 * {@code -} inside the sentence; a run without any letter or digit (such as a dash {@code --}) is
 * not a word.
 *
 * <p><b>Items.</b> The answer is the last word of the sentence. An item is made only when at least
 * {@link Builder#minContextWords(int) minContextWords} words come before the answer, the answer has
 * at least {@link Builder#minAnswerChars(int) minAnswerChars} characters (code points), is not a
 * {@link Builder#skipWords(Set) skip word} (ignoring case), and starts a token: the character
 * before it is whitespace or opening punctuation (Unicode categories Ps and Pi, or {@code "}), so
 * the tail of {@code 8,665,550} or {@code 3.5} is never an answer. The question is the sentence up
 * to the start of the answer, stripped, followed by {@code " ___ ?"}: sentence {@code france
 * capital paris} gives question {@code france capital ___ ?} and answer {@code paris}; sentence
 * {@code The Nile flows north into the Mediterranean.} gives {@code The Nile flows north into the
 * ___ ?} and {@code Mediterranean}. The answer type is {@link dev.spice.core.AnswerType#INTEGER}
 * when the answer matches {@code [+-]?[0-9]+}, else {@link dev.spice.core.AnswerType#STRING}.
 *
 * <p><b>Split.</b> Each document has a split key ({@link Builder#splitKey(Function)}, default its
 * id). The distinct keys are sorted, then shuffled (Fisher-Yates, from the last position down)
 * with a {@link SplittableRandom} seeded with {@code seed}; the first {@code ceil(heldOutFraction *
 * keys)} keys, kept between 1 and {@code keys - 1}, are held out and the rest are demonstration
 * keys. Each document goes to the side of its key, so documents sharing a key are never split;
 * each side keeps the input order.
 *
 * <p><b>Per side.</b> Items come only from that side's documents, in document then sentence order,
 * de-duplicated by (question, answer), case-sensitive, keeping the first occurrence (and its
 * document id). Then every held-out item whose sentence, with whitespace collapsed and ignoring
 * case, is also a sentence of any demonstration document (whether or not that sentence made an
 * item) is dropped, so a probe never repeats a demonstrated fact; {@link
 * Split#heldOutDroppedAsSeen()} counts them.
 *
 * <p><b>Distractors.</b> Each item gets up to three wrong answers from the answers of its own side's
 * items (after the steps above): distinct ignoring case, different from the item's answer and from
 * every answer of another item with the same question. Answers of items with the same context word
 * (the word just before the blank, ignoring case) and the same answer type are preferred; the rest
 * are filled from answers of the same answer type, so a distractor never differs from the answer
 * in type. Within each of these two tiers the candidates are put in a canonical
 * order (by lower-case form, independent of the input order) and drawn at random with a generator
 * seeded from (seed, question, answer). With fewer than three candidates the item keeps fewer
 * distractors and has no multiple-choice form.
 *
 * <p>The result depends only on the settings and on the documents in their given order. Instances
 * are immutable and thread-safe, provided the split-key function is.
 */
public final class ClozeTasks {
  /** The default {@link Builder#skipWords(Set) skip words}: common English function words. */
  public static final Set<String> DEFAULT_SKIP_WORDS = Set.of(
      "the", "a", "an", "of", "in", "on", "at", "to", "is", "are", "was", "were", "and", "or", "it",
      "its", "this", "that", "for", "with", "by", "as", "be", "from");

  private final Function<Document, String> splitKey;
  private final double heldOutFraction;
  private final long seed;
  private final ClozeExtractor extractor;

  private ClozeTasks(Builder b) {
    this.splitKey = b.splitKey;
    this.heldOutFraction = b.heldOutFraction;
    this.seed = b.seed;
    this.extractor = new ClozeExtractor(b.skipWords, b.minContextWords, b.minAnswerChars);
  }

  /**
   * A builder with the defaults described on its methods.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Splits the documents and makes the items of each side, following the rules in the class
   * description. Deterministic for the same settings and the same documents in the same order.
   *
   * @param documents the documents to split, in order
   * @return the two sides with their items
   * @throws ConfigurationException naming the counts of documents, keys and items per side, when
   *     there are fewer than two distinct split keys or either side ends up with no items; also
   *     when the split-key function returns null
   */
  public Split split(List<Document> documents) {
    Objects.requireNonNull(documents, "documents");
    List<String> keyOf = new ArrayList<>(documents.size());
    List<String> keys = new ArrayList<>(keys(documents, keyOf));
    if (keys.size() < 2) {
      throw new ConfigurationException(String.format(
          "warm-start corpus too small: %s, %s; need at least 2 keys so that demonstration and held-out "
              + "items come from different documents (add documents or choose a finer splitKey)",
          count(documents.size(), "document"), count(keys.size(), "split key")));
    }
    SeededShuffle.shuffle(keys, new SplittableRandom(seed));
    int heldCount = heldOutKeyCount(keys.size());
    Set<String> heldKeys = new HashSet<>(keys.subList(0, heldCount));

    List<Document> demoDocs = new ArrayList<>();
    List<Document> heldDocs = new ArrayList<>();
    for (int i = 0; i < documents.size(); i++) {
      (heldKeys.contains(keyOf.get(i)) ? heldDocs : demoDocs).add(documents.get(i));
    }
    List<Draft> demo = drafts(demoDocs);
    Set<String> demoSentences = new HashSet<>();
    for (Document d : demoDocs) {
      for (String s : ClozeExtractor.sentences(d.text())) {
        demoSentences.add(ClozeExtractor.sentenceKey(s));
      }
    }
    List<Draft> held = new ArrayList<>();
    int dropped = 0;
    for (Draft d : drafts(heldDocs)) {
      if (demoSentences.contains(d.sentenceKey())) {
        dropped++;
      } else {
        held.add(d);
      }
    }
    if (demo.isEmpty() || held.isEmpty()) {
      throw new ConfigurationException(String.format(
          "warm-start corpus too small: %s, %s (%d demonstration, %d held-out); %s from %s, %s from %s "
              + "(%d more dropped as seen in demonstrations); need at least one item on each side: add "
              + "documents with sentences of more than %d words ending in a non-skip word",
          count(documents.size(), "document"), count(keys.size(), "split key"), keys.size() - heldCount,
          heldCount, count(demo.size(), "demonstration item"), count(demoDocs.size(), "document"),
          count(held.size(), "held-out item"), count(heldDocs.size(), "document"), dropped,
          extractor.minContextWords()));
    }
    return new Split(demoDocs, heldDocs, Distractors.attach(demo, seed), Distractors.attach(held, seed), dropped);
  }

  /** The distinct keys, sorted; {@code keyOf} receives each document's key in input order. */
  private TreeSet<String> keys(List<Document> documents, List<String> keyOf) {
    TreeSet<String> keys = new TreeSet<>();
    for (Document d : documents) {
      Objects.requireNonNull(d, "documents contains null");
      String k = splitKey.apply(d);
      if (k == null) {
        throw new ConfigurationException("splitKey returned null for document '" + d.id() + "'");
      }
      keyOf.add(k);
      keys.add(k);
    }
    return keys;
  }

  private int heldOutKeyCount(int keys) {
    int ceil = new BigDecimal(Double.toString(heldOutFraction)).multiply(BigDecimal.valueOf(keys))
        .setScale(0, RoundingMode.CEILING).intValueExact();
    return Math.max(1, Math.min(keys - 1, ceil));
  }

  /** The drafts of the documents, de-duplicated by (question, answer), first occurrence kept. */
  private List<Draft> drafts(List<Document> docs) {
    Map<List<String>, Draft> unique = new LinkedHashMap<>();
    for (Document d : docs) {
      for (Draft draft : extractor.drafts(d)) {
        unique.putIfAbsent(List.of(draft.question(), draft.answer()), draft);
      }
    }
    return new ArrayList<>(unique.values());
  }

  private static String count(int n, String noun) {
    return n + " " + noun + (n == 1 ? "" : "s");
  }

  /**
   * The two sides of a split. All lists are unmodifiable copies; documents keep the input order and
   * items their document and sentence order.
   *
   * @param demonstrationDocuments documents whose split key was not held out
   * @param heldOutDocuments documents whose split key was held out
   * @param demonstrationItems items from demonstration documents (never empty)
   * @param heldOutItems items from held-out documents whose sentence occurs in no demonstration
   *     document (never empty)
   * @param heldOutDroppedAsSeen held-out items (after de-duplication) dropped because their
   *     sentence also occurs in a demonstration document; zero or more
   */
  public record Split(
      List<Document> demonstrationDocuments,
      List<Document> heldOutDocuments,
      List<ClozeItem> demonstrationItems,
      List<ClozeItem> heldOutItems,
      int heldOutDroppedAsSeen) {

    /**
     * Validates and copies.
     *
     * @param demonstrationDocuments documents on the demonstration side
     * @param heldOutDocuments documents on the held-out side
     * @param demonstrationItems items of the demonstration side
     * @param heldOutItems items of the held-out side
     * @param heldOutDroppedAsSeen held-out items dropped as seen; not negative
     */
    public Split {
      demonstrationDocuments = List.copyOf(demonstrationDocuments);
      heldOutDocuments = List.copyOf(heldOutDocuments);
      demonstrationItems = List.copyOf(demonstrationItems);
      heldOutItems = List.copyOf(heldOutItems);
      if (heldOutDroppedAsSeen < 0) {
        throw new IllegalArgumentException("heldOutDroppedAsSeen is negative: " + heldOutDroppedAsSeen);
      }
    }
  }

  /**
   * Settings for {@link ClozeTasks}; each setter checks its value at once and throws {@link
   * ConfigurationException} naming the valid values. Not thread-safe; may be reused.
   */
  public static final class Builder {
    private Function<Document, String> splitKey = Document::id;
    private double heldOutFraction = 0.5;
    private long seed;
    private Set<String> skipWords = DEFAULT_SKIP_WORDS;
    private int minContextWords = 2;
    private int minAnswerChars = 2;

    private Builder() {}

    /**
     * How documents are grouped for the split (default {@link Document#id()}): documents with the
     * same key always land on the same side. The function must not return null.
     *
     * @param key the split-key function
     * @return this builder
     */
    public Builder splitKey(Function<Document, String> key) {
      this.splitKey = Objects.requireNonNull(key, "splitKey");
      return this;
    }

    /**
     * The share of split keys held out, strictly between 0 and 1 (default 0.5).
     *
     * @param fraction the held-out share, in (0, 1)
     * @return this builder
     */
    public Builder heldOutFraction(double fraction) {
      if (!(fraction > 0 && fraction < 1)) {
        throw new ConfigurationException("heldOutFraction must be in (0, 1), got " + fraction);
      }
      this.heldOutFraction = fraction;
      return this;
    }

    /**
     * The seed of the split and of the distractor choice (default 0).
     *
     * @param seed the seed
     * @return this builder
     */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /**
     * Words never taken as answers, compared ignoring case (default {@link ClozeTasks#DEFAULT_SKIP_WORDS});
     * copied; may be empty.
     *
     * @param words the skip words
     * @return this builder
     */
    public Builder skipWords(Set<String> words) {
      Objects.requireNonNull(words, "skipWords");
      Set<String> lower = new HashSet<>();
      for (String w : words) {
        if (w == null) {
          throw new ConfigurationException("skipWords must not contain null");
        }
        lower.add(ClozeExtractor.lower(w));
      }
      this.skipWords = Set.copyOf(lower);
      return this;
    }

    /**
     * The least number of words before the blank, at least 1 (default 2).
     *
     * @param n the least context word count
     * @return this builder
     */
    public Builder minContextWords(int n) {
      if (n < 1) {
        throw new ConfigurationException("minContextWords must be at least 1, got " + n);
      }
      this.minContextWords = n;
      return this;
    }

    /**
     * The least number of characters (code points) of an answer, at least 1 (default 2).
     *
     * @param n the least answer length in code points
     * @return this builder
     */
    public Builder minAnswerChars(int n) {
      if (n < 1) {
        throw new ConfigurationException("minAnswerChars must be at least 1, got " + n);
      }
      this.minAnswerChars = n;
      return this;
    }

    /**
     * The configured, immutable {@link ClozeTasks}.
     *
     * @return a new {@link ClozeTasks}
     */
    public ClozeTasks build() {
      return new ClozeTasks(this);
    }
  }
}
