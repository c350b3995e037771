package dev.spice.corpus.seeds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.AnswerType;
import dev.spice.core.Document;
import dev.spice.core.SpiceException.ConfigurationException;
import dev.spice.core.Task;
import dev.spice.corpus.Factbook;
import dev.spice.corpus.seeds.ClozeExtractor.Draft;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The split, de-duplication, leak check, distractors and errors of {@link ClozeTasks}. */
class ClozeTasksTest {
  private static final Function<Document, String> GROUP = d -> d.metadata().get("group");

  private static Document doc(String id, String text) {
    return Document.of(id, text, "test");
  }

  private static Document doc(String id, String text, String group) {
    return new Document(id, text, "test", Map.of("group", group));
  }

  private static List<ClozeItem> allItems(ClozeTasks.Split s) {
    return Stream.concat(s.demonstrationItems().stream(), s.heldOutItems().stream()).toList();
  }

  private static Set<String> ids(List<Document> docs) {
    return docs.stream().map(Document::id).collect(Collectors.toSet());
  }

  /** One document per key, each with one fact line "countryK capital cityK". */
  private static List<Document> oneFactPerKey(int keys) {
    List<Document> docs = new ArrayList<>();
    for (int k = 0; k < keys; k++) {
      docs.add(doc("d" + k, "country" + k + " capital city" + k));
    }
    return docs;
  }

  @Test
  void handWorkedExamplesThroughTheSplit() {
    ClozeTasks.Split s = ClozeTasks.builder().build().split(List.of(
        doc("fr", "france capital paris"), doc("nile", "The Nile flows north into the Mediterranean.")));
    Map<String, ClozeItem> byDoc = new HashMap<>();
    allItems(s).forEach(i -> byDoc.put(i.documentId(), i));
    assertEquals("france capital ___ ?", byDoc.get("fr").question());
    assertEquals("paris", byDoc.get("fr").answer());
    assertEquals("The Nile flows north into the ___ ?", byDoc.get("nile").question());
    assertEquals("Mediterranean", byDoc.get("nile").answer());
    assertEquals("The Nile flows north into the Mediterranean.", byDoc.get("nile").sentence());
    assertEquals(1, s.demonstrationItems().size());
    assertEquals(1, s.heldOutItems().size());
    assertEquals(0, s.heldOutDroppedAsSeen());
  }

  @Test
  void builderSettingsReachTheItems() {
    List<Document> docs = List.of(
        doc("a", "france capital paris. spain capital madrid. in 1918 it became independent"),
        doc("b", "italy capital rome. austria independent 1918"));
    ClozeTasks.Split s = ClozeTasks.builder().skipWords(Set.of("PARIS", "Independent")).build().split(docs);
    Set<String> answers = allItems(s).stream().map(ClozeItem::answer).collect(Collectors.toSet());
    assertEquals(Set.of("madrid", "rome", "1918"), answers);
    ClozeItem year = allItems(s).stream().filter(i -> i.answer().equals("1918")).findFirst().orElseThrow();
    assertEquals(AnswerType.INTEGER, year.answerType());
    assertEquals("austria independent ___ ?", year.question());

    ClozeTasks.Split wide = ClozeTasks.builder().minContextWords(1).build()
        .split(List.of(doc("a", "capital paris"), doc("b", "capital rome")));
    assertEquals(List.of("capital ___ ?"), allItems(wide).stream().map(ClozeItem::question).distinct().toList());
  }

