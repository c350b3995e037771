package dev.spice.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spice.core.Document;
import dev.spice.core.SpiceException.ConfigurationException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ProcessingTest {

  static String randomText(Random r, int paragraphs) {
    StringBuilder sb = new StringBuilder();
    for (int p = 0; p < paragraphs; p++) {
      int sentences = 1 + r.nextInt(6);
      for (int s = 0; s < sentences; s++) {
        int words = 1 + r.nextInt(25);
        for (int w = 0; w < words; w++) {
          int len = 1 + r.nextInt(r.nextInt(50) == 0 ? 120 : 9);
          for (int c = 0; c < len; c++) {
            sb.append((char) ('a' + r.nextInt(26)));
          }
          sb.append(w + 1 < words ? " " : ". ");
        }
      }
      sb.append(r.nextBoolean() ? "\n\n" : "\n");
    }
    return sb.toString();
  }

  static int words(String s) {
    String t = s.strip();
    return t.isEmpty() ? 0 : t.split("\\s+").length;
  }

  @Test
  void charSegmentsRespectBudgetCoverTextAndCutOnBoundaries() {
    Random r = new Random(1);
    for (int trial = 0; trial < 200; trial++) {
      String text = randomText(r, 1 + r.nextInt(12));
      int budget = 20 + r.nextInt(400);
      List<Segmenter.Span> spans = Segmenter.chars(budget).spans(text);
      int covered = 0;
      int prevEnd = 0;
      for (Segmenter.Span s : spans) {
        assertTrue(s.end() - s.start() <= budget, "over budget");
        assertTrue(s.start() >= prevEnd, "overlap without overlap setting");
        assertTrue(text.substring(prevEnd, s.start()).isBlank(), "skipped text");
        assertFalse(Character.isWhitespace(text.charAt(s.start())));
        assertFalse(Character.isWhitespace(text.charAt(s.end() - 1)));
        // a cut is on whitespace unless the word itself is longer than the budget
        if (s.end() < text.length() && !Character.isWhitespace(text.charAt(s.end()))) {
          int ws = text.lastIndexOf(' ', s.end());
          assertTrue(s.end() - Math.max(ws, s.start()) >= budget - 1 || ws < s.start(), "cut inside a word");
        }
        covered += text.substring(s.start(), s.end()).replaceAll("\\s", "").length();
        prevEnd = s.end();
      }
      assertTrue(text.substring(prevEnd).isBlank());
      assertEquals(text.replaceAll("\\s", "").length(), covered);
    }
  }

  @Test
  void prefersParagraphThenSentenceBoundaries() {
    String text = "First paragraph one. Still first.\n\nSecond paragraph here. And more.";
    List<Segmenter.Span> spans = Segmenter.chars(40).spans(text);
    assertEquals(List.of("First paragraph one. Still first.", "Second paragraph here. And more."),
        spans.stream().map(s -> text.substring(s.start(), s.end())).toList());
    List<Segmenter.Span> sentences = Segmenter.chars(25).spans(text);
    assertEquals("First paragraph one.", text.substring(sentences.get(0).start(), sentences.get(0).end()));
  }

  @Test
  void tokenBudgetAndOverlap() {
    Random r = new Random(2);
    Segmenter seg = Segmenter.builder().maxTokens(30, ProcessingTest::words).overlap(8).build();
    for (int trial = 0; trial < 100; trial++) {
      String text = randomText(r, 2 + r.nextInt(8));
      List<Segmenter.Span> spans = seg.spans(text);
      for (int i = 0; i < spans.size(); i++) {
        Segmenter.Span s = spans.get(i);
        assertTrue(words(text.substring(s.start(), s.end())) <= 30);
        if (i > 0) {
          Segmenter.Span p = spans.get(i - 1);
          assertTrue(s.start() > p.start(), "no progress");
          assertTrue(s.end() > p.end(), "segment inside the previous one");
          if (s.start() < p.end()) {
            assertTrue(words(text.substring(s.start(), p.end())) <= 8, "overlap too large");
          }
        }
      }
    }
    String sentences = "One two three. Four five six. Seven eight nine. Ten eleven twelve.";
    List<Segmenter.Span> ov = Segmenter.builder().maxTokens(6, ProcessingTest::words).overlap(3).build().spans(sentences);
    List<String> parts = ov.stream().map(s -> sentences.substring(s.start(), s.end())).toList();
    assertEquals(List.of("One two three. Four five six.", "Four five six. Seven eight nine.",
        "Seven eight nine. Ten eleven twelve."), parts);
  }

  @Test
  void charOverlapStaysWithinItsBudget() {
    Random r = new Random(4);
    Segmenter seg = Segmenter.builder().maxChars(120).overlap(40).build();
    for (int trial = 0; trial < 150; trial++) {
      String text = randomText(r, 1 + r.nextInt(10));
      List<Segmenter.Span> spans = seg.spans(text);
      int prevEnd = 0;
      for (int i = 0; i < spans.size(); i++) {
        Segmenter.Span s = spans.get(i);
        assertTrue(s.end() - s.start() <= 120);
        if (i > 0) {
          Segmenter.Span p = spans.get(i - 1);
          assertTrue(s.start() > p.start() && s.end() > p.end());
          assertTrue(Math.max(0, p.end() - s.start()) <= 40, "overlap " + (p.end() - s.start()));
          assertTrue(text.substring(p.end(), Math.max(p.end(), s.start())).isBlank(), "gap with text");
        }
        prevEnd = s.end();
      }
      assertTrue(text.substring(prevEnd).isBlank());
    }
  }

  @Test
  void hardSplitsAnOverlongWordAndSegmentsKeepProvenance() {
    String text = "x".repeat(25);
    List<Segmenter.Span> spans = Segmenter.chars(10).spans(text);
    assertEquals(List.of(new Segmenter.Span(0, 10), new Segmenter.Span(10, 20), new Segmenter.Span(20, 25)), spans);
    Document d = new Document("doc", "Alpha beta. Gamma delta.", "src", java.util.Map.of("k", "v"));
    List<Document> segs = Segmenter.chars(12).split(d);
    assertEquals(2, segs.size());
    assertEquals("doc#12", segs.get(1).id());
    assertEquals("Gamma delta.", segs.get(1).text());
    assertEquals("doc", segs.get(1).metadata().get("document.id"));
    assertEquals("12", segs.get(1).metadata().get("segment.start"));
    assertEquals("24", segs.get(1).metadata().get("segment.end"));
    assertEquals("v", segs.get(1).metadata().get("k"));
    assertTrue(Segmenter.chars(5).spans("   \n\n ").isEmpty());
  }

  @Test
  void segmenterValidates() {
    assertThrows(ConfigurationException.class, () -> Segmenter.builder().build());
    assertThrows(ConfigurationException.class, () -> Segmenter.builder().maxChars(10).overlap(10).build());
    assertThrows(ConfigurationException.class, () -> Segmenter.builder().maxChars(10).maxTokens(5, String::length).build());
    assertThrows(ConfigurationException.class, () -> Segmenter.builder().maxTokens(0, String::length).build());
  }

  @Test
  void segmentedCorpusSamplesSegmentsWithProvenance() {
    List<Document> docs = List.of(
        Document.of("a", "One sentence here. Another sentence there. A third one.", "t"),
        Document.of("b", "Short.", "t"));
    Corpus c = Corpora.memory(docs).segment(Segmenter.chars(20)).build();
    assertEquals(4, c.size().orElseThrow());
    assertEquals(2, c.stats().documents());
    assertEquals(4, c.stats().entries());
    for (Document d : c.next(4)) {
      String parent = d.metadata().get("document.id");
      int s = Integer.parseInt(d.metadata().get("segment.start"));
      int e = Integer.parseInt(d.metadata().get("segment.end"));
      String full = docs.stream().filter(x -> x.id().equals(parent)).findFirst().orElseThrow().text();
      assertEquals(full.substring(s, e), d.text());
      assertEquals(parent + "#" + s, d.id());
      assertEquals("memory", d.source());
    }
  }

  @Test
  void filtersAndDedupAreCountedByName() {
    List<Document> docs = new ArrayList<>();
    docs.add(Document.of("ok1", "A perfectly normal document about rivers and hills.", "t"));
    docs.add(Document.of("dup", "A perfectly normal document about rivers and hills.", "t"));
    docs.add(Document.of("short", "Hi", "t"));
    docs.add(Document.of("digits", "1234 5678 9012 3456 7890 1234 5678 9012 !!!! ####", "t"));
    docs.add(Document.of("repeat", "buy now\nbuy now\nbuy now\nbuy now\nsomething else", "t"));
    docs.add(Document.of("ok2", "Another fine text, with words and letters in it.", "t"));
    Corpus c = Corpora.memory(docs)
        .filter(DocumentFilters.length(10, 1000))
        .filter(DocumentFilters.junk())
        .deduplicate(Deduplicator::exact)
        .build();
    assertEquals(2, c.size().orElseThrow());
    assertEquals(java.util.Map.of("length", 1L, "junk", 2L, "duplicate", 1L), c.stats().removed());
    assertEquals(4, c.stats().removedTotal());
    assertThrows(ConfigurationException.class, () -> DocumentFilters.length(5, 4));
    assertThrows(ConfigurationException.class, () -> DocumentFilters.junk(1.5, 0.1));
  }

  @Test
  void exactDeduplicatorOnManyDocuments() {
    Deduplicator d = Deduplicator.exact();
    for (int i = 0; i < 20000; i++) {
      assertTrue(d.firstSeen(Document.of("x" + i, "text " + i, "t")));
    }
    for (int i = 0; i < 20000; i += 7) {
      assertFalse(d.firstSeen(Document.of("y" + i, "text " + i, "t")));
    }
  }

  @Test
  void nearDuplicatesAreFoundAndDistinctTextsKept() {
    Random r = new Random(3);
    Deduplicator d = Deduplicator.nearDuplicates(0.8, 7);
    List<String> originals = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      String t = randomText(r, 3);
      originals.add(t);
      assertTrue(d.firstSeen(Document.of("o" + i, t, "t")), "distinct text " + i + " taken as duplicate");
    }
    int caught = 0;
    for (int i = 0; i < 200; i++) {
      String[] w = originals.get(i).split(" ");
      if (w.length < 60) {
        continue;
      }
      w[w.length / 2] = "CHANGED"; // one word of >= 60 changed: Jaccard of 5-shingles about 0.85+
      caught += d.firstSeen(Document.of("n" + i, String.join(" ", w), "t")) ? 0 : 1;
    }
    long eligible = originals.stream().filter(t -> t.split(" ").length >= 60).count();
    assertTrue(eligible > 20);
    assertTrue(caught >= eligible * 0.9, caught + " of " + eligible);
  }
}
