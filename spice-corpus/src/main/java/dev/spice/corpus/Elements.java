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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * The chemical elements (public domain), bundled with this module from Jay F. Kominek's Elements
 * Database as packaged in the Debian package {@code dict-elements}: 118 elements, one short
 * document of fact lines each.
 *
 * <p>Every line of a document's text is one fact {@code <name> <field words> <value>}, words
 * lowercase except the symbol, no final punctuation, the value the last word (multi-word values
 * joined with {@code _}), so a cloze task can blank the last word of any line:
 *
 * <pre>
 * hydrogen symbol H
 * hydrogen atomic number 1
 * hydrogen atomic weight 1.0079
 * hydrogen group 1
 * hydrogen period 1
 * hydrogen discovered by henry_cavendish
 * hydrogen discovery year 1776
 * </pre>
 *
 * <p>Lines whose value the source lacks are left out (no placeholders), so a document has 4 to 7
 * lines. Group and period are computed from the atomic number (no group for the lanthanides and
 * actinides); the other values are the database's (of 2000, errors included), and discoverer and
 * year are read from its free-text descriptions, so many elements have neither. Metadata holds
 * the same values as strings, exactly as in the text, under {@code name}, {@code symbol},
 * {@code atomic_number}, {@code atomic_weight}, {@code group}, {@code period},
 * {@code discoverer} and {@code discovery_year} (absent fields are absent). Ids are the element
 * names, e.g. {@code hydrogen}; heavy elements keep the database's names of the time, e.g.
 * {@code unnilquadium} for 104.
 *
 * <p>Open it as a corpus with {@link Corpora#elements()}. Data load lazily on first use and are
 * cached; all methods are thread-safe and return immutable values. Rebuilt by
 * {@code spice-corpus/tools/rebuild-elements.sh}.
 */
public final class Elements {
  /** The source name of {@link #documents()}. */
  public static final String SOURCE = "elements";

  /** The bundled JSON Lines resource, relative to this package. */
  static final String RESOURCE = "elements/elements.jsonl.gz";

  private Elements() {}

  /**
   * All element documents (118), in file order (by atomic number); source {@value #SOURCE}.
   *
   * @return an unmodifiable list
   * @throws CorpusException if the bundled resource is missing or malformed
   */
  public static List<Document> documents() {
    return Holder.DOCUMENTS;
  }

  private static final class Holder {
    static final List<Document> DOCUMENTS = load();
  }

  private static List<Document> load() {
    InputStream in = Elements.class.getResourceAsStream(RESOURCE);
    if (in == null) {
      throw new CorpusException("bundled resource dev/spice/corpus/" + RESOURCE + " is missing from the classpath");
    }
    var dec = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    List<Document> out = new ArrayList<>();
    int lineNo = 0;
    try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(in, 1 << 16), dec))) {
      String line;
      while ((line = r.readLine()) != null) {
        lineNo++;
        if (!line.isBlank()) {
          out.add(document(line, lineNo));
        }
      }
    } catch (IOException e) {
      throw new CorpusException(
          "cannot read bundled " + RESOURCE + " near line " + lineNo + ": " + InputFiles.describe(e, null), e);
    }
    if (out.isEmpty()) {
      throw new CorpusException("bundled " + RESOURCE + " holds no documents");
    }
    return List.copyOf(out);
  }

  private static Document document(String line, int lineNo) {
    Map<String, Object> obj;
    try {
      obj = Json.parseObject(line);
    } catch (IllegalArgumentException e) {
      throw new CorpusException("bundled " + RESOURCE + " line " + lineNo + ": " + e.getMessage(), e);
    }
    String source = string(obj, "source", lineNo);
    if (!source.equals(SOURCE)) {
      throw new CorpusException(
          RESOURCE + " line " + lineNo + ": field 'source' is '" + source + "', expected '" + SOURCE + "'");
    }
    if (!(obj.get("metadata") instanceof Map<?, ?> m)) {
      throw new CorpusException(RESOURCE + " line " + lineNo + ": field 'metadata' is missing or not an object");
    }
    Map<String, String> md = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : m.entrySet()) {
      if (!(e.getValue() instanceof String v)) {
        throw new CorpusException(RESOURCE + " line " + lineNo + ": metadata field '" + e.getKey()
            + "' is " + JsonFields.typeOf(e.getValue()) + ", expected a string");
      }
      md.put(String.valueOf(e.getKey()), v);
    }
    try {
      return new Document(string(obj, "id", lineNo), string(obj, "text", lineNo), source, md);
    } catch (IllegalArgumentException e) {
      throw new CorpusException(RESOURCE + " line " + lineNo + ": " + e.getMessage(), e);
    }
  }

  private static String string(Map<String, Object> obj, String key, int lineNo) {
    if (obj.get(key) instanceof String s) {
      return s;
    }
    throw new CorpusException(RESOURCE + " line " + lineNo + ": field '" + key + "' is missing or not a string");
  }
}