  @Test
  void documentsOfOneKeyStayTogetherInCorpusOrder() {
    List<Document> docs = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      docs.add(doc("d" + i, "country" + (i % 20) + " section" + i + " value" + i, "g" + (i % 20)));
    }
    ClozeTasks.Split s = ClozeTasks.builder().splitKey(GROUP).seed(3).build().split(docs);
    Set<String> demoGroups = s.demonstrationDocuments().stream().map(GROUP).collect(Collectors.toSet());
    Set<String> heldGroups = s.heldOutDocuments().stream().map(GROUP).collect(Collectors.toSet());
    assertTrue(Collections.disjoint(demoGroups, heldGroups), demoGroups + " / " + heldGroups);
    assertEquals(10, heldGroups.size(), "ceil(0.5 * 20) keys held out");
    assertEquals(20, demoGroups.size() + heldGroups.size());
    assertEquals(60, s.demonstrationDocuments().size() + s.heldOutDocuments().size());
    assertEquals(docs.stream().filter(d -> heldGroups.contains(GROUP.apply(d))).toList(), s.heldOutDocuments());
    assertEquals(docs.stream().filter(d -> demoGroups.contains(GROUP.apply(d))).toList(), s.demonstrationDocuments());
    Set<String> demoIds = ids(s.demonstrationDocuments());
    s.demonstrationItems().forEach(i -> assertTrue(demoIds.contains(i.documentId()), i.documentId()));
    Set<String> heldIds = ids(s.heldOutDocuments());
    s.heldOutItems().forEach(i -> assertTrue(heldIds.contains(i.documentId()), i.documentId()));
  }

  @Test
  void heldOutKeyCountIsTheCeilingKeptOffBothEnds() {
    assertEquals(2, heldOutDocs(0.25, 8));
    assertEquals(3, heldOutDocs(0.1, 30), "0.1 * 30 is exactly 3");
    assertEquals(4, heldOutDocs(0.1, 31));
    assertEquals(1, heldOutDocs(0.01, 3));
    assertEquals(2, heldOutDocs(0.99, 3));
    assertEquals(1, heldOutDocs(0.5, 2));
  }

  private static int heldOutDocs(double fraction, int keys) {
    return ClozeTasks.builder().heldOutFraction(fraction).build().split(oneFactPerKey(keys)).heldOutDocuments().size();
  }

  /** 200 documents in 50 groups whose sentences come from one shared pool, in varied case and spacing. */
  private static List<Document> sharedSentenceCorpus(long seed) {
    Random r = new Random(seed);
    List<String> pool = new ArrayList<>();
    for (int i = 0; i < 150; i++) {
      pool.add("The " + word(r) + " of " + word(r) + " is " + word(r) + ".");
    }
    List<Document> docs = new ArrayList<>();
    for (int d = 0; d < 200; d++) {
      StringBuilder text = new StringBuilder();
      for (int k = 0; k < 5; k++) {
        String s = pool.get(r.nextInt(pool.size()));
        s = switch (r.nextInt(3)) {
          case 0 -> s.toUpperCase(java.util.Locale.ROOT);
          case 1 -> s.replace(" ", "  \t");
          default -> s;
        };
        text.append(s).append(r.nextBoolean() ? " " : "\n");
      }
      docs.add(doc("doc" + d, text.toString(), "g" + r.nextInt(50)));
    }
    return docs;
  }

  private static String word(Random r) {
    StringBuilder b = new StringBuilder();
    for (int i = 3 + r.nextInt(5); i > 0; i--) {
      b.append((char) ('a' + r.nextInt(26)));
    }
    return b.toString();
  }

  @Test
  void noHeldOutSentenceOccursInADemonstrationDocument() {
    for (long seed = 0; seed < 5; seed++) {
      ClozeTasks.Split s =
          ClozeTasks.builder().splitKey(GROUP).seed(seed).build().split(sharedSentenceCorpus(seed));
      Set<String> demoSentences = new HashSet<>();
      for (Document d : s.demonstrationDocuments()) {
        for (String sentence : ClozeExtractor.sentences(d.text())) {
          demoSentences.add(sentence.replaceAll("\\s+", " ").toLowerCase(java.util.Locale.ROOT));
        }
      }
      assertFalse(s.heldOutItems().isEmpty());
      for (ClozeItem i : s.heldOutItems()) {
        String key = i.sentence().replaceAll("\\s+", " ").toLowerCase(java.util.Locale.ROOT);
        assertFalse(demoSentences.contains(key), "leaked: " + i.sentence());
      }
      assertTrue(s.heldOutDroppedAsSeen() > 0, "the shared pool must cause drops");
      for (List<ClozeItem> side : List.of(s.demonstrationItems(), s.heldOutItems())) {
        Set<List<String>> pairs = new HashSet<>();
        side.forEach(i -> assertTrue(pairs.add(List.of(i.question(), i.answer())), "duplicate " + i));
      }
    }
  }

  @Test
  void deduplicationKeepsTheFirstOccurrence() {
    List<Document> docs = List.of(
        doc("a1", "france capital paris", "a"), doc("b1", "spain capital madrid", "b"),
        doc("a2", "France capital paris. france capital paris", "a"), doc("b2", "spain capital madrid", "b"));
    ClozeTasks.Split s = ClozeTasks.builder().splitKey(GROUP).build().split(docs);
    List<ClozeItem> a = s.demonstrationDocuments().get(0).id().equals("a1") ? s.demonstrationItems() : s.heldOutItems();
    List<ClozeItem> b = a == s.demonstrationItems() ? s.heldOutItems() : s.demonstrationItems();
    assertEquals(List.of("a1", "a2"), a.stream().map(ClozeItem::documentId).toList(), "case-sensitive keys");
    assertEquals(List.of("france capital ___ ?", "France capital ___ ?"), a.stream().map(ClozeItem::question).toList());
    assertEquals(List.of("b1"), b.stream().map(ClozeItem::documentId).toList());
  }

  @Test
  void sameSeedSameSplitDifferentSeedDifferentSplit() {
    List<Document> docs = sharedSentenceCorpus(11);
    ClozeTasks tasks = ClozeTasks.builder().splitKey(GROUP).seed(5).build();
    ClozeTasks.Split first = tasks.split(docs);
    assertEquals(first, tasks.split(docs));
    assertEquals(first, ClozeTasks.builder().splitKey(GROUP).seed(5).build().split(docs));
    ClozeTasks.Split other = ClozeTasks.builder().splitKey(GROUP).seed(6).build().split(docs);
    assertNotEquals(first.heldOutDocuments(), other.heldOutDocuments());
  }

  /** Lines "countryK capital cityK", "countryK currency coinK", "countryK population N" per document. */
  private static List<Document> factWorld(int countries) {
    List<Document> docs = new ArrayList<>();
    for (int k = 0; k < countries; k++) {
      docs.add(doc("c" + k, "country" + k + " capital city" + k + "\ncountry" + k + " currency coin" + k
          + "\ncountry" + k + " population " + (1000 + 37 * k)));
    }
    return docs;
  }

  @Test
  void distractorsPreferTheSameContextWord() {
    ClozeTasks.Split s = ClozeTasks.builder().seed(9).build().split(factWorld(40));
    int checked = 0;
    for (List<ClozeItem> side : List.of(s.demonstrationItems(), s.heldOutItems())) {
      Map<String, Set<String>> answersByField = new HashMap<>();
      for (ClozeItem i : side) {
        answersByField.computeIfAbsent(field(i), f -> new HashSet<>()).add(i.answer());
      }
      for (ClozeItem i : side) {
        assertTrue(i.hasMultipleChoice(), i.toString());
        assertTrue(answersByField.get(field(i)).containsAll(i.distractors()), i.toString());
        assertFalse(i.distractors().contains(i.answer()));
        checked++;
      }
    }
    assertEquals(120, checked);
  }

  private static String field(ClozeItem i) {
    return i.question().split(" ")[1];
  }

  @Test
  void distractorsFallBackToTheSameAnswerTypeAndSkipOtherAnswersToTheSameQuestion() {
    ClozeExtractor ex = new ClozeExtractor(ClozeTasks.DEFAULT_SKIP_WORDS, 2, 2);
    List<Draft> drafts = Stream.of("a capital xa", "b capital xb", "c currency ya", "d currency yb",
            "e population 55", "f capital lyon", "f capital paris")
        .map(t -> ex.draft("d", t).orElseThrow()).toList();
    Map<String, ClozeItem> byAnswer = new HashMap<>();
    Distractors.attach(drafts, 0).forEach(i -> byAnswer.put(i.answer(), i));
    assertEquals(List.of(), byAnswer.get("55").distractors(), "no other integer, no other population");
    for (long seed = 0; seed < 20; seed++) {
      List<ClozeItem> items = Distractors.attach(drafts, seed);
      ClozeItem xa = items.get(0);
      assertEquals(Set.of("xb", "lyon", "paris"), new HashSet<>(xa.distractors()), "capitals first");
      ClozeItem ya = items.get(2);
      assertEquals("yb", ya.distractors().get(0), "the one other currency comes first");
      assertFalse(ya.distractors().contains("55"));
      assertFalse(items.get(6).distractors().contains("lyon"), "another answer to the same question");
      assertFalse(items.get(5).distractors().contains("paris"));
    }
  }

  @Test
  void distractorsNeverDifferFromTheAnswerInType() {
    ClozeExtractor ex = new ClozeExtractor(ClozeTasks.DEFAULT_SKIP_WORDS, 2, 2);
    List<Draft> drafts = Stream.of("a went to paris", "b went to 1995", "c went to 1996", "d went to 1997",
            "e saw big rome", "f saw big oslo", "g saw big bern")
        .map(t -> ex.draft("d", t).orElseThrow()).toList();
    for (long seed = 0; seed < 10; seed++) {
      List<ClozeItem> items = Distractors.attach(drafts, seed);
      assertEquals(Set.of("rome", "oslo", "bern"), new HashSet<>(items.get(0).distractors()));
      assertEquals(Set.of("1996", "1997"), new HashSet<>(items.get(1).distractors()));
    }
  }

  @Test
  void distractorsDoNotDependOnItemOrder() {
    ClozeExtractor ex = new ClozeExtractor(ClozeTasks.DEFAULT_SKIP_WORDS, 2, 2);
    List<Draft> drafts = new ArrayList<>();
    for (Document d : factWorld(100)) {
      drafts.addAll(ex.drafts(d));
    }
    Map<String, List<String>> before = new HashMap<>();
    Distractors.attach(drafts, 4).forEach(i -> before.put(i.question(), i.distractors()));
    List<Draft> shuffled = new ArrayList<>(drafts);
    Collections.shuffle(shuffled, new Random(1));
    Distractors.attach(shuffled, 4).forEach(i -> assertEquals(before.get(i.question()), i.distractors()));
  }

  @Test
  void multipleChoiceFormsOfSplitItems() {
    ClozeTasks.Split s = ClozeTasks.builder().build().split(factWorld(20));
    ClozeItem item = s.heldOutItems().get(0);
    Set<String> golds = new HashSet<>();
    for (long seed = 0; seed < 40; seed++) {
      Task t = item.multipleChoice(seed);
      assertEquals(item.answer(), t.goldText());
      golds.add(t.goldAnswer());
    }
    assertEquals(Set.of("A", "B", "C", "D"), golds);
    for (ClozeItem i : allItems(s)) {
      Task free = i.freeForm();
      assertEquals(i.answer(), free.goldAnswer());
      assertEquals(i.documentId(), free.metadata().get(ClozeItem.METADATA_SOURCE_DOCUMENT));
      assertEquals(i.answer(), i.multipleChoice(i.hashCode()).goldText());
    }
  }

  @Test
  void tooFewKeysNamesTheCounts() {
    List<Document> docs = List.of(doc("a", "x y z", "g"), doc("b", "france capital paris", "g"), doc("c", "", "g"));
    ConfigurationException e = assertThrows(ConfigurationException.class,
        () -> ClozeTasks.builder().splitKey(GROUP).build().split(docs));
    assertTrue(e.getMessage().startsWith("warm-start corpus too small: 3 documents, 1 split key; need at least 2 keys"),
        e.getMessage());
    e = assertThrows(ConfigurationException.class, () -> ClozeTasks.builder().build().split(List.of()));
    assertTrue(e.getMessage().contains("0 documents, 0 split keys"), e.getMessage());
  }

  @Test
  void aSideWithoutItemsNamesTheCounts() {
    List<Document> docs = List.of(doc("a", "france capital paris"), doc("b", "too short"));
    ConfigurationException e =
        assertThrows(ConfigurationException.class, () -> ClozeTasks.builder().build().split(docs));
    String m = e.getMessage();
    assertTrue(m.contains("2 documents, 2 split keys (1 demonstration, 1 held-out)"), m);
    assertTrue(m.contains("1 demonstration item from 1 document, 0 held-out items from 1 document")
        || m.contains("0 demonstration items from 1 document, 1 held-out item from 1 document"), m);

    List<Document> same = List.of(doc("a", "france capital paris"), doc("b", "France  capital PARIS"));
    m = assertThrows(ConfigurationException.class, () -> ClozeTasks.builder().build().split(same)).getMessage();
    assertTrue(m.contains("0 held-out items from 1 document (1 more dropped as seen in demonstrations)"), m);
  }

  @Test
  void badSettingsFailFastWithTheValidValues() {
    for (double f : new double[] {0, 1, -0.5, 1.5, Double.NaN}) {
      ConfigurationException e =
          assertThrows(ConfigurationException.class, () -> ClozeTasks.builder().heldOutFraction(f));
      assertTrue(e.getMessage().contains("heldOutFraction must be in (0, 1), got " + f), e.getMessage());
    }
    assertTrue(assertThrows(ConfigurationException.class, () -> ClozeTasks.builder().minContextWords(0))
        .getMessage().contains("minContextWords must be at least 1, got 0"));
    assertTrue(assertThrows(ConfigurationException.class, () -> ClozeTasks.builder().minAnswerChars(0))
        .getMessage().contains("minAnswerChars must be at least 1, got 0"));
    Set<String> withNull = new HashSet<>();
    withNull.add(null);
    assertThrows(ConfigurationException.class, () -> ClozeTasks.builder().skipWords(withNull));
    assertThrows(NullPointerException.class, () -> ClozeTasks.builder().splitKey(null));
    ConfigurationException e = assertThrows(ConfigurationException.class,
        () -> ClozeTasks.builder().splitKey(d -> null).build().split(oneFactPerKey(2)));
    assertTrue(e.getMessage().contains("splitKey returned null for document 'd0'"), e.getMessage());
  }

  @Test
  void returnedListsAreUnmodifiable() {
    ClozeTasks.Split s = ClozeTasks.builder().build().split(factWorld(6));
    assertThrows(UnsupportedOperationException.class, () -> s.demonstrationDocuments().clear());
    assertThrows(UnsupportedOperationException.class, () -> s.heldOutDocuments().clear());
    assertThrows(UnsupportedOperationException.class, () -> s.demonstrationItems().clear());
    assertThrows(UnsupportedOperationException.class, () -> s.heldOutItems().clear());
    assertThrows(UnsupportedOperationException.class, () -> s.heldOutItems().get(0).distractors().clear());
  }

  @Test
  void factbookSplitHasItemsOnBothSides() {
    List<Document> docs = Factbook.documents();
    ClozeTasks.Split s =
        ClozeTasks.builder().splitKey(d -> d.metadata().get("country")).seed(1).build().split(docs);
    assertTrue(s.demonstrationItems().size() > 500, "demonstration items: " + s.demonstrationItems().size());
    assertTrue(s.heldOutItems().size() > 500, "held-out items: " + s.heldOutItems().size());
    assertEquals(docs.size(), s.demonstrationDocuments().size() + s.heldOutDocuments().size());
    Set<String> demoCountries =
        s.demonstrationDocuments().stream().map(d -> d.metadata().get("country")).collect(Collectors.toSet());
    s.heldOutDocuments().forEach(d -> assertFalse(demoCountries.contains(d.metadata().get("country")), d.id()));
    long mcq = s.heldOutItems().stream().filter(ClozeItem::hasMultipleChoice).count();
    assertTrue(mcq > s.heldOutItems().size() / 2, "multiple-choice items: " + mcq);
    assertTrue(s.heldOutItems().stream().anyMatch(i -> i.answerType() == AnswerType.INTEGER));
  }
}
