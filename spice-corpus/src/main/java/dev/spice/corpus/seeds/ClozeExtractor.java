package dev.spice.corpus.seeds;

import dev.spice.core.AnswerType;
import dev.spice.core.Document;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Splits text into sentences and turns a sentence into a cloze draft (rules in {@link ClozeTasks}). */
final class ClozeExtractor {
  private static final Pattern LINES = Pattern.compile("\\R");
  private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{M}\\p{N}_'\\-]+");
  private static final Pattern WHOLE_NUMBER = Pattern.compile("[+-]?[0-9]+");

  /** A cloze item before distractors are chosen. */
  record Draft(
      String documentId,
      String sentence,
      String question,
      String answer,
      AnswerType answerType,
      String contextWord,
      String sentenceKey) {

    ClozeItem withDistractors(List<String> distractors) {
      return new ClozeItem(documentId, sentence, question, answer, answerType, distractors);
    }
  }

  private final Set<String> skipWords;
  private final int minContextWords;
  private final int minAnswerChars;

  /** {@code skipWords} are lower case (Locale.ROOT). */
  ClozeExtractor(Set<String> skipWords, int minContextWords, int minAnswerChars) {
    this.skipWords = Set.copyOf(skipWords);
    this.minContextWords = minContextWords;
    this.minAnswerChars = minAnswerChars;
  }

  int minContextWords() {
    return minContextWords;
  }

  /** The drafts of a document's sentences, in text order (no de-duplication). */
  List<Draft> drafts(Document document) {
    List<Draft> out = new ArrayList<>();
    for (String s : sentences(document.text())) {
      draft(document.id(), s).ifPresent(out::add);
    }
    return out;
  }

  /** The draft for one sentence, if the sentence qualifies. */
  Optional<Draft> draft(String documentId, String sentence) {
    List<int[]> words = words(sentence);
    if (words.size() < minContextWords + 1) {
      return Optional.empty();
    }
    int[] last = words.get(words.size() - 1);
    String answer = sentence.substring(last[0], last[1]);
    if (answer.codePointCount(0, answer.length()) < minAnswerChars
        || skipWords.contains(lower(answer))
        || !startsToken(sentence, last[0])) {
      return Optional.empty();
    }
    int[] before = words.get(words.size() - 2);
    String question = sentence.substring(0, last[0]).strip() + " ___ ?";
    AnswerType type = WHOLE_NUMBER.matcher(answer).matches() ? AnswerType.INTEGER : AnswerType.STRING;
    return Optional.of(new Draft(documentId, sentence, question, answer, type,
        lower(sentence.substring(before[0], before[1])), sentenceKey(sentence)));
  }

  /**
   * The sentences of a text: each line is split after {@code .}, {@code !} or {@code ?} followed
   * by whitespace or the end of the line; pieces are stripped and empty ones skipped.
   */
  static List<String> sentences(String text) {
    List<String> out = new ArrayList<>();
    for (String line : LINES.split(text, -1)) {
      int start = 0;
      for (int i = 0; i < line.length(); i++) {
        char c = line.charAt(i);
        if ((c == '.' || c == '!' || c == '?') && (i + 1 == line.length() || isSpace(line.charAt(i + 1)))) {
          add(out, line.substring(start, i + 1));
          start = i + 1;
        }
      }
      add(out, line.substring(start));
    }
    return out;
  }

  /** Start and end offsets of the words of a sentence (runs with a letter or digit only). */
  static List<int[]> words(String sentence) {
    List<int[]> out = new ArrayList<>();
    Matcher m = WORD.matcher(sentence);
    while (m.find()) {
      if (hasLetterOrDigit(sentence, m.start(), m.end())) {
        out.add(new int[] {m.start(), m.end()});
      }
    }
    return out;
  }

  /** Whitespace collapsed to one space, stripped, lower case: the key sentences are compared by. */
  static String sentenceKey(String sentence) {
    StringBuilder b = new StringBuilder(sentence.length());
    boolean space = false;
    for (int i = 0; i < sentence.length(); i++) {
      char c = sentence.charAt(i);
      if (isSpace(c)) {
        space = b.length() > 0;
      } else {
        if (space) {
          b.append(' ');
          space = false;
        }
        b.append(c);
      }
    }
    return lower(b.toString());
  }

  static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }

  private static void add(List<String> out, String piece) {
    String s = piece.strip();
    if (!s.isEmpty()) {
      out.add(s);
    }
  }

  private static boolean isSpace(char c) {
    return Character.isWhitespace(c) || Character.isSpaceChar(c);
  }

  private static boolean hasLetterOrDigit(String s, int from, int to) {
    for (int i = from; i < to; ) {
      int cp = s.codePointAt(i);
      if (Character.isLetterOrDigit(cp)) {
        return true;
      }
      i += Character.charCount(cp);
    }
    return false;
  }

  /** True when the answer starts a token: preceded by whitespace or opening punctuation. */
  private static boolean startsToken(String sentence, int start) {
    if (start == 0) {
      return true;
    }
    int cp = sentence.codePointBefore(start);
    int type = Character.getType(cp);
    return !Character.isSupplementaryCodePoint(cp) && isSpace((char) cp)
        || type == Character.START_PUNCTUATION
        || type == Character.INITIAL_QUOTE_PUNCTUATION
        || cp == '"';
  }
}
