package dev.spice.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.Document;
import dev.spice.core.SpiceException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FactbookTest {

  @Test
  void sectionDocumentsStandAloneAndHaveUniqueIds() {
    List<Document> docs = Factbook.documents();
    assertTrue(docs.size() > 2000, "sections: " + docs.size());
    Set<String> ids = new HashSet<>();
    for (Document d : docs) {
      assertTrue(ids.add(d.id()), "duplicate id " + d.id());
      assertEquals(Factbook.SOURCE, d.source());
      String country = d.metadata().get("country");
      assertTrue(d.text().startsWith(country + " - " + d.metadata().get("section")), d.id());
      assertFalse(d.text().contains("++"), d.id());
    }
    Document fr = docs.stream().filter(d -> d.id().equals("fr/government")).findFirst().orElseThrow();
    assertTrue(fr.text().contains("Paris"), fr.text().substring(0, 200));
  }

  @Test
  void keyFactsAreShortAndClean() {
    List<Factbook.Country> cs = Factbook.countries();
    assertEquals(261, cs.size());
    Factbook.Country at = Factbook.country("Austria").orElseThrow();
    assertEquals("au", at.code());
    assertEquals("Vienna", at.fields().get(Factbook.CAPITAL));
    assertEquals("federal republic", at.fields().get(Factbook.GOVERNMENT_TYPE));
    assertEquals("Europe", at.fields().get(Factbook.REGION));
    assertEquals("Central Europe", at.fields().get(Factbook.LOCATION));
    assertEquals("German", at.fields().get(Factbook.LANGUAGE));
    assertEquals("Catholic", at.fields().get(Factbook.RELIGION));
    assertEquals("euros", at.fields().get(Factbook.CURRENCY));
    assertEquals("1918", at.fields().get(Factbook.INDEPENDENCE_YEAR));
    assertEquals("8,665,550", at.fields().get(Factbook.POPULATION));
    assertEquals("Nairobi", Factbook.country("ke").orElseThrow().field(Factbook.CAPITAL).orElseThrow());
    assertEquals("New Delhi", Factbook.country("india").orElseThrow().field(Factbook.CAPITAL).orElseThrow());
    for (Factbook.Country c : cs) {
      assertFalse(c.name().isBlank());
      c.fields().forEach((k, v) -> {
        assertTrue(Factbook.FIELDS.contains(k), k);
        assertEquals(v.strip(), v, c.code() + " " + k);
        assertFalse(v.contains("(") || v.contains(")") || v.contains("%") || v.contains("  "), c.code() + " " + k + "=" + v);
        assertFalse(v.contains(";") || v.contains("++"), c.code() + " " + k + "=" + v);
      });
    }
  }

  @Test
  void manyCountriesHaveTheQuickstartFields() {
    List<String> six = List.of(
        Factbook.CAPITAL, Factbook.GOVERNMENT_TYPE, Factbook.REGION, Factbook.CURRENCY,
        Factbook.LANGUAGE, Factbook.RELIGION);
    assertTrue(Factbook.countriesWith(six).size() >= 150, "" + Factbook.countriesWith(six).size());
    assertThrows(SpiceException.ConfigurationException.class, () -> Factbook.countriesWith(List.of("capitol")));
  }

  @Test
  void factbookCorpusIsSeededAndCoversAllSections() {
    try (Corpus a = Corpora.factbook(7); Corpus b = Corpora.factbook(7); Corpus c = Corpora.factbook(8)) {
      int n = (int) a.size().orElseThrow();
      assertEquals(Factbook.documents().size(), n);
      List<Document> da = a.next(n);
      assertEquals(da, b.next(n));
      assertFalse(da.equals(c.next(n)));
      assertEquals(n, new HashSet<>(da.stream().map(Document::id).toList()).size());
      assertEquals("factbook", a.name());
    }
  }
}
