package dev.spice.corpus.seeds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.AnswerType;
import dev.spice.core.Document;
import dev.spice.core.Task;
import dev.spice.core.TaskFormat;
import dev.spice.corpus.seeds.ClozeExtractor.Draft;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Sentence splitting, item rules and the task forms of one {@link ClozeItem}. */
class ClozeTasksItemsTest {
  private static final ClozeExtractor DEFAULTS = new ClozeExtractor(ClozeTasks.DEFAULT_SKIP_WORDS, 2, 2);

  private static Optional<Draft> draft(String sentence) {
    return DEFAULTS.draft("d", sentence);
  }

  private static void assertItem(String sentence, String question, String answer, AnswerType type) {
    Draft d = draft(sentence).orElseThrow(() -> new AssertionError("no item for: " + sentence));
    assertEquals(question, d.question(), sentence);
    assertEquals(answer, d.answer(), sentence);
    assertEquals(type, d.answerType(), sentence);
    assertEquals(sentence, d.sentence());
  }

  @Test
  void handWorkedExamples() {
    assertItem("france capital paris", "france capital ___ ?", "paris", AnswerType.STRING);
    assertItem("The Nile flows north into the Mediterranean.",
        "The Nile flows north into the ___ ?", "Mediterranean", AnswerType.STRING);
    assertEquals("capital", draft("france capital paris").orElseThrow().contextWord());
    assertEquals("the", draft("into The Mediterranean").orElseThrow().contextWord());
  }

  @Test
  void sentencesSplitAtEndPunctuationFollowedBySpaceOrLineEnd() {
    assertEquals(List.of("Is it Paris?", "Yes, it is Lyon!", "Then 3.5 km.", "e.g.x stays", "last line"),
        ClozeExtractor.sentences("  Is it Paris? Yes, it is Lyon!   Then 3.5 km.\n\n e.g.x stays\r\nlast line  "));
    assertEquals(List.of("Wait...", "what?!"), ClozeExtractor.sentences("Wait... what?!"));
    assertEquals(List.of(), ClozeExtractor.sentences(" \n\t\n"));
    assertEquals(List.of("."), ClozeExtractor.sentences(" \n . \n"));
  }

  @Test
  void punctuationAroundTheAnswer() {
    assertItem("Is it Paris?", "Is it ___ ?", "Paris", AnswerType.STRING);
    assertItem("Yes, it is Lyon!", "Yes, it is ___ ?", "Lyon", AnswerType.STRING);
    assertItem("Then 3.5 km.", "Then 3.5 ___ ?", "km", AnswerType.STRING);
    assertItem("It borders the sea (Baltic).", "It borders the sea ( ___ ?", "Baltic", AnswerType.STRING);
    assertItem("The vote was close -- 51 to 49 --", "The vote was close -- 51 to ___ ?", "49", AnswerType.INTEGER);
    assertItem("Mount Everest rises in Nepal's", "Mount Everest rises in ___ ?", "Nepal's", AnswerType.STRING);
    assertItem("Die Hauptstadt ist Zürich.", "Die Hauptstadt ist ___ ?", "Zürich", AnswerType.STRING);
    assertItem("Ein Ort namens Sa\u0301o", "Ein Ort namens ___ ?", "Sa\u0301o", AnswerType.STRING);
    assertItem("the name snake_case", "the name ___ ?", "snake_case", AnswerType.STRING);
  }

  @Test
  void theTailOfAJoinedTokenIsNeverAnAnswer() {
    assertTrue(draft("The population is 8,665,550.").isEmpty());
    assertTrue(draft("The speed is 3.25").isEmpty());
    assertTrue(draft("It is either km/hr").isEmpty());
  }

  @Test
  void wholeNumbersAreIntegerAnswers() {
    assertItem("Austria became independent in 1918.", "Austria became independent in ___ ?", "1918",
        AnswerType.INTEGER);
    assertItem("The lowest temperature was -40", "The lowest temperature was ___ ?", "-40", AnswerType.INTEGER);
    assertItem("The team name is 49ers", "The team name is ___ ?", "49ers", AnswerType.STRING);
    assertItem("The code was 007", "The code was ___ ?", "007", AnswerType.INTEGER);
  }

  @Test
  void skipWordsAreNeverAnswersIgnoringCase() {
    assertTrue(draft("Paris is where it is.").isEmpty());
    assertTrue(draft("This is the one from THE").isEmpty());
    assertTrue(draft("A list of things to Be").isEmpty());
    ClozeExtractor custom = new ClozeExtractor(Set.of("paris"), 2, 2);
    assertTrue(custom.draft("d", "france capital Paris").isEmpty());
    assertEquals("is", custom.draft("d", "Paris is where it is.").orElseThrow().answer());
  }

