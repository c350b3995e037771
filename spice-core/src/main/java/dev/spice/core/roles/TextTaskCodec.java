package dev.spice.core.roles;

import static dev.spice.core.roles.InvalidReasons.of;

import dev.spice.core.AnswerType;
import dev.spice.core.Document;
import dev.spice.core.SpiceException;
import dev.spice.core.Task;
import dev.spice.core.TaskCodec;
import dev.spice.core.TaskFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A compact task format for small models, for example word-level models trained from scratch:
 *
 * <pre>
 * question: &lt;question&gt; answer: &lt;answer&gt;
 * question: &lt;question&gt; options: &lt;o1&gt; | &lt;o2&gt; | &lt;o3&gt; | &lt;o4&gt; answer: &lt;answer&gt;
 * </pre>
 *
 * <p>Keywords are case-insensitive whole words; any whitespace (newlines included) may stand
 * around {@code :} and {@code |}, so the output of a word-level tokenizer, which joins tokens with
 * single spaces ({@code question : france capital ___ ? answer : paris}), is read the same way.
 * Text before the first {@code question:} is ignored; the last {@code answer:} ends the question
 * and options, and the rest of the text, without trailing periods, is the answer. Question, options
 * and answer have their whitespace collapsed to single spaces.
 *
 * <p>Multiple choice: the answer is the text of an option (compared case-insensitively after
 * collapsing whitespace), or else a letter {@code A-D} (either case, optionally in parentheses);
 * options keep their written order and the gold letter is that of the matching option. Free form:
 * the answer type is {@link AnswerType#INTEGER} when the answer is a whole number
 * ({@code [+-]?\d+}, or with thousands separators as in {@code 1,234}), else
 * {@link AnswerType#STRING}.
 *
 * <p>Invalid outputs are {@link Decoded#invalid} results whose reason starts with one of the
 * {@link InvalidReasons} codes, checked in this order: {@code too_long} (output over
 * {@code maxChars}; nothing longer is parsed), {@code format} (no {@code question:}, no
 * {@code answer:} after it, a second {@code question:} or {@code options:} keyword anywhere after
 * the first {@code question:}, a second {@code answer:} before the last, or {@code options:} after
 * {@code answer:}), {@code no_question}, {@code options}, {@code duplicate_options},
 * {@code no_answer}, {@code too_long} (question over {@code maxQuestionWords}, answer or an option
 * over {@code maxAnswerWords} words), {@code answer_not_in_options}, {@code answer_in_question}
 * (the free-form answer, or the gold option's text, is a whole word of the question) and
 * {@code not_grounded} (see {@link Grounding}).
 *
 * <p>Immutable and thread-safe.
 */
public final class TextTaskCodec implements TaskCodec {
  private static final Pattern INTEGER = Pattern.compile("[+-]?(\\d+|\\d{1,3}(,\\d{3})+)");
  private static final Pattern LETTER = Pattern.compile("\\(?[A-Da-d]\\)?");

  /** Whether the gold answer must come from the document. */
  public enum Grounding {
    /** No check (as in the paper). */
    NONE,
    /**
     * The gold answer text (the free-form answer, or the gold option's text) must occur in the
     * document's text as a whole word, case-insensitive, whitespace-normalised. Not checked for an
     * empty document (the Challenger without a document). The paper makes no such check: this is
     * a setting for small models, which otherwise drift to gold answers that are not in their
     * document.
     */
    ANSWER_IN_DOCUMENT,
    /**
     * Stricter: one sentence of the document (a line, or a part of a line ending in {@code .},
     * {@code !} or {@code ?} followed by whitespace) must contain the gold answer text and every
     * word of the question (words: runs of letters, digits, {@code _}, {@code '} and {@code -}
     * holding a letter or digit; so a blank {@code ___} and punctuation do not count), each as a
     * whole word, case-insensitive. It accepts the cloze questions that
     * {@code dev.spice.corpus.seeds.ClozeTasks} demonstrates and rejects a gold answer taken from
     * another sentence than the question's, the way a small Challenger drifts when only
     * {@link #ANSWER_IN_DOCUMENT} is checked (the gold is in the document, but answers another
     * question, and the Reasoner learns the wrong fact). Not checked for an empty document. The
     * paper makes no such check.
     */
    SAME_SENTENCE
  }

  private final int maxQuestionWords;
  private final int maxAnswerWords;
  private final int maxChars;
  private final Grounding grounding;

  private TextTaskCodec(Builder b) {
    this.maxQuestionWords = b.maxQuestionWords;
    this.maxAnswerWords = b.maxAnswerWords;
    this.maxChars = b.maxChars;
    this.grounding = b.grounding;
  }

  /**
   * A builder with the defaults: 40 question words, 6 answer words, 2000 characters, no grounding.
   *
   * @return this builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The codec with the default settings ({@link #builder()}).
   *
   * @return the codec with the default settings ({@link #builder()})
   */
  public static TextTaskCodec defaults() {
    return builder().build();
  }

  /** {@code text}. */
  @Override
  public String name() {
    return "text";
  }

  /**
   * Exactly {@code write a task:}. Deliberately short: a small model reads it in every Challenger
   * prompt, and learns the format from demonstrations ({@link #encode}) rather than from words.
   */
  @Override
  public String formatInstructions() {
    return "write a task:";
  }

  /** Parses one output as described on the class; never throws for any text. */
  @Override
  public Decoded decode(String completionText, Document document) {
    try {
      return parse(completionText, document);
    } catch (RuntimeException e) {
      return Decoded.invalid(of(InvalidReasons.FORMAT, "unreadable output: " + e));
    }
  }

  /**
   * Writes {@code question: Q answer: A}, or for multiple choice
   * {@code question: Q options: o1 | o2 | o3 | o4 answer: <gold option text>}, with whitespace
   * collapsed to single spaces.
   *
   * @throws IllegalArgumentException if the text would not decode back to an equal task under this
   *     codec's settings (for example a question over the word limit, an option containing
   *     {@code |}, or a free-form answer type other than the inferred INTEGER or STRING)
   */
  @Override
  public String encode(Task task) {
    Objects.requireNonNull(task, "task");
    StringBuilder sb = new StringBuilder("question: ").append(TextScan.collapse(task.question()));
    if (task.format() == TaskFormat.MULTIPLE_CHOICE) {
      sb.append(" options: ");
      for (int i = 0; i < task.options().size(); i++) {
        sb.append(i == 0 ? "" : " | ").append(TextScan.collapse(task.options().get(i)));
      }
    }
    sb.append(" answer: ").append(TextScan.collapse(task.goldText()));
    String text = sb.toString();
    Decoded back = decode(text, Document.of("encode", "", "encode"));
    if (back.task() == null) {
      throw new IllegalArgumentException(
          "cannot write this task in the text format (" + back.invalidReason() + "): " + text);
    }
    Task t = back.task();
    List<String> options = task.options().stream().map(TextScan::collapse).toList();
    if (!t.question().equals(TextScan.collapse(task.question())) || t.format() != task.format()
        || !t.options().equals(options) || !t.goldAnswer().equals(task.format() == TaskFormat.MULTIPLE_CHOICE
            ? task.goldAnswer() : TextScan.collapse(task.goldAnswer()))
        || t.answerType() != task.answerType()) {
      throw new IllegalArgumentException("the text format would read this task back differently (answer type "
          + t.answerType() + ", gold " + t.goldAnswer() + "; the task has " + task.answerType() + ", gold "
          + task.goldAnswer() + "): " + text);
    }
    return text;
  }

  private Decoded parse(String text, Document document) {
    if (text.length() > maxChars) {
      return Decoded.invalid(of(InvalidReasons.TOO_LONG, "output longer than " + maxChars + " characters"));
    }
    String low = TextScan.asciiLower(text);
    List<int[]> questions = TextScan.keywords(low, "question");
    if (questions.isEmpty()) {
      return Decoded.invalid(of(InvalidReasons.FORMAT, "no 'question:' keyword"));
    }
    int[] q = questions.get(0);
    List<int[]> answers = TextScan.keywords(low, "answer");
    int[] a = answers.isEmpty() ? null : answers.get(answers.size() - 1);
    if (a == null || a[0] < q[1]) {
      return Decoded.invalid(of(InvalidReasons.FORMAT, "no 'answer:' keyword after 'question:'"));
    }
    if (questions.size() > 1) {
      return Decoded.invalid(of(InvalidReasons.FORMAT, "more than one 'question:' keyword"));
    }
    if (answers.size() > 1 && answers.get(answers.size() - 2)[0] >= q[1]) {
      return Decoded.invalid(of(InvalidReasons.FORMAT, "more than one 'answer:' keyword after 'question:'"));
    }
    List<int[]> optionKeys = new ArrayList<>();
    for (int[] o : TextScan.keywords(low, "options")) {
      if (o[0] >= q[1]) {
        optionKeys.add(o);
      }
    }
    if (optionKeys.size() > 1) {
      return Decoded.invalid(of(InvalidReasons.FORMAT, "more than one 'options:' keyword"));
    }
    int[] opt = optionKeys.isEmpty() ? null : optionKeys.get(0);
    if (opt != null && opt[0] > a[0]) {
      return Decoded.invalid(of(InvalidReasons.FORMAT, "'options:' after 'answer:'"));
    }
    String question = TextScan.collapse(text.substring(q[1], opt == null ? a[0] : opt[0]));
    if (question.isEmpty()) {
      return Decoded.invalid(of(InvalidReasons.NO_QUESTION, "the question is empty"));
    }
    List<String> options = null;
    if (opt != null) {
      options = new ArrayList<>();
      for (String o : text.substring(opt[1], a[0]).split("\\|", -1)) {
        options.add(TextScan.collapse(o));
      }
      Decoded bad = checkOptions(options);
      if (bad != null) {
        return bad;
      }
    }
    String answer = answerText(text.substring(a[1]));
    if (answer.isEmpty()) {
      return Decoded.invalid(of(InvalidReasons.NO_ANSWER, "the answer is empty"));
    }
    Decoded tooLong = checkLengths(question, options, answer);
    if (tooLong != null) {
      return tooLong;
    }
    Task task;
    if (options != null) {
      int gold = goldIndex(answer, options);
      if (gold < 0) {
        return Decoded.invalid(of(InvalidReasons.ANSWER_NOT_IN_OPTIONS,
            "the answer '" + answer + "' is neither a letter A-D nor one of the options"));
      }
      task = Task.multipleChoice(question, options, String.valueOf((char) ('A' + gold)));
    } else {
      AnswerType type = INTEGER.matcher(answer).matches() ? AnswerType.INTEGER : AnswerType.STRING;
      task = Task.freeForm(question, answer, type);
    }
    String gold = task.goldText();
    if (TextScan.containsWord(question, gold)) {
      return Decoded.invalid(of(InvalidReasons.ANSWER_IN_QUESTION, "the question contains its answer '" + gold + "'"));
    }
    if (grounding != Grounding.NONE && document != null && !document.text().isBlank()) {
      if (!TextScan.containsWord(document.text(), gold)) {
        return Decoded.invalid(of(InvalidReasons.NOT_GROUNDED, "the answer '" + gold + "' does not occur in the document"));
      }
      if (grounding == Grounding.SAME_SENTENCE && !sameSentence(document.text(), question, gold)) {
        return Decoded.invalid(of(InvalidReasons.NOT_GROUNDED, "no sentence of the document holds both the answer '"
            + gold + "' and every word of the question"));
      }
    }
    return Decoded.valid(task);
  }

  private static final Pattern SENTENCE_END = Pattern.compile("(?<=[.!?])\\s+|\\R");
  private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{M}\\p{N}_'-]+");

  /** Whether one sentence of {@code text} holds {@code gold} and every word of {@code question}. */
  static boolean sameSentence(String text, String question, String gold) {
    List<String> words = new java.util.ArrayList<>();
    var m = WORD.matcher(question);
    while (m.find()) {
      String w = m.group();
      if (w.chars().anyMatch(Character::isLetterOrDigit)) {
        words.add(w);
      }
    }
    for (String sentence : SENTENCE_END.split(text)) {
      if (!TextScan.containsWord(sentence, gold)) {
        continue;
      }
      boolean all = true;
      for (String w : words) {
        if (!TextScan.containsWord(sentence, w)) {
          all = false;
          break;
        }
      }
      if (all) {
        return true;
      }
    }
    return false;
  }

  private static Decoded checkOptions(List<String> options) {
    if (options.size() != 4) {
      return Decoded.invalid(of(InvalidReasons.OPTIONS,
          "expected 4 options separated by '|', got " + options.size()));
    }
    for (int i = 0; i < 4; i++) {
      if (options.get(i).isEmpty()) {
        return Decoded.invalid(of(InvalidReasons.OPTIONS, "option " + (i + 1) + " is empty"));
      }
    }
    for (int i = 0; i < 4; i++) {
      for (int j = i + 1; j < 4; j++) {
        if (TextScan.normalise(options.get(i)).equals(TextScan.normalise(options.get(j)))) {
          return Decoded.invalid(of(InvalidReasons.DUPLICATE_OPTIONS,
              "options " + (i + 1) + " and " + (j + 1) + " are the same ('" + options.get(j) + "')"));
        }
      }
    }
    return null;
  }

  private Decoded checkLengths(String question, List<String> options, String answer) {
    int qw = TextScan.words(question);
    if (qw > maxQuestionWords) {
      return Decoded.invalid(of(InvalidReasons.TOO_LONG,
          "the question has " + qw + " words, at most " + maxQuestionWords));
    }
    if (options != null) {
      for (int i = 0; i < options.size(); i++) {
        int ow = TextScan.words(options.get(i));
        if (ow > maxAnswerWords) {
          return Decoded.invalid(of(InvalidReasons.TOO_LONG,
              "option " + (i + 1) + " has " + ow + " words, at most " + maxAnswerWords));
        }
      }
    }
    int aw = TextScan.words(answer);
    if (aw > maxAnswerWords) {
      return Decoded.invalid(of(InvalidReasons.TOO_LONG, "the answer has " + aw + " words, at most " + maxAnswerWords));
    }
    return null;
  }

  /** The collapsed answer without trailing periods. */
  private static String answerText(String raw) {
    String s = TextScan.collapse(raw);
    int end = s.length();
    while (end > 0 && (s.charAt(end - 1) == '.' || s.charAt(end - 1) == ' ')) {
      end--;
    }
    return s.substring(0, end);
  }

  /** The index of the option the answer names: an option's text first, else a letter; -1 if none. */
  private static int goldIndex(String answer, List<String> options) {
    String n = TextScan.normalise(answer);
    for (int i = 0; i < options.size(); i++) {
      if (TextScan.normalise(options.get(i)).equals(n)) {
        return i;
      }
    }
    if (LETTER.matcher(answer).matches()) {
      String letter = answer.replace("(", "").replace(")", "");
      return Character.toUpperCase(letter.charAt(0)) - 'A';
    }
    return -1;
  }

  @Override
  public String toString() {
    return "TextTaskCodec[maxQuestionWords=" + maxQuestionWords + ", maxAnswerWords=" + maxAnswerWords
        + ", maxChars=" + maxChars + ", grounding=" + grounding + "]";
  }

  /** Settings of a {@link TextTaskCodec}; checked by {@link #build()}. Not thread-safe. */
  public static final class Builder {
    private int maxQuestionWords = 40;
    private int maxAnswerWords = 6;
    private int maxChars = 2000;
    private Grounding grounding = Grounding.NONE;

    private Builder() {}

    /**
     * Most words in a question, at least 1 (default 40); a longer question is {@code too_long}.
     *
     * @param words the words
     * @return this builder
     */
    public Builder maxQuestionWords(int words) {
      this.maxQuestionWords = words;
      return this;
    }

    /**
     * Most words in the answer and in each option, at least 1 (default 6); longer is
     * {@code too_long}.
     *
     * @param words the words
     * @return this builder
     */
    public Builder maxAnswerWords(int words) {
      this.maxAnswerWords = words;
      return this;
    }

    /**
     * Longest output parsed, in characters, at least 1 (default 2000); a longer output is
     * {@code too_long} and is not parsed.
     *
     * @param chars the chars
     * @return this builder
     */
    public Builder maxChars(int chars) {
      this.maxChars = chars;
      return this;
    }

    /**
     * Whether the gold answer must occur in the document (default {@link Grounding#NONE}).
     *
     * @param grounding whether the gold answer must occur in the document (default {@link
     *     Grounding#NONE})
     * @return this builder
     */
    public Builder grounding(Grounding grounding) {
      this.grounding = grounding;
      return this;
    }

    /**
     * The codec.
     *
     *
     * @return the codec
     * @throws SpiceException.ConfigurationException naming every setting out of its range
     */
    public TextTaskCodec build() {
      List<String> errors = new ArrayList<>();
      if (maxQuestionWords < 1) {
        errors.add("maxQuestionWords must be >= 1, got " + maxQuestionWords);
      }
      if (maxAnswerWords < 1) {
        errors.add("maxAnswerWords must be >= 1, got " + maxAnswerWords);
      }
      if (maxChars < 1) {
        errors.add("maxChars must be >= 1, got " + maxChars);
      }
      if (grounding == null) {
        errors.add("grounding is null: valid values are " + java.util.Arrays.toString(Grounding.values()));
      }
      if (!errors.isEmpty()) {
        throw new SpiceException.ConfigurationException("Invalid TextTaskCodec configuration: "
            + String.join("; ", errors));
      }
      return new TextTaskCodec(this);
    }
  }
}
