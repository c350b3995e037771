package dev.spice.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.Document;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ElementsTest {

  private static final Pattern ENDS_WITH_LETTER_OR_DIGIT = Pattern.compile(".*[\\p{L}\\p{N}]$");

  @Test
  void documentsAreShortFactLinesWithUniqueIds() {
    List<Document> docs = Elements.documents();
    assertTrue(docs.size() >= 100, "documents: " + docs.size());
    Set<String> ids = new HashSet<>();
    for (Document d : docs) {
      assertTrue(ids.add(d.id()), "duplicate id " + d.id());
      assertEquals(Elements.SOURCE, d.source());
      assertEquals(d.id(), d.metadata().get("name"), d.id());
      String[] lines = d.text().split("\n", -1);
      assertTrue(lines.length >= 3, d.id() + ": " + lines.length + " lines");
      for (String line : lines) {
        String[] words = line.split(" ", -1);
        assertTrue(words.length >= 3, d.id() + ": '" + line + "'");
        assertEquals(d.id(), words[0], d.id() + ": '" + line + "'");
        for (String w : words) {
          assertFalse(w.isEmpty(), d.id() + ": '" + line + "' has an empty word");
        }
        assertTrue(ENDS_WITH_LETTER_OR_DIGIT.matcher(line).matches(), d.id() + ": '" + line + "' ends with punctuation");
        assertTrue(d.metadata().containsValue(words[words.length - 1]), d.id() + ": value of '" + line + "' not in metadata");
      }
    }
  }

  @Test
  void hydrogenIsFirstWithItsSymbolAndNumber() {
    Document h = Elements.documents().get(0);
    assertEquals("hydrogen", h.id());
    List<String> lines = List.of(h.text().split("\n"));
    assertTrue(lines.contains("hydrogen symbol H"), h.text());
    assertTrue(lines.contains("hydrogen atomic number 1"), h.text());
    assertTrue(lines.contains("hydrogen group 1"), h.text());
    assertTrue(lines.contains("hydrogen period 1"), h.text());
    assertEquals("H", h.metadata().get("symbol"));
    assertEquals("1", h.metadata().get("atomic_number"));
  }

  @Test
  void documentsAreInAtomicNumberOrderAndUnmodifiable() {
    List<Document> docs = Elements.documents();
    int previous = 0;
    for (Document d : docs) {
      int z = Integer.parseInt(d.metadata().get("atomic_number"));
      assertTrue(z > previous, d.id() + " (" + z + ") after " + previous);
      previous = z;
    }
    Document gold = docs.stream().filter(d -> d.id().equals("gold")).findFirst().orElseThrow();
    assertTrue(gold.text().contains("gold symbol Au\ngold atomic number 79\n"), gold.text());
    assertTrue(gold.text().contains("\ngold group 11\ngold period 6"), gold.text());
    assertThrows(UnsupportedOperationException.class, () -> docs.remove(0));
  }

  @Test
  void elementsCorpusIsSeededAndCoversAllDocuments() {
    try (Corpus a = Corpora.elements(7); Corpus b = Corpora.elements(7); Corpus c = Corpora.elements(8);
        Corpus d = Corpora.elements()) {
      int n = (int) a.size().orElseThrow();
      assertEquals(Elements.documents().size(), n);
      List<Document> da = a.next(n);
      assertEquals(da, b.next(n));
      assertFalse(da.equals(c.next(n)));
      assertEquals(new HashSet<>(Elements.documents()), new HashSet<>(da));
      assertEquals("elements", a.name());
      assertEquals(n, d.size().orElseThrow());
    }
  }
}