  @Test
  void contextAndAnswerLengthLimits() {
    assertTrue(draft("capital paris").isEmpty(), "one context word");
    assertTrue(draft("-- capital paris").isEmpty(), "a dash is not a word");
    assertEquals("capital ___ ?",
        new ClozeExtractor(Set.of(), 1, 2).draft("d", "capital paris").orElseThrow().question());
    assertTrue(new ClozeExtractor(Set.of(), 3, 2).draft("d", "france capital paris").isEmpty());
    assertTrue(draft("we saw x").isEmpty(), "one-character answer");
    assertEquals("x", new ClozeExtractor(Set.of(), 2, 1).draft("d", "we saw x").orElseThrow().answer());
    assertTrue(new ClozeExtractor(Set.of(), 2, 7).draft("d", "we saw Zürich").isEmpty());
    assertTrue(new ClozeExtractor(Set.of(), 2, 7).draft("d", "we saw Zürichs").isPresent());
    assertTrue(draft("").isEmpty());
    assertTrue(draft("?!").isEmpty());
  }

  @Test
  void sentenceKeyCollapsesWhitespaceAndCase() {
    assertEquals("the nile flows north.", ClozeExtractor.sentenceKey(" The\tNile \u00a0 flows\nNORTH. "));
  }

  @Test
  void documentDraftsFollowSentenceOrder() {
    Document doc = Document.of("x", "France capital Paris. Spain capital Madrid!\nItaly capital Rome", "t");
    List<String> answers = new ArrayList<>();
    for (Draft d : DEFAULTS.drafts(doc)) {
      answers.add(d.answer());
      assertEquals("x", d.documentId());
    }
    assertEquals(List.of("Paris", "Madrid", "Rome"), answers);
  }

  private static ClozeItem item(List<String> distractors) {
    return new ClozeItem("doc-1", "France capital Paris.", "France capital ___ ?", "Paris", AnswerType.STRING,
        distractors);
  }

  @Test
  void freeFormTaskCarriesTheSourceDocument() {
    Task t = item(List.of("Rome")).freeForm();
    assertEquals(TaskFormat.FREE_FORM, t.format());
    assertEquals("France capital ___ ?", t.question());
    assertEquals("Paris", t.goldAnswer());
    assertEquals(AnswerType.STRING, t.answerType());
    assertEquals("doc-1", t.metadata().get(ClozeItem.METADATA_SOURCE_DOCUMENT));
    assertEquals("Paris", t.metadata().get(ClozeItem.METADATA_ANSWER));
    assertEquals(AnswerType.INTEGER,
        new ClozeItem("d", "s", "q ___ ?", "12", AnswerType.INTEGER, List.of()).freeForm().answerType());
  }

  @Test
  void multipleChoiceShufflePutsTheGoldEverywhereAndKeepsTaskInvariants() {
    ClozeItem item = item(List.of("Rome", "Madrid", "Berlin"));
    assertTrue(item.hasMultipleChoice());
    Set<String> golds = new HashSet<>();
    for (long seed = 0; seed < 64; seed++) {
      Task t = item.multipleChoice(seed);
      assertEquals(TaskFormat.MULTIPLE_CHOICE, t.format());
      assertEquals(AnswerType.CHOICE, t.answerType());
      assertEquals("Paris", t.goldText());
      assertEquals(Set.of("Paris", "Rome", "Madrid", "Berlin"), new HashSet<>(t.options()));
      assertEquals("doc-1", t.metadata().get(ClozeItem.METADATA_SOURCE_DOCUMENT));
      assertEquals("Paris", t.metadata().get(ClozeItem.METADATA_ANSWER));
      assertEquals(t, item.multipleChoice(seed), "same seed, same order");
      golds.add(t.goldAnswer());
    }
    assertEquals(Set.of("A", "B", "C", "D"), golds);
  }

  @Test
  void noMultipleChoiceWithFewerThanThreeDistractors() {
    ClozeItem item = item(List.of("Rome", "Madrid"));
    assertFalse(item.hasMultipleChoice());
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> item.multipleChoice(1));
    assertTrue(e.getMessage().contains("2 distractors"), e.getMessage());
  }

  @Test
  void itemInvariants() {
    assertThrows(IllegalArgumentException.class, () -> item(List.of("paris")));
    assertThrows(IllegalArgumentException.class, () -> item(List.of("Rome", "ROME")));
    assertThrows(IllegalArgumentException.class, () -> item(List.of("Rome", " ")));
    assertThrows(IllegalArgumentException.class, () -> item(List.of("A1", "B1", "C1", "D1")));
    assertThrows(IllegalArgumentException.class,
        () -> new ClozeItem("d", "s", "q", "1", AnswerType.CHOICE, List.of()));
    assertThrows(IllegalArgumentException.class, () -> new ClozeItem("d", "s", " ", "1", AnswerType.STRING, List.of()));
    List<String> mutable = new ArrayList<>(List.of("Rome"));
    ClozeItem copy = item(mutable);
    mutable.add("Bern");
    assertEquals(List.of("Rome"), copy.distractors());
    assertThrows(UnsupportedOperationException.class, () -> copy.distractors().add("Bern"));
  }
}
