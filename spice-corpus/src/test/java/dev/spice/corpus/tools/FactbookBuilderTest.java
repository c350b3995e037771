package dev.spice.corpus.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.internal.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FactbookBuilderTest {
  @TempDir Path pkg;

  static final String PROFILE = """
      {
        "Introduction": {"Background": {"text": "Once a great empire. ++ Now a republic."}},
        "Geography": {
          "Location": {"text": "Central Europe, north of Italy"},
          "Map references": {"text": "Europe"},
          "Area": {"total": {"text": "83,871 sq km"}, "land": {"text": "82,445 sq km"}},
          "Climate": {"text": "temperate; continental, cloudy"},
          "Elevation extremes": {"highest point": {"text": "Grossglockner 3,798 m"}}
        },
        "People and Society": {
          "Population": {"text": "8,665,550 (July 2015 est.)"},
          "Languages": {"text": "German (official nationwide) 88.6%, Turkish 2.3%"},
          "Religions": {"text": "Catholic 73.8% (includes Roman Catholic 73.6%), Protestant 4.9%"}
        },
        "Government": {
          "Country name": {"conventional short form": {"text": "Austria"}},
          "Capital": {"name": {"text": "Vienna; note - the seat of government"}},
          "Government type": {"text": "federal republic"},
          "Independence": {"text": "12 November 1918 (republic proclaimed); notable earlier dates: 976"}
        },
        "Economy": {"Exchange rates": {"text": "euros (EUR) per US dollar - ++ 0.7489 (2014 est.) ++ 0.76 (2013 est.)"}}
      }
      """;

  @Test
  void buildsSectionsAndCleanFacts() throws IOException {
    Files.createDirectories(pkg.resolve("europe"));
    Files.createDirectories(pkg.resolve("meta"));
    Files.createDirectories(pkg.resolve("oceans"));
    Files.writeString(pkg.resolve("europe/au.json"), PROFILE);
    Files.writeString(pkg.resolve("meta/categories.json"), "{\"Introduction\": {\"count\": 1}}");
    Files.writeString(pkg.resolve("oceans/zh.json"), "{\"Geography\": {\"Climate\": {\"text\": \"tropical\"}}}");
    FactbookBuilder.Result r = FactbookBuilder.build(pkg);
    assertEquals(2, r.profiles());
    Map<String, Object> first = Json.parseObject(r.sections().get(0));
    assertEquals("au/introduction", first.get("id"));
    assertEquals("Austria - Introduction\n\nBackground: Once a great empire.\nNow a republic.", first.get("text"));
    String econ = r.sections().stream().filter(s -> s.contains("au/economy")).findFirst().orElseThrow();
    assertTrue(Json.parseObject(econ).get("text").toString()
        .contains("Exchange rates: euros (EUR) per US dollar: 0.7489 (2014 est.); 0.76 (2013 est.)"), econ);
    String geo = r.sections().stream().filter(s -> s.contains("au/geography")).findFirst().orElseThrow();
    assertTrue(Json.parseObject(geo).get("text").toString().contains("Area, total: 83,871 sq km"), geo);

    Map<String, Object> au = Json.parseObject(r.facts().get(0));
    assertEquals("Austria", au.get("country"));
    assertEquals(Map.ofEntries(
        Map.entry("capital", "Vienna"),
        Map.entry("government_type", "federal republic"),
        Map.entry("region", "Europe"),
        Map.entry("location", "Central Europe"),
        Map.entry("climate", "temperate"),
        Map.entry("currency", "euros"),
        Map.entry("language", "German"),
        Map.entry("religion", "Catholic"),
        Map.entry("independence", "12 November 1918"),
        Map.entry("independence_year", "1918"),
        Map.entry("population", "8,665,550"),
        Map.entry("area", "83,871 sq km"),
        Map.entry("highest_point", "Grossglockner")), au.get("fields"));
    Map<String, Object> ocean = Json.parseObject(r.facts().get(1));
    assertEquals("Atlantic Ocean", ocean.get("country"));
  }

  @Test
  void cleaningRules() {
    assertEquals("Pretoria", FactbookBuilder.first("Pretoria (administrative capital); Cape Town (legislative)", false));
    assertEquals("Washington, DC", FactbookBuilder.first("Washington, DC", false));
    assertEquals("1,251,695,584", FactbookBuilder.first("1,251,695,584 (July 2015 est.)", true));
    assertEquals("Jerusalem", FactbookBuilder.first("Jerusalem; note - Israel proclaimed", false));
    assertNull(FactbookBuilder.first("  ", true));
  }

  @Test
  void emptyPackageFails() {
    assertThrows(IOException.class, () -> FactbookBuilder.build(pkg));
  }
}
